//! Dashboards' series, kept between requests. Values change only when a batch is published, so
//! each organisation's TOTAL rows are read once and served from memory until a batch touches
//! that organisation: this instance drops them when it commits the batch, every instance when
//! the batch's event arrives (PostgreSQL LISTEN), and any entry older than `TTL` is read again,
//! the safety net for an event lost while a listener reconnected. A read that raced a batch is
//! not kept: each drop moves a generation counter on, and a read started before it is discarded.
//!
//! An expired entry is read again by one request only; the others meanwhile get the rows it
//! replaces (they are old by the TTL alone, no change is known). Without that, every entry
//! expiring at once under load sent each concurrent dashboard to read every organisation again
//! (measured: p99 of 2-5 s at 16 clients).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::metrics::CacheCounters;

const TTL: Duration = Duration::from_secs(30);

/// How long the request reloading an expired entry may take before another one tries.
const RELOAD_GRACE: Duration = Duration::from_secs(5);

/// The columns a dashboard shows of one value (read by `loader::TotalsOf`).
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct SeriesRow {
    pub indicator_code: String,
    pub period_start: chrono::NaiveDate,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub status: entities::enums::ValueStatus,
    pub kind: entities::enums::IndicatorKind,
}

/// One organisation's rows, ordered by indicator and period.
pub type Totals = Arc<Vec<SeriesRow>>;

pub struct SeriesCache {
    ttl: Duration,
    entries: Mutex<Entries>,
    lookups: CacheCounters,
}

#[derive(Default)]
struct Entries {
    generation: u64,
    by_organisation: HashMap<String, Entry>,
}

struct Entry {
    read_at: Instant,
    rows: Totals,
    /// When a request took on reading this expired entry again.
    reloading_since: Option<Instant>,
}

impl SeriesCache {
    /// `lookups` counts its hits and misses.
    pub fn new(lookups: CacheCounters) -> Self {
        SeriesCache::with_ttl(TTL, lookups)
    }

    fn with_ttl(ttl: Duration, lookups: CacheCounters) -> Self {
        SeriesCache {
            ttl,
            entries: Mutex::default(),
            lookups,
        }
    }

    /// The generation to pass back to `keep` with rows read from now on.
    pub fn generation(&self) -> u64 {
        self.entries
            .lock()
            .map(|e| e.generation)
            .unwrap_or(u64::MAX)
    }

    /// The organisation's rows, or `None` when the caller is to read them (and `keep` them).
    pub fn get(&self, organisation: &str) -> Option<Totals> {
        let rows = self.lookup(organisation);
        match rows {
            Some(_) => self.lookups.hit(),
            None => self.lookups.miss(),
        }
        rows
    }

    fn lookup(&self, organisation: &str) -> Option<Totals> {
        let mut entries = self.entries.lock().ok()?;
        let entry = entries.by_organisation.get_mut(organisation)?;
        if entry.read_at.elapsed() < self.ttl {
            return Some(entry.rows.clone());
        }
        match entry.reloading_since {
            Some(since) if since.elapsed() < RELOAD_GRACE => Some(entry.rows.clone()),
            _ => {
                entry.reloading_since = Some(Instant::now());
                None
            }
        }
    }

    /// Keeps rows read at `generation`, unless a batch was published since.
    pub fn keep(&self, organisation: &str, rows: Totals, generation: u64) {
        if let Ok(mut entries) = self.entries.lock()
            && entries.generation == generation
        {
            entries.by_organisation.insert(
                organisation.to_owned(),
                Entry {
                    read_at: Instant::now(),
                    rows,
                    reloading_since: None,
                },
            );
        }
    }

    /// Events were missed: drop everything.
    pub fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.generation += 1;
            entries.by_organisation.clear();
        }
    }

    /// A batch touched these organisations.
    pub fn forget<'a>(&self, organisations: impl IntoIterator<Item = &'a String>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.generation += 1;
            for organisation in organisations {
                entries.by_organisation.remove(organisation);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Totals {
        Arc::new(Vec::with_capacity(n))
    }

    #[test]
    fn an_expired_entry_is_read_again_by_one_caller_while_the_others_get_the_old_rows() {
        let cache = SeriesCache::with_ttl(Duration::ZERO, CacheCounters::default());
        assert!(cache.get("RHM").is_none(), "nothing kept yet");
        cache.keep("RHM", rows(1), cache.generation());
        assert!(
            cache.get("RHM").is_none(),
            "the first caller after expiry reads"
        );
        assert!(cache.get("RHM").is_some(), "the next is served meanwhile");
        assert!(cache.get("RHM").is_some());
        cache.keep("RHM", rows(2), cache.generation());
        assert!(
            cache.get("RHM").is_none(),
            "the new entry expires in its turn"
        );
    }

    #[test]
    fn a_published_batch_is_never_served_from_old_rows() {
        let cache = SeriesCache::with_ttl(Duration::from_secs(60), CacheCounters::default());
        let before = cache.generation();
        cache.keep("RHM", rows(1), before);
        assert!(cache.get("RHM").is_some());
        cache.forget(&["RHM".to_owned()]);
        assert!(cache.get("RHM").is_none());
        assert!(
            cache.get("RHM").is_none(),
            "no one is served old rows after a change"
        );
        // A read that started before the batch is not kept.
        cache.keep("RHM", rows(1), before);
        assert!(cache.get("RHM").is_none());
    }
}
