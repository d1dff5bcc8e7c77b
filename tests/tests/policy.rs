//! The cause-for-concern policy as versioned data, and the recipient directory.

use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, error_codes};

on_both_databases!(
    the_policy_states_seed_000s_tables_for_england_and_wales,
    the_recipient_directory_starts_with_the_policys_addresses_and_administrators_correct_it,
);

const POLICY: &str = r#"query($j: Nation!) { casePolicy(jurisdiction: $j) { jurisdiction version
    disclosures { part source } stages {
    stage actorRole limitWorkingDays source mailRules { event to cc condition source } } } }"#;

fn parties(policy: &Value) -> Vec<String> {
    let mut all = Vec::new();
    for stage in policy["stages"].as_array().unwrap() {
        for rule in stage["mailRules"].as_array().unwrap() {
            for key in ["to", "cc"] {
                all.extend(
                    rule[key]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p.as_str().unwrap().to_owned()),
                );
            }
        }
    }
    all
}

async fn the_policy_states_seed_000s_tables_for_england_and_wales(app: TestApp) {
    let england = app
        .query(&["PROVIDER_CEO:RHM"], POLICY, json!({ "j": "ENGLAND" }))
        .await["data"]["casePolicy"]
        .clone();
    let wales = app
        .query(&["PROVIDER_CEO:RHM"], POLICY, json!({ "j": "WALES" }))
        .await["data"]["casePolicy"]
        .clone();
    for (policy, table) in [(&england, "Table 1"), (&wales, "Table 2")] {
        // Version 2: stage 1's allocated Associate Director, stage 5's whole decision.
        assert_eq!(policy["version"], 2);
        assert_eq!(
            policy["stages"][0]["mailRules"][0]["to"],
            json!(["HQIP_ASSOCIATE_DIRECTOR"])
        );
        assert!(policy["disclosures"].as_array().unwrap().iter().all(|d| {
            d["source"]
                .as_str()
                .unwrap()
                .contains(&format!("{table}, stage 5"))
        }));
        let limits: Vec<i64> = policy["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["limitWorkingDays"].as_i64().unwrap())
            .collect();
        assert_eq!(limits, [10, 5, 25, 20, 5, 10, 5], "{table}");
        let actors: Vec<&str> = policy["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["actorRole"].as_str().unwrap())
            .collect();
        assert_eq!(actors[2], "PROVIDER_LEAD_CLINICIAN");
        assert_eq!(actors[5], "PROVIDER_CEO");
        assert!(
            policy["stages"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["source"].as_str().unwrap().contains(table))
        );
        // Stage 2: the Lead Clinician, copied to the CEO and Medical Director.
        assert_eq!(
            policy["stages"][1]["mailRules"],
            json!([{ "event": "REQUEST_SENT", "to": ["LEAD_CLINICIAN"], "cc": ["CEO", "MEDICAL_DIRECTOR"], "condition": "ALWAYS",
                     "source": format!("BSR Cause for Concern Policy, January 2026, {table}, stage 2") }])
        );
    }
    let parts = |policy: &Value| -> Vec<String> {
        policy["disclosures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["part"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        parts(&england),
        [
            "CEO_INFORMS_COMMISSIONERS",
            "CEO_INFORMS_NHS_IMPROVEMENT",
            "CEO_INFORMS_ROYAL_COLLEGES",
            "REGISTRY_INFORMS_REGULATOR"
        ]
    );
    assert_eq!(
        parts(&wales),
        [
            "REGISTRY_INFORMS_REGULATOR",
            "REGISTRY_INFORMS_ROYAL_COLLEGES"
        ]
    );
    // Version 1, which earlier cases keep, decided the regulator alone.
    let version_1 = app
        .query(
            &["NATIONAL_VIEWER"],
            r#"{ casePolicy(jurisdiction: ENGLAND, version: 1) { version disclosures { part } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        version_1["data"]["casePolicy"]["disclosures"],
        json!([{ "part": "REGISTRY_INFORMS_REGULATOR" }])
    );
    let english = parties(&england);
    assert!(english.contains(&"CQC".to_owned()) && english.contains(&"NHS_IMPROVEMENT".to_owned()));
    assert!(
        !english.contains(&"WELSH_GOVERNMENT".to_owned()),
        "an English case never mails the Welsh Government"
    );
    let welsh = parties(&wales);
    assert!(welsh.contains(&"WELSH_GOVERNMENT".to_owned()));
    assert!(
        !welsh.contains(&"CQC".to_owned()) && !welsh.contains(&"NHS_IMPROVEMENT".to_owned()),
        "a Welsh case never mails the CQC or NHS Improvement"
    );
    // Stage 7 (England): reminder to the CEO copied to the CQC; non-compliance to the CQC and NHS Improvement.
    assert_eq!(
        england["stages"][6]["mailRules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["event"].clone(), r["to"].clone(), r["cc"].clone()))
            .collect::<Vec<_>>(),
        [
            (json!("REMINDER_SENT"), json!(["CEO"]), json!(["CQC"])),
            (
                json!("NON_COMPLIANCE"),
                json!(["CQC", "NHS_IMPROVEMENT"]),
                json!([])
            )
        ]
    );

    let missing = app
        .query(
            &["NATIONAL_VIEWER"],
            r#"{ casePolicy(jurisdiction: ENGLAND, version: 9) { version } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&missing), ["NOT_FOUND"]);
}

async fn the_recipient_directory_starts_with_the_policys_addresses_and_administrators_correct_it(
    app: TestApp,
) {
    let directory = app
        .query(
            &["INTEGRATION"],
            "{ recipientDirectory { key email } }",
            json!({}),
        )
        .await;
    assert_eq!(
        directory["data"]["recipientDirectory"],
        json!([
            { "key": "CQC", "email": "clinicalaudits@cqc.org.uk" },
            { "key": "MHRA", "email": null },
            { "key": "NHS_IMPROVEMENT", "email": "nhsi.medicaldirector@nhs.net" },
            { "key": "ODEP", "email": null },
            { "key": "RCOA", "email": null },
            { "key": "RCP_LONDON", "email": null },
            { "key": "RCR", "email": null },
            { "key": "RCS_EDINBURGH", "email": null },
            { "key": "RCS_ENGLAND", "email": null },
            { "key": "WELSH_GOVERNMENT", "email": "wgclinicalaudit@gov.wales" }
        ])
    );
    let set = r#"mutation($key: MailParty!, $email: String) { setRecipientAddress(input: { key: $key, email: $email, reason: "address confirmed by the MHRA" }) { key email } }"#;
    let forbidden = app
        .query(
            &["REGISTRY_ANALYST"],
            set,
            json!({ "key": "MHRA", "email": "devices@mhra.example.org" }),
        )
        .await;
    assert_eq!(error_codes(&forbidden), ["FORBIDDEN"]);
    let bad = app
        .query(
            &["NATIONAL_ADMIN"],
            set,
            json!({ "key": "MHRA", "email": "not an address" }),
        )
        .await;
    assert_eq!(error_codes(&bad), ["BAD_USER_INPUT"]);
    let contact = app
        .query(
            &["NATIONAL_ADMIN"],
            set,
            json!({ "key": "CEO", "email": "ceo@example.org" }),
        )
        .await;
    assert_eq!(
        error_codes(&contact),
        ["BAD_USER_INPUT"],
        "provider contacts are not directory entries: {contact}"
    );

    let saved = app
        .admin(
            set,
            json!({ "key": "MHRA", "email": "devices@mhra.example.org" }),
        )
        .await;
    assert_eq!(
        saved["setRecipientAddress"],
        json!({ "key": "MHRA", "email": "devices@mhra.example.org" })
    );
    let audit = app.admin(r#"{ auditLog(entityType: "RECIPIENT") { edges { node { entityKey before after } } } }"#, json!({})).await;
    assert_eq!(
        audit["auditLog"]["edges"],
        json!([{ "node": { "entityKey": "MHRA", "before": { "email": null }, "after": { "email": "devices@mhra.example.org" } } }])
    );
}
