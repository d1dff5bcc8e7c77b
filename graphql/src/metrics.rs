//! What an operator's Prometheus scrapes (`GET /metrics`, when `PORTAL_METRICS` turns it on).
//!
//! Counters and histograms are kept as the work happens (requests, operations, letters, clock
//! passes, cache lookups); the gauges of things at rest (database pool, outbox backlog, open
//! WebSockets) are read when scraped. Every label's values are bounded: routes are the
//! application's own patterns, and operation names are the first `MAX_OPERATION_NAMES` well-formed
//! names seen (later ones count as `other`), so no client can grow the registry without end.
//! No label carries a token, a person or an organisation.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

/// Distinct operation names counted by name; the rest are `other`.
pub const MAX_OPERATION_NAMES: usize = 200;

/// The longest operation name counted by name.
const MAX_OPERATION_NAME_LENGTH: usize = 64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PartLabels {
    part: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

/// How a GraphQL operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered with no error.
    Ok,
    /// Answered, with some fields null and their errors.
    FieldErrors,
    /// Refused before it ran: unparseable, invalid, over a limit.
    RequestError,
    /// Stopped at the request timeout.
    Timeout,
    /// Answered, but over the response size limit, so refused.
    TooLarge,
    /// The answer could not be written.
    InternalError,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::FieldErrors => "field_errors",
            Outcome::RequestError => "request_error",
            Outcome::Timeout => "timeout",
            Outcome::TooLarge => "too_large",
            Outcome::InternalError => "internal_error",
        }
    }
}

/// The outbox as it stands, read when scraped.
#[derive(Debug, Default, Clone, Copy)]
pub struct Backlog {
    /// Letters not yet sent.
    pub pending: i64,
    /// Of those, letters whose last attempt failed.
    pub retrying: i64,
    /// How long the oldest unsent letter has waited.
    pub oldest_pending: Option<Duration>,
}

/// The database as it stands, read when scraped.
#[derive(Debug, Default, Clone, Copy)]
pub struct Database {
    /// Connections the pool holds open, and of those, idle ones.
    pub open: u32,
    pub idle: u32,
    pub max: u32,
    /// Statements executed since the process started.
    pub statements: u64,
}

/// One cache's lookups (a default one counts without being scraped).
#[derive(Clone, Default)]
pub struct CacheCounters {
    hit: Counter,
    miss: Counter,
}

impl CacheCounters {
    pub fn hit(&self) {
        self.hit.inc();
    }

    pub fn miss(&self) {
        self.miss.inc();
    }
}

pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
    operations: Family<OperationLabels, Counter>,
    operation_names: Mutex<HashSet<String>>,
    statements: Counter<u64, AtomicU64>,
    pool: Family<StateLabels, Gauge>,
    pool_max: Gauge,
    letters: Family<StateLabels, Gauge>,
    oldest_letter: Gauge<f64, AtomicU64>,
    letter_attempts: Family<OutcomeLabels, Counter>,
    letter_delivery: Histogram,
    clock_passes: Family<PartLabels, Counter>,
    clock_last_pass: Gauge,
    websockets: Gauge,
    subscriptions: Gauge,
    caches: Family<CacheLabels, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("portal");
        let mut metrics = Metrics {
            registry: Registry::default(),
            http_requests: Family::default(),
            http_duration: Family::new_with_constructor(latency_histogram),
            operations: Family::default(),
            operation_names: Mutex::default(),
            statements: Counter::default(),
            pool: Family::default(),
            pool_max: Gauge::default(),
            letters: Family::default(),
            oldest_letter: Gauge::default(),
            letter_attempts: Family::default(),
            // Queued to accepted by the mail server: 1 s to about 9 hours.
            letter_delivery: Histogram::new(exponential_buckets(1.0, 2.0, 16)),
            clock_passes: Family::default(),
            clock_last_pass: Gauge::default(),
            websockets: Gauge::default(),
            subscriptions: Gauge::default(),
            caches: Family::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            metrics.http_requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by route pattern",
            Unit::Seconds,
            metrics.http_duration.clone(),
        );
        registry.register(
            "graphql_operations",
            "GraphQL operations over HTTP, by operation name, kind and outcome",
            metrics.operations.clone(),
        );
        registry.register(
            "db_statements",
            "SQL statements executed for requests and background work",
            metrics.statements.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database pool connections, by state (idle or in_use)",
            metrics.pool.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "The largest number of connections the pool opens (PORTAL_DB_POOL_SIZE)",
            metrics.pool_max.clone(),
        );
        registry.register(
            "outbox_letters",
            "Letters not yet sent, by state (pending: all unsent; retrying: of those, last attempt failed)",
            metrics.letters.clone(),
        );
        registry.register_with_unit(
            "outbox_oldest_pending_age",
            "How long the oldest unsent letter has waited (0 when none waits)",
            Unit::Seconds,
            metrics.oldest_letter.clone(),
        );
        registry.register(
            "outbox_send_attempts",
            "Attempts to hand a letter to the mail server, by outcome (sent or failed)",
            metrics.letter_attempts.clone(),
        );
        registry.register_with_unit(
            "outbox_delivery",
            "Time from a letter being queued to the mail server accepting it",
            Unit::Seconds,
            metrics.letter_delivery.clone(),
        );
        registry.register(
            "clock_passes",
            "Passes of the portal's clock, by part (case, workplan, risk, document) and outcome",
            metrics.clock_passes.clone(),
        );
        registry.register(
            "clock_last_pass_timestamp_seconds",
            "When the clock last completed a pass (Unix time; 0 before the first)",
            metrics.clock_last_pass.clone(),
        );
        registry.register(
            "websocket_connections",
            "Open GraphQL WebSocket connections",
            metrics.websockets.clone(),
        );
        registry.register(
            "websocket_subscriptions",
            "Subscriptions open over WebSockets",
            metrics.subscriptions.clone(),
        );
        registry.register(
            "cache_lookups",
            "Lookups in the portal's caches (organisation_map, registry, series, persisted_queries), by result",
            metrics.caches.clone(),
        );
        metrics.registry = registry;
        metrics
    }

    /// The registry in the Prometheus text format (0.0.4), after the gauges read at scrape.
    pub fn encode(&self, database: Database, backlog: Backlog) -> String {
        // The connection counts; the counter follows it, never backwards.
        self.statements
            .inner()
            .fetch_max(database.statements, std::sync::atomic::Ordering::Relaxed);
        self.pool
            .get_or_create(&StateLabels { state: "idle" })
            .set(i64::from(database.idle));
        self.pool
            .get_or_create(&StateLabels { state: "in_use" })
            .set(i64::from(database.open.saturating_sub(database.idle)));
        self.pool_max.set(i64::from(database.max));
        self.letters
            .get_or_create(&StateLabels { state: "pending" })
            .set(backlog.pending);
        self.letters
            .get_or_create(&StateLabels { state: "retrying" })
            .set(backlog.retrying);
        self.oldest_letter.set(
            backlog
                .oldest_pending
                .map(|age| age.as_secs_f64())
                .unwrap_or(0.0),
        );
        let mut text = String::new();
        if let Err(error) =
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
        {
            tracing::error!(%error, "cannot encode the metrics");
        }
        text
    }

    /// The media type of `encode`'s text.
    pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

    /// One HTTP exchange. `route` is the matched pattern (`/graphql`), never the raw path.
    pub fn http_request(&self, route: Option<&str>, method: &str, status: u16, took: Duration) {
        let route = route.unwrap_or("unmatched").to_owned();
        self.http_duration
            .get_or_create(&RouteLabels {
                route: route.clone(),
            })
            .observe(took.as_secs_f64());
        // Methods outside the standard ones are counted together, so none grows the registry.
        let method = match method {
            "GET" | "POST" | "OPTIONS" | "HEAD" | "PUT" | "DELETE" | "PATCH" => method,
            _ => "other",
        };
        self.http_requests
            .get_or_create(&HttpLabels {
                route,
                method: method.to_owned(),
                status,
            })
            .inc();
    }

    /// One GraphQL operation over HTTP. `kind` is `query`, `mutation` or `subscription`, or
    /// `unknown` when it was refused before its kind was known.
    pub fn operation(&self, name: Option<&str>, kind: &'static str, outcome: Outcome) {
        self.operations
            .get_or_create(&OperationLabels {
                operation: self.operation_label(name),
                kind,
                outcome: outcome.as_str(),
            })
            .inc();
    }

    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".into();
        };
        let well_formed = name.len() <= MAX_OPERATION_NAME_LENGTH
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !well_formed {
            return "other".into();
        }
        let Ok(mut names) = self.operation_names.lock() else {
            return "other".into();
        };
        if names.contains(name) || names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    /// One attempt to send a letter that has waited `queued_for`; a sent one's wait is its
    /// delivery time.
    pub fn letter_attempt(&self, sent: bool, queued_for: Option<Duration>) {
        let outcome = if sent { "sent" } else { "failed" };
        self.letter_attempts
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
        if sent && let Some(waited) = queued_for {
            self.letter_delivery.observe(waited.as_secs_f64());
        }
    }

    /// A clock pass that ended `at`, with each part's outcome.
    pub fn clock_pass(&self, at: chrono::DateTime<chrono::Utc>, parts: &[(&'static str, bool)]) {
        for &(part, ok) in parts {
            let outcome = if ok { "ok" } else { "error" };
            self.clock_passes
                .get_or_create(&PartLabels { part, outcome })
                .inc();
        }
        self.clock_last_pass.set(at.timestamp());
    }

    /// A WebSocket connection opened (`+1`) or closed (`-1`).
    pub fn websocket(&self, change: i64) {
        self.websockets.inc_by(change);
    }

    /// Subscriptions opened (positive) or ended (negative).
    pub fn subscriptions(&self, change: i64) {
        self.subscriptions.inc_by(change);
    }

    /// The counters of one cache, by its name.
    pub fn cache(&self, cache: &'static str) -> CacheCounters {
        // Owned: a family's read guard held while `get_or_create` inserts would wait for ever.
        let counter = |result| {
            self.caches
                .get_or_create_owned(&CacheLabels { cache, result })
        };
        let hit = counter("hit");
        let miss = counter("miss");
        CacheCounters { hit, miss }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_bounded() {
        let metrics = Metrics::new();
        for n in 0..MAX_OPERATION_NAMES {
            assert_eq!(
                metrics.operation_label(Some(&format!("Op{n}"))),
                format!("Op{n}")
            );
        }
        assert_eq!(metrics.operation_label(Some("OneTooMany")), "other");
        assert_eq!(metrics.operation_label(Some("Op7")), "Op7");
        assert_eq!(metrics.operation_label(Some("not a name")), "other");
        assert_eq!(metrics.operation_label(None), "anonymous");
    }
}
