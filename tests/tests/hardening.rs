//! The schema's defences (graphql-cop's checks, as tests) and error masking.

use std::time::Duration;

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use crate::on_both_databases;
use crate::support::{self, Db, TestApp, error_codes};

on_both_databases!(
    internal_errors_are_masked_and_never_show_sql,
    request_level_abuse_is_refused_with_clear_statuses,
    suggestions_are_off,
    strings_are_checked_before_they_reach_a_database,
);

async fn internal_errors_are_masked_and_never_show_sql(app: TestApp) {
    // Break the database behind the server's back.
    app.state
        .db
        .execute_unprepared("DROP TABLE network_footprints")
        .await
        .unwrap();
    let body = app
        .query(
            &["NATIONAL_ADMIN"],
            r#"{ network(code: "WESSEX") { name footprint { icb { code } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["INTERNAL_SERVER_ERROR"], "{body}");
    let text = body.to_string().to_lowercase();
    for leak in [
        "network_footprints",
        "select",
        "no such table",
        "relation",
        "sqlx",
        "sqlite",
        "postgres",
    ] {
        assert!(
            !text.contains(leak),
            "the response leaks \"{leak}\": {text}"
        );
    }
}

async fn request_level_abuse_is_refused_with_clear_statuses(app: TestApp) {
    let token = app.token(&["NATIONAL_ADMIN"]);
    let post = |body: String, content_type: &'static str| {
        app.client
            .post(app.graphql_url())
            .bearer_auth(&token)
            .header("accept", "application/graphql-response+json")
            .header("content-type", content_type)
            .body(body)
    };
    let status_and_body = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    };

    let aliases: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
    let (status, body) = status_and_body(
        post(
            json!({ "query": format!("{{ {aliases} }}") }).to_string(),
            "application/json",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "31 aliases: {body}");
    assert!(
        body.contains("aliases") && !body.contains("\"data\""),
        "{body}"
    );

    let (status, body) = status_and_body(
        post(
            json!([{ "query": "{ regions { code } }" }, { "query": "{ regions { code } }" }])
                .to_string(),
            "application/json",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "batch: {body}");
    assert!(
        body.contains("Batched requests are not supported"),
        "{body}"
    );

    let deep = format!(
        "{{ network(code: \"WESSEX\") {{ {} code {} }} }}",
        "hubs { provider { network { ".repeat(5),
        "} } } ".repeat(5)
    );
    let (status, body) = status_and_body(
        post(json!({ "query": deep }).to_string(), "application/json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "depth: {body}");

    let directives = format!(
        "{{ regions {} {{ code }} }}",
        "@include(if: true) ".repeat(11)
    );
    let (status, body) = status_and_body(
        post(
            json!({ "query": directives }).to_string(),
            "application/json",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "repeated directives: {body}");

    let (status, _) = status_and_body(
        post(
            "query=%7B%20regions%20%7B%20code%20%7D%20%7D".into(),
            "application/x-www-form-urlencoded",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 415, "url-encoded POST");

    let huge = json!({ "query": format!("{{ regions {{ code }} }} #{}", "x".repeat(70 * 1024)) })
        .to_string();
    let (status, body) =
        status_and_body(post(huge, "application/json").send().await.unwrap()).await;
    assert_eq!(status, 413, "body over the limit");
    let body: serde_json::Value = serde_json::from_str(&body).expect("a JSON body");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(body.to_string().contains("65536 bytes"), "{body}");
    for (method, path, status, code) in [
        (reqwest::Method::GET, "/nowhere", 404, "NOT_FOUND"),
        (reqwest::Method::PUT, "/graphql", 405, "BAD_USER_INPUT"),
    ] {
        let response = app
            .client
            .request(method.clone(), format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        let body: serde_json::Value = response.json().await.expect("a JSON body");
        assert_eq!(error_codes(&body), [code], "{method} {path}: {body}");
    }

    // The directive limit counts the whole document, not each field.
    let spread: String = (0..11)
        .map(|i| format!("a{i}: regions @include(if: true) {{ code }} "))
        .collect();
    let (status, body) = status_and_body(
        post(
            json!({ "query": format!("{{ {spread} }}") }).to_string(),
            "application/json",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "11 directives over 11 fields: {body}");
    assert!(body.contains("directives"), "{body}");

    let mutation = r#"mutation { determineNetworkHost(input: { network: "WESSEX", odsCode: "RHU", icbs: ["QRL"], determinedOn: "2026-11-02", citation: "x" }) { code } }"#;
    let url = reqwest::Url::parse_with_params(&app.graphql_url(), [("query", mutation)]).unwrap();
    let get = app
        .client
        .get(url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405, "mutation over GET");
    assert_eq!(get.headers()["allow"], "POST");

    let body = app
        .query(&["NATIONAL_ADMIN"], "{ regions { code } }", json!({}))
        .await;
    assert!(
        body.get("extensions").is_none(),
        "no tracing or other extensions leak: {body}"
    );
}

async fn suggestions_are_off(app: TestApp) {
    let (_, body) = app
        .post(
            Some(&app.token(&["NATIONAL_ADMIN"])),
            "{ networkz { code } }",
            json!({}),
        )
        .await;
    let text = body.to_string();
    assert!(
        !text.contains("Did you mean") && !text.contains("networks"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_can_be_switched_off() {
    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let mut settings = support::settings(&database.url);
    settings.schema.introspection = false;
    let app = support::spawn_with(database, settings).await;
    let (_, body) = app
        .post(
            Some(&app.token(&["NATIONAL_ADMIN"])),
            "{ __schema { types { name } } }",
            json!({}),
        )
        .await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
}

/// With introspection on (development's default), graphql-js's standard introspection query
/// answers and describes exactly the checked-in SDL, while an ordinary query as deep is still
/// refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_introspection_query_answers_with_the_checked_in_schema() {
    let app = support::spawn(Db::Sqlite).await.unwrap();
    tokio::task::spawn_blocking(crate::http_audit::install_suite)
        .await
        .unwrap();
    let (url, token) = (app.graphql_url(), app.token(&["NATIONAL_VIEWER"]));
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(crate::http_audit::audit_dir().join("introspect.mjs"))
            .arg(url)
            .arg(token)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../graphql/schema.graphql"
            ))
            .output()
            .expect("node runs graphql-js")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["same"], true, "{result}");

    let deep = format!(
        "{{ network(code: \"WESSEX\") {{ {} code {} }} }}",
        "hubs { provider { network { ".repeat(5),
        "} } } ".repeat(5)
    );
    let (status, body) = app
        .post(Some(&app.token(&["NATIONAL_VIEWER"])), &deep, json!({}))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 12")),
        "{body}"
    );
}

/// A read blocked behind another session's lock outlasts the request timeout: the caller gets
/// `REQUEST_TIMEOUT`, and the server answers normally once the lock is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_operations_time_out() {
    let Some(database) = support::migrated_database(Db::Postgres).await else {
        return;
    };
    let mut settings = support::settings(&database.url);
    settings.request_timeout = Duration::from_millis(300);
    let app = support::spawn_with(database, settings).await;
    let blocker = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let lock = blocker.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE networks IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let token = app.token(&["NATIONAL_ADMIN"]);
    let (status, body) = app
        .post(Some(&token), "{ networks { totalCount } }", json!({}))
        .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_codes(&body), ["REQUEST_TIMEOUT"]);
    lock.rollback().await.unwrap();
    let (status, body) = app
        .post(Some(&token), "{ networks { totalCount } }", json!({}))
        .await;
    assert_eq!(
        (status, &body["data"]["networks"]["totalCount"]),
        (200, &json!(14)),
        "{body}"
    );
}

#[test]
fn production_refuses_development_keys() {
    let mut settings = support::settings("sqlite::memory:");
    settings.environment = api::settings::Environment::Production;
    assert!(
        settings
            .check()
            .unwrap_err()
            .contains("PORTAL_JWT_PUBLIC_KEY"),
        "no public key"
    );
    settings.jwt.public_key_pem = Some("-----BEGIN PUBLIC KEY-----".into());
    assert!(
        settings.check().unwrap_err().contains("PORTAL_JWT_SECRET"),
        "an HS256 secret is refused"
    );
    settings.jwt.secret = None;
    assert!(
        settings.check().unwrap_err().contains("PORTAL_SMTP_URL"),
        "regulator letters must be able to go out"
    );
    settings.mail = Some(support::production_mail());
    assert!(settings.check().is_ok());
    let mut redirected = support::production_mail();
    redirected.redirect = Some("someone@portal.test".into());
    settings.mail = Some(redirected);
    assert!(
        settings
            .check()
            .unwrap_err()
            .contains("PORTAL_MAIL_REDIRECT"),
        "production sends letters to their addressees"
    );
    settings.mail = Some(support::production_mail());
    let mut development = support::settings("sqlite::memory:");
    development.mail = Some(support::production_mail());
    assert!(
        development
            .check()
            .unwrap_err()
            .contains("PORTAL_MAIL_REDIRECT"),
        "outside production mail needs a redirect"
    );
    assert!(
        api::keys::issuer(&settings).is_err(),
        "no development tokens in production"
    );
    assert!(
        api::keys::dev_secret(&settings, true).unwrap().is_none(),
        "no development secret in production"
    );
}

#[test]
fn portal_token_refuses_without_a_secret() {
    let mut settings = support::settings("sqlite::memory:");
    settings.jwt.secret = None;
    let error = api::keys::issuer(&settings).err().unwrap();
    assert!(error.contains("no HS256 secret"), "{error}");
}

/// A NUL reached PostgreSQL as `INTERNAL_SERVER_ERROR` (SQLite stored it); a 100,000-character
/// name was taken. Both are the caller's to fix, named, and nothing is written. The mutation's
/// text is the same each time, so after the first its kept document (`limits::parsed`) is checked
/// again with each request's variables.
async fn strings_are_checked_before_they_reach_a_database(app: TestApp) {
    let admin = app.token(&["NATIONAL_ADMIN"]);
    let (status, body) = app
        .post(
            Some(&admin),
            r#"{ provider(odsCode: "R\u0000HM") { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        (status, error_codes(&body)),
        (400, vec!["BAD_USER_INPUT".to_owned()]),
        "{body}"
    );
    assert!(body.to_string().contains("`odsCode`"), "{body}");

    let contacts = r#"{ provider(odsCode: "RHM") { contacts { role name } } }"#;
    let before = app.admin(contacts, json!({})).await;
    let set = r#"mutation($input: SetProviderContactsInput!) { setProviderContacts(input: $input) { odsCode } }"#;
    let contact = |name: &str| {
        json!({ "input": { "odsCode": "RHM", "reason": "new CEO",
            "contacts": [{ "role": "CEO", "name": name, "email": "ceo@example.org" }] } })
    };
    for (name, says) in [
        ("A\u{0}B".to_owned(), "U+0000"),
        ("Line\nbreak".to_owned(), "single line"),
        ("x".repeat(10_000), "at most 200"),
    ] {
        let (status, body) = app.post(Some(&admin), set, contact(&name)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        let text = body.to_string();
        assert!(
            text.contains("`input.contacts[0].name`") && text.contains(says),
            "{text}"
        );
    }
    assert_eq!(
        app.admin(contacts, json!({})).await,
        before,
        "nothing was written"
    );
    let body = app
        .query(&["NATIONAL_ADMIN"], set, contact("Dr A Example"))
        .await;
    assert!(
        body.get("errors").is_none(),
        "a clean name is taken: {body}"
    );
}

/// An answer over `PORTAL_MAX_RESPONSE_BYTES` is replaced by `RESPONSE_TOO_LARGE`; smaller ones
/// pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_over_the_size_limit_are_refused() {
    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let mut settings = support::settings(&database.url);
    settings.max_response_bytes = 500;
    let app = support::spawn_with(database, settings).await;
    let token = app.token(&["NATIONAL_VIEWER"]);
    let (status, body) = app
        .post(
            Some(&token),
            "{ networks { nodes { code name } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(error_codes(&body), ["RESPONSE_TOO_LARGE"], "{body}");
    assert!(body["data"].is_null(), "{body}");
    assert!(body.to_string().contains("500 bytes"), "{body}");
    let (_, body) = app
        .post(Some(&token), "{ regions { code } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["regions"].as_array().unwrap().len(),
        7,
        "{body}"
    );
}
