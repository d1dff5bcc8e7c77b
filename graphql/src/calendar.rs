//! Working days in England and Wales, for cause-for-concern deadlines.
//!
//! The BSR Cause for Concern Policy, January 2026, Tables 1 and 2, gives every stage limit "in
//! working days". Here, as the portal reads it: the day a stage starts is day 0 (whatever day it
//! is), and the due date is the Nth following day that is Monday to Friday and not an
//! England-and-Wales bank holiday; a stage started on a Sunday with a limit of 1 is due on Monday.
//! (Crates that roll a non-working start forward first would say Tuesday.) Dates are Europe/London
//! calendar dates.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::error::AppResult;

/// The bank holidays in force, and arithmetic over them.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    /// Every bank holiday on record (the reference list and administrators' additions).
    pub async fn load(db: &impl sea_orm::ConnectionTrait) -> AppResult<Self> {
        use sea_orm::EntityTrait;
        let rows = entities::bank_holiday::Entity::find().all(db).await?;
        Ok(WorkingCalendar::new(rows.into_iter().map(|r| r.date)))
    }

    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        WorkingCalendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// The due date of a limit of `days` working days for a stage starting on `start`; `None`
    /// past the end of the calendar.
    pub fn add_working_days(&self, start: NaiveDate, days: u32) -> Option<NaiveDate> {
        let mut date = start;
        let mut counted = 0;
        while counted < days {
            date = date.checked_add_days(Days::new(1))?;
            if self.is_working_day(date) {
                counted += 1;
            }
        }
        Some(date)
    }

    /// Working days after `from` up to and including `to`: the days left before a due date
    /// (0 on the due date itself; negative once it has passed).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (low, high, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let count = low
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= high)
            .filter(|d| self.is_working_day(*d))
            .count();
        sign * i64::try_from(count).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn calendar() -> WorkingCalendar {
        // Christmas 2026: Friday 25th, Boxing Day substitute Monday 28th.
        WorkingCalendar::new([d("2026-12-25"), d("2026-12-28")])
    }

    #[test]
    fn the_start_day_is_day_zero_even_when_it_is_not_a_working_day() {
        let c = calendar();
        assert_eq!(
            c.add_working_days(d("2026-11-22"), 1),
            Some(d("2026-11-23")),
            "Sunday + 1 is Monday"
        );
        assert_eq!(
            c.add_working_days(d("2026-11-20"), 1),
            Some(d("2026-11-23")),
            "Friday + 1 is Monday"
        );
        assert_eq!(
            c.add_working_days(d("2026-11-20"), 0),
            Some(d("2026-11-20"))
        );
        assert_eq!(
            c.add_working_days(d("2026-11-16"), 10),
            Some(d("2026-11-30")),
            "two weeks"
        );
    }

    #[test]
    fn bank_holidays_are_skipped() {
        let c = calendar();
        assert_eq!(
            c.add_working_days(d("2026-12-24"), 1),
            Some(d("2026-12-29"))
        );
        assert!(!c.is_working_day(d("2026-12-28")));
        assert!(c.is_working_day(d("2026-12-29")));
    }

    #[test]
    fn days_left_count_working_days_to_the_due_date() {
        let c = calendar();
        assert_eq!(c.working_days_between(d("2026-12-24"), d("2026-12-29")), 1);
        assert_eq!(c.working_days_between(d("2026-12-29"), d("2026-12-29")), 0);
        assert_eq!(c.working_days_between(d("2026-12-30"), d("2026-12-29")), -1);
        for start in d("2026-11-01").iter_days().take(90) {
            for days in [1, 5, 10, 20, 25] {
                let due = c.add_working_days(start, days).unwrap();
                assert_eq!(
                    c.working_days_between(start, due),
                    i64::from(days),
                    "{start} + {days}"
                );
            }
        }
    }
}
