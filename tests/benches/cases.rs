//! Cause-for-concern throughput, rerunnable:
//!
//! - case writes per second through the API (an allocation and four transitions a case), the
//!   transitions writing their letters to the outbox;
//! - outbox delivery rate to a local SMTP listener;
//! - event latency from a transition's request to each of 1,000 WebSocket subscribers.
//!
//! `cargo bench -p tests --bench cases` (release) or `cargo bench --profile dev -p tests --bench
//! cases` (quicker to build). `BENCH_DB=postgres` uses `PORTAL_TEST_POSTGRES_URL`; the default is
//! SQLite. `BENCH_CASES` (default 100) and `BENCH_SUBSCRIBERS` (default 1000) size the runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tests as support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use graphql::mail::outbox::{Dispatcher, MailSettings};
use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait};
use serde_json::{Value, json};
use support::smtp::SmtpSink;
use support::{Db, TestApp};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn mutate(app: &TestApp, token: &str, name: &str, input_type: &str, input: Value) -> Value {
    let query = format!(
        "mutation($input: {input_type}!) {{ {name}(input: $input) {{ reference version }} }}"
    );
    let body = app
        .query_with(token, &query, json!({ "input": input }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"][name].clone()
}

/// Opens a case, allocates its Associate Director and takes it to stage 3: five writes (four of
/// them transitions), three letters.
async fn run_case(app: &TestApp, analyst: &str, hqip: &str) -> u32 {
    let case = mutate(
        app,
        analyst,
        "openCase",
        "OpenCaseInput",
        json!({ "providerOds": "ZZ011", "category": 4, "summary": "Benchmark concern." }),
    )
    .await;
    let case = mutate(
        app,
        analyst,
        "allocateAssociateDirector",
        "AllocateAssociateDirectorInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "associateDirectorSub": "hqip", "associateDirectorName": "HQIP AD", "associateDirectorEmail": "ad@hqip.test", "reason": "Bench." }),
    )
    .await;
    let case = mutate(
        app,
        analyst,
        "recordFinding",
        "RecordFindingInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "finding": "CASE_TO_ANSWER", "rationale": "Bench." }),
    )
    .await;
    let case = mutate(
        app,
        hqip,
        "agreeNextSteps",
        "AgreeNextStepsInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "escalate": true, "rationale": "Bench." }),
    )
    .await;
    mutate(
        app,
        analyst,
        "sendRequest",
        "CaseStepInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"] }),
    )
    .await;
    5
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let kind = match std::env::var("BENCH_DB").as_deref() {
        Ok("postgres") => Db::Postgres,
        _ => Db::Sqlite,
    };
    let cases = env_number("BENCH_CASES", 100);
    let subscribers = env_number("BENCH_SUBSCRIBERS", 1000);
    let database = support::migrated_database(kind).await.expect("a database");
    let mut settings = support::settings(&database.url);
    settings.db_pool_size = 16;
    settings.workers = Some(2);
    let app = support::spawn_with(database, settings).await;
    let analyst = app.token_as("analyst", "Analyst", &["REGISTRY_ANALYST"]);
    let hqip = app.token_as("hqip", "HQIP AD", &["HQIP_ASSOCIATE_DIRECTOR"]);
    println!("database: {kind:?}; {cases} cases; {subscribers} subscribers");

    // 1. Transitions per second, 8 clients at once.
    let started = Instant::now();
    let app = Arc::new(app);
    let mut clients = Vec::new();
    for client in 0..8 {
        let (app, analyst, hqip) = (app.clone(), analyst.clone(), hqip.clone());
        clients.push(tokio::spawn(async move {
            let mut writes = 0;
            for _ in (client..cases).step_by(8) {
                writes += run_case(&app, &analyst, &hqip).await;
            }
            writes
        }));
    }
    let mut writes = 0;
    for client in clients {
        writes += client.await.unwrap();
    }
    let elapsed = started.elapsed();
    println!(
        "case writes: {writes} in {:.2} s = {:.0}/s (8 clients; allocation and four transitions a case; {cases} letters written)",
        elapsed.as_secs_f64(),
        f64::from(writes) / elapsed.as_secs_f64()
    );

    // 2. Outbox delivery to a local SMTP listener.
    let sink = SmtpSink::start().await;
    let dispatcher = Dispatcher::new(
        &app.state,
        MailSettings {
            smtp_url: sink.url(),
            from: "spinal-portal@portal.test".into(),
            redirect: Some("redirect@portal.test".into()),
            retry_base: Duration::from_millis(100),
            retry_max: Duration::from_secs(1),
            lease: Duration::from_secs(30),
            smtp_timeout: Duration::from_secs(5),
            batch: 100,
            poll: Duration::from_millis(50),
        },
    )
    .unwrap();
    let started = Instant::now();
    let running = tokio::spawn(dispatcher.run(app.state.outbox.clone()));
    let received = sink.wait_for(cases, Duration::from_secs(300)).await;
    let elapsed = started.elapsed();
    println!(
        "delivery: {} letters in {:.2} s = {:.0}/s (one dispatcher, one SMTP connection)",
        received.len(),
        elapsed.as_secs_f64(),
        received.len() as f64 / elapsed.as_secs_f64()
    );
    running.abort();

    // 3. Event latency to 1,000 subscribers.
    let ws_url = app.graphql_url().replace("http://", "ws://");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, Instant)>();
    let mut ready = Vec::new();
    for i in 0..subscribers {
        let (url, token, tx) = (ws_url.clone(), analyst.clone(), tx.clone());
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        ready.push(ready_rx);
        tokio::spawn(async move {
            let mut request = url.into_client_request().unwrap();
            request.headers_mut().insert(
                "sec-websocket-protocol",
                "graphql-transport-ws".parse().unwrap(),
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
            let send = |v: Value| Message::Text(v.to_string().into());
            socket
                .send(send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })))
                .await
                .unwrap();
            let _ack = socket.next().await;
            socket
                .send(send(json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { caseChanged { reference kind } }" } })))
                .await
                .unwrap();
            let _ = ready_tx.send(());
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Text(text) = message
                    && text.contains("\"next\"")
                {
                    let _ = tx.send((i, Instant::now()));
                }
            }
        });
    }
    for r in ready {
        let _ = r.await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let events = 10;
    let mut latencies = Vec::new();
    for _ in 0..events {
        let sent = Instant::now();
        mutate(
            &app,
            &analyst,
            "openCase",
            "OpenCaseInput",
            json!({ "providerOds": "ZZ011", "category": 4, "summary": "Latency probe." }),
        )
        .await;
        for _ in 0..subscribers {
            let (_, at) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
                .await
                .expect("every subscriber hears of the event")
                .unwrap();
            latencies.push(at - sent);
        }
    }
    latencies.sort();
    println!(
        "event latency (request sent → subscriber received, {events} events × {subscribers} subscribers): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().unwrap().as_secs_f64() * 1000.0
    );

    // 4. The cases list with many cases: one page and the count, in SQL.
    let target = env_number("BENCH_LIST_CASES", 10_000);
    let template = entities::case::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a case to copy");
    let existing = entities::case::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap() as usize;
    let copies: Vec<_> = (existing..target)
        .map(|n| {
            let mut row = template.clone().into_active_model();
            row.id = sea_orm::ActiveValue::NotSet;
            row.reference = sea_orm::ActiveValue::Set(format!("CFC-2025-{n:05}"));
            row.year = sea_orm::ActiveValue::Set(2025);
            row.seq = sea_orm::ActiveValue::Set(i32::try_from(n).unwrap());
            row
        })
        .collect();
    for chunk in copies.chunks(500) {
        entities::case::Entity::insert_many(chunk.to_vec())
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    // What autovacuum does within a minute of so many new rows: without it PostgreSQL planned
    // the CEO's page for a dozen cases of the provider, not 10,000 (a scan and sort, 7-16 ms,
    // rather than the newest 50 by the primary key, 0.2 ms).
    app.state
        .db
        .execute_unprepared("ANALYZE cases")
        .await
        .unwrap();
    let pages = [
        ("first 50", "{}"),
        (
            "first 50 open, overdue, of one provider",
            r#"{ open: true, overdue: true, providerOds: "ZZ011" }"#,
        ),
    ];
    for (what, filter) in pages {
        let page = format!(
            "{{ cases(first: 50, filter: {filter}) {{ totalCount edges {{ node {{ reference stage step dueOn }} }} }} }}"
        );
        for grants in [["NATIONAL_VIEWER"], ["PROVIDER_CEO:ZZ011"]] {
            let token = app.token(&grants);
            app.query_with(&token, &page, json!({})).await;
            let (calls, before) = (50u32, app.statements());
            let mut took = Vec::new();
            for _ in 0..calls {
                let started = Instant::now();
                let body = app.query_with(&token, &page, json!({})).await;
                took.push(started.elapsed());
                assert!(body.get("errors").is_none(), "{body}");
            }
            took.sort();
            println!(
                "cases list, {what} of {target} as {}: p50 {:.1} ms, {} statements",
                grants[0],
                percentile(&took, 0.5).as_secs_f64() * 1e3,
                (app.statements() - before) / u64::from(calls)
            );
        }
    }
}
