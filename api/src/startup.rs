//! Builds the running application from settings: database, migrations, reference data, keys,
//! schema, HTTP server. `main` and the integration tests both start the portal through here.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use graphql::clock::Clock;
use graphql::mail::outbox::Dispatcher;
use graphql::{AppState, Portal};

use crate::routes::graphql::{self as graphql_routes, Edge};
use crate::routes::metrics::{self, Scrape};
use crate::routes::persisted::PersistedQueries;
use crate::routes::{edge, graphiql, health, refusal};
use crate::settings::{MetricsExposure, Settings};
use crate::{db, demo, keys};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub struct Application {
    port: u16,
    server: Server,
    /// `GET /metrics` on an address of its own (`PORTAL_METRICS=HOST:PORT`), and its port.
    metrics_server: Option<(Server, u16)>,
    /// Tells the WebSocket sessions the process is stopping (`Edge::stopping`).
    stopping: tokio::sync::watch::Sender<bool>,
    state: AppState,
    statements: Arc<AtomicU64>,
}

/// What `build` was asked to do besides serving.
#[derive(Debug, Clone, Copy, Default)]
pub struct StartOptions {
    /// Load the synthetic demo layer.
    pub demo: bool,
}

impl Application {
    pub async fn build(
        settings: &Settings,
        clock: Arc<dyn Clock>,
        options: StartOptions,
    ) -> Result<Self, BoxError> {
        let statements = Arc::new(AtomicU64::new(0));
        let db = db::connect(
            &settings.database_url,
            settings.db_pool_size,
            statements.clone(),
        )
        .await?;
        db::migrate_up(&db).await?;
        let report = migration::reference::load(&db, clock.now()).await?;
        for (dataset, rows) in &report.loaded {
            tracing::info!(dataset, rows, "loaded reference data");
        }
        let state = AppState::new(db, clock, settings.mail_identity());
        if options.demo && demo::load(&state).await? {
            tracing::info!("loaded the synthetic demo layer");
        }
        let dev_secret = keys::dev_secret(settings, true)?;
        let verifier = Arc::new(keys::verifier(settings, dev_secret.as_ref()).await?);
        // The listener's reads are its own, not a request's: on a SQLite file it gets a
        // connection of its own, uncounted (PostgreSQL's LISTEN holds its own connection
        // already; an in-memory SQLite database is one connection's, so it shares that).
        let listener_db = match db::sqlite_path(&settings.database_url) {
            Some(_) => db::connect(&settings.database_url, 1, Arc::new(AtomicU64::new(0))).await?,
            None => state.db.clone(),
        };
        state.events.listen(&listener_db).await?;
        state.watch_changes();
        if let Some(mail) = &settings.mail {
            let dispatcher = Dispatcher::new(&state, mail.clone())?;
            tokio::spawn(dispatcher.run(state.outbox.clone()));
        }
        if let Some(interval) = settings.clock_interval {
            tokio::spawn(run_clock(state.clone(), interval));
        }
        let (stopping, stopping_seen) = tokio::sync::watch::channel(false);
        let edge = web::Data::new(Edge {
            portal: Portal::new(state.clone(), &settings.schema),
            verifier,
            graphiql: settings.graphiql,
            request_timeout: settings.request_timeout,
            max_message_bytes: settings.max_body_bytes,
            max_response_bytes: settings.max_response_bytes,
            stopping: stopping_seen,
            persisted: PersistedQueries::new(
                state.metrics.cache("persisted_queries"),
                settings
                    .registered_operations
                    .as_deref()
                    .map(PersistedQueries::registered_from)
                    .transpose()?,
            ),
            metrics: state.metrics.clone(),
        });
        let scrape = web::Data::new(Scrape {
            state: state.clone(),
            statements: statements.clone(),
            pool_max: settings.db_pool_size,
        });
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| format!("cannot listen on \"{}\" (PORTAL_BIND): {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let body_limit = settings.max_body_bytes;
        let origins = edge::AllowedOrigins(Arc::new(settings.cors_origins.clone()));
        let counted = state.metrics.clone();
        let metrics_with_api = settings.metrics == MetricsExposure::WithApi;
        let api_scrape = scrape.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(
                    ErrorHandlers::new().default_handler_client(move |response| {
                        refusal::as_graphql_error(response, body_limit)
                    }),
                )
                .wrap(from_fn({
                    let (origins, counted) = (origins.clone(), counted.clone());
                    move |req, next| edge::edge(origins.clone(), counted.clone(), req, next)
                }))
                .app_data(edge.clone())
                .app_data(api_scrape.clone())
                .app_data(web::PayloadConfig::new(body_limit))
                .route("/healthz", web::get().to(health::healthz))
                .route("/readyz", web::get().to(health::readyz))
                .route("/graphiql/{version}/{file}", web::get().to(graphiql::asset))
                .service(
                    web::resource("/graphql")
                        .route(web::post().to(graphql_routes::post))
                        .route(web::get().to(graphql_routes::get))
                        .default_service(web::to(graphql_routes::method_not_allowed)),
                )
                .configure(|app| {
                    if metrics_with_api {
                        app.route("/metrics", web::get().to(metrics::metrics));
                    }
                })
        })
        .listen(listener)?
        // `run_until_stopped` handles SIGTERM and Ctrl-C itself, to close WebSockets first.
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs());
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let metrics_server = match &settings.metrics {
            MetricsExposure::Own(address) => Some(metrics_server(address, scrape)?),
            MetricsExposure::Off | MetricsExposure::WithApi => None,
        };
        Ok(Application {
            port,
            server: server.run(),
            metrics_server,
            stopping,
            state,
            statements,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of `GET /metrics` when it has an address of its own.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(_, port)| *port)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A counter of SQL statements executed since start.
    pub fn statement_counter(&self) -> Arc<AtomicU64> {
        self.statements.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then stops as an orchestrator expects: no new
    /// connections, subscriptions completed and their sockets closed with 1001, requests in
    /// flight finished (for up to `SHUTDOWN_TIMEOUT`).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let metrics = self.metrics_server.map(|(server, _)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let stopping = self.stopping;
        tokio::spawn(async move {
            stop_signal().await;
            tracing::info!("stopping: closing subscriptions, finishing requests in flight");
            stopping.send_replace(true);
            if let Some(metrics) = metrics {
                metrics.stop(false).await;
            }
            handle.stop(true).await;
        });
        self.server.await
    }
}

/// `GET /metrics` alone on `address`, with one worker; its port.
fn metrics_server(address: &str, scrape: web::Data<Scrape>) -> Result<(Server, u16), BoxError> {
    let listener = TcpListener::bind(address)
        .map_err(|e| format!("cannot listen on \"{address}\" (PORTAL_METRICS): {e}"))?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(scrape.clone())
            .route("/metrics", web::get().to(metrics::metrics))
    })
    .listen(listener)?
    .workers(1)
    .disable_signals()
    .run();
    Ok((server, port))
}

/// How long requests in flight may take to finish once the process is told to stop.
const SHUTDOWN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// SIGTERM (an orchestrator's stop) or SIGINT (Ctrl-C).
async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(error) => {
            tracing::warn!(%error, "no SIGTERM handler; stopping on Ctrl-C only");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The clock: moves cases whose limits passed without a human, and announces workplan
/// deliverables past due, risk escalations unanswered past their date and documents past their
/// review date. Instances sharing PostgreSQL may all run it: each case moves once (the others
/// get a version conflict), each deliverable, escalation and document is announced once.
async fn run_clock(state: AppState, interval: std::time::Duration) {
    loop {
        let pass = graphql::service::clock::pass(&state).await;
        pass.log();
        pass.count(&state.metrics);
        tokio::time::sleep(interval).await;
    }
}

/// `portal tick`: one pass of the clock as at `at`, in a process of its own beside `serve` (on
/// SQLite its events reach the serving process through the event relay).
pub async fn tick_once(
    settings: &Settings,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<String, BoxError> {
    let conn = db::prepared(settings).await?;
    let clock = Arc::new(graphql::clock::ManualClock::new(at));
    let state = AppState::new(conn, clock, settings.mail_identity());
    Ok(graphql::service::clock::pass(&state).await.summary()?)
}
