//! Submitting indicator values: a whole batch is validated before anything is
//! written, then written in one transaction or not at all. An identical re-submission changes
//! nothing; a changed value becomes a new revision and the old one moves to
//! `indicator_value_revisions`, still readable.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entities::enums::{IndicatorKind, IndicatorLevel, ValueStatus};
use entities::{icb, indicator, indicator_batch, indicator_value, indicator_value_revision};
use sea_orm::{
    ActiveEnum, ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend,
    EntityTrait, QueryFilter, QuerySelect, Set, Statement, Value,
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
/// Indicators (one `OR` term each) per read of the values a chunk would replace; the catalogue
/// holds a few dozen, so one read per chunk.
const MOST_INDICATORS_PER_READ: usize = 100;
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

/// Validates the whole batch, then writes all of it or nothing. Lines are taken one at a time
/// and kept as `Checked` rows (about 80 bytes each, their strings interned), so a file of
/// 300,000 values is held in some 25 MiB, never as the text or the typed rows.
pub async fn submit(
    state: &AppState,
    viewer: &Viewer,
    lines: impl IntoIterator<Item = Line>,
    origin: &str,
    reason: Option<&str>,
) -> AppResult<Outcome> {
    let mut lines = lines.into_iter().peekable();
    if lines.peek().is_none() {
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
    // Every ICB that ever existed, read at the first residence row: a residence breakdown of a
    // past period names the ICBs of then.
    let mut icbs: Option<BTreeSet<String>> = None;

    let mut problems = Vec::new();
    let mut batch = Rows::with_room(lines.size_hint().1.unwrap_or(0));
    for Line { line, row } in lines {
        let row = match row {
            Ok(row) => row,
            Err(reason) => {
                problems.push(Problem { line, reason });
                continue;
            }
        };
        if row.segment_kind == RESIDENCE && icbs.is_none() {
            icbs = Some(
                icb::Entity::find()
                    .select_only()
                    .column(icb::Column::Code)
                    .into_tuple()
                    .all(db)
                    .await?
                    .into_iter()
                    .collect(),
            );
        }
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
                                |c| icbs.as_ref().is_some_and(|icbs| icbs.contains(c)),
                            )
                        })
                        .or_else(|| figures_problem(indicator.kind, &row))
                        .or_else(|| submit_refusal(viewer, indicator, &row.organisation, &map))
                }
            }
        };
        match problem {
            Some(reason) => problems.push(Problem { line, reason }),
            // Kept even when another line is wrong: a later line may repeat it.
            None => batch.push(&row, line),
        }
    }
    batch.sort();
    problems.extend(batch.duplicates());
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
    let mut work = UnitOfWork::begin(state).await?;
    let outcome = batch.write(&mut work, viewer, origin, reason).await?;
    work.commit().await?;
    if let Some(batch) = outcome.batch_id {
        tracing::info!(actor = %viewer.sub, batch, created = outcome.created, revised = outcome.revised, unchanged = outcome.unchanged, "indicator values published");
    }
    Ok(outcome)
}

/// Writes validated, distinct rows as one batch inside `work`: unchanged rows are left, changed
/// ones revised. The portal's own derived values are written here too, in the unit of work of
/// the change they derive from.
pub(crate) async fn write_in(
    work: &mut UnitOfWork<'_>,
    viewer: &Viewer,
    rows: Vec<Submitted>,
    origin: &str,
    reason: Option<&str>,
) -> AppResult<Outcome> {
    let mut batch = Rows::with_room(rows.len());
    for (i, row) in rows.iter().enumerate() {
        batch.push(row, i + 1);
    }
    batch.sort();
    batch.write(work, viewer, origin, reason).await
}

/// A validated row with its strings interned in `Rows::names`: its identity first, so sorting
/// brings duplicates together and a chunk's values cover few indicators and organisations.
struct Checked {
    indicator: u32,
    organisation: u32,
    period: NaiveDate,
    segment_kind: u32,
    segment_value: u32,
    line: u32,
    /// 1 for a new value, the next revision for a changed one, 0 for one left as it is.
    revision: i32,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
    status: ValueStatus,
}

type Identity = (u32, u32, NaiveDate, u32, u32);
type Figures = (Option<f64>, Option<f64>, Option<f64>);
/// A value already held: its id, figures, status and revision.
type Held = (i32, Figures, ValueStatus, i32);
/// The columns read of a value already held, in `select` order.
type HeldRow = (
    i32,
    String,
    String,
    NaiveDate,
    String,
    String,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    ValueStatus,
    i32,
);

impl Checked {
    fn identity(&self) -> Identity {
        (
            self.indicator,
            self.organisation,
            self.period,
            self.segment_kind,
            self.segment_value,
        )
    }
}

/// The strings of a batch's rows, each held once. Names are only taken from checked rows, so
/// they are the catalogue's, the map's and the segments': a few hundred, whatever the rows.
#[derive(Default)]
struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.id(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(name.to_owned(), id);
        self.names.push(name.to_owned());
        id
    }

    fn id(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    /// The names of `ids`, each once.
    fn of(&self, ids: impl IntoIterator<Item = u32>) -> BTreeSet<String> {
        let ids: BTreeSet<u32> = ids.into_iter().collect();
        ids.into_iter().map(|id| self.name(id).to_owned()).collect()
    }
}

/// The rows of one batch.
struct Rows {
    names: Names,
    rows: Vec<Checked>,
}

/// The most rows a batch makes room for before its first: beyond, the rows grow as they come.
const MOST_ROOM: usize = 1 << 22;

impl Rows {
    /// Room for `most` rows (the lines' upper bound, when known), so a large batch is held at
    /// its size rather than grown by doubling, which keeps the old rows beside the new room while
    /// it copies them (for 311,040 rows, 25 MiB rather than a 63 MiB peak).
    fn with_room(most: usize) -> Rows {
        Rows {
            names: Names::default(),
            rows: Vec::with_capacity(most.min(MOST_ROOM)),
        }
    }

    fn push(&mut self, row: &Submitted, line: usize) {
        let names = &mut self.names;
        let checked = Checked {
            indicator: names.intern(&row.indicator),
            organisation: names.intern(&row.organisation),
            period: row.period,
            segment_kind: names.intern(&row.segment_kind),
            segment_value: names.intern(&row.segment_value),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            revision: 0,
            numerator: row.numerator,
            denominator: row.denominator,
            value: row.value,
            status: row.status,
        };
        self.rows.push(checked);
    }

    /// By identity, then line: what `duplicates` and `write` expect.
    fn sort(&mut self) {
        self.rows.sort_unstable_by_key(|r| (r.identity(), r.line));
    }

    /// Each sorted row that repeats an earlier one.
    fn duplicates(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut first = None;
        for row in &self.rows {
            match first {
                Some((identity, line)) if identity == row.identity() => problems.push(Problem {
                    line: row.line as usize,
                    reason: format!(
                        "duplicates line {line} (same indicator, organisation, period and segment)"
                    ),
                }),
                _ => first = Some((row.identity(), row.line)),
            }
        }
        problems
    }

    /// Compares every (sorted) row with the value it would replace, then writes the batch with its
    /// counts (the batch's row is append-only), the replaced values to the revisions, and the
    /// new ones: a chunk at a time, so no step holds more than a chunk's models.
    async fn write(
        mut self,
        work: &mut UnitOfWork<'_>,
        viewer: &Viewer,
        origin: &str,
        reason: Option<&str>,
    ) -> AppResult<Outcome> {
        let txn = work.db();
        if txn.get_database_backend() == DatabaseBackend::Postgres {
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SUBMIT_LOCK_KEY})"))
                .await?;
        }
        let mut superseded: Vec<i32> = Vec::new();
        for chunk in self.rows.chunks_mut(INSERT_CHUNK) {
            let names = &self.names;
            use indicator_value::Column as C;
            let first = chunk
                .iter()
                .map(|r| r.period)
                .min()
                .unwrap_or(NaiveDate::MIN);
            let last = chunk
                .iter()
                .map(|r| r.period)
                .max()
                .unwrap_or(NaiveDate::MAX);
            // Only what the comparison needs: the rows replaced are read whole when written.
            let mut existing: HashMap<Identity, Held> = HashMap::new();
            for wanted in held_by(names, chunk) {
                for (id, indicator, organisation, period, kind, value, n, d, x, status, revision) in
                    indicator_value::Entity::find()
                        .select_only()
                        .columns([C::Id, C::IndicatorCode, C::Organisation, C::PeriodStart])
                        .columns([
                            C::SegmentKind,
                            C::SegmentValue,
                            C::Numerator,
                            C::Denominator,
                        ])
                        .columns([C::Value, C::Status, C::Revision])
                        .filter(wanted)
                        .filter(C::PeriodStart.between(first, last))
                        .into_tuple::<HeldRow>()
                        .all(txn)
                        .await?
                {
                    if let (Some(i), Some(o), Some(k), Some(v)) = (
                        names.id(&indicator),
                        names.id(&organisation),
                        names.id(&kind),
                        names.id(&value),
                    ) {
                        existing.insert((i, o, period, k, v), (id, (n, d, x), status, revision));
                    }
                }
            }
            for row in chunk.iter_mut() {
                row.revision = match existing.remove(&row.identity()) {
                    Some((_, figures, status, _))
                        if figures == (row.numerator, row.denominator, row.value)
                            && status == row.status =>
                    {
                        0
                    }
                    Some((id, _, _, revision)) => {
                        superseded.push(id);
                        revision + 1
                    }
                    None => 1,
                };
            }
        }
        let mut outcome = Outcome {
            rows: self.rows.len(),
            ..Outcome::default()
        };
        for row in &self.rows {
            match row.revision {
                0 => outcome.unchanged += 1,
                1 => outcome.created += 1,
                _ => outcome.revised += 1,
            }
        }
        if outcome.created + outcome.revised == 0 {
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
        for ids in superseded.chunks(INSERT_CHUNK) {
            let old = indicator_value::Entity::find()
                .filter(indicator_value::Column::Id.is_in(ids.iter().copied()))
                .all(txn)
                .await?;
            indicator_value_revision::Entity::insert_many(old.into_iter().map(|old| {
                indicator_value_revision::ActiveModel {
                    id: NotSet,
                    indicator_code: Set(old.indicator_code),
                    organisation: Set(old.organisation),
                    period_start: Set(old.period_start),
                    segment_kind: Set(old.segment_kind),
                    segment_value: Set(old.segment_value),
                    numerator: Set(old.numerator),
                    denominator: Set(old.denominator),
                    value: Set(old.value),
                    status: Set(old.status),
                    revision: Set(old.revision),
                    batch_id: Set(old.batch_id),
                    submitted_by_sub: Set(old.submitted_by_sub),
                    submitted_by_name: Set(old.submitted_by_name),
                    submitted_at: Set(old.submitted_at),
                    superseded_at: Set(now),
                    superseded_by_batch: Set(batch),
                }
            }))
            .exec(txn)
            .await?;
            indicator_value::Entity::delete_many()
                .filter(indicator_value::Column::Id.is_in(ids.iter().copied()))
                .exec(txn)
                .await?;
        }
        let names = &self.names;
        let fresh: Vec<&Checked> = self.rows.iter().filter(|r| r.revision > 0).collect();
        insert_fresh(txn, names, &fresh, batch, viewer, now).await?;
        let published = IndicatorPublication {
            batch_id: batch,
            indicators: names.of(fresh.iter().map(|r| r.indicator)),
            organisations: names.of(fresh.iter().map(|r| r.organisation)),
            first_period: fresh
                .iter()
                .map(|r| r.period)
                .min()
                .unwrap_or(NaiveDate::MAX),
            last_period: fresh
                .iter()
                .map(|r| r.period)
                .max()
                .unwrap_or(NaiveDate::MIN),
            values: fresh.len(),
            at: now,
        };
        work.series_changed(published.organisations.iter().cloned());
        work.publish(Event::IndicatorValuesPublished(published))
            .await?;
        outcome.batch_id = Some(batch);
        Ok(outcome)
    }
}

/// What to read of the values `chunk` would replace, a condition per statement: each indicator
/// of the chunk with its own organisations, not every indicator with every organisation (a chunk
/// across two indicators had read up to 21,000 rows for its 1,000, and the reading peaked a
/// re-import of 311,040 values at 102 MiB). One `OR` term per indicator, never per pair: SQLite
/// refuses an expression deeper than 1,000, which a month of 1,000 pairs would be.
fn held_by(names: &Names, chunk: &[Checked]) -> Vec<Condition> {
    use indicator_value::Column as C;
    let mut by_indicator: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for row in chunk {
        by_indicator
            .entry(row.indicator)
            .or_default()
            .insert(row.organisation);
    }
    let by_indicator: Vec<(u32, BTreeSet<u32>)> = by_indicator.into_iter().collect();
    by_indicator
        .chunks(MOST_INDICATORS_PER_READ)
        .map(|indicators| {
            indicators
                .iter()
                .fold(Condition::any(), |any, (indicator, organisations)| {
                    any.add(
                        Condition::all()
                            .add(C::IndicatorCode.eq(names.name(*indicator)))
                            .add(
                                C::Organisation.is_in(organisations.iter().map(|o| names.name(*o))),
                            ),
                    )
                })
        })
        .collect()
}

/// Rows per INSERT on PostgreSQL, where a chunk is ten array parameters whatever its rows.
const UNNEST_CHUNK: usize = 10_000;

/// Writes the new values of `batch`, submitted by `viewer` at `at`. On PostgreSQL each chunk is one `INSERT … SELECT FROM unnest(…)` of
/// one array per column: the 1,000-row `VALUES` list binds 15,000 parameters that the server
/// parses and plans for every statement, which was most of the time of a 311,040-row import.
/// Absent figures travel as NaN, which no submitted figure can be (`figures_problem`).
async fn insert_fresh(
    txn: &impl ConnectionTrait,
    names: &Names,
    fresh: &[&Checked],
    batch: i32,
    viewer: &Viewer,
    at: DateTime<Utc>,
) -> AppResult<()> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        for chunk in fresh.chunks(UNNEST_CHUNK) {
            let column = |name: fn(&Checked) -> u32| -> Value {
                chunk
                    .iter()
                    .map(|row| names.name(name(row)).to_owned())
                    .collect::<Vec<String>>()
                    .into()
            };
            let figure = |figure: fn(&Checked) -> Option<f64>| -> Value {
                chunk
                    .iter()
                    .map(|row| figure(row).unwrap_or(f64::NAN))
                    .collect::<Vec<f64>>()
                    .into()
            };
            let values = vec![
                column(|r| r.indicator),
                column(|r| r.organisation),
                chunk.iter().map(|r| r.period).collect::<Vec<_>>().into(),
                column(|r| r.segment_kind),
                column(|r| r.segment_value),
                figure(|r| r.numerator),
                figure(|r| r.denominator),
                figure(|r| r.value),
                chunk
                    .iter()
                    .map(|r| r.status.to_value())
                    .collect::<Vec<String>>()
                    .into(),
                chunk
                    .iter()
                    .map(|r| r.revision)
                    .collect::<Vec<i32>>()
                    .into(),
                batch.into(),
                viewer.sub.as_str().into(),
                viewer.name.as_str().into(),
                at.into(),
            ];
            txn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "INSERT INTO indicator_values (indicator_code, organisation, period_start, \
                 segment_kind, segment_value, numerator, denominator, value, status, revision, \
                 batch_id, submitted_by_sub, submitted_by_name, submitted_at) \
                 SELECT i, o, p, k, s, NULLIF(n, 'NaN'), NULLIF(d, 'NaN'), NULLIF(v, 'NaN'), \
                 st, r, $11, $12, $13, $14 \
                 FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], \
                 $6::float8[], $7::float8[], $8::float8[], $9::text[], $10::int4[]) \
                 AS t(i, o, p, k, s, n, d, v, st, r)",
                values,
            ))
            .await?;
        }
        return Ok(());
    }
    for chunk in fresh.chunks(INSERT_CHUNK) {
        indicator_value::Entity::insert_many(chunk.iter().map(|row| {
            indicator_value::ActiveModel {
                id: NotSet,
                indicator_code: Set(names.name(row.indicator).to_owned()),
                organisation: Set(names.name(row.organisation).to_owned()),
                period_start: Set(row.period),
                segment_kind: Set(names.name(row.segment_kind).to_owned()),
                segment_value: Set(names.name(row.segment_value).to_owned()),
                numerator: Set(row.numerator),
                denominator: Set(row.denominator),
                value: Set(row.value),
                status: Set(row.status),
                revision: Set(row.revision),
                batch_id: Set(batch),
                submitted_by_sub: Set(viewer.sub.clone()),
                submitted_by_name: Set(viewer.name.clone()),
                submitted_at: Set(at),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use entities::indicator_value::TOTAL;
    use sea_orm::QueryTrait;

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

    /// A month of every indicator for 125 organisations: 1,000 pairs in one chunk, read with one
    /// statement of one `OR` term per indicator (a term per pair was 1,000 deep, over SQLite's
    /// limit on expressions).
    #[test]
    fn a_chunk_of_many_pairs_is_read_with_a_term_per_indicator() {
        let mut rows = Rows::with_room(1_000);
        for indicator in 0..8 {
            for organisation in 0..125 {
                let mut submitted = row(None, None, Some(1.0));
                submitted.indicator = format!("I{indicator}");
                submitted.organisation = format!("O{organisation}");
                rows.push(&submitted, rows.rows.len() + 2);
            }
        }
        let reads = held_by(&rows.names, &rows.rows);
        assert_eq!(reads.len(), 1);
        let sql = indicator_value::Entity::find()
            .filter(reads[0].clone())
            .build(DatabaseBackend::Sqlite)
            .to_string();
        assert_eq!(sql.matches(" OR ").count(), 7, "{sql}");
    }
}
