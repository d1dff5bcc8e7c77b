//! Submitting indicator values: a whole batch is validated before anything is
//! written, then written in one transaction or not at all. An identical re-submission changes
//! nothing; a changed value becomes a new revision and the old one moves to
//! `indicator_value_revisions`, still readable.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use entities::enums::{IndicatorKind, IndicatorLevel, ValueStatus};
use entities::{icb, indicator, indicator_batch, indicator_value, indicator_value_revision};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QuerySelect, Set,
};

use super::analysis::RESIDENCE;
use super::indicator::{period_problem, segment_problem, submit_refusal};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, Problem};
use crate::events::{Event, IndicatorPublication};
use crate::service::unit_of_work::UnitOfWork;
use crate::state::AppState;

/// Rows per INSERT: SQLite binds at most 32,766 parameters per statement.
const INSERT_CHUNK: usize = 1_000;
/// Key of the PostgreSQL advisory lock that makes batches take turns ("SPININDV").
const SUBMIT_LOCK_KEY: i64 = 0x5350_494e_494e_4456;

/// One submitted row, as typed by its sender.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    pub indicator: String,
    pub organisation: String,
    pub period: NaiveDate,
    pub segment_kind: String,
    pub segment_value: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub status: ValueStatus,
}

/// A row and its line; `Err` carries why it could not even be read (a file's malformed field).
pub struct Line {
    pub line: usize,
    pub row: Result<Submitted, String>,
}

/// What an accepted batch did. `batch_id` is `None` when nothing changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub batch_id: Option<i32>,
    pub rows: usize,
    pub created: usize,
    pub revised: usize,
    pub unchanged: usize,
}

type Key = (String, String, NaiveDate, String, String);

fn key(row: &Submitted) -> Key {
    (
        row.indicator.clone(),
        row.organisation.clone(),
        row.period,
        row.segment_kind.clone(),
        row.segment_value.clone(),
    )
}

fn whole(x: f64) -> bool {
    x.fract() == 0.0
}

/// Why the figures do not fit the indicator's kind, or `None`.
fn figures_problem(kind: IndicatorKind, row: &Submitted) -> Option<String> {
    let (n, d, v) = (row.numerator, row.denominator, row.value);
    if [n, d, v].into_iter().flatten().any(|x| !x.is_finite()) {
        return Some("figures must be finite numbers".into());
    }
    if [n, d, v].into_iter().flatten().any(|x| x < 0.0) {
        return Some("figures cannot be negative".into());
    }
    match kind {
        IndicatorKind::Proportion => match (n, d, v) {
            (Some(n), Some(d), None) => {
                if !whole(n) || !whole(d) {
                    Some("a PROPORTION's numerator and denominator are whole counts".into())
                } else if d < 1.0 {
                    Some("a PROPORTION's denominator is at least 1; leave the row out when there were no patients".into())
                } else if n > d {
                    Some(format!("the numerator {n} is above the denominator {d}"))
                } else {
                    None
                }
            }
            _ => Some("a PROPORTION takes numerator and denominator, not value".into()),
        },
        IndicatorKind::Ratio => match (n, d, v) {
            (Some(n), Some(d), None) => {
                if !whole(n) {
                    Some("a RATIO's numerator (observed events) is a whole count".into())
                } else if d <= 0.0 {
                    Some("a RATIO's denominator (expected events) must be above 0".into())
                } else {
                    None
                }
            }
            _ => Some("a RATIO takes numerator (observed) and denominator (expected), not value".into()),
        },
        IndicatorKind::Count => match (n, d, v) {
            (None, None, Some(v)) if whole(v) => None,
            (None, None, Some(_)) => Some("a COUNT is a whole number".into()),
            _ => Some("a COUNT takes value only".into()),
        },
        IndicatorKind::Mean => match (n, d, v) {
            (None, Some(d), Some(_)) if whole(d) && d >= 1.0 => None,
            _ => Some("a MEAN takes value and denominator (the number of patients, at least 1), which weights it when combined".into()),
        },
        IndicatorKind::Median => match (n, d, v) {
            (None, d, Some(_)) if d.is_none_or(|d| whole(d) && d >= 1.0) => None,
            _ => Some("a MEDIAN takes value and optionally denominator (the number of patients)".into()),
        },
        IndicatorKind::Attestation => match (n, d, v) {
            (None, None, Some(v)) if v == 0.0 || v == 1.0 => None,
            _ => Some("an ATTESTATION takes value 1 (yes) or 0 (no) only".into()),
        },
    }
}

/// Validates the whole batch, then writes all of it or nothing.
pub async fn submit(
    state: &AppState,
    viewer: &Viewer,
    lines: Vec<Line>,
    origin: &str,
    reason: Option<&str>,
) -> AppResult<Outcome> {
    if lines.is_empty() {
        return Err(AppError::bad_input("The batch has no rows."));
    }
    let db = &state.db;
    let catalogue: HashMap<String, indicator::Model> = indicator::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let map = state.org_map_today().await?;
    let today = map.date;
    let networks: BTreeSet<&str> = map.networks.iter().map(|(n, _)| n.as_str()).collect();
    // Every ICB that ever existed: a residence breakdown of a past period names the ICBs of then.
    let icbs: BTreeSet<String> = if lines
        .iter()
        .any(|l| l.row.as_ref().is_ok_and(|r| r.segment_kind == RESIDENCE))
    {
        icb::Entity::find()
            .select_only()
            .column(icb::Column::Code)
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect()
    } else {
        BTreeSet::new()
    };

    let mut problems = Vec::new();
    let mut first_line: HashMap<Key, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(lines.len());
    for Line { line, row } in lines {
        let row = match row {
            Ok(row) => row,
            Err(reason) => {
                problems.push(Problem { line, reason });
                continue;
            }
        };
        let problem = match catalogue.get(&row.indicator) {
            None => Some(format!("unknown indicator \"{}\"", row.indicator)),
            Some(indicator) => {
                let known = match indicator.level {
                    IndicatorLevel::Provider => map.providers.contains_key(&row.organisation),
                    IndicatorLevel::Network => networks.contains(row.organisation.as_str()),
                };
                if !known {
                    Some(match indicator.level {
                        IndicatorLevel::Provider => format!(
                            "{} is reported per provider and no provider has the ODS code \"{}\"",
                            indicator.code, row.organisation
                        ),
                        IndicatorLevel::Network => format!(
                            "{} is reported per network and no network has the code \"{}\"",
                            indicator.code, row.organisation
                        ),
                    })
                } else {
                    period_problem(indicator.frequency, row.period)
                        .or_else(|| {
                            (row.period > today)
                                .then(|| format!("the period {} has not started yet", row.period))
                        })
                        .or_else(|| {
                            segment_problem(
                                &row.segment_kind,
                                &row.segment_value,
                                indicator.level,
                                |c| icbs.contains(c),
                            )
                        })
                        .or_else(|| figures_problem(indicator.kind, &row))
                        .or_else(|| submit_refusal(viewer, indicator, &row.organisation, &map))
                }
            }
        };
        let problem = problem.or_else(|| {
            first_line.get(&key(&row)).map(|first| {
                format!(
                    "duplicates line {first} (same indicator, organisation, period and segment)"
                )
            })
        });
        match problem {
            Some(reason) => problems.push(Problem { line, reason }),
            None => {
                first_line.insert(key(&row), line);
                rows.push(row);
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        let count = problems.len();
        return Err(AppError::Rejected {
            message: format!(
                "{count} row{} of the batch {} rejected and nothing was written; fix {} and send the whole batch again (see extensions.problems).",
                if count == 1 { "" } else { "s" },
                if count == 1 { "was" } else { "were" },
                if count == 1 { "it" } else { "them" },
            ),
            problems,
        });
    }
    write(state, viewer, rows, origin, reason).await
}

async fn write(
    state: &AppState,
    viewer: &Viewer,
    rows: Vec<Submitted>,
    origin: &str,
    reason: Option<&str>,
) -> AppResult<Outcome> {
    let mut work = UnitOfWork::begin(state).await?;
    let outcome = write_in(&mut work, viewer, rows, origin, reason).await?;
    work.commit().await?;
    if let Some(batch) = outcome.batch_id {
        tracing::info!(actor = %viewer.sub, batch, created = outcome.created, revised = outcome.revised, unchanged = outcome.unchanged, "indicator values published");
    }
    Ok(outcome)
}

/// Writes validated rows as one batch inside `work`: unchanged rows are left, changed ones
/// revised. The portal's own derived values are written here too, in the unit of work of the
/// change they derive from.
pub(crate) async fn write_in(
    work: &mut UnitOfWork<'_>,
    viewer: &Viewer,
    rows: Vec<Submitted>,
    origin: &str,
    reason: Option<&str>,
) -> AppResult<Outcome> {
    let txn = work.db();
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SUBMIT_LOCK_KEY})"))
            .await?;
    }
    let codes: BTreeSet<&str> = rows.iter().map(|r| r.indicator.as_str()).collect();
    let organisations: BTreeSet<&str> = rows.iter().map(|r| r.organisation.as_str()).collect();
    let (first, last) = rows
        .iter()
        .fold((NaiveDate::MAX, NaiveDate::MIN), |(a, b), r| {
            (a.min(r.period), b.max(r.period))
        });
    let mut existing: HashMap<Key, indicator_value::Model> = HashMap::new();
    for chunk in organisations
        .iter()
        .copied()
        .collect::<Vec<_>>()
        .chunks(INSERT_CHUNK)
    {
        for m in indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorCode.is_in(codes.iter().copied()))
            .filter(indicator_value::Column::Organisation.is_in(chunk.iter().copied()))
            .filter(indicator_value::Column::PeriodStart.between(first, last))
            .all(txn)
            .await?
        {
            existing.insert(
                (
                    m.indicator_code.clone(),
                    m.organisation.clone(),
                    m.period_start,
                    m.segment_kind.clone(),
                    m.segment_value.clone(),
                ),
                m,
            );
        }
    }
    let mut outcome = Outcome {
        rows: rows.len(),
        ..Outcome::default()
    };
    let mut fresh = Vec::new();
    let mut superseded = Vec::new();
    for row in rows {
        match existing.remove(&key(&row)) {
            Some(old)
                if old.numerator == row.numerator
                    && old.denominator == row.denominator
                    && old.value == row.value
                    && old.status == row.status =>
            {
                outcome.unchanged += 1
            }
            Some(old) => {
                outcome.revised += 1;
                fresh.push((row, old.revision + 1));
                superseded.push(old);
            }
            None => {
                outcome.created += 1;
                fresh.push((row, 1));
            }
        }
    }
    if fresh.is_empty() {
        return Ok(outcome);
    }
    let now = work.now;
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let batch = indicator_batch::Entity::insert(indicator_batch::ActiveModel {
        id: NotSet,
        submitted_by_sub: Set(viewer.sub.clone()),
        submitted_by_name: Set(viewer.name.clone()),
        submitted_at: Set(now),
        origin: Set(origin.to_owned()),
        reason: Set(reason.map(str::to_owned)),
        rows: Set(count(outcome.rows)),
        created: Set(count(outcome.created)),
        revised: Set(count(outcome.revised)),
        unchanged: Set(count(outcome.unchanged)),
    })
    .exec(txn)
    .await?
    .last_insert_id;
    for chunk in superseded.chunks(INSERT_CHUNK) {
        indicator_value_revision::Entity::insert_many(chunk.iter().map(|old| {
            indicator_value_revision::ActiveModel {
                id: NotSet,
                indicator_code: Set(old.indicator_code.clone()),
                organisation: Set(old.organisation.clone()),
                period_start: Set(old.period_start),
                segment_kind: Set(old.segment_kind.clone()),
                segment_value: Set(old.segment_value.clone()),
                numerator: Set(old.numerator),
                denominator: Set(old.denominator),
                value: Set(old.value),
                status: Set(old.status),
                revision: Set(old.revision),
                batch_id: Set(old.batch_id),
                submitted_by_sub: Set(old.submitted_by_sub.clone()),
                submitted_by_name: Set(old.submitted_by_name.clone()),
                submitted_at: Set(old.submitted_at),
                superseded_at: Set(now),
                superseded_by_batch: Set(batch),
            }
        }))
        .exec(txn)
        .await?;
        indicator_value::Entity::delete_many()
            .filter(indicator_value::Column::Id.is_in(chunk.iter().map(|old| old.id)))
            .exec(txn)
            .await?;
    }
    let mut published = IndicatorPublication {
        batch_id: batch,
        indicators: BTreeSet::new(),
        organisations: BTreeSet::new(),
        first_period: NaiveDate::MAX,
        last_period: NaiveDate::MIN,
        values: fresh.len(),
        at: now,
    };
    for (row, _) in &fresh {
        published.indicators.insert(row.indicator.clone());
        published.organisations.insert(row.organisation.clone());
        published.first_period = published.first_period.min(row.period);
        published.last_period = published.last_period.max(row.period);
    }
    for chunk in fresh.chunks(INSERT_CHUNK) {
        indicator_value::Entity::insert_many(chunk.iter().map(|(row, revision)| {
            indicator_value::ActiveModel {
                id: NotSet,
                indicator_code: Set(row.indicator.clone()),
                organisation: Set(row.organisation.clone()),
                period_start: Set(row.period),
                segment_kind: Set(row.segment_kind.clone()),
                segment_value: Set(row.segment_value.clone()),
                numerator: Set(row.numerator),
                denominator: Set(row.denominator),
                value: Set(row.value),
                status: Set(row.status),
                revision: Set(*revision),
                batch_id: Set(batch),
                submitted_by_sub: Set(viewer.sub.clone()),
                submitted_by_name: Set(viewer.name.clone()),
                submitted_at: Set(now),
            }
        }))
        .exec(txn)
        .await?;
    }
    work.series_changed(published.organisations.iter().cloned());
    work.publish(Event::IndicatorValuesPublished(published))
        .await?;
    outcome.batch_id = Some(batch);
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use entities::indicator_value::TOTAL;

    fn row(n: Option<f64>, d: Option<f64>, v: Option<f64>) -> Submitted {
        Submitted {
            indicator: "X".into(),
            organisation: "RHM".into(),
            period: NaiveDate::MIN,
            segment_kind: TOTAL.into(),
            segment_value: String::new(),
            numerator: n,
            denominator: d,
            value: v,
            status: ValueStatus::Provisional,
        }
    }

    #[test]
    fn figures_must_fit_the_kind() {
        use IndicatorKind::*;
        assert!(figures_problem(Proportion, &row(Some(3.0), Some(10.0), None)).is_none());
        assert!(figures_problem(Proportion, &row(Some(11.0), Some(10.0), None)).is_some());
        assert!(figures_problem(Proportion, &row(Some(-1.0), Some(10.0), None)).is_some());
        assert!(figures_problem(Proportion, &row(None, None, Some(0.3))).is_some());
        assert!(figures_problem(Ratio, &row(Some(12.0), Some(9.4), None)).is_none());
        assert!(figures_problem(Count, &row(None, None, Some(4.0))).is_none());
        assert!(figures_problem(Count, &row(None, None, Some(4.5))).is_some());
        assert!(figures_problem(Mean, &row(None, Some(20.0), Some(3.2))).is_none());
        assert!(figures_problem(Mean, &row(None, None, Some(3.2))).is_some());
        assert!(figures_problem(Attestation, &row(None, None, Some(1.0))).is_none());
        assert!(figures_problem(Attestation, &row(None, None, Some(0.5))).is_some());
    }
}
