//! The register of agreed documents over HTTP: the parties the specification names, signatures
//! by those who hold the party's grant, coming into force with the last one, the derived generic
//! indicators, and who reads and hears of it.

use std::time::Duration;

use serde_json::{Value, json};

use crate::on_both_databases;
use crate::subscriptions::WsClient;
use crate::support::{
    self, Db, TestApp, call_as as call, the_field as ok, the_refusal as refused, token_for as as_,
};

on_both_databases!(a_document_is_in_force_only_after_its_last_signature);

const DOCUMENT: &str = "id status kind parties { kind code signedByName }";

async fn register(app: &TestApp, kind: &str, version: &str) -> Value {
    call(
        app,
        "NETWORK_MANAGER:WESSEX",
        &format!("mutation($k: DocumentKind!, $v: String!) {{ registerGovernanceDocument(input: {{ network: \"WESSEX\", kind: $k, title: \"Wessex spinal needs and gap analysis\", versionLabel: $v, effectiveFrom: \"2026-10-01\", reviewOn: \"2027-10-01\" }}) {{ {DOCUMENT} }} }}"),
        json!({ "k": kind, "v": version }),
    )
    .await
}

async fn sign(app: &TestApp, grant: &str, document: &Value, kind: &str, code: &str) -> Value {
    call(
        app,
        grant,
        &format!("mutation($id: Int!, $k: Party!, $c: String!) {{ signGovernanceDocument(id: $id, party: {{ kind: $k, code: $c }}) {{ {DOCUMENT} }} }}"),
        json!({ "id": document["id"], "k": kind, "c": code }),
    )
    .await
}

async fn derived(app: &TestApp, code: &str) -> Option<f64> {
    let values = app
        .admin(
            "query($c: String!) { indicatorValues(indicator: $c, organisation: \"WESSEX\", from: \"2026-04-01\", to: \"2026-04-01\") { value } }",
            json!({ "c": code }),
        )
        .await;
    values["indicatorValues"][0]["value"].as_f64()
}

async fn a_document_is_in_force_only_after_its_last_signature(app: TestApp) {
    const SUBSCRIPTION: &str =
        "subscription { governanceChanged { kind networkCode documentKind party } }";
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
    let mut stranger = WsClient::subscribe(
        listening,
        &as_(listening, "ICB_COMMISSIONER:QKK"),
        SUBSCRIPTION,
    )
    .await;

    // "agreed with the network's commissioners": every footprint ICB.
    let analysis = ok(register(&app, "NEEDS_GAP_ANALYSIS", "v1").await);
    let parties: Vec<&str> = analysis["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["QRL", "QVV"]);
    assert_eq!(analysis["status"], "IN_SIGNATURE");
    assert_eq!(derived(&app, "GENERIC_NEEDS_GAP_ANALYSIS").await, Some(0.0));
    // A commissioner of another ICB may not sign for QRL; one outside the network finds nothing.
    assert_eq!(
        refused(&sign(&app, "ICB_COMMISSIONER:QVV", &analysis, "ICB", "QRL").await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused(&sign(&app, "ICB_COMMISSIONER:QKK", &analysis, "ICB", "QKK").await),
        "NOT_FOUND"
    );
    assert_eq!(
        refused(&sign(&app, "NETWORK_CHAIR:WESSEX", &analysis, "NETWORK", "WESSEX").await),
        "FORBIDDEN",
        "the board is no party to it"
    );
    let half = ok(sign(&app, "ICB_COMMISSIONER:QRL", &analysis, "ICB", "QRL").await);
    assert_eq!(half["status"], "IN_SIGNATURE");
    assert_eq!(
        refused(&sign(&app, "ICB_COMMISSIONER:QRL", &analysis, "ICB", "QRL").await),
        "CONFLICT",
        "one signature per party"
    );
    assert_eq!(derived(&app, "GENERIC_NEEDS_GAP_ANALYSIS").await, Some(0.0));
    let whole = ok(sign(&app, "ICB_COMMISSIONER:QVV", &analysis, "ICB", "QVV").await);
    assert_eq!(whole["status"], "IN_FORCE");
    assert_eq!(
        whole["parties"][1]["signedByName"],
        "Holder of ICB_COMMISSIONER:QVV"
    );
    assert_eq!(
        derived(&app, "GENERIC_NEEDS_GAP_ANALYSIS").await,
        Some(1.0),
        "derived once in force"
    );
    assert_eq!(
        derived(&app, "GENERIC_TRAINING_PLAN").await,
        None,
        "a kind with no document registered has no value yet"
    );
    let typed = call(
        &app,
        "NETWORK_MANAGER:WESSEX",
        "mutation { submitIndicatorValues(input: { values: [{ indicator: \"GENERIC_TRAINING_PLAN\", organisation: \"WESSEX\", period: \"2026-04-01\", value: 1, status: VALIDATED }] }) { created } }",
        json!({}),
    )
    .await;
    assert_eq!(refused(&typed), "BAD_USER_INPUT");

    // A new version replaces it once signed.
    let v2 = ok(register(&app, "NEEDS_GAP_ANALYSIS", "v2").await);
    ok(sign(&app, "ICB_COMMISSIONER:QRL", &v2, "ICB", "QRL").await);
    ok(sign(&app, "ICB_COMMISSIONER:QVV", &v2, "ICB", "QVV").await);
    let first = ok(call(
        &app,
        "NATIONAL_VIEWER",
        "query($id: Int!) { governanceDocument(id: $id) { status } }",
        json!({ "id": analysis["id"] }),
    )
    .await);
    assert_eq!(first["status"], "SUPERSEDED");

    // The MoU: the network, each footprint ICB and each member provider; a member reads it.
    let mou = ok(register(&app, "MOU", "2026").await);
    let kinds: Vec<&str> = mou["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(&kinds[..3], ["NETWORK", "ICB", "ICB"]);
    assert!(
        kinds[3..].iter().all(|k| *k == "PROVIDER") && kinds.len() > 4,
        "{kinds:?}"
    );
    let signed = ok(sign(&app, "PROVIDER_CEO:RHM", &mou, "PROVIDER", "RHM").await);
    assert_eq!(signed["status"], "IN_SIGNATURE");
    let theirs = ok(call(
        &app,
        "PROVIDER_CEO:RHM",
        "{ governanceDocuments { kind } }",
        json!({}),
    )
    .await);
    assert_eq!(
        theirs,
        json!([{ "kind": "MOU" }]),
        "a provider reads the documents it is a party to"
    );
    assert_eq!(
        ok(call(
            &app,
            "PROVIDER_CEO:RJZ",
            "{ governanceDocuments { kind } }",
            json!({})
        )
        .await),
        json!([])
    );

    let seen = network.events(Duration::from_secs(3)).await;
    let kinds: Vec<&str> = seen.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "DOCUMENT_REGISTERED",
            "DOCUMENT_SIGNED",
            "DOCUMENT_SIGNED",
            "DOCUMENT_IN_FORCE",
            "DOCUMENT_REGISTERED",
            "DOCUMENT_SIGNED",
            "DOCUMENT_SIGNED",
            "DOCUMENT_IN_FORCE",
            "DOCUMENT_REGISTERED",
            "DOCUMENT_SIGNED"
        ],
        "each once: {seen:?}"
    );
    assert!(stranger.events(Duration::from_secs(1)).await.is_empty());
}
