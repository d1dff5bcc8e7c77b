#!/usr/bin/env python3
"""Every network's 2026/27 workplan taken through its whole chain over the portal's API, for the
benchmark's workplan dashboard: drafted by the network manager with 20 deliverables, agreed by the
board (chair), submitted (clinical lead), agreed by each ICB of the footprint, signed off by the
lead region; progress recorded on half the deliverables and the reports of the quarters that have
ended. The same plans as `cargo bench -p tests --bench workplans`, made by the roles that make
them, each with a token of its own from `portal token`.

    make-workplans.py URL PORTAL_BINARY        (PORTAL_DATA_DIR as the running portal's)
"""
import datetime
import json
import subprocess
import sys
import urllib.request

url, portal = sys.argv[1], sys.argv[2]
DELIVERABLES = 20
tokens = {}


def token(grant):
    if grant not in tokens:
        sub = "bench-" + grant.lower().replace(":", "-")
        tokens[grant] = subprocess.run(
            [portal, "token", "--sub", sub, "--name", f"Bench {grant}", "--grant", grant, "--hours", "1"],
            capture_output=True, text=True, check=True).stdout.strip()
    return tokens[grant]


def ok(grant, query, variables=None):
    request = urllib.request.Request(url, json.dumps({"query": query, "variables": variables or {}}).encode(), {
        "content-type": "application/json", "accept": "application/json",
        "authorization": f"Bearer {token(grant)}"})
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    if body.get("errors"):
        raise SystemExit(f"{grant}: {body['errors']}")
    return next(iter(body["data"].values()))


def step(grant, name, plan, extra=""):
    return ok(grant, f"mutation($id: Int!, $v: Int!) {{ {name}(id: $id, expectedVersion: $v{extra}) "
                     "{ id version deliverables { id version } } }", {"id": plan["id"], "v": plan["version"]})


def deliverable(i):
    return {"title": f"Deliverable {i}", "expectedBenefits": "Shorter waits.", "owner": "Network manager",
            "dueOn": f"2026-{4 + i % 9:02}-28", "qualityImprovement": i == 0,
            "indicators": [{"code": "CES_MRI_WITHIN_4_HOURS", "baseline": 60, "target": 90}]}


networks = ok("NATIONAL_VIEWER", "{ networks { nodes { code leadRegion { code } footprint { icb { code } } } } }")
half = DELIVERABLES // 2
content = {
    "priorities": [{"level": "NATIONAL", "text": "Cauda equina pathway", "source": "GIRFT"}],
    "objectives": [
        {"function": "SERVICE_DELIVERY", "title": "Emergency pathways", "deliverables": [deliverable(i) for i in range(half)]},
        {"function": "QUALITY", "title": "Outcomes", "deliverables": [deliverable(i) for i in range(half, DELIVERABLES)]},
    ],
}
today = datetime.date.today()
ended = [q for q, end in enumerate([(2026, 6, 30), (2026, 9, 30), (2026, 12, 31), (2027, 3, 31)], 1)
         if datetime.date(*end) < today]
for network in networks["nodes"]:
    code = network["code"]
    manager = f"NETWORK_MANAGER:{code}"
    plan = ok(manager, "mutation($n: String!, $c: WorkplanContentInput!) { draftWorkplan(network: $n, "
                       "financialYear: \"2026/27\", content: $c) { id version } }", {"n": code, "c": content})
    plan = step(f"NETWORK_CHAIR:{code}", "recordWorkplanBoardAgreement", plan, ', meeting: "Board"')
    plan = step(f"NETWORK_CLINICAL_LEAD:{code}", "submitWorkplan", plan)
    for icb in sorted({f["icb"]["code"] for f in network["footprint"]}):
        plan = step(f"ICB_COMMISSIONER:{icb}", "agreeWorkplanForIcb", plan, f', icb: "{icb}"')
    plan = step(f"REGIONAL_LEAD:{network['leadRegion']['code']}", "signOffWorkplan", plan)
    for i, d in enumerate(plan["deliverables"][:half]):
        ok(manager, f"mutation($d: Int!, $v: Int!) {{ recordDeliverableProgress(deliverableId: $d, expectedVersion: $v, "
                    f"status: {['BLUE', 'AMBER', 'RED'][i % 3]}, note: \"Progress.\") {{ id }} }}",
           {"d": d["id"], "v": d["version"]})
    for quarter in ended:
        ok(manager, "mutation($n: String!, $q: Int!) { submitProgressReport(network: $n, financialYear: \"2026/27\", "
                    "quarter: $q, narrative: \"On track.\") { id } }", {"n": code, "q": quarter})
print(f"{len(networks['nodes'])} networks' 2026/27 plans, {DELIVERABLES} deliverables each, quarters reported: {ended}")
