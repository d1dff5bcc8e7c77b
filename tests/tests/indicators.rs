//! Indicators over HTTP: the catalogue and its audited edits, whole-batch submission
//! with revisions, aggregates by area after the April 2026 ICB changes, small-number control,
//! the role × operation scope matrix, funnel outliers, SPC, dashboard statement counts, the
//! CSV import and the `indicatorValuesPublished` subscription.

use std::collections::BTreeSet;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::subscriptions::{next, open, send};
use crate::support::{TestApp, error_codes};

on_both_databases!(
    the_catalogue_holds_appendix_1_and_the_generic_statements,
    a_batch_is_written_whole_or_not_at_all,
    submitters_may_submit_only_what_their_role_covers,
    aggregates_follow_the_icb_map_after_april_2026,
    readers_see_only_their_scope_and_others_under_small_number_control,
    funnel_names_outliers_both_ways_and_non_participants,
    spc_reads_a_series_with_making_data_count_rules,
    a_dashboard_costs_the_same_statements_for_one_network_and_fourteen,
    a_csv_file_imports_as_one_batch,
    published_values_reach_only_subscribers_in_scope,
    icb_figures_through_both_lenses
);

const SUBMIT: &str = r#"mutation($input: SubmitIndicatorValuesInput!) {
    submitIndicatorValues(input: $input) { batchId rows created revised unchanged } }"#;

const VALUES: &str = r#"query($i: String!, $o: String!, $from: Date!, $to: Date!) {
    indicatorValues(indicator: $i, organisation: $o, from: $from, to: $to) {
        organisation period periodLabel numerator denominator value status revision submittedBy } }"#;

fn proportion(indicator: &str, org: &str, period: &str, n: u32, d: u32) -> Value {
    json!({ "indicator": indicator, "organisation": org, "period": period,
            "numerator": n, "denominator": d, "status": "VALIDATED" })
}

async fn submit(app: &TestApp, grants: &[&str], values: Vec<Value>) -> Value {
    app.query(grants, SUBMIT, json!({ "input": { "values": values } }))
        .await
}

/// Every provider in a network on the demo map, and every provider in any network.
async fn members(app: &TestApp, network: Option<&str>) -> Vec<(String, String)> {
    let data = app
        .admin(
            r#"{ networks { edges { node { code
                hubs { provider { odsCode } } partners { provider { odsCode } } } } } }"#,
            json!({}),
        )
        .await;
    let mut out = Vec::new();
    for edge in data["networks"]["edges"].as_array().unwrap() {
        let code = edge["node"]["code"].as_str().unwrap();
        if network.is_some_and(|n| n != code) {
            continue;
        }
        for m in ["hubs", "partners"] {
            for p in edge["node"][m].as_array().unwrap() {
                out.push((
                    code.to_owned(),
                    p["provider"]["odsCode"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    out
}

fn problems(body: &Value) -> Vec<(u64, String)> {
    body["errors"][0]["extensions"]["problems"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn the_catalogue_holds_appendix_1_and_the_generic_statements(app: TestApp) {
    let data = app
        .admin(
            "{ indicators { code group kind level direction funnelMethod derivation spc { trendLength shiftLength } } }",
            json!({}),
        )
        .await;
    let all = data["indicators"].as_array().unwrap();
    assert_eq!(all.len(), 46, "31 from Appendix 1 and 15 generic");
    let in_group = |g: &str| all.iter().filter(|i| i["group"] == g).count();
    assert_eq!(
        [
            "ELECTIVE_BSR",
            "ELECTIVE_PATHWAY",
            "HVLC",
            "LVHC",
            "CAUDA_EQUINA",
            "SPINAL_INFECTION",
            "MSCC",
            "GENERIC"
        ]
        .map(in_group),
        [3, 4, 9, 6, 4, 3, 2, 15]
    );
    assert!(
        all.iter()
            .filter(|i| i["group"] == "GENERIC")
            .all(|i| i["kind"] == "ATTESTATION" && i["level"] == "NETWORK")
    );
    assert_eq!(
        all.iter().filter(|i| !i["derivation"].is_null()).count(),
        12
    );

    // A network team may not edit a national indicator; an administrator may, with a reason.
    let edit = r#"mutation($input: EditIndicatorInput!) { editIndicator(input: $input) { code target version spc { rebaseOn } } }"#;
    let input = json!({ "code": "CES_MRI_WITHIN_4_HOURS", "target": 90.0, "spcRebaseOn": ["2026-04-01"], "reason": "national standard agreed" });
    let body = app
        .query(&["NETWORK_MANAGER:WESSEX"], edit, json!({ "input": input }))
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let data = app.admin(edit, json!({ "input": input })).await;
    assert_eq!(data["editIndicator"]["version"], 2);
    assert_eq!(
        data["editIndicator"]["spc"]["rebaseOn"],
        json!(["2026-04-01"])
    );
    let bad =
        json!({ "code": "CES_MRI_WITHIN_4_HOURS", "spcRebaseOn": ["2026-04-15"], "reason": "x" });
    let body = app
        .query(&["NATIONAL_ADMIN"], edit, json!({ "input": bad }))
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let audit = app
        .admin(
            r#"{ auditLog(entityType: "INDICATOR") { edges { node { action entityKey reason } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        audit["auditLog"]["edges"][0]["node"]["entityKey"],
        "CES_MRI_WITHIN_4_HOURS"
    );

    // A network defines a local indicator; another network's team may not edit it.
    let define = r#"mutation($input: DefineLocalIndicatorInput!) { defineLocalIndicator(input: $input) { code group networkCode } }"#;
    let local = json!({ "network": "WESSEX", "code": "WESSEX_MDT_ATTENDANCE", "name": "MDT attendance",
        "kind": "PROPORTION", "unit": "%", "direction": "HIGHER_IS_BETTER", "frequency": "MONTHLY",
        "level": "PROVIDER", "funnelMethod": "ARCSINE", "reason": "workplan 2026/27 objective 3" });
    let body = app
        .query(
            &["NETWORK_MANAGER:PENINSULA"],
            define,
            json!({ "input": local }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let body = app
        .query(
            &["NETWORK_MANAGER:WESSEX"],
            define,
            json!({ "input": local }),
        )
        .await;
    assert_eq!(
        body["data"]["defineLocalIndicator"]["group"], "LOCAL",
        "{body}"
    );
    let rename = json!({ "input": { "code": "WESSEX_MDT_ATTENDANCE", "name": "Spinal MDT attendance", "reason": "clearer" } });
    let body = app
        .query(&["NETWORK_MANAGER:PENINSULA"], edit, rename.clone())
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let body = app
        .query(&["NETWORK_CLINICAL_LEAD:WESSEX"], edit, rename)
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

async fn a_batch_is_written_whole_or_not_at_all(app: TestApp) {
    let admin = ["NATIONAL_ADMIN"];
    let bad = vec![
        proportion("CES_MRI_WITHIN_4_HOURS", "RHM", "2026-09-01", 8, 10),
        proportion("NO_SUCH_INDICATOR", "RHM", "2026-09-01", 1, 2),
        proportion("CES_MRI_WITHIN_4_HOURS", "XXX", "2026-09-01", 1, 2),
        proportion("CES_MRI_WITHIN_4_HOURS", "RHM", "2026-09-15", 1, 2),
        proportion("CES_MRI_WITHIN_4_HOURS", "RHU", "2026-09-01", 12, 10),
        json!({ "indicator": "CES_MRI_WITHIN_4_HOURS", "organisation": "RK9", "period": "2026-09-01",
                "numerator": -1, "denominator": 10, "status": "VALIDATED" }),
        json!({ "indicator": "CES_MRI_WITHIN_4_HOURS", "organisation": "RH8", "period": "2026-09-01",
                "value": 0.8, "status": "VALIDATED" }),
        proportion("CES_MRI_WITHIN_4_HOURS", "RHM", "2026-09-01", 9, 10),
        proportion("BSR_EQ5D_1_YEAR", "RHM", "2026-05-01", 1, 2),
        proportion("CES_MRI_WITHIN_4_HOURS", "RHM", "2027-01-01", 1, 2),
        json!({ "indicator": "GENERIC_AGREED_WORKPLAN", "organisation": "WESSEX", "period": "2026-04-01",
                "value": 2, "status": "VALIDATED" }),
        json!({ "indicator": "CES_MRI_WITHIN_4_HOURS", "organisation": "RHM", "period": "2026-08-01",
                "segment": { "kind": "SEX", "value": "F" }, "numerator": 1, "denominator": 2, "status": "VALIDATED" }),
    ];
    let before = app.statements();
    let body = submit(&app, &admin, bad).await;
    assert!(app.statements() > before);
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let found = problems(&body);
    let lines: Vec<u64> = found.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, (2..=12).collect::<Vec<_>>(), "{found:?}");
    let reason = |line: u64| found.iter().find(|(l, _)| *l == line).unwrap().1.clone();
    assert!(reason(2).contains("unknown indicator"));
    assert!(reason(3).contains("no provider has the ODS code"));
    assert!(reason(4).contains("not the first day of a month"));
    assert!(reason(5).contains("above the denominator"));
    assert!(reason(6).contains("negative"));
    assert!(reason(7).contains("takes numerator and denominator"));
    assert!(reason(8).contains("duplicates line 1"));
    assert!(reason(9).contains("financial quarter"));
    assert!(reason(10).contains("has not started"));
    assert!(reason(11).contains("ATTESTATION takes value 1 (yes) or 0 (no)"));
    assert!(reason(12).contains("not a SEX value"));
    let window = json!({ "i": "CES_MRI_WITHIN_4_HOURS", "o": "RHM", "from": "2026-01-01", "to": "2026-12-01" });
    let data = app.admin(VALUES, window.clone()).await;
    assert_eq!(
        data["indicatorValues"],
        json!([]),
        "the good row was not written"
    );

    // Accepted, then identical (no-op), then revised with the old revision kept.
    let good = vec![
        proportion("CES_MRI_WITHIN_4_HOURS", "RHM", "2026-09-01", 8, 10),
        proportion("CES_MRI_WITHIN_4_HOURS", "RHM", "2026-10-01", 7, 10),
    ];
    let body = submit(&app, &admin, good.clone()).await;
    let result = &body["data"]["submitIndicatorValues"];
    assert_eq!(
        (result["created"].as_u64(), result["unchanged"].as_u64()),
        (Some(2), Some(0)),
        "{body}"
    );
    // A proportion has no value of its own: it is stored absent (on PostgreSQL it travels to the
    // insert as NaN, and must arrive as NULL).
    let absent = app
        .state
        .db
        .query_one_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM indicator_values WHERE indicator_code = \
             'CES_MRI_WITHIN_4_HOURS' AND organisation = 'RHM' AND value IS NULL",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(absent, 2, "absent figures are stored as NULL");
    let body = submit(&app, &admin, good).await;
    let result = &body["data"]["submitIndicatorValues"];
    assert_eq!(result["unchanged"], 2, "{body}");
    assert_eq!(result["batchId"], Value::Null);
    let body = submit(
        &app,
        &admin,
        vec![proportion(
            "CES_MRI_WITHIN_4_HOURS",
            "RHM",
            "2026-09-01",
            9,
            10,
        )],
    )
    .await;
    assert_eq!(
        body["data"]["submitIndicatorValues"]["revised"], 1,
        "{body}"
    );
    let data = app.admin(VALUES, window.clone()).await;
    let current = &data["indicatorValues"][0];
    assert_eq!(
        (current["value"].as_f64(), current["revision"].as_i64()),
        (Some(90.0), Some(2))
    );
    assert_eq!(current["periodLabel"], "Sep 2026");
    let history = app
        .admin(
            r#"query($i: String!, $o: String!, $from: Date!, $to: Date!) {
                indicatorHistory(indicator: $i, organisation: $o, from: $from, to: $to) { numerator revision supersededAt } }"#,
            window,
        )
        .await;
    assert_eq!(
        history["indicatorHistory"],
        json!([{ "numerator": 8.0, "revision": 1, "supersededAt": history["indicatorHistory"][0]["supersededAt"] }])
    );
    assert!(history["indicatorHistory"][0]["supersededAt"].is_string());
    // Revisions and batches are history in the database itself.
    for statement in [
        "UPDATE indicator_value_revisions SET numerator = 0",
        "DELETE FROM indicator_value_revisions",
        "UPDATE indicator_batches SET reason = 'rewritten'",
        "DELETE FROM indicator_batches",
    ] {
        let refused = app.state.db.execute_unprepared(statement).await;
        assert!(refused.is_err(), "{statement} was allowed");
    }
}

async fn submitters_may_submit_only_what_their_role_covers(app: TestApp) {
    let pathway = |org: &str| proportion("CES_MRI_WITHIN_4_HOURS", org, "2026-09-01", 3, 4);
    let registry = |org: &str| proportion("BSR_PROCEDURE_FORMS", org, "2026-09-01", 3, 4);
    let attest = |net: &str| {
        json!({ "indicator": "GENERIC_NETWORK_OF_NETWORKS", "organisation": net,
        "period": "2026-04-01", "value": 1, "status": "PROVISIONAL" })
    };
    // Derived by the portal from the network's workplans: nobody types it in.
    let workplan = |net: &str| {
        json!({ "indicator": "GENERIC_AGREED_WORKPLAN", "organisation": net,
        "period": "2026-04-01", "value": 1, "status": "VALIDATED" })
    };
    let matrix: Vec<(&str, Value, bool)> = vec![
        ("PROVIDER_SUBMITTER:RHM", pathway("RHM"), true),
        ("PROVIDER_SUBMITTER:RHM", pathway("RHU"), false),
        ("PROVIDER_SUBMITTER:RHM", registry("RHM"), false),
        ("REGISTRY_ANALYST", registry("RK9"), true),
        ("REGISTRY_ANALYST", pathway("RK9"), false),
        ("NETWORK_MANAGER:WESSEX", attest("WESSEX"), true),
        ("NETWORK_CLINICAL_LEAD:WESSEX", attest("PENINSULA"), false),
        ("NETWORK_CLINICAL_LEAD:WESSEX", workplan("WESSEX"), false),
        ("PROVIDER_SUBMITTER:RHM", workplan("WESSEX"), false),
        ("NETWORK_MANAGER:WESSEX", pathway("RHM"), false),
        ("ICB_COMMISSIONER:QRL", pathway("RHM"), false),
        ("NATIONAL_VIEWER", pathway("RHM"), false),
        ("INTEGRATION", pathway("RHM"), false),
        ("NATIONAL_ADMIN", attest("PENINSULA"), true),
    ];
    for (grant, row, allowed) in matrix {
        let body = submit(&app, &[grant], vec![row.clone()]).await;
        if allowed {
            assert!(body.get("errors").is_none(), "{grant} {row}: {body}");
        } else {
            assert_eq!(
                error_codes(&body),
                ["BAD_USER_INPUT"],
                "{grant} {row}: {body}"
            );
            let reason = &problems(&body)[0].1;
            assert!(
                reason.contains("you may not submit") || reason.contains("derived by the portal"),
                "{grant}: {body}"
            );
        }
    }
}

/// Submits `BSR_PROCEDURE_FORMS` for September 2026 for every member: numerator 10 + i,
/// denominator 50 + i, in member order.
async fn seed_all_members(app: &TestApp) -> Vec<(String, String, u32, u32)> {
    let all = members(app, None).await;
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for (i, (net, ods)) in all.iter().enumerate() {
        let (n, d) = (10 + i as u32, 50 + i as u32);
        values.push(proportion("BSR_PROCEDURE_FORMS", ods, "2026-09-01", n, d));
        rows.push((net.clone(), ods.clone(), n, d));
    }
    let body = submit(app, &["REGISTRY_ANALYST"], values).await;
    assert!(body.get("errors").is_none(), "{body}");
    rows
}

const AGGREGATE: &str = r#"query($area: AreaInput!, $asAt: Date) {
    indicatorAggregate(indicator: "BSR_PROCEDURE_FORMS", area: $area, from: "2026-09-01", to: "2026-09-01", asAt: $asAt) {
        organisations reporting exact rows { period figures { numerator denominator value suppressed rounded } } } }"#;

async fn aggregates_follow_the_icb_map_after_april_2026(app: TestApp) {
    let seeded = seed_all_members(&app).await;
    let sum = |keep: &dyn Fn(&str) -> bool| {
        seeded
            .iter()
            .filter(|(net, _, _, _)| keep(net))
            .fold((0.0, 0.0), |(n, d), r| (n + r.2 as f64, d + r.3 as f64))
    };
    // S9B9J (Surrey and Sussex) exists from 1 April 2026; SWLSS serves it.
    let data = app
        .admin(
            AGGREGATE,
            json!({ "area": { "kind": "ICB", "code": "S9B9J" } }),
        )
        .await;
    let agg = &data["indicatorAggregate"];
    let (n, d) = sum(&|net| net == "SWLSS");
    assert_eq!(agg["exact"], true);
    assert_eq!(
        agg["rows"][0]["figures"]["numerator"].as_f64(),
        Some(n),
        "{agg}"
    );
    assert_eq!(agg["rows"][0]["figures"]["denominator"].as_f64(), Some(d));
    assert_eq!(agg["organisations"], agg["reporting"]);
    // QXU (Surrey Heartlands) ended on 31 March 2026.
    let body = app
        .query(
            &["NATIONAL_ADMIN"],
            AGGREGATE,
            json!({ "area": { "kind": "ICB", "code": "QXU" } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(body.to_string().contains("did not exist"), "{body}");
    let data = app
        .admin(
            AGGREGATE,
            json!({ "area": { "kind": "ICB", "code": "QXU" }, "asAt": "2025-06-01" }),
        )
        .await;
    assert!(
        data["indicatorAggregate"]["organisations"]
            .as_u64()
            .unwrap()
            > 0
    );

    // Region: networks led in South East (Y59).
    let data = app
        .admin(
            r#"{ networks(region: "Y59") { edges { node { code leadRegion { code } } } } }"#,
            json!({}),
        )
        .await;
    let led: BTreeSet<String> = data["networks"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["leadRegion"]["code"] == "Y59")
        .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(!led.is_empty());
    let data = app
        .admin(
            AGGREGATE,
            json!({ "area": { "kind": "REGION", "code": "Y59" } }),
        )
        .await;
    let (n, _) = sum(&|net| led.contains(net));
    assert_eq!(
        data["indicatorAggregate"]["rows"][0]["figures"]["numerator"].as_f64(),
        Some(n)
    );
    // England: every English member, exact even for a network team.
    let body = app
        .query(
            &["NETWORK_MANAGER:WESSEX"],
            AGGREGATE,
            json!({ "area": { "kind": "ENGLAND" } }),
        )
        .await;
    let agg = &body["data"]["indicatorAggregate"];
    let (n, _) = sum(&|_| true);
    assert_eq!(agg["exact"], true, "{body}");
    assert_eq!(agg["rows"][0]["figures"]["numerator"].as_f64(), Some(n));
}

async fn readers_see_only_their_scope_and_others_under_small_number_control(app: TestApp) {
    let seeded = seed_all_members(&app).await;
    let wessex: BTreeSet<String> = seeded
        .iter()
        .filter(|r| r.0 == "WESSEX")
        .map(|r| r.1.clone())
        .collect();
    let qrl_networks = networks_serving(&app, "QRL").await;
    let qrl_providers: BTreeSet<String> = seeded
        .iter()
        .filter(|r| qrl_networks.contains(&r.0))
        .map(|r| r.1.clone())
        .collect();
    let all: BTreeSet<String> = seeded.iter().map(|r| r.1.clone()).collect();
    let benchmark = r#"{ indicatorBenchmark(indicator: "BSR_PROCEDURE_FORMS", from: "2026-09-01", to: "2026-09-01") {
        national { median } ranked rows { organisation rank peerGroup } } }"#;
    let matrix: Vec<(&str, &BTreeSet<String>)> = vec![
        ("NATIONAL_VIEWER", &all),
        ("REGISTRY_ANALYST", &all),
        ("NETWORK_MANAGER:WESSEX", &wessex),
        ("NETWORK_CLINICAL_LEAD:WESSEX", &wessex),
        ("ICB_COMMISSIONER:QRL", &qrl_providers),
        ("INTEGRATION:network=WESSEX", &wessex),
    ];
    let provider_only = BTreeSet::from(["RHM".to_owned()]);
    let matrix = matrix
        .into_iter()
        .chain([("PROVIDER_SUBMITTER:RHM", &provider_only)]);
    for (grant, expected) in matrix {
        // Benchmarks: national figures for all, rows only in scope.
        let body = app.query(&[grant], benchmark, json!({})).await;
        let b = &body["data"]["indicatorBenchmark"];
        let rows: BTreeSet<String> = b["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["organisation"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(&rows, expected, "{grant}: {body}");
        assert_eq!(b["ranked"].as_u64(), Some(all.len() as u64), "{grant}");
        assert!(b["national"]["median"].is_number(), "{grant}");
        // Values: in scope readable, outside FORBIDDEN with nothing in the message.
        for ods in ["RHM", "RK9"] {
            let body = app
                .query(
                    &[grant],
                    VALUES,
                    json!({ "i": "BSR_PROCEDURE_FORMS", "o": ods, "from": "2026-09-01", "to": "2026-09-01" }),
                )
                .await;
            if expected.contains(ods) {
                assert_eq!(
                    body["data"]["indicatorValues"].as_array().unwrap().len(),
                    1,
                    "{grant} {ods}: {body}"
                );
            } else {
                assert_eq!(error_codes(&body), ["FORBIDDEN"], "{grant} {ods}: {body}");
                assert!(
                    !body.to_string().contains("numerator\":"),
                    "{grant}: {body}"
                );
            }
        }
    }
    // Another network's aggregate: rounded to 5 for a network team, exact for the registry.
    let peninsula = json!({ "area": { "kind": "NETWORK", "code": "PENINSULA" } });
    let body = app
        .query(&["NETWORK_MANAGER:WESSEX"], AGGREGATE, peninsula.clone())
        .await;
    let agg = &body["data"]["indicatorAggregate"];
    assert_eq!(agg["exact"], false, "{body}");
    let figures = &agg["rows"][0]["figures"];
    let (n, d) = (
        figures["numerator"].as_f64().unwrap(),
        figures["denominator"].as_f64().unwrap(),
    );
    assert_eq!((n % 5.0, d % 5.0), (0.0, 0.0), "{figures}");
    assert_eq!(figures["rounded"], true);
    assert!((figures["value"].as_f64().unwrap() - 100.0 * n / d).abs() < 1e-9);
    let exact = app.admin(AGGREGATE, peninsula).await;
    let (n_true, _) = seeded
        .iter()
        .filter(|r| r.0 == "PENINSULA")
        .fold((0.0, 0.0), |(a, b), r| (a + r.2 as f64, b + r.3 as f64));
    assert_eq!(
        exact["indicatorAggregate"]["rows"][0]["figures"]["numerator"].as_f64(),
        Some(n_true)
    );
    // Small counts: one provider with 3 of 6 is suppressed for outsiders.
    let body = submit(
        &app,
        &["REGISTRY_ANALYST"],
        vec![proportion("BSR_EQ5D_6_WEEKS", "RK9", "2026-09-01", 3, 6)],
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    let small = r#"{ indicatorAggregate(indicator: "BSR_EQ5D_6_WEEKS", area: {kind: NETWORK, code: "PENINSULA"}, from: "2026-09-01", to: "2026-09-01") {
        exact rows { figures { numerator denominator value suppressed } } } }"#;
    let body = app.query(&["ICB_COMMISSIONER:QRL"], small, json!({})).await;
    let figures = &body["data"]["indicatorAggregate"]["rows"][0]["figures"];
    assert_eq!(figures["suppressed"], true, "{body}");
    assert_eq!(figures["numerator"], Value::Null);
    assert_eq!(figures["value"], Value::Null);
}

async fn funnel_names_outliers_both_ways_and_non_participants(app: TestApp) {
    let all = members(&app, None).await;
    let (absent, worst, best) = (&all[0].1, &all[1].1, &all[2].1);
    let mut values = Vec::new();
    for (i, (_, ods)) in all.iter().enumerate() {
        let n = if ods == absent {
            continue;
        } else if ods == worst {
            80
        } else if ods == best {
            0
        } else {
            8 + (i as u32 % 5)
        };
        values.push(proportion(
            "HVLC_READMISSION_30D_LUMBAR_FUSION",
            ods,
            "2026-09-01",
            n,
            200,
        ));
        if ods == worst {
            values.last_mut().unwrap()["status"] = json!("PROVISIONAL");
        }
    }
    let body = submit(&app, &["NATIONAL_ADMIN"], values).await;
    assert!(body.get("errors").is_none(), "{body}");
    // The worst figure is still provisional: the funnel says so, and can leave it out.
    let validated = app
        .admin(
            r#"{ indicatorFunnel(indicator: "HVLC_READMISSION_30D_LUMBAR_FUSION", from: "2026-09-01", to: "2026-09-01") { participants points { organisation provisionalValues } }
                validated: indicatorFunnel(indicator: "HVLC_READMISSION_30D_LUMBAR_FUSION", from: "2026-09-01", to: "2026-09-01", validatedOnly: true) { participants points { organisation } } }"#,
            json!({}),
        )
        .await;
    let provisional: Vec<&str> = validated["indicatorFunnel"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["provisionalValues"] == 1)
        .map(|p| p["organisation"].as_str().unwrap())
        .collect();
    assert_eq!(provisional, [worst.as_str()]);
    assert_eq!(
        validated["validated"]["participants"].as_u64(),
        validated["indicatorFunnel"]["participants"]
            .as_u64()
            .map(|n| n - 1)
    );
    let query = r#"{ indicatorFunnel(indicator: "HVLC_READMISSION_30D_LUMBAR_FUSION", from: "2026-09-01", to: "2026-09-01") {
        method target phi tau2 overdispersionAdjusted participants nonParticipating
        points { organisation value denominator zScore status limits { alertLow alertHigh alarmLow alarmHigh } }
        curve { denominator } } }"#;
    let data = app.admin(query, json!({})).await;
    let f = &data["indicatorFunnel"];
    assert_eq!(f["method"], "ARCSINE");
    assert_eq!(f["participants"].as_u64(), Some(all.len() as u64 - 1));
    assert_eq!(f["nonParticipating"], json!([absent]));
    let status_of = |ods: &str| {
        f["points"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["organisation"] == ods)
            .unwrap()["status"]
            .clone()
    };
    // Lower is better for readmissions: 40% is a negative alarm, 0% a positive one.
    assert_eq!(status_of(worst), "NEGATIVE_ALARM", "{f}");
    assert_eq!(status_of(best), "POSITIVE_ALARM", "{f}");
    let point = f["points"][3].clone();
    let limits = &point["limits"];
    assert!(limits["alarmLow"].as_f64() < limits["alertLow"].as_f64());
    assert!(limits["alertHigh"].as_f64() < limits["alarmHigh"].as_f64());
    assert!(!f["curve"].as_array().unwrap().is_empty());

    // A network team sees its own points and the limits, nobody else's points.
    let body = app
        .query(&["NETWORK_MANAGER:WESSEX"], query, json!({}))
        .await;
    let orgs: BTreeSet<String> = body["data"]["indicatorFunnel"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["organisation"].as_str().unwrap().to_owned())
        .collect();
    let wessex: BTreeSet<String> = members(&app, Some("WESSEX"))
        .await
        .into_iter()
        .map(|m| m.1)
        .filter(|o| o != absent)
        .collect();
    assert_eq!(orgs, wessex, "{body}");

    // From the alarm to a case in one step, with the evidence attached.
    let open = r#"mutation($input: OpenCaseFromOutlierInput!) {
        openCaseFromOutlier(input: $input) { reference category stage evidence { label url } } }"#;
    let input = |ods: &str| {
        json!({ "input": { "indicator": "HVLC_READMISSION_30D_LUMBAR_FUSION",
        "providerOds": ods, "from": "2026-09-01", "to": "2026-09-01",
        "summary": "Readmissions after lumbar fusion beyond the alarm limit." } })
    };
    let body = app.query(&["REGISTRY_ANALYST"], open, input(worst)).await;
    let case = &body["data"]["openCaseFromOutlier"];
    assert_eq!(case["category"], 3, "{body}");
    let label = case["evidence"][0]["label"].as_str().unwrap();
    assert!(
        label.starts_with(
            "Funnel alarm HVLC_READMISSION_30D_LUMBAR_FUSION 2026-09-01..2026-09-01: 40.0% on 200.0"
        ),
        "{label}"
    );
    assert!(
        case["evidence"][0]["url"]
            .as_str()
            .unwrap()
            .contains("/indicators/HVLC_READMISSION_30D_LUMBAR_FUSION/funnel")
    );
    let body = app.query(&["REGISTRY_ANALYST"], open, input(best)).await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "a positive outlier opens no case: {body}"
    );
    let body = app
        .query(&["NETWORK_MANAGER:WESSEX"], open, input(worst))
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    // Participation is not an outcome: no case opens from its funnel.
    let prom = json!({ "input": { "indicator": "BSR_EQ5D_6_WEEKS", "providerOds": worst,
        "from": "2026-09-01", "to": "2026-09-01", "summary": "Low EQ5D returns." } });
    let body = app.query(&["REGISTRY_ANALYST"], open, prom).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("participation")
    );

    // Counts have no funnel.
    let body = app
        .query(
            &["NATIONAL_ADMIN"],
            r#"{ indicatorFunnel(indicator: "MSCC_OPERATIONS", from: "2026-09-01", to: "2026-09-01") { target } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
}

async fn spc_reads_a_series_with_making_data_count_rules(app: TestApp) {
    // 20 months: 12 around 50%, then 8 at 80% (a special cause improvement when higher is better).
    let mut values = Vec::new();
    for m in 0..20u32 {
        let (year, month) = (2025 + (m + 3) / 12, (m + 3) % 12 + 1);
        let n = if m < 12 { 48 + (m % 3) * 2 } else { 80 };
        values.push(proportion(
            "CES_MRI_WITHIN_4_HOURS",
            "RHM",
            &format!("{year}-{month:02}-01"),
            n,
            100,
        ));
    }
    let body = submit(&app, &["PROVIDER_SUBMITTER:RHM"], values).await;
    assert!(body.get("errors").is_none(), "{body}");
    let query = r#"{ indicatorSpc(indicator: "CES_MRI_WITHIN_4_HOURS", organisation: "RHM", from: "2025-04-01", to: "2026-11-01") {
        points { period value rule pointType } segments { points mean lowerLimit upperLimit tooShort } variation assurance } }"#;
    let body = app
        .query(&["PROVIDER_SUBMITTER:RHM"], query, json!({}))
        .await;
    let chart = &body["data"]["indicatorSpc"];
    assert_eq!(chart["points"].as_array().unwrap().len(), 20, "{body}");
    assert_eq!(chart["points"][0]["period"], "2025-04-01");
    assert_eq!(chart["variation"], "IMPROVEMENT_HIGH", "{chart}");
    assert_eq!(
        chart["points"][19]["pointType"],
        "SPECIAL_CAUSE_IMPROVEMENT"
    );
    assert_eq!(chart["assurance"], Value::Null, "no target yet");
    let segment = &chart["segments"][0];
    let mean = (12.0 * 50.0 - 0.0 + 8.0 * 80.0) / 20.0;
    assert!(
        (segment["mean"].as_f64().unwrap() - mean).abs() < 1.0,
        "{segment}"
    );

    // With a target and a rebase at the step, the last segment stands alone.
    app.admin(
        r#"mutation { editIndicator(input: {code: "CES_MRI_WITHIN_4_HOURS", target: 60, spcRebaseOn: ["2026-04-01"], reason: "new pathway from April 2026"}) { version } }"#,
        json!({}),
    )
    .await;
    let body = app
        .query(&["PROVIDER_SUBMITTER:RHM"], query, json!({}))
        .await;
    let chart = &body["data"]["indicatorSpc"];
    assert_eq!(chart["segments"].as_array().unwrap().len(), 2, "{body}");
    assert_eq!(chart["segments"][1]["tooShort"], true);
    assert_eq!(chart["assurance"], "CONSISTENTLY_PASS", "{chart}");
    // Outside scope.
    let body = app
        .query(&["PROVIDER_SUBMITTER:RK9"], query, json!({}))
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
}

async fn a_dashboard_costs_the_same_statements_for_one_network_and_fourteen(app: TestApp) {
    let codes: Vec<&str> = vec![
        "BSR_PROCEDURE_FORMS",
        "BSR_EQ5D_6_WEEKS",
        "CES_MRI_WITHIN_4_HOURS",
        "HVLC_LOS_LUMBAR_FUSION",
        "MSCC_OPERATIONS",
    ];
    let mut values = Vec::new();
    for (_, ods) in members(&app, None).await {
        for month in 1..=6 {
            values.push(proportion(
                codes[0],
                &ods,
                &format!("2026-{month:02}-01"),
                5,
                9,
            ));
            values.push(json!({ "indicator": codes[3], "organisation": ods, "period": format!("2026-{month:02}-01"),
                "value": 3.5, "denominator": 12, "status": "PROVISIONAL" }));
        }
    }
    for chunk in values.chunks(200) {
        let body = submit(&app, &["NATIONAL_ADMIN"], chunk.to_vec()).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let fragment = r#"fragment n on Network { code
        hubs { provider { odsCode indicatorSeries(codes: $codes, from: "2026-01-01", to: "2026-12-01") { indicatorCode points { period value numerator denominator } } } }
        partners { provider { odsCode indicatorSeries(codes: $codes, from: "2026-01-01", to: "2026-12-01") { indicatorCode points { period value } } } } }"#;
    let one =
        format!(r#"query($codes: [String!]!) {{ network(code: "WESSEX") {{ ...n }} }} {fragment}"#);
    let all = format!(
        "query($codes: [String!]!) {{ networks {{ edges {{ node {{ ...n }} }} }} }} {fragment}"
    );
    let mut counts = Vec::new();
    for query in [&one, &all] {
        let before = app.statements();
        let data = app.admin(query, json!({ "codes": codes })).await;
        counts.push(app.statements() - before);
        let text = data.to_string();
        assert!(text.contains("55.5555"), "values came back");
    }
    eprintln!(
        "SQL statements for the dashboard on {:?}: 1 network {}, 14 networks {}",
        app.kind(),
        counts[0],
        counts[1]
    );
    assert_eq!(counts[0], counts[1], "statement count grew with the rows");
    // One provider's series, asked again, is answered from the caches without a statement (the
    // provider from the organisation map, its values from the series cache). Of two asks in a
    // row at least one must cost nothing: a 30-second expiry may fall between them.
    let series = r#"query($codes: [String!]!) { provider(odsCode: "RHM") { name indicatorSeries(codes: $codes, from: "2026-01-01", to: "2026-12-01") { points { period value } periods values } } }"#;
    app.admin(series, json!({ "codes": codes })).await;
    let mut again = Vec::new();
    for _ in 0..2 {
        let before = app.statements();
        let data = app.admin(series, json!({ "codes": codes })).await;
        assert!(data.to_string().contains("55.5555"), "{data}");
        // The columns carry the points' figures, in order.
        for series in data["provider"]["indicatorSeries"].as_array().unwrap() {
            let points = series["points"].as_array().unwrap();
            let column = |field: &str| points.iter().map(|p| p[field].clone()).collect::<Vec<_>>();
            assert_eq!(series["periods"], json!(column("period")), "{series}");
            assert_eq!(series["values"], json!(column("value")), "{series}");
        }
        again.push(app.statements() - before);
    }
    assert!(
        again.contains(&0),
        "a cached series still cost statements: {again:?}"
    );
    // A network team asking for every network gets its own providers and FORBIDDEN elsewhere.
    let body = app
        .query(&["NETWORK_MANAGER:WESSEX"], &all, json!({ "codes": codes }))
        .await;
    let forbidden = error_codes(&body).len();
    let total = members(&app, None).await.len();
    let own = members(&app, Some("WESSEX")).await.len();
    assert_eq!(forbidden, total - own, "one FORBIDDEN per hidden provider");
}

async fn a_csv_file_imports_as_one_batch(app: TestApp) {
    let operator = api::import::operator("BSR data team").unwrap();
    // A header without a column a row needs is one error, at line 1, naming it.
    let headless = "indicator,organisation,period,numerator,denominator\n\
        BSR_PROCEDURE_FORMS,RHM,2026-09-01,40,50\n\
        BSR_PROCEDURE_FORMS,RHU,2026-09-01,40,50\n";
    let err = api::import::read_lines(headless.as_bytes()).err().unwrap();
    assert!(
        err.starts_with("line 1:") && err.contains("`status`"),
        "{err}"
    );
    let bad = "indicator,organisation,period,segment_kind,segment_value,numerator,denominator,value,status\n\
        BSR_PROCEDURE_FORMS,RHM,2026-09-01,,,40,50,,VALIDATED\n\
        BSR_PROCEDURE_FORMS,RHU,01/09/2026,,,40,50,,VALIDATED\n\
        BSR_PROCEDURE_FORMS,RHU,2026-09-01,,,forty,50,,VALIDATED\n\
        BSR_PROCEDURE_FORMS,RHU,2026-09-01,AGE_BAND,40-59,4,5,,FINAL\n";
    let lines = api::import::read_lines(bad.as_bytes()).unwrap();
    let err =
        graphql::service::submission::submit(&app.state, &operator, lines, "FILE t.csv", None)
            .await
            .unwrap_err();
    let graphql::error::AppError::Rejected { problems, .. } = err else {
        panic!("rejected as a whole")
    };
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 4, 5], "{problems:?}");
    let good = "indicator,organisation,period,segment_kind,segment_value,numerator,denominator,value,status\n\
        BSR_PROCEDURE_FORMS,RHM,2026-09-01,,,40,50,,VALIDATED\n\
        BSR_PROCEDURE_FORMS,RHM,2026-09-01,AGE_BAND,40-59,4,5,,VALIDATED\n\
        MSCC_OPERATIONS,RHU,2026-09-01,,,,,3,PROVISIONAL\n";
    let lines = api::import::read_lines(good.as_bytes()).unwrap();
    let outcome = graphql::service::submission::submit(
        &app.state,
        &operator,
        lines,
        "FILE good.csv",
        Some("quarterly extract"),
    )
    .await
    .unwrap();
    assert_eq!((outcome.created, outcome.revised), (3, 0));
    let data = app
        .admin(
            VALUES,
            json!({ "i": "BSR_PROCEDURE_FORMS", "o": "RHM", "from": "2026-09-01", "to": "2026-09-01" }),
        )
        .await;
    let rows = data["indicatorValues"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["submittedBy"] == "BSR data team"));
}

async fn published_values_reach_only_subscribers_in_scope(app: TestApp) {
    let mut socket = open(&app).await;
    let token = app.token(&["NETWORK_MANAGER:WESSEX"]);
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query":
        "subscription { indicatorValuesPublished { batchId indicators organisations firstPeriod lastPeriod } }" } })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Outside WESSEX: nothing. Then one inside and one outside: only the inside one is named.
    let body = submit(
        &app,
        &["REGISTRY_ANALYST"],
        vec![proportion("BSR_PROCEDURE_FORMS", "RK9", "2026-09-01", 1, 2)],
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    let body = submit(
        &app,
        &["REGISTRY_ANALYST"],
        vec![
            proportion("BSR_PROCEDURE_FORMS", "RK9", "2026-10-01", 1, 2),
            proportion("BSR_PROCEDURE_FORMS", "RHM", "2026-10-01", 1, 2),
        ],
    )
    .await;
    let batch = body["data"]["submitIndicatorValues"]["batchId"].clone();
    let message = next(&mut socket).await.unwrap();
    assert_eq!(message["type"], "next", "{message}");
    let event = &message["payload"]["data"]["indicatorValuesPublished"];
    assert_eq!(
        event["batchId"], batch,
        "the first batch was not sent: {event}"
    );
    assert_eq!(event["organisations"], json!(["RHM"]));
    assert_eq!(event["firstPeriod"], "2026-10-01");
}

/// Scope and dashboard series come from caches: a change made through instance A reaches the
/// callers of instance B (PostgreSQL LISTEN/NOTIFY), not only A's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_rescopes_callers_on_another() {
    let Some(a) = crate::support::spawn(crate::support::Db::Postgres).await else {
        return;
    };
    let b = crate::support::spawn_another_instance(&a).await;
    let reach = r#"{ me { providers { odsCode } } }"#;
    let reaches_rhu = |body: &Value| {
        body["data"]["me"]["providers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["odsCode"] == "RHU")
    };
    let manager = ["NETWORK_MANAGER:WESSEX"];
    assert!(reaches_rhu(&b.query(&manager, reach, json!({})).await));
    a.admin(
        r#"mutation { setNetworkHubs(input: { network: "WESSEX", hubs: [{ odsCode: "RHM" }, { odsCode: "ZZ121" }],
            effectiveFrom: "2026-11-22", reason: "Portsmouth spinal surgery moved" }) { code } }"#,
        json!({}),
    )
    .await;
    assert!(!reaches_rhu(&a.query(&manager, reach, json!({})).await));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    // Dashboards' series are cached too: a batch published through A reaches B's readers.
    let series = r#"{ provider(odsCode: "RHM") { indicatorSeries(codes: ["MSCC_OPERATIONS"], from: "2026-09-01", to: "2026-09-01") { values } } }"#;
    let value = |body: Value| body["data"]["provider"]["indicatorSeries"][0]["values"].clone();
    let publish = |v: u32| {
        json!({ "input": { "values": [{ "indicator": "MSCC_OPERATIONS", "organisation": "RHM",
        "period": "2026-09-01", "value": v, "status": "VALIDATED" }] } })
    };
    a.admin(SUBMIT, publish(4)).await;
    assert_eq!(
        value(b.query(&["NATIONAL_VIEWER"], series, json!({})).await),
        json!([4.0])
    );
    a.admin(SUBMIT, publish(5)).await;
    assert_eq!(
        value(a.query(&["NATIONAL_VIEWER"], series, json!({})).await),
        json!([5.0])
    );
    while value(b.query(&["NATIONAL_VIEWER"], series, json!({})).await) != json!([5.0]) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "instance B still serves the old series"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    while reaches_rhu(&b.query(&manager, reach, json!({})).await) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "instance B still scopes by the old map"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const LENS: &str = r#"query($area: AreaInput!, $lens: AggregateLens!, $from: Date!) {
    indicatorAggregate(indicator: "BSR_PROCEDURE_FORMS", area: $area, from: $from, to: $from, lens: $lens) {
        lens basis organisations reporting exact residenceReported
        rows { period segmentValue figures { numerator denominator rounded } } } }"#;

/// The numerator and denominator over the window (the row without a period).
fn window_figures(body: &Value) -> (f64, f64) {
    let rows = body["data"]["indicatorAggregate"]["rows"]
        .as_array()
        .unwrap();
    let row = rows.iter().find(|r| r["period"].is_null()).unwrap();
    (
        row["figures"]["numerator"].as_f64().unwrap(),
        row["figures"]["denominator"].as_f64().unwrap(),
    )
}

/// The networks whose footprint includes `icb` today.
async fn networks_serving(app: &TestApp, icb: &str) -> BTreeSet<String> {
    app.admin(
        "query($icb: String!) { networks(icb: $icb) { edges { node { code } } } }",
        json!({ "icb": icb }),
    )
    .await["networks"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
        .collect()
}

/// *Clinical audits and registries: a best practice guide* §4.4: an ICB's figures through the
/// providers serving it and through its residents wherever treated. A provider of a network
/// serving QRL treats residents of QRL and of another ICB; a provider of a network that does not
/// serve QRL treats residents of QRL too.
async fn icb_figures_through_both_lenses(app: TestApp) {
    let serving = networks_serving(&app, "QRL").await;
    let all = members(&app, None).await;
    let (near_network, near) = all
        .iter()
        .find(|(n, _)| serving.contains(n))
        .unwrap()
        .clone();
    let (_, far) = all
        .iter()
        .find(|(n, _)| !serving.contains(n))
        .unwrap()
        .clone();
    let other_icb = "QJ2";
    let residence = |ods: &str, icb: &str, n: u32, d: u32| {
        json!({ "indicator": "BSR_PROCEDURE_FORMS", "organisation": ods, "period": "2026-09-01",
                "segment": { "kind": "RESIDENCE_ICB", "value": icb }, "numerator": n, "denominator": d, "status": "VALIDATED" })
    };
    let body = submit(
        &app,
        &["REGISTRY_ANALYST"],
        vec![
            proportion("BSR_PROCEDURE_FORMS", &near, "2026-09-01", 30, 100),
            residence(&near, "QRL", 12, 41),
            residence(&near, other_icb, 18, 59),
            proportion("BSR_PROCEDURE_FORMS", &far, "2026-09-01", 50, 100),
            residence(&far, "QRL", 6, 22),
        ],
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    // A residence value names an ICB.
    let body = submit(
        &app,
        &["REGISTRY_ANALYST"],
        vec![residence(&near, "NOT-AN-ICB", 1, 2)],
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let qrl = json!({ "kind": "ICB", "code": "QRL" });
    let ask = |token: String, area: Value, lens: &'static str, from: &'static str| {
        let app = &app;
        async move {
            app.query_with(
                &token,
                LENS,
                json!({ "area": area, "lens": lens, "from": from }),
            )
            .await
        }
    };
    let admin = app.token(&["NATIONAL_ADMIN"]);
    // The provider lens: the providers of the networks serving QRL, named as such.
    let body = ask(admin.clone(), qrl.clone(), "PROVIDER", "2026-09-01").await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        window_figures(&body),
        (30.0, 100.0),
        "the near provider alone: {body}"
    );
    assert!(
        body["data"]["indicatorAggregate"]["basis"]
            .as_str()
            .unwrap()
            .contains("networks whose footprint includes QRL")
    );
    // The population lens: QRL's residents at both providers, not the near provider's others.
    let body = ask(admin.clone(), qrl.clone(), "POPULATION", "2026-09-01").await;
    let agg = &body["data"]["indicatorAggregate"];
    assert_eq!(window_figures(&body), (18.0, 63.0), "{body}");
    assert_eq!(
        (
            agg["lens"].as_str(),
            agg["reporting"].as_u64(),
            agg["exact"].as_bool()
        ),
        (Some("POPULATION"), Some(2), Some(true))
    );
    assert_eq!(agg["residenceReported"], true);
    // England's residents: every residence row.
    let body = ask(
        admin.clone(),
        json!({ "kind": "ENGLAND" }),
        "POPULATION",
        "2026-09-01",
    )
    .await;
    assert_eq!(window_figures(&body), (36.0, 122.0), "{body}");
    // A breakdown without this ICB's residents is not "no breakdown".
    let body = ask(
        admin.clone(),
        json!({ "kind": "ICB", "code": "QMF" }),
        "POPULATION",
        "2026-09-01",
    )
    .await;
    let agg = &body["data"]["indicatorAggregate"];
    assert_eq!(
        (
            agg["residenceReported"].clone(),
            agg["rows"].as_array().unwrap().len()
        ),
        (json!(true), 0),
        "{body}"
    );
    // No breakdown for the window: said, not substituted.
    let body = ask(admin.clone(), qrl.clone(), "POPULATION", "2026-06-01").await;
    let agg = &body["data"]["indicatorAggregate"];
    assert_eq!(
        (
            agg["residenceReported"].clone(),
            agg["rows"].as_array().unwrap().len()
        ),
        (json!(false), 0),
        "{body}"
    );
    // The population lens is for areas of residents.
    let body = ask(
        admin,
        json!({ "kind": "PROVIDER", "code": near }),
        "POPULATION",
        "2026-09-01",
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    // Disclosure control: the near network's manager does not reach the far provider.
    let manager = app.token(&[&format!("NETWORK_MANAGER:{near_network}")]);
    let body = ask(manager, qrl, "POPULATION", "2026-09-01").await;
    let agg = &body["data"]["indicatorAggregate"];
    assert_eq!(agg["exact"], false, "{body}");
    assert_eq!(window_figures(&body), (20.0, 65.0), "rounded to 5: {body}");
    // The demo layer's breakdown reads through both lenses on a fresh start.
    let demo = |lens: &str| {
        format!(
            r#"{{ indicatorAggregate(indicator: "LVHC_READMISSION_30D", area: {{ kind: ICB, code: "QRL" }}, from: "2023-09-01", to: "2023-09-01", lens: {lens}) {{ residenceReported rows {{ period figures {{ numerator denominator }} }} }} }}"#
        )
    };
    let population = app.admin(&demo("POPULATION"), json!({})).await;
    let providers = app.admin(&demo("PROVIDER"), json!({})).await;
    assert_eq!(population["indicatorAggregate"]["residenceReported"], true);
    let denominator =
        |data: &Value| data["indicatorAggregate"]["rows"][0]["figures"]["denominator"].as_f64();
    assert_eq!(
        denominator(&population),
        Some(200.0),
        "98 + 90 + 12 residents: {population}"
    );
    assert_ne!(
        denominator(&providers),
        denominator(&population),
        "{providers}"
    );
}
