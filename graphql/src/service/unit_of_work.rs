//! The one way a write is done. A unit of work begins the transaction (on SQLite under the
//! process's write lock and as `BEGIN IMMEDIATE`, see `WriteLock`), reads the clock once, and
//! collects what the change owes the rest of the system: its audit entry, its events (sent with
//! `pg_notify` inside the transaction on PostgreSQL, so they exist exactly when it commits), the
//! caches it makes stale, and whether letters wait in the outbox. `commit` commits and then
//! settles those in order; dropping a unit of work rolls everything back and announces nothing.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    DatabaseTransaction, DbErr, SqlErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::auth::Viewer;
use crate::clock::london_date;
use crate::error::{AppError, AppResult};
use crate::events::{Event, OrganisationChange};
use crate::service::audit::{self, Change, Subject};
use crate::state::{AppState, WriteGuard};

pub struct UnitOfWork<'a> {
    state: &'a AppState,
    txn: DatabaseTransaction,
    _writes: WriteGuard,
    /// The instant of the change: every row it stamps carries this one.
    pub now: DateTime<Utc>,
    /// `now`'s date in Europe/London.
    pub today: NaiveDate,
    events: Vec<Event>,
    organisations_changed: bool,
    series_changed: BTreeSet<String>,
    letters_queued: bool,
}

impl<'a> UnitOfWork<'a> {
    pub async fn begin(state: &'a AppState) -> AppResult<Self> {
        let writes = state.writes.hold(&state.db).await;
        let options = TransactionOptions {
            sqlite_transaction_mode: writes.as_ref().map(|_| SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        let txn = state.db.begin_with_options(options).await?;
        let now = state.clock.now();
        Ok(UnitOfWork {
            state,
            txn,
            _writes: writes,
            now,
            today: london_date(now),
            events: Vec::new(),
            organisations_changed: false,
            series_changed: BTreeSet::new(),
            letters_queued: false,
        })
    }

    /// The transaction every statement of the change runs in.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.txn
    }

    pub fn state(&self) -> &'a AppState {
        self.state
    }

    /// Records the change in the audit log; a change to the organisation map also tells its
    /// subscribers and drops the cached map. Returns the entry's id.
    pub async fn audit(&mut self, actor: &Viewer, change: Change<'_>) -> AppResult<i64> {
        let (subject, key) = (change.subject, change.key.to_owned());
        let id = audit::record(&self.txn, actor, self.now, change).await?;
        tracing::info!(actor = %actor.sub, entity = subject.entity_type(), %key, audit_entry_id = id, "reference data changed");
        if let Subject::Organisation(entity) = subject {
            self.organisations_changed = true;
            self.publish(Event::OrganisationChanged(OrganisationChange {
                entity,
                key,
                audit_entry_id: id,
                at: self.now,
            }))
            .await?;
        }
        Ok(id)
    }

    /// Announces `event` when, and only when, the change commits.
    pub async fn publish(&mut self, event: Event) -> AppResult<()> {
        self.state.events.publish_in(&self.txn, &event).await?;
        self.events.push(event);
        Ok(())
    }

    /// The dashboards' cached series of these organisations are stale once this commits.
    pub fn series_changed(&mut self, organisations: impl IntoIterator<Item = String>) {
        self.series_changed.extend(organisations);
    }

    /// Letters were written to the outbox: the dispatcher is woken at commit.
    pub fn letters_queued(&mut self) {
        self.letters_queued = true;
    }

    pub async fn commit(self) -> AppResult<()> {
        let UnitOfWork {
            state,
            txn,
            _writes,
            events,
            organisations_changed,
            series_changed,
            letters_queued,
            ..
        } = self;
        txn.commit().await?;
        drop(_writes);
        if organisations_changed {
            state.org_map.invalidate();
        }
        if !series_changed.is_empty() {
            state.series.forget(&series_changed);
        }
        for event in events {
            state.events.committed(event);
        }
        if letters_queued {
            state.outbox.notify_one();
        }
        Ok(())
    }
}

/// An insert that lost a race to another writing the same key is the caller's conflict, not an
/// internal error: the check before it saw nothing, and the key's constraint decided.
pub fn conflict_if_taken(error: DbErr, message: impl FnOnce() -> String) -> AppError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::conflict(message()),
        _ => AppError::from(error),
    }
}
