//! Time is injected: the schema holds a `Clock`, so deadlines and as-at defaults are testable
//! without sleeping or waiting for a date.

use std::sync::{PoisonError, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// The calendar date in Europe/London: the default for every `asAt`.
    fn today(&self) -> NaiveDate {
        london_date(self.now())
    }
}

/// The calendar date in Europe/London at `instant`.
pub fn london_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&London).date_naive()
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: `portal tick --at`, and tests that walk a case
/// through weeks of deadlines in seconds.
pub struct ManualClock(RwLock<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(RwLock::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.read().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_the_london_date_not_the_utc_date() {
        // 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
        let summer = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 30, 23, 30, 0).unwrap());
        assert_eq!(summer.today(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        // In winter London is on UTC.
        let winter = ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap());
        assert_eq!(
            winter.today(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }
}
