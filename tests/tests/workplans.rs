//! Annual workplans and annual reports over HTTP: the agreement chain across regions and ICB
//! closures, returns and races, the role × operation matrix, delivery, progress reports, the
//! dashboard, the derived generic indicators and the events.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::subscriptions::WsClient;
use crate::support::{
    self, Db, TestApp, call_as as call, error_codes, the_field as ok, the_refusal as refused,
    token_for as as_,
};

on_both_databases!(
    the_chain_across_two_regions_needs_every_icb_and_only_the_lead_region,
    a_successor_agrees_in_place_of_an_icb_that_closed_before_agreeing,
    a_return_voids_the_agreements_and_racing_steps_do_not_both_win,
    every_operation_refuses_every_role_it_is_not_for_and_changes_nothing,
    delivery_progress_reports_the_dashboard_and_the_annual_report,
    workplan_events_reach_only_subscribers_in_scope,
    the_dashboard_costs_the_same_statements_for_one_plan_and_for_two,
);

const PLAN: &str = "id status version versionNo inForce financialYear networkCode returnedComments
    requiredAgreements { icbCode agreed }
    completeness { code deliverableReference }
    deliverables { id reference status version qualityImprovement pastDue }
    decisions { kind icbCode citation comments decidedByName void }";

fn content() -> Value {
    json!({
        "priorities": [
            { "level": "NATIONAL", "text": "Deliver the National Suspected Cauda Equina Syndrome Pathway", "source": "GIRFT national pathway" },
            { "level": "LOCAL", "text": "Repatriation between hubs and partners", "source": "Network needs analysis 2025" }
        ],
        "resources": { "fundingGbp": 250000, "teamWte": 3.4, "analyticalSupport": "0.5 WTE from the host's BI team" },
        "objectives": [
            { "function": "SERVICE_DELIVERY", "title": "Emergency MRI within 4 hours", "deliverables": [
                { "reference": "CES-1", "title": "24/7 MRI access at both hubs", "expectedBenefits": "Faster diagnosis of cauda equina syndrome",
                  "owner": "Network manager", "dueOn": "2026-09-30", "qualityImprovement": true,
                  "indicators": [{ "code": "CES_MRI_WITHIN_4_HOURS", "baseline": 62, "target": 90 }] },
                { "title": "Repatriation policy agreed", "owner": "Clinical lead", "dueOn": "2027-03-31" }
            ] },
            { "function": "WORKFORCE", "title": "A network training plan" }
        ]
    })
}

async fn draft(app: &TestApp, network: &str) -> Value {
    ok(call(
        app,
        &format!("NETWORK_MANAGER:{network}"),
        &format!("mutation($n: String!, $c: WorkplanContentInput!) {{ draftWorkplan(network: $n, financialYear: \"2026/27\", content: $c) {{ {PLAN} }} }}"),
        json!({ "n": network, "c": content() }),
    )
    .await)
}

/// Runs one step `mutation` (`id`, `expectedVersion` and `extra` arguments) as `grant`.
async fn step(app: &TestApp, grant: &str, mutation: &str, plan: &Value, extra: &str) -> Value {
    call(
        app,
        grant,
        &format!("mutation($id: Int!, $v: Int!) {{ {mutation}(id: $id, expectedVersion: $v{extra}) {{ {PLAN} }} }}"),
        json!({ "id": plan["id"], "v": plan["version"] }),
    )
    .await
}

async fn board(app: &TestApp, network: &str, plan: &Value) -> Value {
    ok(step(
        app,
        &format!("NETWORK_CHAIR:{network}"),
        "recordWorkplanBoardAgreement",
        plan,
        ", meeting: \"Network board, 12 March 2026, minute 4\"",
    )
    .await)
}

async fn submit(app: &TestApp, network: &str, plan: &Value) -> Value {
    ok(step(
        app,
        &format!("NETWORK_CLINICAL_LEAD:{network}"),
        "submitWorkplan",
        plan,
        "",
    )
    .await)
}

async fn agree(app: &TestApp, icb: &str, plan: &Value) -> Value {
    step(
        app,
        &format!("ICB_COMMISSIONER:{icb}"),
        "agreeWorkplanForIcb",
        plan,
        &format!(", icb: \"{icb}\", committeeDecision: \"JSCC decision 2026/14\""),
    )
    .await
}

async fn read(app: &TestApp, grant: &str, plan: &Value) -> Value {
    call(
        app,
        grant,
        &format!("query($id: Int!) {{ workplan(id: $id) {{ {PLAN} }} }}"),
        json!({ "id": plan["id"] }),
    )
    .await
}

/// The derived value of `code` for `network`'s 2026/27, if any.
async fn derived(app: &TestApp, code: &str, network: &str) -> Option<f64> {
    let values = app
        .admin(
            "query($c: String!, $o: String!) { indicatorValues(indicator: $c, organisation: $o, from: \"2026-04-01\", to: \"2026-04-01\") { value submittedBy } }",
            json!({ "c": code, "o": network }),
        )
        .await;
    values["indicatorValues"][0]["value"].as_f64()
}

/// A plan for `network` taken through the chain to IN_DELIVERY.
async fn in_force(app: &TestApp, network: &str, icbs: &[&str], region: &str) -> Value {
    let plan = draft(app, network).await;
    let plan = board(app, network, &plan).await;
    let mut plan = submit(app, network, &plan).await;
    for icb in icbs {
        plan = ok(agree(app, icb, &plan).await);
    }
    ok(step(
        app,
        &format!("REGIONAL_LEAD:{region}"),
        "signOffWorkplan",
        &plan,
        "",
    )
    .await)
}

/// South East London and Kent is led from London (Y56) and reaches into the South East (Kent
/// and Medway, QKS, of Y59).
async fn the_chain_across_two_regions_needs_every_icb_and_only_the_lead_region(app: TestApp) {
    let plan = draft(&app, "SELK").await;
    assert_eq!(plan["status"], "DRAFT");
    assert_eq!(plan["versionNo"], 1);
    let gaps: Vec<&str> = plan["completeness"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        gaps,
        [
            "DELIVERABLE_WITHOUT_INDICATOR",
            "DELIVERABLE_WITHOUT_BENEFITS",
            "FUNCTION_WITHOUT_DELIVERABLE"
        ],
        "reported, not enforced: {plan}"
    );
    assert_eq!(
        plan["deliverables"][1]["reference"], "D1",
        "a reference is given when left out"
    );
    assert_eq!(
        derived(&app, "GENERIC_AGREED_WORKPLAN", "SELK").await,
        Some(0.0)
    );

    // Out of order: the clinical lead cannot submit before the board agreed.
    let early = step(
        &app,
        "NETWORK_CLINICAL_LEAD:SELK",
        "submitWorkplan",
        &plan,
        "",
    )
    .await;
    assert_eq!(refused(&early), "BAD_USER_INPUT");
    assert!(
        early["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("NETWORK_CHAIR"),
        "{early}"
    );
    // The chair should not be the clinical lead (specification §5.2): one person holding both
    // grants is refused.
    let both = app.token_as(
        "chair-and-lead",
        "Chair And Lead",
        &["NETWORK_CHAIR:SELK", "NETWORK_CLINICAL_LEAD:SELK"],
    );
    let body = app
        .query_with(
            &both,
            "mutation($id: Int!, $v: Int!) { recordWorkplanBoardAgreement(id: $id, expectedVersion: $v, meeting: \"Board\") { status } }",
            json!({ "id": plan["id"], "v": plan["version"] }),
        )
        .await;
    assert_eq!(refused(&body), "FORBIDDEN");
    let plan = board(&app, "SELK", &plan).await;
    assert_eq!(plan["status"], "BOARD_AGREED");
    let plan = submit(&app, "SELK", &plan).await;
    assert_eq!(plan["status"], "SUBMITTED");
    let required: Vec<&str> = plan["requiredAgreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["icbCode"].as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        ["QKK", "QKS"],
        "the footprint on the day of submission"
    );

    // Nobody signs off before the last agreement.
    let early = step(&app, "REGIONAL_LEAD:Y56", "signOffWorkplan", &plan, "").await;
    assert_eq!(refused(&early), "BAD_USER_INPUT");
    let plan = ok(agree(&app, "QKK", &plan).await);
    assert_eq!(plan["status"], "SUBMITTED");
    let again = agree(&app, "QKK", &plan).await;
    assert_eq!(
        refused(&again),
        "BAD_USER_INPUT",
        "a second agreement by the same ICB"
    );
    assert!(
        again["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already agreed"),
        "{again}"
    );
    assert_eq!(
        derived(&app, "GENERIC_AGREED_WORKPLAN", "SELK").await,
        Some(0.0)
    );
    let plan = ok(agree(&app, "QKS", &plan).await);
    assert_eq!(plan["status"], "AGREED_BY_ICBS");
    assert!(
        plan["requiredAgreements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["agreed"] == true)
    );
    assert_eq!(
        derived(&app, "GENERIC_AGREED_WORKPLAN", "SELK").await,
        Some(1.0),
        "derived when every ICB agreed"
    );
    assert_eq!(
        derived(&app, "GENERIC_QI_INITIATIVE", "SELK").await,
        Some(1.0)
    );
    assert_eq!(
        derived(&app, "GENERIC_ANNUAL_REPORT", "SELK").await,
        Some(0.0)
    );

    // The South East reaches into the network and reads the plan, but only London signs off.
    assert_eq!(
        ok(read(&app, "REGIONAL_LEAD:Y59", &plan).await)["status"],
        "AGREED_BY_ICBS"
    );
    let not_lead = step(&app, "REGIONAL_LEAD:Y59", "signOffWorkplan", &plan, "").await;
    assert_eq!(refused(&not_lead), "FORBIDDEN");
    assert!(
        not_lead["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Y56"),
        "{not_lead}"
    );
    let plan = ok(step(
        &app,
        "REGIONAL_LEAD:Y56",
        "signOffWorkplan",
        &plan,
        ", note: \"Signed off at the regional board\"",
    )
    .await);
    assert_eq!(plan["status"], "IN_DELIVERY");
    assert_eq!(plan["inForce"], true);
    let kinds: Vec<&str> = plan["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "BOARD_AGREED",
            "SUBMITTED",
            "ICB_AGREED",
            "ICB_AGREED",
            "REGION_SIGNED_OFF"
        ]
    );
    assert_eq!(plan["decisions"][2]["citation"], "JSCC decision 2026/14");
    assert_eq!(
        plan["decisions"][2]["decidedByName"],
        "Holder of ICB_COMMISSIONER:QKK"
    );

    // A typed value for a derived indicator is refused, even from a national administrator.
    let typed = call(
        &app,
        "NATIONAL_ADMIN",
        "mutation { submitIndicatorValues(input: { values: [{ indicator: \"GENERIC_AGREED_WORKPLAN\", organisation: \"WESSEX\", period: \"2026-04-01\", value: 1, status: VALIDATED }] }) { created } }",
        json!({}),
    )
    .await;
    assert_eq!(refused(&typed), "BAD_USER_INPUT");
    assert!(
        typed["errors"][0]["extensions"]["problems"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("derived by the portal"),
        "{typed}"
    );

    // Members read the plan in force; the audit log holds every step.
    assert_eq!(
        ok(read(&app, "PROVIDER_CEO:RJZ", &plan).await)["status"],
        "IN_DELIVERY"
    );
    let audit = app
        .admin(
            "{ auditLog(entityType: \"WORKPLAN\") { edges { node { action entityKey } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = audit["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    for action in [
        "WORKPLAN_DRAFTED",
        "WORKPLAN_BOARD_AGREED",
        "WORKPLAN_SUBMITTED",
        "WORKPLAN_AGREED_BY_ICB",
        "WORKPLAN_SIGNED_OFF",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }

    // An in-year change: a new version goes through the chain while the first stays in force.
    let v2 = ok(step(
        &app,
        "NETWORK_MANAGER:SELK",
        "startWorkplanVersion",
        &plan,
        ", reason: \"A new MRI scanner at King's\"",
    )
    .await);
    assert_eq!(
        (v2["versionNo"].as_i64(), v2["status"].as_str()),
        (Some(2), Some("DRAFT"))
    );
    assert_eq!(
        ok(read(&app, "NATIONAL_VIEWER", &plan).await)["inForce"],
        true
    );
    let second = step(
        &app,
        "NETWORK_MANAGER:SELK",
        "startWorkplanVersion",
        &plan,
        ", reason: \"again\"",
    )
    .await;
    assert_eq!(
        refused(&second),
        "CONFLICT",
        "one version in preparation at a time"
    );
    let frozen = step(
        &app,
        "NETWORK_MANAGER:SELK",
        "reviseWorkplan",
        &plan,
        ", content: {}",
    )
    .await;
    assert_eq!(
        refused(&frozen),
        "BAD_USER_INPUT",
        "nothing is edited after submission"
    );
    let v2 = board(&app, "SELK", &v2).await;
    let v2 = submit(&app, "SELK", &v2).await;
    let v2 = ok(agree(&app, "QKK", &v2).await);
    let v2 = ok(agree(&app, "QKS", &v2).await);
    let v2 = ok(step(&app, "REGIONAL_LEAD:Y56", "signOffWorkplan", &v2, "").await);
    assert_eq!(v2["inForce"], true);
    assert_eq!(
        ok(read(&app, "NATIONAL_VIEWER", &plan).await)["status"],
        "SUPERSEDED"
    );
}

/// Surrey Heartlands (QXU) and Sussex (QNX) closed on 31 March 2026; Surrey and Sussex
/// (S9B9J) succeeded both. A plan submitted in March names the old ICBs.
async fn a_successor_agrees_in_place_of_an_icb_that_closed_before_agreeing(app: TestApp) {
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap());
    let plan = draft(&app, "SWLSS").await;
    let plan = board(&app, "SWLSS", &plan).await;
    let plan = submit(&app, "SWLSS", &plan).await;
    let frozen: Vec<&str> = plan["requiredAgreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["icbCode"].as_str().unwrap())
        .collect();
    assert_eq!(frozen, ["QNX", "QWE", "QXU"]);
    let plan = ok(agree(&app, "QXU", &plan).await);
    app.clock.set(support::now());
    let plan = ok(read(&app, "NATIONAL_VIEWER", &plan).await);
    let required: Vec<(&str, bool)> = plan["requiredAgreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["icbCode"].as_str().unwrap(),
                a["agreed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        required,
        [("QWE", false), ("QXU", true), ("S9B9J", false)],
        "Sussex's place is taken by its successor; Surrey's agreement stands"
    );
    // A closed ICB no longer reaches the network.
    assert_eq!(refused(&agree(&app, "QNX", &plan).await), "NOT_FOUND");
    let plan = ok(agree(&app, "QWE", &plan).await);
    let plan = ok(agree(&app, "S9B9J", &plan).await);
    assert_eq!(plan["status"], "AGREED_BY_ICBS");
}

async fn a_return_voids_the_agreements_and_racing_steps_do_not_both_win(app: TestApp) {
    let plan = draft(&app, "SELK").await;
    let plan = board(&app, "SELK", &plan).await;
    let plan = submit(&app, "SELK", &plan).await;
    let plan = ok(agree(&app, "QKK", &plan).await);
    let returned = ok(step(
        &app,
        "ICB_COMMISSIONER:QKS",
        "returnWorkplanForIcb",
        &plan,
        ", icb: \"QKS\", comments: \"No deliverable for Kent's spinal infection pathway.\"",
    )
    .await);
    assert_eq!(returned["status"], "DRAFT");
    assert!(
        returned["returnedComments"]
            .as_str()
            .unwrap()
            .starts_with("QKS: No deliverable")
    );
    let voided: Vec<(&str, bool)> = returned["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["void"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        voided,
        [
            ("BOARD_AGREED", false),
            ("SUBMITTED", false),
            ("ICB_AGREED", true),
            ("ICB_RETURNED", false)
        ]
    );
    // The stale version is refused and changes nothing.
    let stale = agree(&app, "QKS", &plan).await;
    assert_eq!(
        refused(&stale),
        "CONFLICT",
        "a stale view is a conflict: {stale}"
    );
    let plan = board(&app, "SELK", &returned).await;
    let plan = submit(&app, "SELK", &plan).await;
    assert!(
        plan["requiredAgreements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["agreed"] == false),
        "a new submission starts afresh"
    );

    // Two ICBs agreeing at once both count.
    let (a, b) = tokio::join!(agree(&app, "QKK", &plan), agree(&app, "QKS", &plan));
    ok(a);
    ok(b);
    let plan = ok(read(&app, "NATIONAL_VIEWER", &plan).await);
    assert_eq!(plan["status"], "AGREED_BY_ICBS", "{plan}");

    // Sign-off and return at once: one wins, the other is a conflict.
    let (signed, back) = tokio::join!(
        step(&app, "REGIONAL_LEAD:Y56", "signOffWorkplan", &plan, ""),
        step(
            &app,
            "REGIONAL_LEAD:Y56",
            "returnWorkplanFromRegion",
            &plan,
            ", comments: \"Resources do not cover the MRI deliverable.\""
        )
    );
    let outcomes = [error_codes(&signed), error_codes(&back)];
    assert_eq!(
        outcomes.iter().filter(|c| c.is_empty()).count(),
        1,
        "{signed} {back}"
    );
    assert!(
        outcomes.iter().any(|c| c == &["CONFLICT"]),
        "{signed} {back}"
    );
    let after = ok(read(&app, "NATIONAL_VIEWER", &plan).await);
    let expected = if error_codes(&signed).is_empty() {
        "IN_DELIVERY"
    } else {
        "DRAFT"
    };
    assert_eq!(after["status"], expected);
    assert_eq!(
        after["version"].as_i64(),
        Some(plan["version"].as_i64().unwrap() + 1)
    );
}

/// Everyone but the one role a step is for is refused, with NOT_FOUND where the plan is out of
/// their reach and FORBIDDEN where they see it, and the plan stays as it was.
async fn every_operation_refuses_every_role_it_is_not_for_and_changes_nothing(app: TestApp) {
    const EVERYONE: [&str; 15] = [
        "NETWORK_MANAGER:SELK",
        "NETWORK_CLINICAL_LEAD:SELK",
        "NETWORK_CHAIR:SELK",
        "NETWORK_MANAGER:WESSEX",
        "ICB_COMMISSIONER:QKK",
        "ICB_COMMISSIONER:QRL",
        "REGIONAL_LEAD:Y56",
        "REGIONAL_LEAD:Y59",
        "REGIONAL_LEAD:Y63",
        "PROVIDER_CEO:RJZ",
        "PROVIDER_CEO:RHM",
        "NATIONAL_ADMIN",
        "NATIONAL_VIEWER",
        "INTEGRATION:network=SELK",
        "HQIP_ASSOCIATE_DIRECTOR",
    ];
    // Who reads a plan in preparation: the network's governance.
    let governance = |g: &str| {
        ![
            "NETWORK_MANAGER:WESSEX",
            "ICB_COMMISSIONER:QRL",
            "REGIONAL_LEAD:Y63",
            "PROVIDER_CEO:RJZ",
            "PROVIDER_CEO:RHM",
            "HQIP_ASSOCIATE_DIRECTOR",
        ]
        .contains(&g)
    };
    let plan = draft(&app, "SELK").await;
    for grant in EVERYONE {
        let body = read(&app, grant, &plan).await;
        if governance(grant) {
            assert_eq!(ok(body)["status"], "DRAFT", "{grant}");
        } else {
            assert_eq!(refused(&body), "NOT_FOUND", "{grant} must not see a draft");
            assert!(body["data"]["workplan"].is_null());
        }
        let listed = ok(call(
            &app,
            grant,
            "{ workplans(network: \"SELK\") { id } }",
            json!({}),
        )
        .await);
        assert_eq!(
            listed.as_array().unwrap().len(),
            usize::from(governance(grant)),
            "{grant}"
        );
        let dashboard = ok(call(
            &app,
            grant,
            "{ workplanDashboard(financialYear: \"2026/27\") { networkCode status } }",
            json!({}),
        )
        .await);
        let selk = dashboard
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["networkCode"] == "SELK");
        assert_eq!(selk, governance(grant), "{grant}: {dashboard}");
    }
    let content = json!({ "c": content() });
    let draft_as = |grant: &'static str| {
        let app = &app;
        let content = content.clone();
        async move {
            call(app, grant, "mutation($c: WorkplanContentInput!) { draftWorkplan(network: \"SELK\", financialYear: \"2027/28\", content: $c) { id } }", content).await
        }
    };
    // Each step: who may take it (the network team revises), from the state the plan is in
    // now, and whether the test then takes it.
    let steps: [(&str, &str, &[&str], bool); 4] = [
        (
            "reviseWorkplan",
            ", content: {}",
            &["NETWORK_MANAGER:SELK", "NETWORK_CLINICAL_LEAD:SELK"],
            false,
        ),
        (
            "recordWorkplanBoardAgreement",
            ", meeting: \"Board, minute 3\"",
            &["NETWORK_CHAIR:SELK"],
            true,
        ),
        ("submitWorkplan", "", &["NETWORK_CLINICAL_LEAD:SELK"], true),
        (
            "agreeWorkplanForIcb",
            ", icb: \"QKK\"",
            &["ICB_COMMISSIONER:QKK"],
            true,
        ),
    ];
    let mut plan = plan;
    for (mutation, extra, allowed, take) in steps {
        for grant in EVERYONE.iter().filter(|g| !allowed.contains(g)) {
            let body = step(&app, grant, mutation, &plan, extra).await;
            let expected = if governance(grant) {
                "FORBIDDEN"
            } else {
                "NOT_FOUND"
            };
            assert_eq!(refused(&body), expected, "{grant} {mutation}: {body}");
        }
        let unchanged = ok(read(&app, "NATIONAL_VIEWER", &plan).await);
        assert_eq!(
            unchanged["version"], plan["version"],
            "{mutation}: refusals changed nothing"
        );
        if take {
            plan = ok(step(&app, allowed[0], mutation, &plan, extra).await);
        }
    }
    for grant in EVERYONE.iter().filter(|g| {
        !g.starts_with("NETWORK_MANAGER:SELK") && !g.starts_with("NETWORK_CLINICAL_LEAD:SELK")
    }) {
        let body = draft_as(grant).await;
        let expected = if governance(grant) {
            "FORBIDDEN"
        } else {
            "NOT_FOUND"
        };
        assert_eq!(refused(&body), expected, "{grant} draftWorkplan: {body}");
    }
    let plan = ok(agree(&app, "QKS", &plan).await);
    for grant in EVERYONE.iter().filter(|g| **g != "REGIONAL_LEAD:Y56") {
        for (mutation, extra) in [
            ("signOffWorkplan", ""),
            ("returnWorkplanFromRegion", ", comments: \"No.\""),
        ] {
            let body = step(&app, grant, mutation, &plan, extra).await;
            let expected = if governance(grant) {
                "FORBIDDEN"
            } else {
                "NOT_FOUND"
            };
            assert_eq!(refused(&body), expected, "{grant} {mutation}: {body}");
        }
    }
    let plan = ok(step(&app, "REGIONAL_LEAD:Y56", "signOffWorkplan", &plan, "").await);
    // Signed off: its member providers read it now, others still do not.
    assert_eq!(
        ok(read(&app, "PROVIDER_CEO:RJZ", &plan).await)["status"],
        "IN_DELIVERY"
    );
    assert_eq!(
        refused(&read(&app, "PROVIDER_CEO:RHM", &plan).await),
        "NOT_FOUND"
    );
    let deliverable = &plan["deliverables"][0];
    for grant in EVERYONE.iter().filter(|g| {
        !g.starts_with("NETWORK_MANAGER:SELK") && !g.starts_with("NETWORK_CLINICAL_LEAD:SELK")
    }) {
        let body = call(
            &app,
            grant,
            "mutation($d: Int!, $v: Int!) { recordDeliverableProgress(deliverableId: $d, expectedVersion: $v, status: AMBER, note: \"Scanner delayed\") { status } }",
            json!({ "d": deliverable["id"], "v": deliverable["version"] }),
        )
        .await;
        // A member provider's CEO and HQIP read the signed-off plan, but may not act on it.
        let reads_it =
            governance(grant) || ["PROVIDER_CEO:RJZ", "HQIP_ASSOCIATE_DIRECTOR"].contains(grant);
        let expected = if reads_it { "FORBIDDEN" } else { "NOT_FOUND" };
        assert_eq!(
            refused(&body),
            expected,
            "{grant} recordDeliverableProgress: {body}"
        );
    }
}

async fn delivery_progress_reports_the_dashboard_and_the_annual_report(app: TestApp) {
    let plan = in_force(&app, "SELK", &["QKK", "QKS"], "Y56").await;
    let ces = plan["deliverables"][0].clone();
    assert_eq!(
        ces["pastDue"], true,
        "CES-1 was due on 30 September and is not complete"
    );
    let amber = ok(call(
        &app,
        "NETWORK_MANAGER:SELK",
        "mutation($d: Int!, $v: Int!) { recordDeliverableProgress(deliverableId: $d, expectedVersion: $v, status: AMBER, note: \"The second scanner arrives in December.\") { status version updates { status note recordedByName } } }",
        json!({ "d": ces["id"], "v": ces["version"] }),
    )
    .await);
    assert_eq!(amber["status"], "AMBER");
    assert_eq!(
        amber["updates"][0]["recordedByName"],
        "Holder of NETWORK_MANAGER:SELK"
    );
    let stale = call(
        &app,
        "NETWORK_MANAGER:SELK",
        "mutation($d: Int!, $v: Int!) { recordDeliverableProgress(deliverableId: $d, expectedVersion: $v, status: RED, note: \"x\") { status } }",
        json!({ "d": ces["id"], "v": ces["version"] }),
    )
    .await;
    assert_eq!(refused(&stale), "CONFLICT");

    // The pathway figures the deliverable is measured by, from the hubs.
    ok(call(
        &app,
        "PROVIDER_SUBMITTER:RJZ",
        "mutation { submitIndicatorValues(input: { values: [{ indicator: \"CES_MRI_WITHIN_4_HOURS\", organisation: \"RJZ\", period: \"2026-08-01\", numerator: 70, denominator: 100, status: VALIDATED }, { indicator: \"CES_MRI_WITHIN_4_HOURS\", organisation: \"RJZ\", period: \"2026-10-01\", numerator: 5, denominator: 5, status: VALIDATED }] }) { created } }",
        json!({}),
    )
    .await);
    ok(call(
        &app,
        "PROVIDER_SUBMITTER:RJ1",
        "mutation { submitIndicatorValues(input: { values: [{ indicator: \"CES_MRI_WITHIN_4_HOURS\", organisation: \"RJ1\", period: \"2026-08-01\", numerator: 90, denominator: 100, status: VALIDATED }] }) { created } }",
        json!({}),
    )
    .await);
    let report_q = |quarter: i32| {
        let app = &app;
        async move {
            call(
                app,
                "NETWORK_CLINICAL_LEAD:SELK",
                "mutation($q: Int!) { submitProgressReport(network: \"SELK\", financialYear: \"2026/27\", quarter: $q, narrative: \"MRI access improving.\") { quarter dueOn deliverables { reference status pastDue indicators { code target period value suppressed } } risks { reference score band } } }",
                json!({ "q": quarter }),
            )
            .await
        }
    };
    // The risks open on the register and raised by the quarter's end go into the report.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 9, 15, 9, 0, 0).unwrap());
    let risk = ok(call(
        &app,
        "NETWORK_MANAGER:SELK",
        "mutation { raiseRisk(input: { network: \"SELK\", kind: DELIVERY, title: \"MRI scanner delivery slips\", owner: \"Network manager\", likelihood: 4, consequence: 3, targetScore: 4, reviewOn: \"2026-12-01\" }) { reference } }",
        json!({}),
    )
    .await);
    app.clock.set(support::now());
    let q2 = ok(report_q(2).await);
    assert_eq!(
        q2["risks"],
        json!([{ "reference": risk["reference"], "score": 12, "band": "HIGH" }])
    );
    assert_eq!(q2["dueOn"], "2026-10-30");
    // Reports are for the network's governance; a member provider reads the plan, not them.
    let reports = |grant: &'static str| {
        let (app, plan) = (&app, &plan);
        async move {
            ok(call(
                app,
                grant,
                "query($id: Int!) { workplan(id: $id) { progressReports { quarter } } }",
                json!({ "id": plan["id"] }),
            )
            .await)["progressReports"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(
        (
            reports("ICB_COMMISSIONER:QKS").await,
            reports("PROVIDER_CEO:RJZ").await
        ),
        (1, 0)
    );
    let snapshot = &q2["deliverables"][0];
    assert_eq!(snapshot["status"], "AMBER");
    assert_eq!(
        snapshot["indicators"][0]["period"], "2026-08-01",
        "the latest period by the quarter's end"
    );
    assert_eq!(
        snapshot["indicators"][0]["value"], 80.0,
        "both hubs combined: 160 of 200"
    );
    assert_eq!(
        refused(&report_q(2).await),
        "CONFLICT",
        "one report per quarter"
    );
    assert_eq!(
        refused(&report_q(3).await),
        "BAD_USER_INPUT",
        "Q3 has not ended on 22 November"
    );

    // The clock announces CES-1 past due once.
    let first = graphql::service::workplan::tick(&app.state).await.unwrap();
    let second = graphql::service::workplan::tick(&app.state).await.unwrap();
    assert_eq!((first.past_due, second.past_due), (1, 0));

    let dashboard = ok(call(
        &app,
        "ICB_COMMISSIONER:QKS",
        "{ workplanDashboard(financialYear: \"2026/27\") { networkCode status icbsRequired icbsAgreed deliverables { blue green amber red } deliverablesPastDue progressReportsOverdue inForce { versionNo } } }",
        json!({}),
    )
    .await);
    assert_eq!(
        dashboard.as_array().unwrap().len(),
        1,
        "Kent and Medway's one network: {dashboard}"
    );
    let row = &dashboard[0];
    assert_eq!(row["status"], "IN_DELIVERY");
    assert_eq!(
        row["deliverables"],
        json!({ "blue": 0, "green": 1, "amber": 1, "red": 0 })
    );
    assert_eq!(row["deliverablesPastDue"], 1);
    assert_eq!(
        row["progressReportsOverdue"],
        json!([1]),
        "Q1 was due on 30 July"
    );

    // The annual report, once the year has ended.
    let too_soon = call(
        &app,
        "NETWORK_MANAGER:SELK",
        "mutation { draftAnnualReport(network: \"SELK\", financialYear: \"2026/27\") { id } }",
        json!({}),
    )
    .await;
    assert_eq!(refused(&too_soon), "BAD_USER_INPUT");
    app.clock
        .set(Utc.with_ymd_and_hms(2027, 5, 3, 9, 0, 0).unwrap());
    const REPORT: &str = "id status version delivery { reference status commentary } outcomes { code value values } financialStatement { totalIncomeGbp varianceGbp } publishedAt";
    let report = ok(call(
        &app,
        "NETWORK_MANAGER:SELK",
        &format!("mutation {{ draftAnnualReport(network: \"SELK\", financialYear: \"2026/27\", activities: \"Two MRI pathways agreed.\") {{ {REPORT} }} }}"),
        json!({}),
    )
    .await);
    assert_eq!(
        report["delivery"][0],
        json!({ "reference": "CES-1", "status": "AMBER", "commentary": "" })
    );
    let report_step = |grant: &'static str,
                       mutation: &'static str,
                       report: Value,
                       extra: &'static str| {
        let app = &app;
        async move {
            call(
                app,
                grant,
                &format!("mutation($id: Int!, $v: Int!) {{ {mutation}(id: $id, expectedVersion: $v{extra}) {{ {REPORT} }} }}"),
                json!({ "id": report["id"], "v": report["version"] }),
            )
            .await
        }
    };
    let report = ok(report_step(
        "NETWORK_CHAIR:SELK",
        "approveAnnualReport",
        report,
        ", meeting: \"Board, 20 April 2027\"",
    )
    .await);
    let bare = report_step(
        "NETWORK_MANAGER:SELK",
        "publishAnnualReport",
        report.clone(),
        "",
    )
    .await;
    assert_eq!(refused(&bare), "BAD_USER_INPUT");
    assert!(
        bare["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("financial statement"),
        "{bare}"
    );
    let report = ok(report_step(
        "NETWORK_MANAGER:SELK",
        "reviseAnnualReport",
        report,
        ", revision: { delivery: [{ reference: \"CES-1\", commentary: \"One hub reached 24/7.\" }], financialStatement: { income: [{ label: \"NHS England\", amountGbp: 250000 }, { label: \"ICBs\", amountGbp: 30000 }], ringFencedAllocationGbp: 250000, expenditure: [{ label: \"Staff\", amountGbp: 240000 }, { label: \"=HYPERLINK(\\\"x\\\")\", amountGbp: 10000 }] } }",
    )
    .await);
    assert_eq!(
        report["status"], "DRAFT",
        "a revised report needs the board's approval again"
    );
    assert_eq!(
        report["financialStatement"],
        json!({ "totalIncomeGbp": 280000.0, "varianceGbp": 30000.0 })
    );
    let unapproved = report_step(
        "NETWORK_MANAGER:SELK",
        "publishAnnualReport",
        report.clone(),
        "",
    )
    .await;
    assert_eq!(refused(&unapproved), "BAD_USER_INPUT");
    let report = ok(report_step(
        "NETWORK_CHAIR:SELK",
        "approveAnnualReport",
        report,
        ", meeting: \"Board, 20 April 2027\"",
    )
    .await);
    let report = ok(report_step("NETWORK_MANAGER:SELK", "publishAnnualReport", report, "").await);
    assert_eq!(report["status"], "PUBLISHED");
    let outcome = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "CES_MRI_WITHIN_4_HOURS")
        .unwrap();
    assert_eq!(
        outcome["values"], 3,
        "frozen from the year's values: {outcome}"
    );
    assert_eq!(
        derived(&app, "GENERIC_ANNUAL_REPORT", "SELK").await,
        Some(1.0)
    );

    // Published: every signed-in user reads it and can export it.
    let csv = ok(call(
        &app,
        "PROVIDER_SUBMITTER:RHM",
        "query($id: Int!) { annualReport(id: $id) { export(format: CSV) } }",
        json!({ "id": report["id"] }),
    )
    .await)["export"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        csv.starts_with("section,reference,item,value,detail\n"),
        "{csv}"
    );
    assert!(
        csv.contains("variance,,income less expenditure,30000,GBP"),
        "{csv}"
    );
    assert!(
        csv.contains("'=HYPERLINK"),
        "a formula-like label is made inert: {csv}"
    );
}

async fn workplan_events_reach_only_subscribers_in_scope(app: TestApp) {
    const SUBSCRIPTION: &str = "subscription { workplanChanged { kind networkCode financialYear versionNo status icbCode } }";
    // On PostgreSQL the subscriber listens on another instance sharing the database.
    let other;
    let listening = if app.kind() == Db::Postgres {
        other = support::spawn_another_instance(&app).await;
        &other
    } else {
        &app
    };
    let mut network = WsClient::subscribe(
        listening,
        &as_(listening, "INTEGRATION:network=SELK"),
        SUBSCRIPTION,
    )
    .await;
    let mut member =
        WsClient::subscribe(listening, &as_(listening, "PROVIDER_CEO:RJZ"), SUBSCRIPTION).await;
    let mut stranger = WsClient::subscribe(
        listening,
        &as_(listening, "ICB_COMMISSIONER:QRL"),
        SUBSCRIPTION,
    )
    .await;
    in_force(&app, "SELK", &["QKK", "QKS"], "Y56").await;
    let kinds = |events: &[Value]| {
        events
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let seen = network.events(Duration::from_secs(3)).await;
    assert_eq!(
        kinds(&seen),
        [
            "DRAFT_CREATED",
            "BOARD_AGREED",
            "SUBMITTED",
            "ICB_AGREED",
            "ICB_AGREED",
            "SIGNED_OFF"
        ],
        "each once: {seen:?}"
    );
    assert_eq!(seen[3]["icbCode"], "QKK");
    assert_eq!(seen[5]["financialYear"], "2026/27");
    assert_eq!(
        kinds(&member.events(Duration::from_secs(1)).await),
        ["SIGNED_OFF"],
        "a member hears of the signed-off plan only"
    );
    assert!(stranger.events(Duration::from_secs(1)).await.is_empty());
}

/// No N+1: the dashboard's statements depend on the query's depth, not on networks or
/// deliverables (`cargo bench -p tests --bench workplans` measures 14 networks).
async fn the_dashboard_costs_the_same_statements_for_one_plan_and_for_two(app: TestApp) {
    const DASHBOARD: &str = "{ workplanDashboard(financialYear: \"2026/27\") { networkCode status icbsAgreed deliverables { amber } network { name } inForce { requiredAgreements { icbCode } deliverables { reference indicators { code } } progressReports { quarter } decisions { kind } } } }";
    let token = app.token(&["NATIONAL_VIEWER"]);
    let mut counts = Vec::new();
    for (network, icbs, region) in [
        ("SELK", &["QKK", "QKS"][..], "Y56"),
        ("WESSEX", &["QRL", "QVV"][..], "Y59"),
    ] {
        in_force(&app, network, icbs, region).await;
        app.query_with(&token, DASHBOARD, json!({})).await;
        let before = app.statements();
        assert!(
            app.query_with(&token, DASHBOARD, json!({}))
                .await
                .get("errors")
                .is_none()
        );
        counts.push(app.statements() - before);
    }
    eprintln!(
        "SQL statements for the workplan dashboard on {:?}: {counts:?}",
        app.kind()
    );
    assert_eq!(
        counts[0], counts[1],
        "the statement count grew with the plans"
    );
    assert!(
        counts[0] <= 16,
        "more statements than the depth explains: {}",
        counts[0]
    );
}
