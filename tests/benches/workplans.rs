//! The commissioners' workplan dashboard, rerunnable: every network with a signed-off plan for
//! 2026/27 of `BENCH_DELIVERABLES` deliverables (default 20) and four progress reports, read by
//! a national viewer at 1 and 16 concurrent clients; and the statement count of one dashboard
//! with one network's plan and with all of them.
//!
//! `cargo bench -p tests --bench workplans` (release) or `cargo bench --profile dev -p tests
//! --bench workplans` (quicker to build). `BENCH_DB=postgres` uses `PORTAL_TEST_POSTGRES_URL`;
//! the default is SQLite. `BENCH_SECONDS` (default 5) is the length of each measured run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tests as support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use support::{Db, TestApp};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The same query as the shared kit's benchmark (`bench/run.sh`).
const DASHBOARD: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../bench/queries/portal/workplan_dashboard.graphql"
));

async fn ok(app: &TestApp, grant: &str, query: &str, variables: Value) -> Value {
    let token = app.token_as(&format!("bench-{grant}"), grant, &[grant]);
    let body = app.query_with(&token, query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone()
}

/// One network's plan through the whole chain, and its deliverables' progress.
async fn plan_for(app: &TestApp, network: &Value, deliverables: usize) {
    let code = network["code"].as_str().unwrap();
    let deliverable = |i: usize| {
        json!({
            "title": format!("Deliverable {i}"), "expectedBenefits": "Shorter waits.", "owner": "Network manager",
            "dueOn": format!("2026-{:02}-28", 4 + i % 9), "qualityImprovement": i == 0,
            "indicators": [{ "code": "CES_MRI_WITHIN_4_HOURS", "baseline": 60, "target": 90 }]
        })
    };
    let content = json!({
        "priorities": [{ "level": "NATIONAL", "text": "Cauda equina pathway", "source": "GIRFT" }],
        "objectives": [
            { "function": "SERVICE_DELIVERY", "title": "Emergency pathways", "deliverables": (0..deliverables / 2).map(deliverable).collect::<Vec<_>>() },
            { "function": "QUALITY", "title": "Outcomes", "deliverables": (deliverables / 2..deliverables).map(deliverable).collect::<Vec<_>>() }
        ]
    });
    let step = |id: &Value, v: &Value, extra: &str, name: &str| {
        (
            format!(
                "mutation($id: Int!, $v: Int!) {{ {name}(id: $id, expectedVersion: $v{extra}) {{ id version deliverables {{ id version }} }} }}"
            ),
            json!({ "id": id, "v": v }),
        )
    };
    let plan = ok(app, &format!("NETWORK_MANAGER:{code}"), "mutation($n: String!, $c: WorkplanContentInput!) { draftWorkplan(network: $n, financialYear: \"2026/27\", content: $c) { id version } }", json!({ "n": code, "c": content })).await;
    let (q, v) = step(
        &plan["id"],
        &plan["version"],
        ", meeting: \"Board\"",
        "recordWorkplanBoardAgreement",
    );
    let plan = ok(app, &format!("NETWORK_CHAIR:{code}"), &q, v).await;
    let (q, v) = step(&plan["id"], &plan["version"], "", "submitWorkplan");
    let mut plan = ok(app, &format!("NETWORK_CLINICAL_LEAD:{code}"), &q, v).await;
    let icbs: std::collections::BTreeSet<&str> = network["footprint"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["icb"]["code"].as_str().unwrap())
        .collect();
    for icb in icbs {
        let (q, v) = step(
            &plan["id"],
            &plan["version"],
            &format!(", icb: \"{icb}\""),
            "agreeWorkplanForIcb",
        );
        plan = ok(app, &format!("ICB_COMMISSIONER:{icb}"), &q, v).await;
    }
    let region = network["leadRegion"]["code"].as_str().unwrap();
    let (q, v) = step(&plan["id"], &plan["version"], "", "signOffWorkplan");
    let plan = ok(app, &format!("REGIONAL_LEAD:{region}"), &q, v).await;
    for (i, d) in plan["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .take(deliverables / 2)
    {
        let status = ["BLUE", "AMBER", "RED"][i % 3];
        ok(app, &format!("NETWORK_MANAGER:{code}"), &format!("mutation($d: Int!, $v: Int!) {{ recordDeliverableProgress(deliverableId: $d, expectedVersion: $v, status: {status}, note: \"Progress.\") {{ id }} }}"), json!({ "d": d["id"], "v": d["version"] })).await;
    }
}

/// The four quarterly reports of a network's plan (once the year has ended).
async fn reports_for(app: &TestApp, network: &Value) {
    let code = network["code"].as_str().unwrap();
    for quarter in 1..=4 {
        ok(app, &format!("NETWORK_MANAGER:{code}"), "mutation($n: String!, $q: Int!) { submitProgressReport(network: $n, financialYear: \"2026/27\", quarter: $q, narrative: \"On track.\") { id } }", json!({ "n": code, "q": quarter })).await;
    }
}

/// Scalars in a JSON document.
fn leaves(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.iter().map(leaves).sum(),
        Value::Object(fields) => fields.values().map(leaves).sum(),
        _ => 1,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn run(app: &Arc<TestApp>, clients: usize, seconds: u64) {
    let token = app.token(&["NATIONAL_VIEWER"]);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (app, token) = (app.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let body = app.query_with(&token, DASHBOARD, json!({})).await;
                assert!(body.get("errors").is_none(), "{body}");
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    latencies.sort();
    println!(
        "dashboard, {clients} client(s): {} requests in {seconds} s = {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        latencies.len() as f64 / seconds as f64,
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0
    );
}

async fn statements(app: &TestApp) -> u64 {
    let token = app.token(&["NATIONAL_VIEWER"]);
    app.query_with(&token, DASHBOARD, json!({})).await;
    let before = app.statements();
    app.query_with(&token, DASHBOARD, json!({})).await;
    app.statements() - before
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let kind = match std::env::var("BENCH_DB").as_deref() {
        Ok("postgres") => Db::Postgres,
        _ => Db::Sqlite,
    };
    let deliverables = env_number("BENCH_DELIVERABLES", 20);
    let seconds = env_number("BENCH_SECONDS", 5) as u64;
    let database = support::migrated_database(kind).await.expect("a database");
    let mut settings = support::settings(&database.url);
    settings.db_pool_size = 16;
    settings.workers = Some(2);
    let app = support::spawn_with(database, settings).await;
    let networks = ok(
        &app,
        "NATIONAL_VIEWER",
        "{ networks { edges { node { code leadRegion { code } footprint { icb { code } } } } } }",
        json!({}),
    )
    .await;
    let networks: Vec<Value> = networks["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    // Plans are drafted in the year (22 November 2026); the year's four reports after it ends.
    let (in_year, after_year) = (
        support::now(),
        Utc.with_ymd_and_hms(2027, 4, 15, 9, 0, 0).unwrap(),
    );
    let started = Instant::now();
    plan_for(&app, &networks[0], deliverables).await;
    app.clock.set(after_year);
    reports_for(&app, &networks[0]).await;
    let with_one = statements(&app).await;
    app.clock.set(in_year);
    for network in &networks[1..] {
        plan_for(&app, network, deliverables).await;
    }
    app.clock.set(after_year);
    for network in &networks[1..] {
        reports_for(&app, network).await;
    }
    let with_all = statements(&app).await;
    println!(
        "database: {kind:?}; {} networks × {deliverables} deliverables and 4 progress reports, set up through the API in {:.1} s",
        networks.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "dashboard statements: 1 network's plan {with_one}, {} networks' plans {with_all}",
        networks.len()
    );
    let answer = app
        .query_with(&app.token(&["NATIONAL_VIEWER"]), DASHBOARD, json!({}))
        .await;
    println!(
        "dashboard answer: {} bytes, {} leaves",
        answer.to_string().len(),
        leaves(&answer)
    );
    let app = Arc::new(app);
    run(&app, 1, seconds).await;
    run(&app, 16, seconds).await;
}
