//! No request can crash or exhaust the portal, SQLite holds concurrent writes, and a killed
//! import leaves its batch whole or absent. The memory and crash checks run the portal in a
//! process of its own (`tests::process`, the `portal-test-child` binary), so its memory is its own and a crash is seen as one.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::process::{self, PortalProcess};
use crate::support::{self, Db, TestApp, error_codes};

on_both_databases!(
    a_killed_import_leaves_its_batch_whole_or_absent,
    racing_identical_writes_get_one_success_and_conflicts,
);

/// The portal in a process of its own (`tests::process`).
const CHILD: &str = env!("CARGO_BIN_EXE_portal-test-child");

/// `cases(filter: {open: {open: …}})` about 3,000 deep: the parser overflowed its stack on this
/// and aborted the process, from about 1,500 levels.
fn nested_input(levels: usize) -> String {
    format!(
        "{{ cases(filter: {}true{}) {{ totalCount }} }}",
        "{open: ".repeat(levels),
        "}".repeat(levels)
    )
}

/// Twelve aliases of `networks → memberships → network → …` four levels down: 1.9 KB that
/// answered 4.5 MB and added 310-430 MiB to the server.
fn amplification() -> String {
    let inner = format!(
        "{}code{}",
        "memberships { role network { code ".repeat(4),
        " } }".repeat(4)
    );
    let aliases: String = (0..12)
        .map(|i| format!("a{i}: networks {{ nodes {{ code {inner} }} }} "))
        .collect();
    format!("{{ {aliases} }}")
}

/// `n` fragments, each 28 selection sets deep, each spread at the bottom of the one before: within
/// the limits on the document, but 450 levels deep for whatever follows the spreads.
fn fragment_chain(n: usize) -> String {
    let fragments: String = (0..n)
        .map(|i| {
            let next = if i + 1 < n {
                format!("...f{}", i + 1)
            } else {
                "code".to_owned()
            };
            format!(
                "fragment f{i} on Network {{ {}{next}{} }} ",
                "host { network { ".repeat(14),
                " } }".repeat(14)
            )
        })
        .collect();
    format!("{{ network(code: \"WESSEX\") {{ ...f0 }} }} {fragments}")
}

fn codes(body: &str) -> Vec<String> {
    serde_json::from_str::<Value>(body)
        .map(|b| error_codes(&b))
        .unwrap_or_default()
}

/// The most the server may hold at its peak through everything below, in MiB above what it
/// held after answering its first queries.
const PEAK_GROWTH_MIB: f64 = 60.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_document_crashes_or_exhausts_the_server() {
    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let server = PortalProcess::start(CHILD, &database.url).await;
    let submitter = server.token(&["PROVIDER_SUBMITTER:RHM"]);
    let admin = server.token(&["NATIONAL_ADMIN"]);
    let dashboard = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../bench/queries/portal/indicator_dashboard.graphql"
    ))
    .unwrap();
    // Warm: the organisation map, the series cache, the allocator's arenas.
    for query in ["{ networks { nodes { code } } }", dashboard.as_str()] {
        let (status, body) = server.query(&admin, query).await;
        assert_eq!(status, 200, "{body}");
    }
    let baseline = server.memory();

    let refused: Vec<(&str, Value, &str)> = vec![
        (
            "3,000 nested input objects",
            json!({ "query": nested_input(3_000) }),
            "nests input values",
        ),
        (
            "nested input in variables",
            json!({ "query": "query($f: CaseFilterInput) { cases(filter: $f) { totalCount } }",
                    "variables": { "f": (0..100).fold(json!(true), |v, _| json!({ "open": v })) } }),
            "nests input values",
        ),
        (
            "20,000 open braces",
            json!({ "query": "{".repeat(20_000) }),
            "selection sets",
        ),
        (
            "a chain of fragments",
            json!({ "query": format!(
                "{{ ...f0 }} {}",
                (0..200).map(|i| format!("fragment f{i} on QueryRoot {{ regions {{ code }} ...f{} }}", i + 1)).collect::<String>()
            ) }),
            "fragments",
        ),
        (
            "the amplification query",
            json!({ "query": amplification() }),
            "would cost",
        ),
        (
            "16 fragments each nested 28 deep, spread in a chain",
            json!({ "query": fragment_chain(16) }),
            "nests fields 450 deep",
        ),
    ];
    for (what, body, says) in refused {
        let (status, text) = server.post(&submitter, body).await;
        assert_eq!(status, 400, "{what}: {text}");
        assert_eq!(codes(&text), ["BAD_USER_INPUT"], "{what}: {text}");
        assert!(text.contains(says), "{what}: {text}");
        assert_eq!(
            server.healthz().await,
            Some(200),
            "the server died on {what}"
        );
    }
    let (_, text) = server.query(&submitter, &amplification()).await;
    let cost = serde_json::from_str::<Value>(&text).unwrap()["errors"][0]["extensions"]["cost"]
        .as_u64()
        .unwrap();
    // Within the budget and as heavy as real data makes it: 30 aliases of every network with its
    // region's ICBs and its hubs.
    let heavy: String = (0..30)
        .map(|i| format!("a{i}: networks {{ nodes {{ code name leadRegion {{ code name icbs {{ code name }} }} hubs {{ verified provider {{ odsCode name }} }} }} }} "))
        .collect();
    let heavy = format!("{{ {heavy} }}");
    // Sixteen at once, as busy dashboards send them: heavy operations wait for room
    // (`graphql::limits::room`), so the answers built at once stay within a bound.
    for query in [&dashboard, &heavy] {
        let answers =
            futures_util::future::join_all((0..16).map(|_| server.query(&admin, query))).await;
        for (status, body) in answers {
            assert_eq!(status, 200, "{body}");
        }
    }
    let after = server.memory();
    eprintln!(
        "server memory: {:.0} MiB resident after warming (peak {:.0}); peak {:.0} MiB after the refused documents, sixteen dashboards and sixteen near-budget organisation queries at once; the amplification query would cost {cost}",
        baseline.resident, baseline.peak, after.peak
    );
    assert!(
        after.peak <= baseline.peak.max(baseline.resident) + PEAK_GROWTH_MIB,
        "the server's peak grew from {:.0} to {:.0} MiB",
        baseline.peak,
        after.peak
    );
}

/// How long the SQLite load runs (`PORTAL_TEST_LOAD_SECS`, default 20).
fn load_duration() -> Duration {
    let secs = std::env::var("PORTAL_TEST_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(secs)
}

const LOAD_CLIENTS: usize = 32;
const WRITE: &str = r#"mutation($input: SubmitIndicatorValuesInput!) {
    submitIndicatorValues(input: $input) { rows } }"#;
const CONTACTS: &str = r#"mutation($input: SetProviderContactsInput!) {
    setProviderContacts(input: $input) { odsCode } }"#;
const READ_BACK: &str = r#"query($org: String!) {
    current: indicatorValues(indicator: "CES_MRI_WITHIN_4_HOURS", organisation: $org, from: "2020-01-01", to: "2026-10-01") { period numerator }
    history: indicatorHistory(indicator: "CES_MRI_WITHIN_4_HOURS", organisation: $org, from: "2020-01-01", to: "2026-10-01") { period numerator }
    provider(odsCode: $org) { contacts { name } } }"#;

/// 32 clients, each alternating a write with a read for `load_duration()`, the writes taking
/// turns: its own provider's value for one month (a new figure each time: a new revision) and
/// its own provider's CEO (a new name each time). No request fails, every acknowledged figure is
/// there afterwards (as the current value or in the history), and the CEO is the last one named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_holds_32_clients_mixing_reads_and_writes() {
    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let mut settings = support::settings(&database.url);
    settings.workers = Some(2);
    settings.db_pool_size = 10;
    let app = Arc::new(support::spawn_with(database, settings).await);
    let data = app
        .admin("{ providers(first: 100) { nodes { odsCode } } }", json!({}))
        .await;
    let providers: Vec<String> = data["providers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["odsCode"].as_str().unwrap().to_owned())
        .take(LOAD_CLIENTS)
        .collect();
    assert_eq!(providers.len(), LOAD_CLIENTS, "a provider per client");
    let reads = [
        "{ networks { nodes { code hubs { provider { odsCode } } } } }",
        r#"{ provider(odsCode: "RHM") { indicatorSeries(codes: ["CES_MRI_WITHIN_4_HOURS"], from: "2024-01-01", to: "2026-10-01") { values } } }"#,
    ];
    let until = Instant::now() + load_duration();
    let clients: Vec<_> = providers
        .iter()
        .enumerate()
        .map(|(i, ods)| {
            let (app, ods) = (app.clone(), ods.clone());
            tokio::spawn(async move {
                let writer = app.token(&[&format!("PROVIDER_SUBMITTER:{ods}")]);
                let admin = app.token(&["NATIONAL_ADMIN"]);
                let mut last_ceo = None;
                let reader = app.token(&["NATIONAL_VIEWER"]);
                let period = format!("2025-{:02}-01", i % 12 + 1);
                let (mut acknowledged, mut latencies, mut failures) =
                    (Vec::new(), Vec::new(), Vec::new());
                let mut n = 0u32;
                while Instant::now() < until {
                    n += 1;
                    let started = Instant::now();
                    let (token, query, variables) = if n % 4 == 3 {
                        let ceo = json!({ "role": "CEO", "name": format!("CEO {n}"), "email": "ceo@example.org" });
                        (&admin, CONTACTS, json!({ "input": { "odsCode": ods, "contacts": [ceo], "reason": "load" } }))
                    } else if n % 4 == 1 {
                        let value = json!({ "indicator": "CES_MRI_WITHIN_4_HOURS", "organisation": ods,
                            "period": period, "numerator": n, "denominator": 100_000, "status": "PROVISIONAL" });
                        (&writer, WRITE, json!({ "input": { "values": [value] } }))
                    } else {
                        (&reader, reads[(n as usize / 2) % reads.len()], json!({}))
                    };
                    let (status, body) = app.post(Some(token), query, variables).await;
                    latencies.push(started.elapsed());
                    if status != 200 || body.get("errors").is_some() {
                        failures.push(format!("{status} {body}"));
                    } else if query == WRITE {
                        acknowledged.push(n);
                    } else if query == CONTACTS {
                        last_ceo = Some(format!("CEO {n}"));
                    }
                }
                (ods, period, acknowledged, last_ceo, latencies, failures)
            })
        })
        .collect();
    let (mut latencies, mut failures, mut written) = (Vec::new(), Vec::new(), HashMap::new());
    for client in clients {
        let (ods, period, acknowledged, last_ceo, client_latencies, client_failures) =
            client.await.unwrap();
        latencies.extend(client_latencies);
        failures.extend(client_failures);
        written.insert(ods, (period, acknowledged, last_ceo));
    }
    latencies.sort();
    let percentile = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    eprintln!(
        "SQLite load: {LOAD_CLIENTS} clients for {:?}: {} requests, {} failed, p50 {:?}, p99 {:?}",
        load_duration(),
        latencies.len(),
        failures.len(),
        percentile(50),
        percentile(99)
    );
    if !failures.is_empty() {
        eprintln!("e.g. {}", failures[0]);
    }
    assert!(failures.is_empty(), "{} requests failed", failures.len());
    for (ods, (period, acknowledged, last_ceo)) in written {
        assert!(!acknowledged.is_empty(), "{ods} wrote nothing");
        let data = app.admin(READ_BACK, json!({ "org": ods })).await;
        let stored: HashSet<u64> = ["current", "history"]
            .iter()
            .flat_map(|k| data[k].as_array().unwrap().iter())
            .filter(|v| v["period"] == period)
            .filter_map(|v| v["numerator"].as_f64())
            .map(|n| n as u64)
            .collect();
        for n in acknowledged {
            assert!(
                stored.contains(&u64::from(n)),
                "{ods}: acknowledged figure {n} is missing"
            );
        }
        assert_eq!(
            data["provider"]["contacts"][0]["name"].as_str(),
            last_ceo.as_deref(),
            "{ods}: the CEO last named"
        );
    }
}

/// `portal import indicators` killed with SIGKILL while it writes a large file leaves no part of
/// the batch; run again to the end, it leaves all of it.
async fn a_killed_import_leaves_its_batch_whole_or_absent(app: TestApp) {
    let data = app
        .admin(
            "{ providers(first: 100) { nodes { odsCode } } indicators { code kind frequency level } }",
            json!({}),
        )
        .await;
    let providers: Vec<&str> = data["providers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["odsCode"].as_str().unwrap())
        .collect();
    let indicators: Vec<&str> = data["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["kind"] == "PROPORTION" && i["frequency"] == "MONTHLY" && i["level"] == "PROVIDER"
        })
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    let mut csv = String::from("indicator,organisation,period,numerator,denominator,status\n");
    let mut rows = 0;
    for ods in &providers {
        for code in &indicators {
            for month in 0..36 {
                let period = format!(
                    "{}-{:02}-01",
                    2023 + (month + 10) / 12,
                    (month + 10) % 12 + 1
                );
                csv.push_str(&format!(
                    "{code},{ods},{period},{},{},VALIDATED\n",
                    10 + month,
                    50 + rows % 7
                ));
                rows += 1;
            }
        }
    }
    let file = std::env::temp_dir().join(format!(
        "portal-kill-{}-{:?}.csv",
        std::process::id(),
        app.kind()
    ));
    std::fs::write(&file, csv).unwrap();
    let count = || async {
        let row = app
            .state
            .db
            .query_one_raw(Statement::from_string(
                app.state.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM indicator_values",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };
    let before = count().await;
    let mut killed_midway = 0;
    for delay in [300u64, 800, 1_500] {
        let mut importer = process::import(CHILD, &app.database_url, &file);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        if importer.try_wait().unwrap().is_none() {
            importer.start_kill().unwrap();
            killed_midway += 1;
        }
        importer.wait().await.unwrap();
        let now = count().await;
        assert!(
            now == before || now == before + rows as i64,
            "after a kill at {delay} ms {} of {rows} values are there",
            now - before
        );
        if now != before {
            break;
        }
    }
    assert!(
        killed_midway > 0,
        "every import finished before it could be killed; make the file larger"
    );
    let status = process::import(CHILD, &app.database_url, &file)
        .wait()
        .await
        .unwrap();
    assert!(status.success());
    assert_eq!(count().await, before + rows as i64, "the whole batch, once");
    let _ = std::fs::remove_file(&file);
}

/// Eight identical writes at once, where only the first may succeed: one does and the others
/// answer `CONFLICT`, never `INTERNAL_SERVER_ERROR`. On PostgreSQL a session holding the table
/// against inserts (not reads) makes every writer pass its check before any inserts, so the
/// key's constraint decides; on SQLite the write lock orders them.
async fn racing_identical_writes_get_one_success_and_conflicts(app: TestApp) {
    let people = crate::cases::People::new(&app);
    let case = crate::cases::open(&app, &people, "RHM", 1).await;
    let holiday = r#"mutation { addBankHoliday(input: { date: "2027-06-07", title: "One-off holiday", reason: "announced" }) { date } }"#;
    let conflict =
        "mutation($i: DeclareConflictInput!) { declareConflict(input: $i) { reference } }";
    let races = [
        ("bank_holidays", people.admin.clone(), holiday, json!({})),
        (
            "case_conflicts",
            people.clinical_lead.clone(),
            conflict,
            json!({ "i": { "reference": case["reference"], "statement": "I trained there." } }),
        ),
    ];
    for (table, token, query, variables) in races {
        let blocker = match app.kind() {
            Db::Postgres => {
                let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
                let txn = sea_orm::TransactionTrait::begin(&db).await.unwrap();
                txn.execute_unprepared(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
                    .await
                    .unwrap();
                Some(txn)
            }
            Db::Sqlite => None,
        };
        let app = &app;
        let attempts = (0..8).map(|_| {
            let (token, variables) = (token.clone(), variables.clone());
            async move { app.query_with(&token, query, variables).await }
        });
        let release = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if let Some(blocker) = blocker {
                blocker.rollback().await.unwrap();
            }
        };
        let (answers, ()) = tokio::join!(futures_util::future::join_all(attempts), release);
        let mut codes: Vec<String> = answers
            .iter()
            .map(|a| {
                error_codes(a)
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "OK".into())
            })
            .collect();
        codes.sort();
        let mut expected = vec!["CONFLICT".to_owned(); 7];
        expected.push("OK".into());
        assert_eq!(codes, expected, "{query}: {answers:?}");
    }
}
