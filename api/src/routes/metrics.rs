//! `GET /metrics` in the Prometheus text format, when `PORTAL_METRICS` turns it on: beside the
//! API (`on`) or on an address of its own (`PORTAL_METRICS=127.0.0.1:9464`), which keeps it off
//! the network the API faces. Reading it costs two indexed statements (the outbox backlog); when
//! the database cannot answer them the scrape fails with 503, so Prometheus marks the target down
//! rather than recording an empty outbox.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{HttpResponse, web};
use graphql::AppState;
use graphql::metrics::{Database, Metrics};
use sea_orm::{DatabaseBackend, DatabaseConnection};

/// What a scrape reads.
pub struct Scrape {
    pub state: AppState,
    /// Statements executed since start (`db::connect`'s counter).
    pub statements: Arc<AtomicU64>,
    pub pool_max: u32,
}

pub async fn metrics(scrape: web::Data<Scrape>) -> HttpResponse {
    let state = &scrape.state;
    let backlog = match graphql::mail::outbox::backlog(&state.db, state.clock.now()).await {
        Ok(backlog) => backlog,
        Err(error) => {
            tracing::warn!(error = %error.cause(), "the metrics cannot read the outbox");
            return HttpResponse::ServiceUnavailable().finish();
        }
    };
    let (open, idle) = pool(&state.db);
    let database = Database {
        open,
        idle,
        max: scrape.pool_max,
        statements: scrape.statements.load(Ordering::Relaxed),
    };
    HttpResponse::Ok()
        .content_type(Metrics::CONTENT_TYPE)
        .body(state.metrics.encode(database, backlog))
}

/// Connections open, and of those idle.
fn pool(db: &DatabaseConnection) -> (u32, u32) {
    let idle = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), idle(pool.num_idle()))
        }
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), idle(pool.num_idle()))
        }
        _ => (0, 0),
    }
}
