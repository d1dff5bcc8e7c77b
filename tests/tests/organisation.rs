//! Reading the organisation map, as at a date.

use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, error_codes};

on_both_databases!(
    the_icb_map_follows_the_2026_successions,
    a_network_footprint_follows_the_2026_successions,
    networks_filter_by_region_and_icb,
    providers_filter_by_network_role_and_nation,
    lists_page_with_relay_cursors,
    unknown_codes_and_bad_arguments_get_errors_a_person_can_act_on,
    me_lists_what_the_grants_reach,
);

async fn the_icb_map_follows_the_2026_successions(app: TestApp) {
    let data = app
        .admin(
            r#"{ before: icbs(asAt: "2026-03-31") { totalCount }
                 after: icbs(asAt: "2026-04-01") { totalCount }
                 jan: icbs(asAt: "2026-01-15") { totalCount }
                 today: icbs { totalCount }
                 london: icbs(region: "Y56") { edges { node { code } } }
                 closed: icb(code: "QMJ") { validTo active successors { code predecessors { code } } }
                 frimley: icb(code: "QNQ") { successors { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["before"]["totalCount"], 42);
    assert_eq!(data["jan"]["totalCount"], 42);
    assert_eq!(data["after"]["totalCount"], 36);
    assert_eq!(
        data["today"]["totalCount"], 36,
        "today (2026-11-22) is after the successions"
    );
    assert_eq!(data["closed"]["validTo"], "2026-03-31");
    assert_eq!(data["closed"]["active"], false);
    assert_eq!(
        data["closed"]["successors"],
        json!([{ "code": "Z9B2Z", "predecessors": [{ "code": "QMJ" }, { "code": "QRV" }] }])
    );
    assert_eq!(
        data["frimley"]["successors"],
        json!([{ "code": "QRL" }, { "code": "S0E4D" }, { "code": "S9B9J" }])
    );
    let london: Vec<&str> = data["london"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["code"].as_str().unwrap())
        .collect();
    assert!(
        london.contains(&"Z9B2Z") && !london.contains(&"QMJ"),
        "{london:?}"
    );
}

async fn a_network_footprint_follows_the_2026_successions(app: TestApp) {
    let query =
        r#"query($d: Date) { network(code: "EOE") { footprint(asAt: $d) { icb { code } } } }"#;
    let codes = |data: Value| -> Vec<String> {
        data["network"]["footprint"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["icb"]["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = codes(app.admin(query, json!({ "d": "2026-03-31" })).await);
    let after = codes(app.admin(query, json!({ "d": "2026-04-01" })).await);
    assert_eq!(before, ["QH8", "QHG", "QJG", "QM7", "QMM", "QUE"]);
    assert_eq!(after, ["D7T5G", "S1Y5D", "T6Y0W"]);
    // West and North London ICB serves two networks.
    let data = app
        .admin(r#"{ icb(code: "Z9B2Z") { networks { code } } }"#, json!({}))
        .await;
    assert_eq!(
        data["icb"]["networks"],
        json!([{ "code": "NEL" }, { "code": "NWL" }])
    );
}

async fn networks_filter_by_region_and_icb(app: TestApp) {
    let codes = |data: &Value| -> Vec<String> {
        data["networks"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = app.admin("{ networks { totalCount } }", json!({})).await;
    assert_eq!(all["networks"]["totalCount"], 14);
    let by_icb = app
        .admin(
            r#"{ networks(icb: "QRL") { edges { node { code } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(codes(&by_icb), ["WESSEX"]);
    // London (Y56): the four networks led there.
    let london = app
        .admin(
            r#"{ networks(region: "Y56") { edges { node { code } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(codes(&london), ["NEL", "NWL", "SELK", "SWLSS"]);
    // South East (Y59): led there (TV, WESSEX) or reaching into it (SELK serves Kent, SWLSS Sussex).
    let south_east = app
        .admin(
            r#"{ networks(region: "Y59") { edges { node { code } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(codes(&south_east), ["SELK", "SWLSS", "TV", "WESSEX"]);
}

async fn providers_filter_by_network_role_and_nation(app: TestApp) {
    let data = app
        .admin(
            r#"{ hubs: providers(network: "WESSEX", role: HUB) { edges { node { odsCode role network { code } } } }
                 partners: providers(network: "WESSEX", role: PARTNER) { totalCount }
                 wales: providers(nation: WALES) { edges { node { odsCode network { code } synthetic } } }
                 one: provider(odsCode: "RK9") { name nation role memberships { verified } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["hubs"]["edges"],
        json!([
            { "node": { "odsCode": "RHM", "role": "HUB", "network": { "code": "WESSEX" } } },
            { "node": { "odsCode": "RHU", "role": "HUB", "network": { "code": "WESSEX" } } }
        ])
    );
    assert_eq!(data["partners"]["totalCount"], 3);
    assert_eq!(data["wales"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(data["wales"]["edges"][0]["node"]["network"], Value::Null);
    assert_eq!(data["one"]["nation"], "ENGLAND");
    assert_eq!(
        data["one"]["memberships"],
        json!([{ "verified": true }]),
        "hubs.csv marks RK9 verified"
    );
}

async fn lists_page_with_relay_cursors(app: TestApp) {
    let page = r#"query($after: String) { networks(first: 5, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { code } } } }"#;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.admin(page, json!({ "after": after })).await;
        let connection = &data["networks"];
        assert_eq!(connection["totalCount"], 14);
        seen.extend(
            connection["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["code"].as_str().unwrap().to_owned()),
        );
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 14);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "pages neither repeat nor skip");
}

async fn unknown_codes_and_bad_arguments_get_errors_a_person_can_act_on(app: TestApp) {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{ network(code: "ATLANTIS") { name } }"#,
            "NOT_FOUND",
            "ATLANTIS",
        ),
        (r#"{ icb(code: "XXX") { name } }"#, "NOT_FOUND", "XXX"),
        (
            r#"{ provider(odsCode: "NOPE") { name } }"#,
            "NOT_FOUND",
            "NOPE",
        ),
        (r#"{ region(code: "Y00") { name } }"#, "NOT_FOUND", "Y00"),
        (
            r#"{ networks(region: "Y00") { totalCount } }"#,
            "BAD_USER_INPUT",
            "Y00",
        ),
        (
            r#"{ providers(network: "ATLANTIS") { totalCount } }"#,
            "BAD_USER_INPUT",
            "ATLANTIS",
        ),
        (
            r#"{ icbs(asAt: "2026-13-01") { totalCount } }"#,
            "BAD_USER_INPUT",
            "2026-13-01",
        ),
        (
            r#"{ icbs(asAt: "01/04/2026") { totalCount } }"#,
            "BAD_USER_INPUT",
            "YYYY-MM-DD",
        ),
        (
            r#"{ networks(first: 0) { totalCount } }"#,
            "BAD_USER_INPUT",
            "between 1 and 100",
        ),
        (
            r#"{ networks(first: 101) { totalCount } }"#,
            "BAD_USER_INPUT",
            "between 1 and 100",
        ),
        (
            r#"{ networks(after: "nonsense") { totalCount } }"#,
            "BAD_USER_INPUT",
            "cursor",
        ),
    ];
    for (query, code, mentions) in cases {
        let (_, body) = app
            .post(Some(&app.token(&["NATIONAL_ADMIN"])), query, json!({}))
            .await;
        assert_eq!(error_codes(&body), [*code], "{query}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(mentions),
            "{query}: the message should mention {mentions}: {message}"
        );
    }
    // A malformed date in a variable fails the whole request, naming the variable: no field
    // answers as if the date had not been asked for.
    let (_, body) = app
        .post(
            Some(&app.token(&["NATIONAL_ADMIN"])),
            "query($d: Date, $ds: [Date!]) { icbs(asAt: $d) { totalCount } networks { totalCount } }",
            json!({ "d": "2026-02-30" }),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body.get("data").is_none_or(Value::is_null),
        "a request error: {body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("$d"),
        "{body}"
    );
}

async fn me_lists_what_the_grants_reach(app: TestApp) {
    let me = r#"{ me { sub name grants { role scope code } networks { code } icbs { code } providers { odsCode } } }"#;
    let icb = app.query(&["ICB_COMMISSIONER:QRL"], me, json!({})).await;
    assert_eq!(icb["data"]["me"]["networks"], json!([{ "code": "WESSEX" }]));
    assert_eq!(icb["data"]["me"]["icbs"], json!([{ "code": "QRL" }]));
    assert_eq!(
        icb["data"]["me"]["grants"],
        json!([{ "role": "ICB_COMMISSIONER", "scope": "ICB", "code": "QRL" }])
    );
    assert_eq!(
        icb["data"]["me"]["providers"].as_array().unwrap().len(),
        5,
        "2 hubs and 3 partners"
    );

    let provider = app.query(&["PROVIDER_CEO:RK9"], me, json!({})).await;
    assert_eq!(
        provider["data"]["me"]["networks"],
        json!([{ "code": "PENINSULA" }])
    );
    assert_eq!(
        provider["data"]["me"]["providers"],
        json!([{ "odsCode": "RK9" }])
    );

    let national = app.query(&["NATIONAL_VIEWER"], me, json!({})).await;
    assert_eq!(
        national["data"]["me"]["networks"].as_array().unwrap().len(),
        14
    );
    assert_eq!(national["data"]["me"]["icbs"].as_array().unwrap().len(), 36);

    let both = app
        .query(&["PROVIDER_CEO:RK9", "ICB_COMMISSIONER:QRL"], me, json!({}))
        .await;
    assert_eq!(
        both["data"]["me"]["networks"],
        json!([{ "code": "PENINSULA" }, { "code": "WESSEX" }]),
        "grants union"
    );
}
