//! Effective-dated rows (ICBs, footprints, memberships): in force from `valid_from` to `valid_to`
//! inclusive, open while `valid_to` is null. The one definition, in Rust and in SQL.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition};

/// Whether a row running from `from` to `to` is in force `on`.
pub fn in_force(from: NaiveDate, to: Option<NaiveDate>, on: NaiveDate) -> bool {
    from <= on && to.is_none_or(|to| on <= to)
}

/// The same test as a query condition on a table's `valid_from` and `valid_to` columns.
pub fn in_force_on(
    valid_from: impl ColumnTrait,
    valid_to: impl ColumnTrait,
    on: NaiveDate,
) -> Condition {
    Condition::all().add(valid_from.lte(on)).add(
        Condition::any()
            .add(valid_to.is_null())
            .add(valid_to.gte(on)),
    )
}

#[cfg(test)]
mod tests {
    use super::in_force;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn both_ends_are_inclusive() {
        let closed = Some(d("2026-03-31"));
        assert!(in_force(d("2022-07-01"), closed, d("2022-07-01")));
        assert!(in_force(d("2022-07-01"), closed, d("2026-03-31")));
        assert!(!in_force(d("2022-07-01"), closed, d("2026-04-01")));
        assert!(in_force(d("2026-04-01"), None, d("2030-01-01")));
    }
}
