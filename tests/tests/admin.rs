//! National administrators correct reference data; every change is validated, audited, and
//! leaves the data as it was when refused.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, error_codes};

on_both_databases!(
    an_administrator_replaces_hubs_and_the_change_is_audited,
    invalid_hub_changes_are_refused_and_change_nothing,
    the_database_refuses_to_change_or_delete_audit_entries,
    footprint_rows_are_validated,
    provider_contacts_are_replaced_and_validated,
    only_national_administrators_change_reference_data,
);

const HUBS: &str = r#"mutation($input: SetNetworkHubsInput!) {
    setNetworkHubs(input: $input) { code host { odsCode } hubs { provider { odsCode } verified validFrom } } }"#;

const WESSEX: &str = r#"{ network(code: "WESSEX") { host { odsCode } memberships { provider { odsCode } role validFrom validTo verified } } }"#;

async fn an_administrator_replaces_hubs_and_the_change_is_audited(app: TestApp) {
    // Promote the synthetic partner ZZ121 to hub from 2026-12-01, dropping RHU, keeping RHM (now verified).
    let input = json!({ "input": {
        "network": "WESSEX",
        "hubs": [{ "odsCode": "RHM", "verified": true }, { "odsCode": "ZZ121" }],
        "effectiveFrom": "2026-12-01",
        "reason": "Portsmouth spinal surgery moved to the new unit",
    }});
    let data = app.admin(HUBS, input).await;
    assert_eq!(data["setNetworkHubs"]["host"]["odsCode"], "RHM");
    // Today (2026-11-22) the hubs are unchanged...
    assert_eq!(
        data["setNetworkHubs"]["hubs"],
        json!([
            { "provider": { "odsCode": "RHM" }, "verified": true, "validFrom": "2022-07-01" },
            { "provider": { "odsCode": "RHU" }, "verified": false, "validFrom": "2022-07-01" }
        ])
    );
    // ...and from 1 December they are RHM and ZZ121, whose partner row ends the day before.
    let later = app
        .admin(r#"{ network(code: "WESSEX") { hubs(asAt: "2026-12-01") { provider { odsCode } } partners(asAt: "2026-12-01") { provider { odsCode } } } }"#, json!({}))
        .await;
    assert_eq!(
        later["network"]["hubs"],
        json!([{ "provider": { "odsCode": "RHM" } }, { "provider": { "odsCode": "ZZ121" } }])
    );
    assert_eq!(
        later["network"]["partners"],
        json!([{ "provider": { "odsCode": "ZZ122" } }, { "provider": { "odsCode": "ZZ123" } }])
    );
    let zz121 = app.admin(r#"{ provider(odsCode: "ZZ121") { role(asAt: "2026-11-30") later: role(asAt: "2026-12-01") } }"#, json!({})).await;
    assert_eq!(
        zz121["provider"],
        json!({ "role": "PARTNER", "later": "HUB" })
    );

    let audit = app
        .admin(r#"{ auditLog(entityType: "NETWORK_HUBS") { totalCount edges { node { actorSub actorName action entityKey reason before after at } } } }"#, json!({}))
        .await;
    assert_eq!(audit["auditLog"]["totalCount"], 1);
    let entry = &audit["auditLog"]["edges"][0]["node"];
    assert_eq!(entry["actorSub"], "test-user");
    assert_eq!(entry["action"], "setNetworkHubs");
    assert_eq!(entry["entityKey"], "WESSEX");
    assert_eq!(
        entry["reason"],
        "Portsmouth spinal surgery moved to the new unit"
    );
    assert_eq!(entry["before"]["hubs"].as_array().unwrap().len(), 2);
    assert!(entry["after"].to_string().contains("ZZ121"));
    assert_eq!(
        entry["at"], "2026-11-22T12:00:00+00:00",
        "time comes from the injected clock"
    );
}

async fn invalid_hub_changes_are_refused_and_change_nothing(app: TestApp) {
    let before = app.admin(WESSEX, json!({})).await;
    let hub = |ods: &str| json!({ "odsCode": ods });
    let cases: Vec<(Value, &str)> = vec![
        (json!([]), "1 to 3 hubs"),
        (
            json!([hub("RHM"), hub("RHU"), hub("ZZ121"), hub("ZZ122")]),
            "1 to 3 hubs",
        ),
        (json!([hub("RHM"), hub("RHM")]), "more than once"),
        (json!([hub("RHM"), hub("NOPE")]), "NOPE"),
        (json!([hub("RHU")]), "RHM hosts WESSEX"),
        (json!([hub("RHM"), hub("RK9")]), "PENINSULA"),
        (json!([hub("RHM"), hub("ZZW01")]), "Wales"),
    ];
    for (hubs, mentions) in cases {
        let input = json!({ "input": { "network": "WESSEX", "hubs": hubs, "effectiveFrom": "2026-12-01", "reason": "test" } });
        let body = app.query(&["NATIONAL_ADMIN"], HUBS, input).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{hubs}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(mentions),
            "{hubs}: the message should mention {mentions}: {message}"
        );
    }
    let blank_reason = json!({ "input": { "network": "WESSEX", "hubs": [hub("RHM")], "effectiveFrom": "2026-12-01", "reason": "  " } });
    assert_eq!(
        error_codes(&app.query(&["NATIONAL_ADMIN"], HUBS, blank_reason).await),
        ["BAD_USER_INPUT"]
    );
    let unknown = json!({ "input": { "network": "ATLANTIS", "hubs": [hub("RHM")], "effectiveFrom": "2026-12-01", "reason": "x" } });
    assert_eq!(
        error_codes(&app.query(&["NATIONAL_ADMIN"], HUBS, unknown).await),
        ["NOT_FOUND"]
    );

    assert_eq!(
        app.admin(WESSEX, json!({})).await,
        before,
        "refused changes leave the data as it was"
    );
    let audit = app.admin("{ auditLog { totalCount } }", json!({})).await;
    assert_eq!(audit["auditLog"]["totalCount"], 0);
}

async fn footprint_rows_are_validated(app: TestApp) {
    let set = r#"mutation($input: FootprintRowInput!) { setFootprintRow(input: $input) { id icb { code } validFrom validTo network { code } } }"#;
    let row = |icb: &str, from: &str, to: Value| json!({ "input": { "network": "WESSEX", "icb": icb, "validFrom": from, "validTo": to, "reason": "boundary review" } });
    let refused: Vec<(Value, &str, &str)> = vec![
        (
            row("QVV", "2026-12-01", json!("2026-11-30")),
            "BAD_USER_INPUT",
            "before validFrom",
        ),
        (
            row("QMJ", "2025-01-01", Value::Null),
            "BAD_USER_INPUT",
            "closed on 2026-03-31",
        ),
        (
            row("S0E4D", "2025-01-01", Value::Null),
            "BAD_USER_INPUT",
            "begins on 2026-04-01",
        ),
        (
            row("QVV", "2026-12-01", Value::Null),
            "BAD_USER_INPUT",
            "already covers",
        ),
        (
            row("XXX", "2026-12-01", Value::Null),
            "BAD_USER_INPUT",
            "XXX",
        ),
    ];
    for (input, code, mentions) in refused {
        let body = app.query(&["NATIONAL_ADMIN"], set, input.clone()).await;
        assert_eq!(error_codes(&body), [code], "{input}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(mentions),
            "{input}: {body}"
        );
    }
    let added = app
        .admin(set, row("S0E4D", "2026-12-01", Value::Null))
        .await;
    assert_eq!(added["setFootprintRow"]["network"]["code"], "WESSEX");
    let id = added["setFootprintRow"]["id"].clone();
    let later = app.admin(r#"{ network(code: "WESSEX") { now: footprint { icb { code } } later: footprint(asAt: "2026-12-01") { icb { code } } } }"#, json!({})).await;
    assert_eq!(later["network"]["now"].as_array().unwrap().len(), 2);
    assert_eq!(later["network"]["later"].as_array().unwrap().len(), 3);
    let removed = app
        .admin(r#"mutation($id: Int!) { removeFootprintRow(input: { id: $id, reason: "entered in error" }) { footprint(asAt: "2026-12-01") { icb { code } } } }"#, json!({ "id": id }))
        .await;
    assert_eq!(
        removed["removeFootprintRow"]["footprint"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let audit = app
        .admin(
            r#"{ auditLog(entityType: "NETWORK_FOOTPRINT", entityKey: "WESSEX") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(audit["auditLog"]["totalCount"], 2);
}

async fn provider_contacts_are_replaced_and_validated(app: TestApp) {
    let set = r#"mutation($input: SetProviderContactsInput!) { setProviderContacts(input: $input) { odsCode contacts { role name email phone } } }"#;
    let input = |contacts: Value| json!({ "input": { "odsCode": "RHM", "contacts": contacts, "reason": "annual check" } });
    let lead = json!({ "role": "LEAD_CLINICIAN", "name": "Dr A Surgeon", "email": "a.surgeon@example.org", "phone": "023 8077 7222" });
    let refused: Vec<(Value, &str)> = vec![
        (
            json!([{ "role": "CEO", "name": "X", "email": "not-an-email" }]),
            "email",
        ),
        (
            json!([{ "role": "CEO", "name": " ", "email": "ceo@example.org" }]),
            "name",
        ),
        (
            json!([{ "role": "CEO", "name": "X", "email": "ceo@example.org", "phone": "call me" }]),
            "phone",
        ),
        (json!([lead.clone(), lead.clone()]), "one contact per role"),
    ];
    for (contacts, mentions) in refused {
        let body = app
            .query(&["NATIONAL_ADMIN"], set, input(contacts.clone()))
            .await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{contacts}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(mentions),
            "{body}"
        );
    }
    let data = app.admin(set, input(json!([lead]))).await;
    assert_eq!(
        data["setProviderContacts"]["contacts"][0]["email"],
        "a.surgeon@example.org"
    );
    let manager = app
        .query(
            &["NETWORK_MANAGER:WESSEX"],
            r#"{ provider(odsCode: "RHM") { contacts { name } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        manager["data"]["provider"]["contacts"],
        json!([{ "name": "Dr A Surgeon" }])
    );
}

async fn only_national_administrators_change_reference_data(app: TestApp) {
    let mutations: [(&str, Value); 3] = [
        (
            HUBS,
            json!({ "input": { "network": "WESSEX", "hubs": [{ "odsCode": "RHM" }], "effectiveFrom": "2026-12-01", "reason": "x" } }),
        ),
        (
            r#"mutation { setFootprintRow(input: { network: "WESSEX", icb: "S0E4D", validFrom: "2026-12-01", reason: "x" }) { id } }"#,
            json!({}),
        ),
        (
            r#"mutation { setProviderContacts(input: { odsCode: "RHM", contacts: [], reason: "x" }) { odsCode } }"#,
            json!({}),
        ),
    ];
    for grant in [
        "NATIONAL_VIEWER",
        "REGISTRY_ANALYST",
        "NETWORK_MANAGER:WESSEX",
        "ICB_COMMISSIONER:QRL",
        "PROVIDER_CEO:RHM",
        "INTEGRATION",
    ] {
        for (mutation, variables) in &mutations {
            let body = app.query(&[grant], mutation, variables.clone()).await;
            assert_eq!(
                error_codes(&body),
                ["FORBIDDEN"],
                "{grant}: {mutation}: {body}"
            );
        }
        let audit = app
            .query(&[grant], "{ auditLog { totalCount } }", json!({}))
            .await;
        assert_eq!(
            error_codes(&audit),
            ["FORBIDDEN"],
            "{grant} reads the audit log: {audit}"
        );
    }
    // An administrator records the commissioners' choice of host: any member, a partner too.
    let data = app.admin(r#"mutation { determineNetworkHost(input: { network: "WESSEX", odsCode: "ZZ121", icbs: ["QRL", "QVV"], determinedOn: "2026-11-02", citation: "JSCC minute 14" }) { host { odsCode } } }"#, json!({})).await;
    assert_eq!(data["determineNetworkHost"]["host"]["odsCode"], "ZZ121");
    let body = app.query(&["NATIONAL_ADMIN"], r#"mutation { determineNetworkHost(input: { network: "WESSEX", odsCode: "RTH", icbs: ["QRL"], determinedOn: "2026-11-02", citation: "x" }) { code } }"#, json!({})).await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "a provider of another network cannot host: {body}"
    );
}

/// Append-only is enforced by the database, not only by the API having no way to edit.
async fn the_database_refuses_to_change_or_delete_audit_entries(app: TestApp) {
    app.admin(
        r#"mutation { determineNetworkHost(input: { network: "WESSEX", odsCode: "RHU", icbs: ["QRL"], determinedOn: "2026-11-02", citation: "host moved" }) { code } }"#,
        json!({}),
    )
    .await;
    for statement in [
        "UPDATE audit_entries SET reason = 'rewritten'",
        "DELETE FROM audit_entries",
    ] {
        let refused = app.state.db.execute_unprepared(statement).await;
        assert!(refused.is_err(), "{statement} was allowed");
    }
    let audit = app
        .admin(
            "{ auditLog { totalCount edges { node { reason } } } }",
            json!({}),
        )
        .await;
    assert_eq!(audit["auditLog"]["totalCount"], 1);
    assert_eq!(
        audit["auditLog"]["edges"][0]["node"]["reason"],
        "host moved"
    );
}
