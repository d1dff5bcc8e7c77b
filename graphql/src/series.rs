//! Dashboards' series, kept between requests. Values change only when a batch is published, so
//! each organisation's TOTAL rows are read once and served from memory until a batch touches
//! that organisation: this instance drops them when it commits the batch, every instance when
//! the batch's event arrives (PostgreSQL LISTEN), and any entry older than `TTL` is read again,
//! the safety net for an event lost while a listener reconnected. A read that raced a batch is
//! not kept: each drop moves a generation counter on, and a read started before it is discarded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::loader::SeriesRow;

const TTL: Duration = Duration::from_secs(30);

/// One organisation's rows, ordered by indicator and period.
pub type Totals = Arc<Vec<SeriesRow>>;

#[derive(Default)]
pub struct SeriesCache(Mutex<Entries>);

#[derive(Default)]
struct Entries {
    generation: u64,
    by_organisation: HashMap<String, (Instant, Totals)>,
}

impl SeriesCache {
    /// The generation to pass back to `keep` with rows read from now on.
    pub fn generation(&self) -> u64 {
        self.0.lock().map(|e| e.generation).unwrap_or(u64::MAX)
    }

    pub fn get(&self, organisation: &str) -> Option<Totals> {
        let entries = self.0.lock().ok()?;
        let (read_at, rows) = entries.by_organisation.get(organisation)?;
        (read_at.elapsed() < TTL).then(|| rows.clone())
    }

    /// Keeps rows read at `generation`, unless a batch was published since.
    pub fn keep(&self, organisation: &str, rows: Totals, generation: u64) {
        if let Ok(mut entries) = self.0.lock()
            && entries.generation == generation
        {
            entries
                .by_organisation
                .insert(organisation.to_owned(), (Instant::now(), rows));
        }
    }

    /// Events were missed: drop everything.
    pub fn forget_all(&self) {
        if let Ok(mut entries) = self.0.lock() {
            entries.generation += 1;
            entries.by_organisation.clear();
        }
    }

    /// A batch touched these organisations.
    pub fn forget<'a>(&self, organisations: impl IntoIterator<Item = &'a String>) {
        if let Ok(mut entries) = self.0.lock() {
            entries.generation += 1;
            for organisation in organisations {
                entries.by_organisation.remove(organisation);
            }
        }
    }
}
