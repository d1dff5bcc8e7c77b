//! The `portal` binary explains itself and refuses what it cannot do, naming the option or
//! variable to fix. Each case runs the real binary on a fresh SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// `portal args…` with its data in a directory of its own.
fn portal(dir: &PathBuf, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PORTAL_ENV")
        .env_remove("PORTAL_LOG_FORMAT")
        .env("PORTAL_DATA_DIR", dir)
        .env("PORTAL_CLOCK_INTERVAL_SECS", "0")
        .env(
            "PORTAL_JWT_SECRET",
            "a-development-secret-of-at-least-32-bytes",
        );
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the portal binary runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_cli_explains_itself_and_names_what_to_fix() {
    let dir = std::env::temp_dir().join(format!("portal-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let help = portal(&dir, &["serve", "--help"], &[]);
    assert!(help.status.success());
    for variable in [
        "DATABASE_URL",
        "PORTAL_BIND",
        "PORTAL_CORS_ORIGINS",
        "PORTAL_LOG_FORMAT",
    ] {
        assert!(
            text(&help).contains(variable),
            "{variable} in: {}",
            text(&help)
        );
    }

    let token = |grant: &str, hours: &str| {
        portal(
            &dir,
            &[
                "token", "--sub", "me", "--name", "Me", "--grant", grant, "--hours", hours,
            ],
            &[],
        )
    };
    let zero = token("NATIONAL_VIEWER", "0");
    assert!(!zero.status.success());
    assert!(text(&zero).contains("--hours"), "{}", text(&zero));
    let mistyped = token("NETWORK_MANAGER:WESSX", "1");
    assert!(!mistyped.status.success());
    assert!(
        text(&mistyped)
            .contains("--grant NETWORK_MANAGER:WESSX: No network has the code \"WESSX\""),
        "{}",
        text(&mistyped)
    );
    let good = token("NETWORK_MANAGER:WESSEX", "1");
    assert!(good.status.success(), "{}", text(&good));
    assert_eq!(
        String::from_utf8_lossy(&good.stdout)
            .trim()
            .split('.')
            .count(),
        3
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = busy.local_addr().unwrap().to_string();
    let serve = portal(&dir, &["serve"], &[("PORTAL_BIND", &address)]);
    assert!(!serve.status.success());
    assert!(
        text(&serve).contains(&format!("cannot listen on \"{address}\" (PORTAL_BIND)")),
        "{}",
        text(&serve)
    );

    let format = portal(&dir, &["schema"], &[("PORTAL_LOG_FORMAT", "xml")]);
    assert!(!format.status.success());
    assert!(
        text(&format).contains("PORTAL_LOG_FORMAT must be plain or json"),
        "{}",
        text(&format)
    );

    std::fs::remove_dir_all(&dir).ok();
}
