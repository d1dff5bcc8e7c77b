//! Provider contacts are personal data: the role × scope matrix.

use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, error_codes};

on_both_databases!(
    provider_contacts_are_visible_only_to_the_roles_that_need_them,
    a_list_never_leaks_contacts_row_by_row
);

/// ZZ121 is a synthetic partner of WESSEX with three named contacts in the demo layer.
const QUERY: &str =
    r#"{ provider(odsCode: "ZZ121") { odsCode contacts { role name email phone } } }"#;

async fn provider_contacts_are_visible_only_to_the_roles_that_need_them(app: TestApp) {
    let matrix: &[(&str, bool)] = &[
        ("NATIONAL_ADMIN", true),
        ("NATIONAL_VIEWER", false),
        ("REGIONAL_LEAD:Y59", false),
        ("ICB_COMMISSIONER:QRL", false),
        ("NETWORK_MANAGER:WESSEX", true),
        ("NETWORK_MANAGER:PENINSULA", false),
        ("NETWORK_CLINICAL_LEAD:WESSEX", false),
        ("PROVIDER_SUBMITTER:ZZ121", true),
        ("PROVIDER_LEAD_CLINICIAN:ZZ121", true),
        ("PROVIDER_CEO:ZZ121", true),
        ("PROVIDER_CEO:ZZ122", false),
        ("REGISTRY_ANALYST", true),
        ("REGISTRY_CLINICAL_LEAD", true),
        ("HQIP_ASSOCIATE_DIRECTOR", true),
        ("INTEGRATION", false),
        ("INTEGRATION:network=WESSEX", false),
        ("INTEGRATION:icb=QRL", false),
    ];
    for (grant, may_see) in matrix {
        let body = app.query(&[grant], QUERY, json!({})).await;
        let provider = &body["data"]["provider"];
        assert_eq!(
            provider["odsCode"], "ZZ121",
            "{grant}: the provider itself is readable: {body}"
        );
        if *may_see {
            assert!(
                body.get("errors").is_none(),
                "{grant} should see contacts: {body}"
            );
            assert_eq!(
                provider["contacts"].as_array().map(Vec::len),
                Some(3),
                "{grant}: {body}"
            );
        } else {
            assert_eq!(
                provider["contacts"],
                Value::Null,
                "{grant} must not see contacts: {body}"
            );
            assert_eq!(error_codes(&body), ["FORBIDDEN"], "{grant}: {body}");
            let text = body.to_string();
            assert!(
                !text.contains("example.org") && !text.contains("synthetic)"),
                "{grant}: a name or address leaked: {text}"
            );
        }
    }
}

async fn a_list_never_leaks_contacts_row_by_row(app: TestApp) {
    // A manager of WESSEX sees its members' contacts and no other network's.
    let query = r#"{ providers(role: PARTNER) { edges { node { odsCode network { code } contacts { email } } } } }"#;
    let body = app
        .query(&["NETWORK_MANAGER:WESSEX"], query, json!({}))
        .await;
    let edges = body["data"]["providers"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 42, "14 networks × 3 synthetic partners");
    for edge in edges {
        let node = &edge["node"];
        let own = node["network"]["code"] == "WESSEX";
        assert_eq!(node["contacts"].is_array(), own, "{node}");
    }
    let forbidden = error_codes(&body)
        .iter()
        .filter(|c| *c == "FORBIDDEN")
        .count();
    assert_eq!(forbidden, 39, "one FORBIDDEN per hidden row");
}
