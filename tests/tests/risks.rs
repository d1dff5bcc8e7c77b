//! The network risk register over HTTP: scores and bands, history, escalation with answers,
//! silence and further escalation, who may do what, and who hears of it.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::subscriptions::WsClient;
use crate::support::{
    self, Db, TestApp, call_as as call, the_field as ok, the_refusal as refused, token_for as as_,
};

on_both_databases!(
    every_score_has_its_band_and_a_rescore_keeps_the_old_one,
    an_escalation_is_answered_and_an_unanswered_one_goes_further,
    every_risk_operation_refuses_every_role_it_is_not_for,
    risk_events_reach_only_subscribers_who_read_the_risk,
);

const RISK: &str =
    "id reference version score band likelihood consequence status kind accountableCode
    history { action likelihood consequence score rationale }
    escalations { id step toCode accepted response overdue }
    actions { id version progress completedAt }";

/// A service risk in Wessex about University Hospital Southampton (RHM), raised by the manager.
async fn raise(app: &TestApp, grant: &str, kind: &str) -> Value {
    let accountable = if kind == "SERVICE" {
        json!({ "kind": "PROVIDER", "code": "RHM" })
    } else {
        Value::Null
    };
    call(
        app,
        grant,
        &format!("mutation($i: RaiseRiskInput!) {{ raiseRisk(input: $i) {{ {RISK} }} }}"),
        json!({ "i": {
            "network": "WESSEX", "kind": kind, "title": "MRI capacity for suspected cauda equina",
            "cause": "One scanner out of hours", "effect": "Delayed diagnosis", "accountable": accountable,
            "owner": "Network manager", "likelihood": 3, "consequence": 4, "targetScore": 6,
            "controls": "Mutual aid with Portsmouth", "reviewOn": "2027-01-15", "qualityConcern": true
        } }),
    )
    .await
}

async fn rescore(app: &TestApp, risk: &Value, l: i32, c: i32) -> Value {
    call(
        app,
        "NETWORK_MANAGER:WESSEX",
        &format!("mutation($id: Int!, $v: Int!, $l: Int!, $c: Int!) {{ rescoreRisk(id: $id, expectedVersion: $v, likelihood: $l, consequence: $c, rationale: \"Reviewed at the board\") {{ {RISK} }} }}"),
        json!({ "id": risk["id"], "v": risk["version"], "l": l, "c": c }),
    )
    .await
}

async fn escalate(app: &TestApp, risk: &Value, kind: &str, code: &str, respond_by: &str) -> Value {
    call(
        app,
        "NETWORK_MANAGER:WESSEX",
        &format!("mutation($i: EscalateRiskInput!) {{ escalateRisk(input: $i) {{ {RISK} }} }}"),
        json!({ "i": {
            "id": risk["id"], "expectedVersion": risk["version"], "to": { "kind": kind, "code": code },
            "route": "Wessex escalation SOP v2, step 3", "rationale": "Beyond the network's levers",
            "assuranceRequested": "A plan for 24/7 MRI at Southampton", "respondBy": respond_by
        } }),
    )
    .await
}

async fn answer(app: &TestApp, grant: &str, escalation: &Value, accepted: bool) -> Value {
    call(
        app,
        grant,
        &format!("mutation($e: Int!, $a: Boolean!) {{ respondToRiskEscalation(escalationId: $e, accepted: $a, response: \"Funding agreed for a second scanner.\") {{ {RISK} }} }}"),
        json!({ "e": escalation["id"], "a": accepted }),
    )
    .await
}

async fn every_score_has_its_band_and_a_rescore_keeps_the_old_one(app: TestApp) {
    let mut risk = ok(raise(&app, "NETWORK_MANAGER:WESSEX", "DELIVERY").await);
    assert_eq!(risk["reference"], "WESSEX-R-2026-0001");
    assert_eq!(
        (risk["score"].as_i64(), risk["band"].as_str()),
        (Some(12), Some("HIGH"))
    );
    assert_eq!(
        risk["accountableCode"], "WESSEX",
        "a delivery risk is the network's own"
    );
    let band = |score: i64| match score {
        1..=3 => "LOW",
        4..=6 => "MODERATE",
        8..=12 => "HIGH",
        _ => "EXTREME",
    };
    for l in 1..=5 {
        for c in 1..=5 {
            risk = ok(rescore(&app, &risk, l, c).await);
            assert_eq!(risk["score"], l * c);
            assert_eq!(risk["band"], band(i64::from(l * c)), "{l}×{c}");
        }
    }
    let history = risk["history"].as_array().unwrap();
    assert_eq!(history.len(), 26, "raised, then 25 re-scores");
    assert_eq!(
        (
            history[0]["likelihood"].as_i64(),
            history[0]["consequence"].as_i64()
        ),
        (Some(3), Some(4)),
        "the first score stays"
    );
    assert_eq!(history[1]["rationale"], "Reviewed at the board");
    for (l, c) in [(0, 3), (6, 1), (3, -1)] {
        assert_eq!(
            refused(&rescore(&app, &risk, l, c).await),
            "BAD_USER_INPUT",
            "{l}×{c}"
        );
    }
    let stale = rescore(&app, &json!({ "id": risk["id"], "version": 1 }), 2, 2).await;
    assert_eq!(refused(&stale), "CONFLICT");
    let second = ok(raise(&app, "NETWORK_CLINICAL_LEAD:WESSEX", "DELIVERY").await);
    assert_eq!(second["reference"], "WESSEX-R-2026-0002");
}

async fn an_escalation_is_answered_and_an_unanswered_one_goes_further(app: TestApp) {
    let risk = ok(raise(&app, "NETWORK_MANAGER:WESSEX", "SERVICE").await);
    assert_eq!(risk["accountableCode"], "RHM");
    // Only a footprint ICB or the lead region.
    assert_eq!(
        refused(&escalate(&app, &risk, "ICB", "QKK", "2026-12-10").await),
        "BAD_USER_INPUT"
    );
    let risk = ok(escalate(&app, &risk, "ICB", "QRL", "2026-12-10").await);
    let first = risk["escalations"][0].clone();
    assert_eq!(
        (first["step"].as_i64(), first["toCode"].as_str()),
        (Some(1), Some("QRL"))
    );
    assert_eq!(
        refused(&escalate(&app, &risk, "REGION", "Y59", "2026-12-10").await),
        "BAD_USER_INPUT",
        "it waits for QRL's answer"
    );
    // The other footprint ICB may not answer for QRL.
    assert_eq!(
        refused(&answer(&app, "ICB_COMMISSIONER:QVV", &first, false).await),
        "FORBIDDEN"
    );
    let risk = ok(answer(&app, "ICB_COMMISSIONER:QRL", &first, false).await);
    assert_eq!(risk["escalations"][0]["accepted"], false);
    assert_eq!(
        refused(&answer(&app, "ICB_COMMISSIONER:QRL", &first, true).await),
        "BAD_USER_INPUT",
        "answered once"
    );

    // Not accepted: on to the region, which stays silent past its date.
    let risk = ok(escalate(&app, &risk, "REGION", "Y59", "2026-11-30").await);
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap());
    let first_pass = graphql::service::risk::tick(&app.state).await.unwrap();
    let second_pass = graphql::service::risk::tick(&app.state).await.unwrap();
    assert_eq!(
        (first_pass.responses_overdue, second_pass.responses_overdue),
        (1, 0)
    );
    let risk = ok(call(
        &app,
        "NETWORK_MANAGER:WESSEX",
        &format!("query($id: Int!) {{ risk(id: $id) {{ {RISK} }} }}"),
        json!({ "id": risk["id"] }),
    )
    .await);
    assert_eq!(risk["escalations"][1]["overdue"], true);
    let risk = ok(escalate(&app, &risk, "REGION", "Y59", "2026-12-20").await);
    let steps: Vec<i64> = risk["escalations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_i64().unwrap())
        .collect();
    assert_eq!(steps, [1, 2, 3], "each step kept");
    let actions: Vec<&str> = risk["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "RISK_RAISED",
            "RISK_ESCALATED",
            "RISK_ESCALATION_ANSWERED",
            "RISK_ESCALATED",
            "RISK_RESPONSE_OVERDUE",
            "RISK_ESCALATED"
        ]
    );

    // The accountable provider reads its service risk and responds; another member does not.
    let read = |grant: &'static str| {
        let (app, risk) = (&app, &risk);
        async move {
            call(
                app,
                grant,
                "query($id: Int!) { risk(id: $id) { reference } }",
                json!({ "id": risk["id"] }),
            )
            .await
        }
    };
    assert_eq!(
        ok(read("PROVIDER_CEO:RHM").await)["reference"],
        risk["reference"]
    );
    assert_eq!(refused(&read("PROVIDER_CEO:RHU").await), "NOT_FOUND");
    let responded = ok(call(
        &app,
        "PROVIDER_LEAD_CLINICIAN:RHM",
        "mutation($id: Int!, $v: Int!) { respondToRisk(id: $id, expectedVersion: $v, response: \"A second scanner from April.\") { history { action rationale } } }",
        json!({ "id": risk["id"], "v": risk["version"] }),
    )
    .await);
    assert_eq!(
        responded["history"].as_array().unwrap().last().unwrap()["action"],
        "RISK_PROVIDER_RESPONSE"
    );
}

async fn every_risk_operation_refuses_every_role_it_is_not_for(app: TestApp) {
    // (grant, reads the service risk about RHM)
    let callers: [(&str, bool); 11] = [
        ("NETWORK_CHAIR:WESSEX", true),
        ("NETWORK_MANAGER:SELK", false),
        ("ICB_COMMISSIONER:QRL", true),
        ("ICB_COMMISSIONER:QKK", false),
        ("REGIONAL_LEAD:Y59", true),
        ("REGIONAL_LEAD:Y63", false),
        ("PROVIDER_CEO:RHM", true),
        ("PROVIDER_CEO:RHU", false),
        ("NATIONAL_ADMIN", true),
        ("NATIONAL_VIEWER", true),
        ("INTEGRATION:network=WESSEX", true),
    ];
    let risk = ok(raise(&app, "NETWORK_MANAGER:WESSEX", "SERVICE").await);
    let changes = [
        format!(
            "rescoreRisk(id: {}, expectedVersion: {}, likelihood: 1, consequence: 1, rationale: \"x\") {{ id }}",
            risk["id"], risk["version"]
        ),
        format!(
            "closeRisk(id: {}, expectedVersion: {}, rationale: \"x\") {{ id }}",
            risk["id"], risk["version"]
        ),
        format!(
            "addRiskAction(id: {}, expectedVersion: {}, description: \"x\", owner: \"y\", dueOn: \"2027-01-01\") {{ id }}",
            risk["id"], risk["version"]
        ),
        format!(
            "reviewRisk(id: {}, expectedVersion: {}, nextReviewOn: \"2027-02-01\", note: \"x\") {{ id }}",
            risk["id"], risk["version"]
        ),
        format!(
            "escalateRisk(input: {{ id: {}, expectedVersion: {}, to: {{ kind: ICB, code: \"QRL\" }}, route: \"SOP\", rationale: \"x\", assuranceRequested: \"y\", respondBy: \"2027-01-01\" }}) {{ id }}",
            risk["id"], risk["version"]
        ),
    ];
    for (grant, reads) in callers {
        let listed = ok(call(&app, grant, "{ risks { reference } }", json!({})).await);
        assert_eq!(
            listed.as_array().unwrap().len(),
            usize::from(reads),
            "{grant} lists"
        );
        let raised = raise(&app, grant, "DELIVERY").await;
        // Raising needs the network's governance; a provider reads only its own service risks.
        let governance = reads && !grant.starts_with("PROVIDER_");
        let expected = if governance { "FORBIDDEN" } else { "NOT_FOUND" };
        assert_eq!(refused(&raised), expected, "{grant} raiseRisk: {raised}");
        for change in &changes {
            let body = call(&app, grant, &format!("mutation {{ {change} }}"), json!({})).await;
            let expected = if reads { "FORBIDDEN" } else { "NOT_FOUND" };
            assert_eq!(refused(&body), expected, "{grant} {change}: {body}");
        }
    }
    let unchanged = ok(call(
        &app,
        "NATIONAL_VIEWER",
        "query($id: Int!) { risk(id: $id) { version } }",
        json!({ "id": risk["id"] }),
    )
    .await);
    assert_eq!(
        unchanged["version"], risk["version"],
        "refusals changed nothing"
    );
    // A delivery risk is for the network's governance only: the provider does not read it.
    let delivery = ok(raise(&app, "NETWORK_CLINICAL_LEAD:WESSEX", "DELIVERY").await);
    let body = call(
        &app,
        "PROVIDER_CEO:RHM",
        "query($id: Int!) { risk(id: $id) { id } }",
        json!({ "id": delivery["id"] }),
    )
    .await;
    assert_eq!(refused(&body), "NOT_FOUND");
}

async fn risk_events_reach_only_subscribers_who_read_the_risk(app: TestApp) {
    const SUBSCRIPTION: &str = "subscription { riskChanged { kind reference networkCode riskKind score band escalatedTo } }";
    let other;
    let listening = if app.kind() == Db::Postgres {
        other = support::spawn_another_instance(&app).await;
        &other
    } else {
        &app
    };
    let mut network = WsClient::subscribe(
        listening,
        &as_(listening, "INTEGRATION:network=WESSEX"),
        SUBSCRIPTION,
    )
    .await;
    let mut provider =
        WsClient::subscribe(listening, &as_(listening, "PROVIDER_CEO:RHM"), SUBSCRIPTION).await;
    let mut stranger = WsClient::subscribe(
        listening,
        &as_(listening, "ICB_COMMISSIONER:QKK"),
        SUBSCRIPTION,
    )
    .await;
    let delivery = ok(raise(&app, "NETWORK_MANAGER:WESSEX", "DELIVERY").await);
    let service = ok(raise(&app, "NETWORK_MANAGER:WESSEX", "SERVICE").await);
    // Within a band (12 → 9, both HIGH): no event; into another band (→ 4, MODERATE): one.
    let service = ok(rescore(&app, &service, 3, 3).await);
    ok(rescore(&app, &service, 2, 2).await);
    let seen = network.events(Duration::from_secs(3)).await;
    let kinds: Vec<(&str, &str)> = seen
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["reference"].as_str().unwrap(),
            )
        })
        .collect();
    let (d, s) = (
        delivery["reference"].as_str().unwrap(),
        service["reference"].as_str().unwrap(),
    );
    assert_eq!(
        kinds,
        [("RAISED", d), ("RAISED", s), ("RESCORED", s)],
        "each once: {seen:?}"
    );
    assert_eq!(seen[2]["band"], "MODERATE");
    let theirs = provider.events(Duration::from_secs(1)).await;
    let refs: Vec<&str> = theirs
        .iter()
        .map(|e| e["reference"].as_str().unwrap())
        .collect();
    assert_eq!(refs, [s, s], "the provider hears of its service risk only");
    assert!(stranger.events(Duration::from_secs(1)).await.is_empty());
}
