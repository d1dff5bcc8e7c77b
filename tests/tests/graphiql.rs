//! GraphiQL in a real headless browser (Debian's `chromium`, driven by puppeteer-core) with
//! every request off the machine refused: the page loads from the binary alone, its header
//! editor is pre-filled for the bearer token, a query answers and the docs explorer opens.
//! Skipped, loudly, where no chromium is installed (`apt-get install chromium`).

use std::process::Command;

use serde_json::Value;

use crate::http_audit::{audit_dir, install_suite};
use crate::support::{self, Db};

fn chromium() -> Option<String> {
    std::env::var("PORTAL_TEST_CHROMIUM").ok().or_else(|| {
        ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find_map(|name| {
                let found = Command::new("which").arg(name).output().ok()?;
                found
                    .status
                    .success()
                    .then(|| String::from_utf8_lossy(&found.stdout).trim().to_owned())
            })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_works_with_no_route_off_the_machine() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "SKIPPED graphiql_works_with_no_route_off_the_machine: no chromium on this machine \
             (apt-get install chromium, or set PORTAL_TEST_CHROMIUM)"
        );
        return;
    };
    tokio::task::spawn_blocking(install_suite).await.unwrap();
    let app = support::spawn(Db::Sqlite).await.unwrap();
    let token = app.token(&["NATIONAL_VIEWER"]);
    let screenshot =
        std::env::temp_dir().join(format!("portal-graphiql-{}.png", std::process::id()));
    let (origin, shot) = (app.address.clone(), screenshot.clone());
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(audit_dir().join("graphiql.mjs"))
            .arg(chromium)
            .arg(origin)
            .arg(token)
            .arg(shot)
            .output()
            .expect("node runs puppeteer-core")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the browser run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: Value = serde_json::from_slice(&output.stdout).unwrap();
    eprintln!("GraphiQL screenshot: {}", screenshot.display());
    assert_eq!(seen["offMachine"], Value::Array(vec![]), "{seen}");
    assert_eq!(seen["failures"], Value::Array(vec![]), "{seen}");
    assert!(
        seen["prefilled"]
            .as_str()
            .is_some_and(|h| h.contains("\"Authorization\": \"Bearer \"")),
        "{seen}"
    );
    assert_eq!(
        seen["result"]["data"]["networks"]["totalCount"], 14,
        "{seen}"
    );
    assert!(
        seen["docs"]
            .as_str()
            .is_some_and(|d| d.contains("query: QueryRoot")),
        "{seen}"
    );
    assert!(std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 10_000));

    // The files are the binary's own, versioned and cacheable; anything else is 404.
    let asset = app
        .client
        .get(format!("{}/graphiql/4.1.2/graphiql.min.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 200);
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let missing = app
        .client
        .get(format!("{}/graphiql/4.1.2/../Cargo.toml", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
