//! Support for the integration tests (`tests/portal.rs`) and the benchmarks: starts the real
//! portal on `127.0.0.1:0` against a fresh database and talks to it over HTTP. `TEST_LOG=1`
//! shows the servers' logs (`RUST_LOG` filters them).
//!
//! SQLite: a new file per test. PostgreSQL (`PORTAL_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`): a new database per test, cloned from a
//! template migrated once per run, dropped when the test ends. When no PostgreSQL answers, the
//! PostgreSQL variants say so loudly and pass, unless `PORTAL_TEST_REQUIRE_POSTGRES=1` (CI).
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod process;
pub mod smtp;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use api::settings::{Environment, JwtSettings, Secret, Settings};
use api::startup::{Application, StartOptions};
use chrono::{TimeZone, Utc};
use graphql::auth::token::{TokenIssuer, parse_grant};
use graphql::clock::ManualClock;
use graphql::{AppState, SchemaOptions};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

pub const ISSUER: &str = "portal-tests";
pub const AUDIENCE: &str = "portal";
pub const SECRET: &[u8] = b"integration-tests-secret-0123456789abcdef";

/// "Today" for every test: a Sunday in November 2026, after the ICB changes of 1 April.
pub fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(TestApp)` against both databases, as `<name>::sqlite` and
/// `<name>::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::spawn($crate::Db::Sqlite).await {
                    super::$name(app).await
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::spawn($crate::Db::Postgres).await {
                    super::$name(app).await
                }
            }
        }
    )* };
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn postgres_base_url() -> String {
    std::env::var("PORTAL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(base: &str, name: &str) -> String {
    match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => format!("{base}/{name}"),
    }
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    pub kind: Db,
    dir: Option<PathBuf>,
    pg_name: Option<String>,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = self.pg_name.clone() {
            // Drop cannot await: drop the database from a thread with a runtime of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(postgres_base_url()).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

async fn postgres_reachable() -> bool {
    let url = postgres_base_url();
    match tokio::time::timeout(Duration::from_secs(5), Database::connect(&url)).await {
        Ok(Ok(db)) => {
            let _ = db.close().await;
            true
        }
        _ => {
            if std::env::var("PORTAL_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!(
                    "PostgreSQL is required (PORTAL_TEST_REQUIRE_POSTGRES=1) but {url} does not answer"
                );
            }
            eprintln!(
                "\n!!!! PostgreSQL not reachable at {url}: this PostgreSQL test is SKIPPED !!!!\n"
            );
            false
        }
    }
}

/// An empty database (no migrations).
pub async fn empty_database(kind: Db) -> Option<TestDatabase> {
    match kind {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(unique("portal-test"));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.join("portal.db").display());
            Some(TestDatabase {
                url,
                kind,
                dir: Some(dir),
                pg_name: None,
            })
        }
        Db::Postgres => {
            if !postgres_reachable().await {
                return None;
            }
            Some(create_pg_database(None).await)
        }
    }
}

/// A database for the portal: on PostgreSQL cloned from a migrated, reference-loaded template
/// (the portal's own start-up then finds nothing to do but the demo layer).
pub async fn migrated_database(kind: Db) -> Option<TestDatabase> {
    match kind {
        Db::Sqlite => empty_database(kind).await,
        Db::Postgres => {
            if !postgres_reachable().await {
                return None;
            }
            let template = template().await;
            Some(create_pg_database(Some(template)).await)
        }
    }
}

async fn create_pg_database(template: Option<&str>) -> TestDatabase {
    let admin = Database::connect(postgres_base_url()).await.unwrap();
    let name = unique("portal_test");
    let clause = template
        .map(|t| format!(" TEMPLATE \"{t}\""))
        .unwrap_or_default();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\"{clause}"))
        .await
        .unwrap();
    admin.close().await.unwrap();
    TestDatabase {
        url: with_database(&postgres_base_url(), &name),
        kind: Db::Postgres,
        dir: None,
        pg_name: Some(name),
    }
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// A migrated, reference-loaded database to clone, made once per test run. Test databases left
/// by earlier runs (whose process is gone) are dropped first.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let admin = Database::connect(postgres_base_url()).await.unwrap();
            let rows = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    "SELECT datname FROM pg_database WHERE datname LIKE 'portal\\_test\\_%' \
                     OR datname LIKE 'portal\\_template\\_%'",
                ))
                .await
                .unwrap();
            for row in rows {
                let name: String = row.try_get("", "datname").unwrap();
                let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
                if pid.is_some_and(|pid| {
                    pid != std::process::id() && !PathBuf::from(format!("/proc/{pid}")).exists()
                }) {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
            }
            let name = unique("portal_template");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap();
            admin.close().await.unwrap();
            let db = Database::connect(with_database(&postgres_base_url(), &name))
                .await
                .unwrap();
            api::db::migrate_up(&db).await.unwrap();
            migration::reference::load(&db, now()).await.unwrap();
            db.close().await.unwrap();
            name
        })
        .await
}

/// An HTTP client for the tests (reqwest needs the process's crypto provider first).
pub fn http_client() -> reqwest::Client {
    api::install_crypto_provider();
    reqwest::Client::new()
}

/// Settings for a test server: random port, the test secret, one worker.
pub fn settings(database_url: &str) -> Settings {
    Settings {
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".into(),
        environment: Environment::Development,
        data_dir: std::env::temp_dir().join(unique("portal-test-data")),
        jwt: JwtSettings {
            secret: Some(Secret(SECRET.to_vec())),
            public_key_pem: None,
            jwks_url: None,
            jwks_min_refresh: Duration::from_secs(30),
            issuer: ISSUER.into(),
            audience: AUDIENCE.into(),
        },
        graphiql: true,
        schema: SchemaOptions::default(),
        request_timeout: Duration::from_secs(10),
        max_body_bytes: 64 * 1024,
        max_response_bytes: 8 * 1024 * 1024,
        db_pool_size: 4,
        workers: Some(1),
        public_url: "https://portal.test".into(),
        mail: None,
        mail_from: "spinal-portal@portal.test".into(),
        clock_interval: None,
        cors_origins: vec!["https://dashboard.portal.test".into()],
        metrics: api::settings::MetricsExposure::Off,
        registered_operations: None,
    }
}

/// Production mail: letters go to their addressees (here a port nothing listens on).
pub fn production_mail() -> graphql::mail::outbox::MailSettings {
    graphql::mail::outbox::MailSettings {
        smtp_url: "smtp://127.0.0.1:9".into(),
        from: "spinal-portal@portal.test".into(),
        redirect: None,
        retry_base: Duration::from_secs(5),
        retry_max: Duration::from_secs(60),
        lease: Duration::from_secs(60),
        smtp_timeout: Duration::from_secs(5),
        batch: 10,
        poll: Duration::from_secs(5),
    }
}

pub struct TestApp {
    pub address: String,
    /// `http://127.0.0.1:<port>` of `GET /metrics` when it has an address of its own.
    pub metrics_address: Option<String>,
    /// The server's clock: tests move it to walk a case through its deadlines.
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub state: AppState,
    statements: Arc<AtomicU64>,
    pub database_url: String,
    /// Owned by the first instance on a database; dropped (and removed) with it.
    database: Option<TestDatabase>,
    issuer: TokenIssuer,
}

/// The portal with reference and demo data, on a fresh database.
pub async fn spawn(kind: Db) -> Option<TestApp> {
    let database = migrated_database(kind).await?;
    let settings = settings(&database.url);
    Some(spawn_with(database, settings).await)
}

/// The portal on `database` with `settings`.
pub async fn spawn_with(database: TestDatabase, settings: Settings) -> TestApp {
    let mut app = start(settings).await;
    app.database = Some(database);
    app
}

/// A second portal instance sharing `first`'s database (as behind a load balancer).
pub async fn spawn_another_instance(first: &TestApp) -> TestApp {
    start(settings(&first.database_url)).await
}

/// With `TEST_LOG=1`, the servers' logs go to the test output (`RUST_LOG` filters them).
fn init_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if std::env::var("TEST_LOG").is_ok_and(|v| v == "1") {
        ONCE.call_once(|| {
            let filter =
                tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn")
                });
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        });
    }
}

async fn start(settings: Settings) -> TestApp {
    init_logs();
    let clock = Arc::new(ManualClock::new(now()));
    let app = Application::build(&settings, clock.clone(), StartOptions { demo: true })
        .await
        .expect("the portal starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    let state = app.state().clone();
    let statements = app.statement_counter();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        metrics_address,
        clock,
        client: http_client(),
        state,
        statements,
        database_url: settings.database_url.clone(),
        database: None,
        issuer: TokenIssuer::hs256(SECRET, ISSUER, AUDIENCE),
    }
}

impl TestApp {
    pub fn kind(&self) -> Db {
        if self.database_url.starts_with("postgres") {
            Db::Postgres
        } else {
            Db::Sqlite
        }
    }

    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.address)
    }

    /// A token holding `grants` (`ROLE`, `ROLE:CODE`, `ROLE:kind=CODE`).
    pub fn token(&self, grants: &[&str]) -> String {
        mint(
            &self.issuer,
            "test-user",
            "Test User",
            "test.user@example.org",
            grants,
        )
    }

    /// A token for a named person (`sub`) holding `grants`.
    pub fn token_as(&self, sub: &str, name: &str, grants: &[&str]) -> String {
        mint(
            &self.issuer,
            sub,
            name,
            &format!("{sub}@example.org"),
            grants,
        )
    }

    /// POSTs an operation with `token`; expects HTTP 200.
    pub async fn query_with(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(Some(token), query, variables).await;
        assert_eq!(status, 200, "unexpected status; body: {body}");
        body
    }

    /// POSTs an operation; returns the status and body, whatever they are.
    pub async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.graphql_url())
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// POSTs as a caller holding `grants`; expects HTTP 200.
    pub async fn query(&self, grants: &[&str], query: &str, variables: Value) -> Value {
        let (status, body) = self.post(Some(&self.token(grants)), query, variables).await;
        assert_eq!(status, 200, "unexpected status; body: {body}");
        body
    }

    /// As a national administrator; fails on any GraphQL error and returns `data`.
    pub async fn admin(&self, query: &str, variables: Value) -> Value {
        let body = self.query(&["NATIONAL_ADMIN"], query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// SQL statements executed by the server so far.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
}

/// A one-hour token for `sub` holding `grants` (`ROLE`, `ROLE:CODE`, `ROLE:kind=CODE`).
pub fn mint(issuer: &TokenIssuer, sub: &str, name: &str, email: &str, grants: &[&str]) -> String {
    let grants: Vec<_> = grants.iter().map(|g| parse_grant(g).unwrap()).collect();
    issuer
        .mint(
            sub,
            name,
            Some(email),
            &grants,
            Utc::now(),
            chrono::Duration::hours(1),
        )
        .unwrap()
}

/// The `extensions.code` of each error in a response.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A token for one grant (`ROLE`, `ROLE:CODE`, `ROLE:kind=CODE`), its holder named after it:
/// "Holder of ROLE:CODE", so a test can tell who decided.
pub fn token_for(app: &TestApp, grant: &str) -> String {
    app.token_as(
        &format!("user-{}", grant.to_lowercase().replace([':', '='], "-")),
        &format!("Holder of {grant}"),
        &[grant],
    )
}

/// POSTs an operation as the holder of one grant; expects HTTP 200.
pub async fn call_as(app: &TestApp, grant: &str, query: &str, variables: Value) -> Value {
    app.query_with(&token_for(app, grant), query, variables)
        .await
}

/// The one field of `data`, failing on any error.
pub fn the_field(body: Value) -> Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone()
}

/// The code of the one error of a response, failing if there is not exactly one.
pub fn the_refusal(body: &Value) -> String {
    let codes = error_codes(body);
    assert_eq!(codes.len(), 1, "one error expected: {body}");
    codes[0].clone()
}
