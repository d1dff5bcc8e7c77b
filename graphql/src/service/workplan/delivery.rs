//! Delivering the plan in force: each deliverable's status in the NHS BRAG convention (blue
//! complete, green on track, amber at risk, red off track) with dated progress notes; quarterly
//! progress reports that freeze where every deliverable and its indicators stood (Spinal
//! Services Clinical Network Specification §5.1: "Networks will be expected to provide regular
//! reports and have regular reviews with their commissioners"); and the clock, which announces
//! deliverables past due and not complete.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Months, NaiveDate};
use entities::enums::{Brag, WorkplanStatus};
use entities::indicator_value::TOTAL;
use entities::{
    indicator, indicator_value, risk, workplan, workplan_deliverable,
    workplan_deliverable_indicator, workplan_deliverable_update, workplan_progress_report,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use super::content::{TEAM, require_network_role};
use super::{FinancialYear, change, record, title};
use crate::auth::Viewer;
use crate::auth::scope::Scope;
use crate::error::{AppError, AppResult};
use crate::events::WorkplanChangeKind;
use crate::service::analysis::{combine, protect};
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::state::AppState;

/// A progress report is due within a month of its quarter's end.
pub const REPORT_DUE_MONTHS: u32 = 1;

/// The day a quarter's progress report is due.
pub fn report_due_on(year: FinancialYear, quarter: i32) -> NaiveDate {
    year.quarter_end(quarter) + Months::new(REPORT_DUE_MONTHS)
}

/// The quarters of `year` whose report was due before `today` and is missing.
pub fn reports_overdue(
    year: FinancialYear,
    submitted: &BTreeSet<i32>,
    today: NaiveDate,
) -> Vec<i32> {
    (1..=4)
        .filter(|q| !submitted.contains(q) && report_due_on(year, *q) < today)
        .collect()
}

/// Past its due date and not complete.
pub fn past_due(deliverable: &workplan_deliverable::Model, today: NaiveDate) -> bool {
    deliverable.due_on < today && deliverable.status != Brag::Blue
}

/// A network team member records progress on a deliverable of the plan in force.
pub async fn record_progress(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    deliverable_id: i32,
    expected_version: i32,
    status: Brag,
    note: &str,
) -> AppResult<workplan_deliverable::Model> {
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::bad_input(
            "Say what progress was made (note); it is kept with the deliverable.",
        ));
    }
    let mut work = UnitOfWork::begin(state).await?;
    let deliverable = workplan_deliverable::Entity::find_by_id(deliverable_id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("deliverable", &deliverable_id.to_string()))?;
    let plan = super::find_visible(work.db(), scope, deliverable.workplan_id)
        .await
        .map_err(|_| AppError::not_found("deliverable", &deliverable_id.to_string()))?;
    require_network_role(
        viewer,
        &TEAM,
        &plan.network_code,
        "record progress on its workplan",
    )?;
    // Takes the plan's row while it is in force: a sign-off of its successor waits, or has
    // superseded it already and this is refused.
    let in_force = workplan::Entity::update_many()
        .col_expr(workplan::Column::UpdatedAt, Expr::value(work.now))
        .filter(workplan::Column::Id.eq(plan.id))
        .filter(workplan::Column::Status.eq(WorkplanStatus::InDelivery))
        .exec(work.db())
        .await?;
    if in_force.rows_affected != 1 {
        return Err(AppError::bad_input(format!(
            "{} is not the plan in force; progress is recorded on the signed-off plan.",
            title(&plan)
        )));
    }
    let updated = workplan_deliverable::Entity::update_many()
        .col_expr(workplan_deliverable::Column::Status, Expr::value(status))
        .col_expr(
            workplan_deliverable::Column::Version,
            Expr::col(workplan_deliverable::Column::Version).add(1),
        )
        .filter(workplan_deliverable::Column::Id.eq(deliverable.id))
        .filter(workplan_deliverable::Column::Version.eq(expected_version))
        .exec(work.db())
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::conflict(format!(
            "{} of {} changed since you loaded it (it is at version {}, not {expected_version}); reload it.",
            deliverable.reference,
            title(&plan),
            deliverable.version
        )));
    }
    workplan_deliverable_update::Entity::insert(workplan_deliverable_update::ActiveModel {
        id: NotSet,
        deliverable_id: Set(deliverable.id),
        status: Set(status),
        note: Set(note.to_owned()),
        recorded_by_sub: Set(viewer.sub.clone()),
        recorded_by_name: Set(viewer.name.clone()),
        recorded_at: Set(work.now),
    })
    .exec(work.db())
    .await?;
    let kind = match status {
        Brag::Amber if deliverable.status != Brag::Amber => {
            Some(WorkplanChangeKind::DeliverableAtRisk)
        }
        Brag::Red if deliverable.status != Brag::Red => {
            Some(WorkplanChangeKind::DeliverableOffTrack)
        }
        _ => None,
    };
    let key = format!("{} {}", title(&plan), deliverable.reference);
    work.audit(
        viewer,
        crate::service::audit::Change {
            action: "DELIVERABLE_PROGRESS",
            subject: crate::service::audit::Subject::Workplan,
            key: &key,
            before: Some(serde_json::json!({ "status": deliverable.status })),
            after: Some(serde_json::json!({ "status": status })),
            reason: note,
        },
    )
    .await?;
    if let Some(kind) = kind {
        let mut event = change(&work, kind, &plan);
        event.deliverable_reference = Some(deliverable.reference.clone());
        work.publish(crate::events::Event::WorkplanChanged(event))
            .await?;
    }
    let recorded = workplan_deliverable::Entity::find_by_id(deliverable.id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("deliverable", &deliverable_id.to_string()))?;
    work.commit().await?;
    Ok(recorded)
}

/// A new version takes over from the one in force: its deliverables with the same reference
/// take the latest status recorded on the old ones, and whether the clock announced them past
/// due (so it does not announce them again). Their progress notes stay on the old version.
pub(super) async fn carry_statuses(
    work: &UnitOfWork<'_>,
    old: &workplan::Model,
    new: &workplan::Model,
) -> AppResult<()> {
    let before: HashMap<String, (Brag, bool)> = workplan_deliverable::Entity::find()
        .filter(workplan_deliverable::Column::WorkplanId.eq(old.id))
        .all(work.db())
        .await?
        .into_iter()
        .map(|d| (d.reference, (d.status, d.past_due_flagged)))
        .collect();
    for d in workplan_deliverable::Entity::find()
        .filter(workplan_deliverable::Column::WorkplanId.eq(new.id))
        .all(work.db())
        .await?
    {
        if let Some((status, flagged)) = before
            .get(&d.reference)
            .filter(|(s, f)| (*s, *f) != (d.status, d.past_due_flagged))
        {
            workplan_deliverable::Entity::update_many()
                .col_expr(workplan_deliverable::Column::Status, Expr::value(*status))
                .col_expr(
                    workplan_deliverable::Column::PastDueFlagged,
                    Expr::value(*flagged),
                )
                .filter(workplan_deliverable::Column::Id.eq(d.id))
                .exec(work.db())
                .await?;
        }
    }
    Ok(())
}

/// One deliverable as a progress report froze it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliverableSnapshot {
    pub reference: String,
    pub title: String,
    pub status: Brag,
    pub due_on: NaiveDate,
    pub past_due: bool,
    pub indicators: Vec<IndicatorSnapshot>,
}

/// A linked indicator's latest figure for the network by the quarter's end, against its target.
/// Provider-level indicators combine the member providers' values; counts of 1-7 are
/// suppressed, as in every figure read without provider-level rights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorSnapshot {
    pub code: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub period: Option<NaiveDate>,
    pub value: Option<f64>,
    pub suppressed: bool,
}

/// What a progress report froze.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressSnapshot {
    pub as_at: NaiveDate,
    pub deliverables: Vec<DeliverableSnapshot>,
    /// The network's risks open when the report was submitted and raised by the quarter's end.
    #[serde(default)]
    pub risks: Vec<RiskSnapshot>,
}

/// A risk as a progress report froze it (no owner, no text but its title).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskSnapshot {
    pub reference: String,
    pub title: String,
    pub kind: entities::enums::RiskKind,
    pub score: i32,
    pub target_score: i32,
}

async fn snapshot(
    state: &AppState,
    work: &UnitOfWork<'_>,
    plan: &workplan::Model,
    as_at: NaiveDate,
) -> AppResult<ProgressSnapshot> {
    let db = work.db();
    let deliverables = workplan_deliverable::Entity::find()
        .filter(workplan_deliverable::Column::WorkplanId.eq(plan.id))
        .order_by_asc(workplan_deliverable::Column::Id)
        .all(db)
        .await?;
    let links = workplan_deliverable_indicator::Entity::find()
        .filter(
            workplan_deliverable_indicator::Column::DeliverableId
                .is_in(deliverables.iter().map(|d| d.id)),
        )
        .order_by_asc(workplan_deliverable_indicator::Column::Id)
        .all(db)
        .await?;
    let codes: BTreeSet<&str> = links.iter().map(|l| l.indicator_code.as_str()).collect();
    let catalogue: HashMap<String, indicator::Model> = indicator::Entity::find()
        .filter(indicator::Column::Code.is_in(codes.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    // The members on the quarter's last day.
    let map = state.org_map_on(as_at).await?;
    let mut organisations: Vec<String> = map
        .memberships
        .iter()
        .filter(|(n, _)| *n == plan.network_code)
        .map(|(_, p)| p.clone())
        .collect();
    organisations.push(plan.network_code.clone());
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorCode.is_in(codes.iter().copied()))
        .filter(indicator_value::Column::Organisation.is_in(organisations))
        .filter(indicator_value::Column::SegmentKind.eq(TOTAL))
        .filter(
            indicator_value::Column::PeriodStart
                .between(FinancialYear(plan.financial_year).first_day(), as_at),
        )
        .all(db)
        .await?;
    let mut by_code: BTreeMap<&str, BTreeMap<NaiveDate, Vec<&indicator_value::Model>>> =
        BTreeMap::new();
    for v in &values {
        by_code
            .entry(v.indicator_code.as_str())
            .or_default()
            .entry(v.period_start)
            .or_default()
            .push(v);
    }
    let figure = |code: &str| -> (Option<NaiveDate>, Option<f64>, bool) {
        let (Some(indicator), Some((period, rows))) = (
            catalogue.get(code),
            by_code.get(code).and_then(|p| p.iter().next_back()),
        ) else {
            return (None, None, false);
        };
        let figure = protect(
            indicator.kind,
            combine(indicator.kind, rows.iter().copied()),
        );
        (Some(*period), figure.value, figure.suppressed)
    };
    let quarter_over = as_at
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc())
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    let risks = risk::Entity::find()
        .filter(risk::Column::NetworkCode.eq(plan.network_code.as_str()))
        .filter(risk::Column::Status.eq(entities::enums::RiskStatus::Open))
        .filter(risk::Column::RaisedAt.lte(quarter_over))
        .order_by_asc(risk::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RiskSnapshot {
            score: crate::service::risk::score(r.likelihood, r.consequence),
            reference: r.reference,
            title: r.title,
            kind: r.kind,
            target_score: r.target_score,
        })
        .collect();
    Ok(ProgressSnapshot {
        as_at,
        risks,
        deliverables: deliverables
            .iter()
            .map(|d| DeliverableSnapshot {
                reference: d.reference.clone(),
                title: d.title.clone(),
                status: d.status,
                due_on: d.due_on,
                past_due: past_due(d, as_at),
                indicators: links
                    .iter()
                    .filter(|l| l.deliverable_id == d.id)
                    .map(|l| {
                        let (period, value, suppressed) = figure(&l.indicator_code);
                        IndicatorSnapshot {
                            code: l.indicator_code.clone(),
                            baseline: l.baseline,
                            target: l.target,
                            period,
                            value,
                            suppressed,
                        }
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The network team reports on a quarter that has ended, against the plan in force.
pub async fn submit_progress_report(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    network: &str,
    year: FinancialYear,
    quarter: i32,
    narrative: &str,
) -> AppResult<workplan_progress_report::Model> {
    let network = network.trim();
    if !scope.governance.contains(network) {
        return Err(AppError::not_found("network", network));
    }
    require_network_role(viewer, &TEAM, network, "report progress on its workplan")?;
    if !(1..=4).contains(&quarter) {
        return Err(AppError::bad_input(format!(
            "quarter {quarter} is not 1 (April-June), 2 (July-September), 3 (October-December) or 4 (January-March)."
        )));
    }
    let narrative = narrative.trim();
    if narrative.is_empty() {
        return Err(AppError::bad_input(
            "Summarise the quarter's progress (narrative).",
        ));
    }
    let mut work = UnitOfWork::begin(state).await?;
    let end = year.quarter_end(quarter);
    if work.today <= end {
        return Err(AppError::bad_input(format!(
            "Q{quarter} {} ends on {end}; report on it after it has ended.",
            year.label()
        )));
    }
    let plan = workplan::Entity::find()
        .filter(workplan::Column::NetworkCode.eq(network))
        .filter(workplan::Column::FinancialYear.eq(year.0))
        .filter(workplan::Column::Status.eq(WorkplanStatus::InDelivery))
        .one(work.db())
        .await?
        .ok_or_else(|| {
            AppError::bad_input(format!(
                "{network} has no signed-off workplan for {}; progress is reported against the plan in force.",
                year.label()
            ))
        })?;
    let snapshot = snapshot(state, &work, &plan, end).await?;
    let report = workplan_progress_report::Entity::insert(workplan_progress_report::ActiveModel {
        id: NotSet,
        workplan_id: Set(plan.id),
        network_code: Set(network.to_owned()),
        financial_year: Set(year.0),
        quarter: Set(quarter),
        narrative: Set(narrative.to_owned()),
        snapshot: Set(serde_json::to_value(&snapshot).map_err(AppError::internal)?),
        submitted_by_sub: Set(viewer.sub.clone()),
        submitted_by_name: Set(viewer.name.clone()),
        submitted_at: Set(work.now),
    })
    .exec_with_returning(work.db())
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            format!(
                "{network} has already reported on Q{quarter} {}.",
                year.label()
            )
        })
    })?;
    let mut event = change(&work, WorkplanChangeKind::ProgressReportSubmitted, &plan);
    event.quarter = Some(quarter);
    record(
        &mut work,
        viewer,
        "PROGRESS_REPORT_SUBMITTED",
        &plan,
        event,
        &format!("Q{quarter} progress report"),
    )
    .await?;
    work.commit().await?;
    Ok(report)
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    /// Deliverables announced past due on this pass.
    pub past_due: u32,
}

/// One pass of the clock: each deliverable of a plan in force that is past its due date and not
/// complete is announced once (`DELIVERABLE_PAST_DUE`). Missing progress reports need no
/// announcement: reads compute them from the date.
pub async fn tick(state: &AppState) -> AppResult<TickReport> {
    let mut work = UnitOfWork::begin(state).await?;
    let today = work.today;
    let in_force = Query::select()
        .column(workplan::Column::Id)
        .from(workplan::Entity)
        .and_where(workplan::Column::Status.eq(WorkplanStatus::InDelivery))
        .to_owned();
    let due = workplan_deliverable::Entity::find()
        .filter(workplan_deliverable::Column::WorkplanId.in_subquery(in_force))
        .filter(workplan_deliverable::Column::PastDueFlagged.eq(false))
        .filter(workplan_deliverable::Column::DueOn.lt(today))
        .filter(workplan_deliverable::Column::Status.ne(Brag::Blue))
        .order_by_asc(workplan_deliverable::Column::Id)
        .all(work.db())
        .await?;
    let plans: HashMap<i32, workplan::Model> = workplan::Entity::find()
        .filter(workplan::Column::Id.is_in(due.iter().map(|d| d.workplan_id)))
        .filter(workplan::Column::Status.eq(WorkplanStatus::InDelivery))
        .all(work.db())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut report = TickReport::default();
    let clock = Viewer::portal("portal-clock", "Portal clock");
    for d in due {
        let Some(plan) = plans.get(&d.workplan_id) else {
            continue;
        };
        // Another instance's clock may have flagged it first: only the one that flips it
        // announces it.
        let flipped = workplan_deliverable::Entity::update_many()
            .col_expr(
                workplan_deliverable::Column::PastDueFlagged,
                Expr::value(true),
            )
            .filter(workplan_deliverable::Column::Id.eq(d.id))
            .filter(workplan_deliverable::Column::PastDueFlagged.eq(false))
            .exec(work.db())
            .await?;
        if flipped.rows_affected != 1 {
            continue;
        }
        let mut event = change(&work, WorkplanChangeKind::DeliverablePastDue, plan);
        event.deliverable_reference = Some(d.reference.clone());
        record(
            &mut work,
            &clock,
            "DELIVERABLE_PAST_DUE",
            plan,
            event,
            &format!("{} was due on {}", d.reference, d.due_on),
        )
        .await?;
        report.past_due += 1;
    }
    work.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_report_is_overdue_a_month_after_the_quarter_ends() {
        let year = FinancialYear(2026);
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(report_due_on(year, 1), day(7, 30));
        assert_eq!(
            reports_overdue(year, &BTreeSet::new(), day(7, 30)),
            Vec::<i32>::new()
        );
        assert_eq!(reports_overdue(year, &BTreeSet::new(), day(7, 31)), vec![1]);
        assert_eq!(
            reports_overdue(year, &BTreeSet::from([1]), day(11, 22)),
            vec![2]
        );
    }
}
