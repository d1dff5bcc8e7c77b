//! The portal in a process of its own, for what an in-process server cannot show: its memory,
//! and what survives `kill -9`. The process is this crate's `portal-test-child` binary (its path
//! is `env!("CARGO_BIN_EXE_portal-test-child")` in the integration tests), which calls
//! `child_main`; the role and its inputs travel in the environment.

use std::process::Stdio;
use std::time::Duration;

use api::startup::{Application, StartOptions};
use graphql::auth::token::TokenIssuer;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::{AUDIENCE, ISSUER, SECRET, mint, settings};

const ROLE: &str = "PORTAL_TEST_CHILD";
const DATABASE: &str = "PORTAL_TEST_CHILD_DATABASE";
const FILE: &str = "PORTAL_TEST_CHILD_FILE";
const AT: &str = "PORTAL_TEST_CHILD_AT";
/// The SMTP server a serving child's dispatcher sends to (none: no dispatcher).
const SMTP: &str = "PORTAL_TEST_CHILD_SMTP";

/// The child binary `exe`, run in `role`.
fn command(exe: &str, role: &str, database_url: &str) -> Command {
    let mut command = Command::new(exe);
    command
        .env(ROLE, role)
        .env(DATABASE, database_url)
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// A portal serving `database_url` (migrated, with demo data) in a child process.
pub struct PortalProcess {
    child: Child,
    pub address: String,
    /// Its stderr (its log lines), as far as read, when started with `start_logging`.
    pub logs: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    client: reqwest::Client,
    issuer: TokenIssuer,
}

/// Memory of a process, from `/proc/PID/status`, in MiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub resident: f64,
    pub peak: f64,
}

impl PortalProcess {
    pub async fn start(exe: &str, database_url: &str) -> Self {
        Self::spawn(command(exe, "serve", database_url)).await
    }

    /// A portal whose log lines are kept in `logs`, logging as `PORTAL_LOG_FORMAT=log_format`,
    /// its dispatcher sending to `smtp_url`.
    pub async fn start_logging(
        exe: &str,
        database_url: &str,
        log_format: &str,
        smtp_url: &str,
    ) -> Self {
        let mut command = command(exe, "serve", database_url);
        command
            .env("PORTAL_LOG_FORMAT", log_format)
            .env(SMTP, smtp_url)
            .stderr(Stdio::piped());
        Self::spawn(command).await
    }

    async fn spawn(mut command: Command) -> Self {
        let mut child = command.spawn().expect("the child starts");
        let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        if let Some(stderr) = child.stderr.take() {
            let logs = logs.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    logs.lock().unwrap().push(line);
                }
            });
        }
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let port = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.expect("the child's output") {
                if let Some(port) = line.strip_prefix("LISTENING ") {
                    return port.trim().to_owned();
                }
            }
            panic!("the child exited before listening")
        })
        .await
        .expect("the child listens within a minute");
        // Keep draining its output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        PortalProcess {
            child,
            logs,
            address: format!("http://127.0.0.1:{port}"),
            client: crate::http_client(),
            issuer: TokenIssuer::hs256(SECRET, ISSUER, AUDIENCE),
        }
    }

    pub fn token(&self, grants: &[&str]) -> String {
        mint(
            &self.issuer,
            "test-user",
            "Test User",
            "test.user@example.org",
            grants,
        )
    }

    /// POSTs an operation; the status and the body as text (which may not be JSON).
    pub async fn post(&self, token: &str, body: Value) -> (u16, String) {
        let response = self
            .client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .header("accept", "application/graphql-response+json")
            .json(&body)
            .send()
            .await
            .expect("the portal answers");
        (
            response.status().as_u16(),
            response.text().await.unwrap_or_default(),
        )
    }

    pub async fn query(&self, token: &str, query: &str) -> (u16, String) {
        self.post(token, json!({ "query": query })).await
    }

    /// `/healthz`'s status, or `None` when nothing answers (the process died).
    pub async fn healthz(&self) -> Option<u16> {
        let url = format!("{}/healthz", self.address);
        let response = self.client.get(url).send().await.ok()?;
        Some(response.status().as_u16())
    }

    /// Sends SIGTERM, as an orchestrator stops a container, and waits for the process to exit.
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("the child is running").to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM reached the child");
        self.child.wait().await.expect("the child exits")
    }

    pub fn memory(&self) -> Memory {
        memory_of(self.child.id().expect("the child is running"))
    }
}

pub fn memory_of(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    };
    Memory {
        resident: field("VmRSS:"),
        peak: field("VmHWM:"),
    }
}

/// `portal import indicators FILE` against `database_url`, in a child process the caller may
/// kill.
pub fn import(exe: &str, database_url: &str, file: &std::path::Path) -> Child {
    command(exe, "import", database_url)
        .env(FILE, file)
        .spawn()
        .expect("the importer starts")
}

/// `portal tick` as at `at` against `database_url`, in a child process; returns its summary.
pub async fn tick(exe: &str, database_url: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let output = command(exe, "tick", database_url)
        .env(AT, at.to_rfc3339())
        .output()
        .await
        .expect("the clock pass runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The body of the child binary: its role and inputs from the environment.
pub fn child_main() {
    let role = std::env::var(ROLE).expect("PORTAL_TEST_CHILD names the child's role");
    let database_url = std::env::var(DATABASE).expect("the child's database");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let mut settings = settings(&database_url);
        match role.as_str() {
            "serve" => {
                settings.workers = Some(2);
                if std::env::var("PORTAL_LOG_FORMAT").is_ok() {
                    api::logs::init(api::settings::log_format().expect("a log format"));
                }
                if let Ok(smtp_url) = std::env::var(SMTP) {
                    settings.mail = Some(graphql::mail::outbox::MailSettings {
                        smtp_url,
                        ..crate::production_mail()
                    });
                }
                let clock = std::sync::Arc::new(graphql::clock::SystemClock);
                let app = Application::build(&settings, clock, StartOptions { demo: true })
                    .await
                    .expect("the portal starts");
                println!("LISTENING {}", app.port());
                app.run_until_stopped().await.expect("the portal serves");
            }
            "import" => {
                let file = std::env::var(FILE).expect("the file to import");
                let summary = api::import::run(&settings, file.as_ref(), "reliability", None)
                    .await
                    .expect("the import succeeds");
                println!("{summary}");
            }
            "tick" => {
                let at = std::env::var(AT).expect("the instant of the pass");
                let at = chrono::DateTime::parse_from_rfc3339(&at)
                    .expect("an RFC 3339 instant")
                    .with_timezone(&chrono::Utc);
                let summary = api::startup::tick_once(&settings, at)
                    .await
                    .expect("the clock pass succeeds");
                println!("{summary}");
            }
            other => panic!("unknown child role {other}"),
        }
    });
}
