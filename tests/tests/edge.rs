//! What every HTTP exchange gets at the edge: a request id, and CORS for the allowed origins
//! only (the test settings allow `https://dashboard.portal.test`).

use serde_json::{Value, json};

use crate::support::{self, Db, TestApp};

const ALLOWED: &str = "https://dashboard.portal.test";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_carry_an_id_and_only_allowed_origins_get_cors() {
    let app = support::spawn(Db::Sqlite).await.unwrap();
    let url = format!("{}/graphql", app.address);
    let token = app.token(&["NATIONAL_VIEWER"]);
    let post = |origin: Option<&'static str>, request_id: Option<&'static str>| {
        let mut request = app
            .client
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "query": "{ networks { totalCount } }" }));
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        if let Some(id) = request_id {
            request = request.header("X-Request-Id", id);
        }
        request.send()
    };
    // The client's id is echoed; a made-up one replaces an unsafe id.
    let response = post(None, Some("dash-7f3a.1")).await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "dash-7f3a.1");
    let response = post(None, Some("not safe; <script>")).await.unwrap();
    let made = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(made.len(), 24, "{made}");
    let other = post(None, None).await.unwrap();
    assert_ne!(other.headers()["x-request-id"].to_str().unwrap(), made);
    // An allowed origin is named back, and its preflight is answered.
    let response = post(Some(ALLOWED), None).await.unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], ALLOWED);
    assert_eq!(
        response.headers()["access-control-expose-headers"],
        "x-request-id"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["networks"]["totalCount"], 14);
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, &url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
    };
    let response = preflight(ALLOWED).await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["access-control-allow-origin"], ALLOWED);
    assert!(
        response.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    // Any other origin gets no CORS headers: the browser keeps it out.
    for response in [
        post(Some("https://evil.example"), None).await.unwrap(),
        preflight("https://evil.example").await.unwrap(),
    ] {
        assert!(
            response
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
    }
}

#[test]
fn the_origin_list_takes_origins_only() {
    let parse = api::settings::cors_origins;
    assert_eq!(parse("").unwrap(), Vec::<String>::new());
    assert_eq!(
        parse("https://a.nhs.uk, http://localhost:5173").unwrap(),
        ["https://a.nhs.uk", "http://localhost:5173"]
    );
    for bad in ["*", "https://*.nhs.uk", "https://a.nhs.uk/app", "a.nhs.uk"] {
        assert!(
            parse(bad).unwrap_err().contains("PORTAL_CORS_ORIGINS"),
            "{bad}"
        );
    }
}

/// `PORTAL_LOG_FORMAT=json` in a process of its own: every line is one JSON object without
/// colour codes; the request's lines carry its `X-Request-Id`, and so do the dispatcher's lines
/// for the letter it queued, sent later; no line holds the token or a person's name or address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_follow_a_request_into_the_mail_it_caused() {
    let sink = crate::support::smtp::SmtpSink::start().await;
    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let server = tests::process::PortalProcess::start_logging(
        env!("CARGO_BIN_EXE_portal-test-child"),
        &database.url,
        "json",
        &sink.url(),
    )
    .await;
    let token = server.token(&["REGISTRY_ANALYST"]);
    let client = support::http_client();
    let call = |request_id: &'static str, query: &'static str, input: Value| {
        client
            .post(format!("{}/graphql", server.address))
            .bearer_auth(&token)
            .header("X-Request-Id", request_id)
            .json(&json!({ "query": query, "variables": { "i": input } }))
            .send()
    };
    let opened: Value = call(
        "open-1",
        "mutation($i: OpenCaseInput!) { openCase(input: $i) { reference version } }",
        json!({ "providerOds": "ZZ011", "category": 4, "summary": "Outlier on the 30-day readmission indicator.", "evidence": [{ "label": "Funnel plot", "url": "https://portal.test/indicators/readmission" }] }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let opened = &opened["data"]["openCase"];
    let allocated: Value = call(
        "allocate-1",
        "mutation($i: AllocateAssociateDirectorInput!) { allocateAssociateDirector(input: $i) { reference version } }",
        json!({ "reference": opened["reference"], "expectedVersion": opened["version"], "associateDirectorSub": "hqip-ad", "associateDirectorName": "HQIP Associate Director", "associateDirectorEmail": "ad@hqip.test", "reason": "The allocated AD." }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let allocated = &allocated["data"]["allocateAssociateDirector"];
    // A case to answer asks the Associate Director for next steps: a letter.
    let found: Value = call(
        "trace-me-42",
        "mutation($i: RecordFindingInput!) { recordFinding(input: $i) { step } }",
        json!({ "reference": allocated["reference"], "expectedVersion": allocated["version"], "finding": "CASE_TO_ANSWER", "rationale": "Data complete and valid." }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        found["data"]["recordFinding"]["step"], "AWAITING_NEXT_STEPS",
        "{found}"
    );

    let sent = |lines: &[String]| {
        lines.iter().any(|line| {
            serde_json::from_str::<Value>(line).is_ok_and(|l| {
                l["fields"]["message"] == "letter sent"
                    && l["fields"]["request_id"] == "trace-me-42"
            })
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !sent(&server.logs.lock().unwrap()) {
        assert!(
            std::time::Instant::now() < deadline,
            "no letter line named the request: {:#?}",
            server.logs.lock().unwrap()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let lines = server.logs.lock().unwrap().clone();
    for line in &lines {
        let parsed: Value = serde_json::from_str(line)
            .unwrap_or_else(|_| panic!("a log line that is not JSON: {line}"));
        assert!(
            parsed["timestamp"].is_string() && parsed["level"].is_string(),
            "{line}"
        );
        assert!(!line.contains('\u{1b}'), "a colour code: {line}");
        for secret in [
            token.as_str(),
            "Test User",
            "test.user@example.org",
            "@example.org",
        ] {
            assert!(!line.contains(secret), "{secret} in a log line: {line}");
        }
    }
    let request_line = lines.iter().find(|line| {
        serde_json::from_str::<Value>(line).is_ok_and(|l| {
            l["fields"]["message"] == "request" && l["span"]["request_id"] == "trace-me-42"
        })
    });
    assert!(request_line.is_some(), "the request's own line: {lines:#?}");
}

/// Automatic Persisted Queries as Apollo Client and urql send them: the hash alone misses with
/// PERSISTED_QUERY_NOT_FOUND, the query with its hash answers and is kept, and then the hash
/// alone answers, by POST and by GET.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persisted_queries_answer_by_hash_once_sent() {
    let app = support::spawn(Db::Sqlite).await.unwrap();
    let token = app.token(&["NATIONAL_VIEWER"]);
    let query = "{ networks { totalCount } }";
    // sha256sum of the query's text.
    let hash = "38b999423f4bfdce6578b337f4f97a64346b9d8b34f51bbbd6626bd290c03844";
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let send = |body: Value| post_body(&app, &token, body);
    let miss = send(json!({ "extensions": extensions })).await;
    assert_eq!(miss.status(), 400);
    let miss: Value = miss.json().await.unwrap();
    assert_eq!(
        miss["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND",
        "{miss}"
    );
    assert_eq!(miss["errors"][0]["message"], "PersistedQueryNotFound");
    let wrong = send(json!({ "query": "{ regions { code } }", "extensions": extensions })).await;
    assert_eq!(wrong.status(), 400, "a query under another's hash");
    let full: Value = send(json!({ "query": query, "extensions": extensions }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full["data"]["networks"]["totalCount"], 14, "{full}");
    let hit: Value = send(json!({ "extensions": extensions }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(hit["data"]["networks"]["totalCount"], 14, "{hit}");
    let by_get: Value = app
        .client
        .get(format!(
            "{}/graphql?extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A%22{hash}%22%7D%7D",
            app.address
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_get["data"]["networks"]["totalCount"], 14, "{by_get}");
}

/// With `PORTAL_REGISTERED_OPERATIONS`, the portal runs the operations of its manifest only:
/// by hash or in full; any other text or hash is refused before it is parsed. A manifest that
/// cannot be read stops the start, naming the variable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_registered_operations_run_when_a_manifest_is_given() {
    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let mut settings = support::settings(&database.url);
    let query = "{ networks { totalCount } }";
    let hash = "38b999423f4bfdce6578b337f4f97a64346b9d8b34f51bbbd6626bd290c03844";
    let manifest = settings.data_dir.join("operations.json");
    std::fs::create_dir_all(&settings.data_dir).unwrap();
    std::fs::write(
        &manifest,
        json!({ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [
            { "id": hash, "name": "Count", "type": "query", "body": query }
        ] })
        .to_string(),
    )
    .unwrap();
    settings.registered_operations = Some(manifest);
    let app = support::spawn_with(database, settings).await;
    let token = app.token(&["NATIONAL_VIEWER"]);
    let send = |body: Value| post_body(&app, &token, body);
    let by_hash: Value =
        send(json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(by_hash["data"]["networks"]["totalCount"], 14, "{by_hash}");
    let in_full: Value = send(json!({ "query": query })).await.json().await.unwrap();
    assert_eq!(in_full["data"]["networks"]["totalCount"], 14, "{in_full}");
    for refused in [
        json!({ "query": "{ regions { code } }" }),
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } } }),
    ] {
        let response = send(refused).await;
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "OPERATION_NOT_REGISTERED",
            "{body}"
        );
        assert!(body.get("data").is_none());
    }

    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let mut settings = support::settings(&database.url);
    settings.registered_operations = Some("/nonexistent/operations.json".into());
    let clock = std::sync::Arc::new(graphql::clock::ManualClock::new(support::now()));
    let error = api::startup::Application::build(&settings, clock, Default::default())
        .await
        .err()
        .expect("the start fails")
        .to_string();
    assert!(error.contains("PORTAL_REGISTERED_OPERATIONS"), "{error}");
}

/// POSTs `body` as it stands (a persisted-query request may have no `query`).
async fn post_body(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.graphql_url())
        .bearer_auth(token)
        .header("accept", "application/graphql-response+json")
        .json(&body)
        .send()
        .await
        .unwrap()
}
