//! The `portal` command line: its commands and options, parsed and run. The binary only calls
//! `main`, so the commands live beside the code they run.

use std::process::ExitCode;
use std::sync::Arc;

use crate::settings::Settings;
use crate::startup::{Application, StartOptions};
use crate::{db, keys};
use chrono::{DateTime, Duration, Utc};
use clap::{Parser, Subcommand};
use graphql::auth::token::parse_grant;
use graphql::auth::{Grant, GrantScope};
use graphql::clock::SystemClock;
use std::sync::atomic::AtomicU64;

#[derive(Parser)]
#[command(name = "portal", about = "The Spinal Networks Portal API", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, load reference data, and serve GraphQL over HTTP and WebSocket.
    #[command(after_help = crate::settings::SETTINGS_HELP)]
    Serve {
        /// Also load the synthetic demo layer and print a development token.
        #[arg(long)]
        demo: bool,
    },
    /// Apply, roll back or list schema migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Run one pass of the clock as of an instant: cases whose limits passed move on and their
    /// letters go to the outbox; workplan deliverables past due and risk escalations unanswered
    /// past their date are announced (for catching up after an outage; `serve` runs the clock
    /// itself).
    Tick {
        /// An RFC 3339 instant, e.g. 2026-12-01T09:00:00Z.
        #[arg(long)]
        at: String,
    },
    /// Import a file as one batch (all rows or none; see the README for the columns).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Mint a development token (HS256; refused in production).
    Token {
        /// The token's subject: the person's stable id, recorded with what they do.
        #[arg(long)]
        sub: String,
        /// The person's name, shown in case histories and audit entries.
        #[arg(long)]
        name: String,
        /// The person's work address (the registry lead's letters use it).
        #[arg(long)]
        email: Option<String>,
        /// ROLE, ROLE:CODE or ROLE:kind=CODE, e.g. NETWORK_MANAGER:WESSEX or INTEGRATION:icb=QRL.
        #[arg(long = "grant", required = true)]
        grants: Vec<String>,
        /// Hours until the token expires, 1 to 8760 (a year).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=8760))]
        hours: i64,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Indicator values from a CSV file.
    Indicators {
        file: std::path::PathBuf,
        /// Who is importing (recorded with the batch).
        #[arg(long)]
        by: String,
        /// Why, e.g. "BSR quarterly extract 2026 Q2".
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the last `--steps` migrations (default 1).
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

/// Parses the arguments and runs the command; the process exits with the code answered.
pub fn main() -> ExitCode {
    let format = match crate::settings::log_format() {
        Ok(format) => format,
        Err(e) => {
            eprintln!("portal: {e}");
            return ExitCode::FAILURE;
        }
    };
    crate::logs::init(format);
    let cli = Cli::parse();
    if let Command::Schema = cli.command {
        print!("{}", graphql::sdl());
        return ExitCode::SUCCESS;
    }
    let result = Settings::from_env()
        .map_err(Into::into)
        .and_then(|settings| actix_web::rt::System::new().block_on(run(cli.command, settings)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portal: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), crate::startup::BoxError> {
    match command {
        Command::Serve { demo } => {
            let app =
                Application::build(&settings, Arc::new(SystemClock), StartOptions { demo }).await?;
            let url = format!("http://{}:{}/graphql", host(&settings.bind), app.port());
            if settings.graphiql {
                println!("GraphiQL: {url}");
            } else {
                println!("GraphQL endpoint: {url}");
            }
            if demo && !settings.is_production() {
                let token = keys::issuer(&settings)?.mint(
                    "demo-admin",
                    "Demo Administrator",
                    None,
                    &[parse_grant("NATIONAL_ADMIN")?],
                    Utc::now(),
                    Duration::hours(12),
                )?;
                println!(
                    "Development token (NATIONAL_ADMIN, 12 hours); send it as `Authorization: Bearer <token>`:\n{token}"
                );
            }
            app.run_until_stopped().await?;
        }
        Command::Migrate { action } => {
            let conn = db::connect(
                &settings.database_url,
                settings.db_pool_size,
                Arc::new(AtomicU64::new(0)),
            )
            .await?;
            match action {
                MigrateAction::Up => db::migrate_up(&conn).await?,
                MigrateAction::Down { steps } => db::migrate_down(&conn, Some(steps)).await?,
                MigrateAction::Status => {}
            }
            for (name, applied) in db::migration_status(&conn).await? {
                println!("{} {name}", if applied { "applied" } else { "pending" });
            }
        }
        Command::Token {
            sub,
            name,
            email,
            grants: specs,
            hours,
        } => {
            let grants = specs
                .iter()
                .map(|g| parse_grant(g))
                .collect::<Result<Vec<_>, _>>()?;
            // Codes are checked against the organisation map, so a mistyped code fails here
            // rather than as an empty dashboard.
            let conn = db::prepared(&settings).await?;
            for (spec, grant) in specs.iter().zip(&grants) {
                in_the_map(&conn, grant)
                    .await
                    .map_err(|e| format!("--grant {spec}: {}", e.message()))?;
            }
            let token = keys::issuer(&settings)?.mint(
                &sub,
                &name,
                email.as_deref(),
                &grants,
                Utc::now(),
                Duration::hours(hours),
            )?;
            println!("{token}");
        }
        Command::Tick { at } => {
            let at = DateTime::parse_from_rfc3339(&at)
                .map_err(|e| {
                    format!("--at must be an RFC 3339 instant like 2026-12-01T09:00:00Z: {e}")
                })?
                .with_timezone(&Utc);
            let summary = crate::startup::tick_once(&settings, at).await?;
            println!("tick at {at}: {summary}");
        }
        Command::Import {
            what: ImportWhat::Indicators { file, by, reason },
        } => println!(
            "{}",
            crate::import::run(&settings, &file, &by, reason.as_deref()).await?
        ),
        Command::Schema => {}
    }
    Ok(())
}

/// Refuses a grant naming an organisation the map does not hold, with the lookup's own words.
async fn in_the_map(
    conn: &sea_orm::DatabaseConnection,
    grant: &Grant,
) -> Result<(), graphql::error::AppError> {
    use graphql::service::{icb, network, provider, region};
    match &grant.scope {
        GrantScope::All => Ok(()),
        GrantScope::Region(code) => region::referenced(conn, code).await.map(drop),
        GrantScope::Icb(code) => icb::referenced(conn, code).await.map(drop),
        GrantScope::Network(code) => network::referenced(conn, code).await.map(drop),
        GrantScope::Provider(code) => provider::referenced(conn, code).await.map(drop),
    }
}

fn host(bind: &str) -> &str {
    bind.rsplit_once(':').map_or(bind, |(h, _)| h)
}
