//! The graphql-http audit suite (npm `graphql-http`, the GraphQL-over-HTTP specification's
//! own audits) against the real server: 0 errors and 0 warnings. Needs Node.js and npm; the
//! suite is installed from `tests/http-audit/package-lock.json` on first run.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(the_graphql_over_http_audit_passes_without_errors_or_warnings);

pub fn audit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("http-audit")
}

/// Installs the suite once per test run: both database variants ask, and two concurrent
/// `npm ci` runs would remove each other's files.
pub fn install_suite() {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = INSTALLED.get_or_init(|| {
        if audit_dir().join("node_modules/graphql-http").exists()
            && audit_dir().join("node_modules/graphql-ws").exists()
            && audit_dir().join("node_modules/puppeteer-core").exists()
        {
            return Ok(());
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(audit_dir())
            .status()
            .map_err(|e| format!("npm is needed to install the graphql-http audit suite (install Node.js 20+): {e}"))?;
        if status.success() { Ok(()) } else { Err("npm ci in tests/http-audit failed".into()) }
    });
    if let Err(message) = result {
        panic!("{message}");
    }
}

async fn the_graphql_over_http_audit_passes_without_errors_or_warnings(app: TestApp) {
    tokio::task::spawn_blocking(install_suite).await.unwrap();
    let url = app.graphql_url();
    let token = app.token(&["NATIONAL_VIEWER"]);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(audit_dir().join("audit.mjs"))
            .env("AUDIT_URL", url)
            .env("AUDIT_TOKEN", token)
            .output()
            .expect("node is needed to run the graphql-http audit suite (install Node.js 20+)")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the audit runner failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let failing: Vec<String> = results
        .iter()
        .filter(|r| r["status"] != "ok")
        .map(|r| format!("{} {} {}: {}", r["status"], r["id"], r["name"], r["reason"]))
        .collect();
    eprintln!(
        "graphql-http audit: {} audits, {} not ok",
        results.len(),
        failing.len()
    );
    assert!(
        results.len() >= 50,
        "the suite ran only {} audits",
        results.len()
    );
    assert!(failing.is_empty(), "audits not ok:\n{}", failing.join("\n"));
}
