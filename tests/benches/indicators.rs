//! Indicator speed, rerunnable, on the demo map at realistic size: every
//! hub and partner, every provider-level indicator of the catalogue, 36 monthly periods (and the
//! quarterly and annual ones), the TOTAL segment everywhere and sex, deprivation and residence
//! (three ICBs per provider) segments for proportions and ratios: about 400,000 values.
//!
//! - bulk import of the whole set as one batch through the CSV reader and the submission
//!   service `portal import indicators` uses: rows per second and the process's peak memory;
//! - a dashboard query (all networks → hubs and partners → every provider-level indicator → last
//!   12 months) and one provider's 36-month series, each as points and as columns: requests
//!   per second and p50/p99 latency at 1 and 16 concurrent clients, and SQL statements per
//!   request;
//! - a funnel plot across all providers, an SPC chart of one series, and an ICB's and England's
//!   aggregate through the provider and the population lens: time per call.
//!
//! `cargo bench --profile dev -p tests --bench indicators` (or `cargo bench -p tests --bench
//! indicators` for release). `BENCH_DB=postgres` uses `PORTAL_TEST_POSTGRES_URL`; the default is
//! SQLite. `BENCH_SECONDS` (default 10) sets each load run's length.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tests as support;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Db, TestApp};

const SEGMENTS: &[(&str, &[&str])] = &[
    ("SEX", &["FEMALE", "MALE"]),
    ("DEPRIVATION_QUINTILE", &["1", "2", "3", "4", "5"]),
    // The patients' ICB of residence (the population lens's breakdown).
    ("RESIDENCE_ICB", &["QMF", "QKK", "QRL"]),
];

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The process's peak resident memory so far, in MiB (Linux `VmHWM`).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// The period starts of the 36 months to October 2026 that fit a frequency.
fn periods(frequency: &str) -> Vec<String> {
    (0..36)
        .map(|i| (2023 + (10 + i) / 12, (10 + i) % 12 + 1))
        .filter(|(_, m)| match frequency {
            "QUARTERLY" => matches!(m, 1 | 4 | 7 | 10),
            "ANNUAL" => *m == 4,
            _ => true,
        })
        .map(|(y, m)| format!("{y}-{m:02}-01"))
        .collect()
}

/// The whole dataset as CSV, in the file format the README documents.
fn dataset(indicators: &[Value], providers: &[String]) -> (String, usize) {
    let mut csv = String::from(
        "indicator,organisation,period,segment_kind,segment_value,numerator,denominator,value,status\n",
    );
    let mut rows = 0;
    for (p, ods) in providers.iter().enumerate() {
        for (k, ind) in indicators.iter().enumerate() {
            let code = ind["code"].as_str().unwrap();
            let kind = ind["kind"].as_str().unwrap();
            let segmented = matches!(kind, "PROPORTION" | "RATIO");
            let mut segments = vec![("", "")];
            if segmented {
                for (s, values) in SEGMENTS {
                    segments.extend(values.iter().map(|v| (*s, *v)));
                }
            }
            for (t, period) in periods(ind["frequency"].as_str().unwrap())
                .iter()
                .enumerate()
            {
                for (s, (segment, value)) in segments.iter().enumerate() {
                    let seed = (p * 31 + k * 7 + t * 3 + s) as u32;
                    let share = if s == 0 { 1 } else { 4 };
                    let denominator = (40 + seed % 160) / share + 1;
                    let (n, d, v) = match kind {
                        "PROPORTION" => (
                            (denominator * (20 + (p as u32 * 7 + t as u32) % 60) / 100).to_string(),
                            denominator.to_string(),
                            String::new(),
                        ),
                        "RATIO" => (
                            (seed % 9).to_string(),
                            format!("{:.2}", 3.0 + (seed % 50) as f64 / 10.0),
                            String::new(),
                        ),
                        "COUNT" => (String::new(), String::new(), (seed % 40).to_string()),
                        _ => (
                            String::new(),
                            denominator.to_string(),
                            format!("{:.1}", 2.0 + (seed % 80) as f64 / 10.0),
                        ),
                    };
                    writeln!(
                        csv,
                        "{code},{ods},{period},{segment},{value},{n},{d},{v},VALIDATED"
                    )
                    .unwrap();
                    rows += 1;
                }
            }
        }
    }
    (csv, rows)
}

/// Runs `clients` closed loops of one query for `seconds`; prints req/s and p50/p99.
async fn load(app: &Arc<TestApp>, label: &str, query: &str, variables: Value, clients: usize) {
    let seconds = env_number("BENCH_SECONDS", 10) as u64;
    let token = app.token(&["NATIONAL_VIEWER"]);
    // Warm-up and statement count.
    let before = app.statements();
    let (status, body) = app.post(Some(&token), query, variables.clone()).await;
    assert!(status == 200 && body.get("errors").is_none(), "{body}");
    let statements = app.statements() - before;
    let bytes = body.to_string().len();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (app, token, query, variables) = (
            app.clone(),
            token.clone(),
            query.to_owned(),
            variables.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let (status, _) = app.post(Some(&token), &query, variables.clone()).await;
                assert_eq!(status, 200);
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{label} (c={clients}): {:.1} req/s, p50 {:.1} ms, p99 {:.1} ms; {statements} SQL statements per request; {:.0} KB",
        latencies.len() as f64 / elapsed,
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        bytes as f64 / 1024.0
    );
}

async fn per_call(app: &TestApp, label: &str, query: &str, calls: usize) {
    let token = app.token(&["REGISTRY_ANALYST"]);
    let (_, body) = app.post(Some(&token), query, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    let before = app.statements();
    let started = Instant::now();
    for _ in 0..calls {
        app.post(Some(&token), query, json!({})).await;
    }
    println!(
        "{label}: {:.1} ms per call; {} SQL statements per call",
        started.elapsed().as_secs_f64() * 1e3 / calls as f64,
        (app.statements() - before) / calls as u64
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let kind = match std::env::var("BENCH_DB").as_deref() {
        Ok("postgres") => Db::Postgres,
        _ => Db::Sqlite,
    };
    let database = support::migrated_database(kind).await.expect("a database");
    let mut settings = support::settings(&database.url);
    settings.db_pool_size = 10;
    settings.workers = Some(2);
    settings.request_timeout = Duration::from_secs(60);
    // The whole-country dashboard prices at about 0.9 M (every provider × indicator × month),
    // over the default budget of 100,000 a client gets; the bench measures it at a budget an
    // operator would give a national dashboard.
    settings.schema.max_cost = 2_000_000;
    let app = Arc::new(support::spawn_with(database, settings).await);

    let catalogue = app
        .admin("{ indicators { code kind frequency level } }", json!({}))
        .await;
    let indicators: Vec<Value> = catalogue["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["level"] == "PROVIDER")
        .cloned()
        .collect();
    let codes: Vec<&str> = indicators
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    let members = app
        .admin(
            "{ networks { edges { node { hubs { provider { odsCode } } partners { provider { odsCode } } } } } }",
            json!({}),
        )
        .await;
    let providers: Vec<String> = members["networks"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| {
            ["hubs", "partners"].into_iter().flat_map(move |m| {
                e["node"][m]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["provider"]["odsCode"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    println!(
        "database: {kind:?}; {} providers × {} provider-level indicators",
        providers.len(),
        indicators.len()
    );

    // 1. Bulk import.
    let memory_before = peak_mib();
    let (csv, rows) = dataset(&indicators, &providers);
    let operator = api::import::operator("bench").unwrap();
    let started = Instant::now();
    // The lines are read as the batch takes them, as `portal import` reads its file.
    let lines = api::import::read_lines(csv.as_bytes()).unwrap();
    let outcome =
        graphql::service::submission::submit(&app.state, &operator, lines, "FILE bench.csv", None)
            .await
            .map_err(|e| e.message().to_owned())
            .unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    drop(csv);
    assert_eq!(outcome.created, rows);
    println!(
        "import: {rows} values in {elapsed:.1} s = {:.0} rows/s; peak memory {:.0} MiB (was {:.0} MiB before the file was built)",
        rows as f64 / elapsed,
        peak_mib(),
        memory_before
    );

    // 2. Dashboard and one provider's series.
    let dashboard = r#"query($codes: [String!]!) { networks { edges { node { code
        hubs { provider { odsCode indicatorSeries(codes: $codes, from: "2025-11-01", to: "2026-10-01") { indicatorCode points { period value numerator denominator } } } }
        partners { provider { odsCode indicatorSeries(codes: $codes, from: "2025-11-01", to: "2026-10-01") { indicatorCode points { period value numerator denominator } } } } } } } }"#;
    let columns = dashboard.replace(
        "points { period value numerator denominator }",
        "periods values numerators denominators",
    );
    let series = r#"query($codes: [String!]!) { provider(odsCode: "RHM") {
        indicatorSeries(codes: $codes, from: "2023-11-01", to: "2026-10-01") { indicatorCode points { period value numerator denominator } } } }"#;
    let series_columns = series.replace(
        "points { period value numerator denominator }",
        "periods values numerators denominators",
    );
    for clients in [1, 16] {
        load(
            &app,
            "dashboard, points",
            dashboard,
            json!({ "codes": codes }),
            clients,
        )
        .await;
        load(
            &app,
            "dashboard, columns",
            &columns,
            json!({ "codes": codes }),
            clients,
        )
        .await;
        load(
            &app,
            "one provider's 36 months, points",
            series,
            json!({ "codes": codes }),
            clients,
        )
        .await;
        load(
            &app,
            "one provider's 36 months, columns",
            &series_columns,
            json!({ "codes": codes }),
            clients,
        )
        .await;
    }

    // 3. Funnel and SPC.
    per_call(
        &app,
        "funnel HVLC_READMISSION_30D_LUMBAR_FUSION, 12 months, all providers",
        r#"{ indicatorFunnel(indicator: "HVLC_READMISSION_30D_LUMBAR_FUSION", from: "2025-11-01", to: "2026-10-01") { phi points { status } } }"#,
        20,
    )
    .await;
    per_call(
        &app,
        "SPC CES_MRI_WITHIN_4_HOURS, RHM, 36 months",
        r#"{ indicatorSpc(indicator: "CES_MRI_WITHIN_4_HOURS", organisation: "RHM", from: "2023-11-01", to: "2026-10-01") { variation points { pointType } } }"#,
        50,
    )
    .await;
    for (area, lens) in [
        (r#"{ kind: ICB, code: "QRL" }"#, "PROVIDER"),
        (r#"{ kind: ICB, code: "QRL" }"#, "POPULATION"),
        ("{ kind: ENGLAND }", "PROVIDER"),
        ("{ kind: ENGLAND }", "POPULATION"),
    ] {
        per_call(
            &app,
            &format!("aggregate HVLC_READMISSION_30D_LUMBAR_FUSION, 12 months, {area}, {lens} lens"),
            &format!(
                r#"{{ indicatorAggregate(indicator: "HVLC_READMISSION_30D_LUMBAR_FUSION", area: {area}, from: "2025-11-01", to: "2026-10-01", lens: {lens}) {{ reporting rows {{ figures {{ value }} }} }} }}"#
            ),
            20,
        )
        .await;
    }
}
