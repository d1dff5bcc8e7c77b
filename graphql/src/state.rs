//! Long-lived things every resolver may use: schema data, built once.

use std::sync::Arc;

use sea_orm::{DatabaseBackend, DatabaseConnection};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

use crate::clock::Clock;
use crate::error::AppResult;
use crate::events::{Event, EventBus};
use crate::metrics::Metrics;
use crate::org_map::{MapCache, OrgSnapshot};
use crate::series::SeriesCache;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub events: EventBus,
    pub mail: MailIdentity,
    /// Serialises read-then-write transactions on SQLite (see `WriteLock`).
    pub writes: WriteLock,
    /// Woken when a transition commits mail, so the dispatcher sends it at once.
    pub outbox: Arc<Notify>,
    /// Today's organisation map, shared by requests until it changes.
    pub org_map: Arc<MapCache>,
    /// Dashboards' series, shared by requests until a batch changes them.
    pub series: Arc<SeriesCache>,
    /// What `GET /metrics` reports.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, mail: MailIdentity) -> Self {
        let metrics = Arc::new(Metrics::new());
        AppState {
            events: EventBus::new(db.get_database_backend()),
            db,
            clock,
            mail,
            writes: WriteLock::default(),
            outbox: Arc::new(Notify::new()),
            org_map: Arc::new(MapCache::new(
                metrics.cache("organisation_map"),
                metrics.cache("registry"),
            )),
            series: Arc::new(SeriesCache::new(metrics.cache("series"))),
            metrics,
        }
    }

    /// Today's organisation map, from the shared cache.
    pub async fn org_map_today(&self) -> AppResult<Arc<OrgSnapshot>> {
        self.org_map_on(self.clock.today()).await
    }

    /// The organisation map in force on `date`: today's from the shared cache, another day's
    /// read afresh (an `asAt` in the past is rare and must not evict today's).
    pub async fn org_map_on(&self, date: chrono::NaiveDate) -> AppResult<Arc<OrgSnapshot>> {
        if date == self.clock.today() {
            self.org_map.on(&self.db, date).await
        } else {
            Ok(Arc::new(OrgSnapshot::load(&self.db, date).await?))
        }
    }

    /// Drops cached maps and series whenever a change to them is announced, from this instance
    /// or (on PostgreSQL) another. Runs until the event bus closes.
    pub fn watch_changes(&self) {
        let mut events = self.events.subscribe();
        let (map, series) = (self.org_map.clone(), self.series.clone());
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(Event::OrganisationChanged(_)) => map.invalidate(),
                    Ok(Event::IndicatorValuesPublished(published)) => {
                        series.forget(&published.organisations)
                    }
                    Ok(
                        Event::CaseChanged(_)
                        | Event::WorkplanChanged(_)
                        | Event::RiskChanged(_)
                        | Event::GovernanceChanged(_),
                    ) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        map.invalidate();
                        series.forget_all();
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }
}

/// What letters say about where they come from.
#[derive(Debug, Clone)]
pub struct MailIdentity {
    /// The portal's address for people, e.g. `https://spinal-portal.example.nhs.uk`: letters
    /// point there for data and analyses instead of carrying them.
    pub public_url: String,
    /// The right-hand side of every Message-ID.
    pub domain: String,
}

/// SQLite allows one writer, and a transaction that read before another committed cannot write
/// at all (`SQLITE_BUSY`, which no busy timeout waits out): every write on SQLite takes this lock
/// first, so writers queue here instead of failing, and the loser of a race reads the winner's
/// version and gets `CONFLICT` instead of an internal error. PostgreSQL needs no lock (the version
/// check in the `UPDATE` decides), and several instances share it.
#[derive(Clone, Default)]
pub struct WriteLock(Arc<Mutex<()>>);

/// Held for the life of a write; nothing on PostgreSQL.
pub type WriteGuard = Option<OwnedMutexGuard<()>>;

impl WriteLock {
    /// Taken by every `UnitOfWork`, and by the outbox's single-statement lease updates.
    pub async fn hold(&self, db: &DatabaseConnection) -> WriteGuard {
        match db.get_database_backend() {
            DatabaseBackend::Sqlite => Some(self.0.clone().lock_owned().await),
            _ => None,
        }
    }
}
