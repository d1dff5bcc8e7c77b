//! A network's annual report (Spinal Services Clinical Network Specification §4.4: "The network
//! board will publish an annual report detailing its activities, accounts and delivery against
//! the agreed annual plan"; §6: "Network funding provided to the host is ring-fenced for the
//! network programme of work"; §7.1: "The report includes a financial statement").
//!
//! The network team drafts it once the year has ended, with delivery pre-filled from the plan in
//! force; the chair records the board's approval; the team publishes it, which freezes the
//! year's outcomes from the network's indicators and is refused without a financial statement.
//! Every signed-in user reads a published report.

use std::collections::{BTreeMap, HashMap};

use entities::enums::{AnnualReportStatus, IndicatorKind, WorkplanStatus};
use entities::indicator_value::TOTAL;
use entities::{annual_report, indicator, indicator_value, workplan, workplan_deliverable};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::scope::Scope;
use crate::auth::{Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::{Event, WorkplanChange, WorkplanChangeKind};
use crate::service::analysis::{MEDIANS_DO_NOT_COMBINE, combine, protect};
use crate::service::audit::{Change, Subject};
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::service::workplan::{FinancialYear, TEAM, require_network_role};
use crate::state::AppState;

/// Most lines in each part of a financial statement.
const MAX_LINES: usize = 100;

/// One line of income or expenditure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// An income source or an expenditure category.
    pub label: String,
    pub amount_gbp: f64,
}

/// The accounts of the year (§4.4 "accounts", §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinancialStatement {
    pub income: Vec<Line>,
    /// The host's allocation ring-fenced for the network's programme.
    pub ring_fenced_allocation_gbp: f64,
    pub expenditure: Vec<Line>,
}

impl FinancialStatement {
    pub fn total_income(&self) -> f64 {
        self.income.iter().map(|l| l.amount_gbp).sum()
    }

    pub fn total_expenditure(&self) -> f64 {
        self.expenditure.iter().map(|l| l.amount_gbp).sum()
    }

    /// Income less expenditure: positive is an underspend.
    pub fn variance(&self) -> f64 {
        self.total_income() - self.total_expenditure()
    }

    fn checked(mut self) -> AppResult<Self> {
        if self.income.len() > MAX_LINES || self.expenditure.len() > MAX_LINES {
            return Err(AppError::bad_input(format!(
                "A financial statement holds at most {MAX_LINES} income and {MAX_LINES} expenditure lines."
            )));
        }
        for (part, lines) in [
            ("income", &mut self.income),
            ("expenditure", &mut self.expenditure),
        ] {
            for (i, line) in lines.iter_mut().enumerate() {
                line.label = line.label.trim().to_owned();
                if line.label.is_empty() {
                    return Err(AppError::bad_input(format!(
                        "financialStatement.{part}[{i}].label is empty; name the {}.",
                        if part == "income" {
                            "source"
                        } else {
                            "category"
                        }
                    )));
                }
                if !line.amount_gbp.is_finite() || line.amount_gbp < 0.0 {
                    return Err(AppError::bad_input(format!(
                        "financialStatement.{part}[{i}].amountGbp must be a number of at least 0."
                    )));
                }
            }
        }
        if !self.ring_fenced_allocation_gbp.is_finite() || self.ring_fenced_allocation_gbp < 0.0 {
            return Err(AppError::bad_input(
                "financialStatement.ringFencedAllocationGbp must be a number of at least 0.",
            ));
        }
        Ok(self)
    }
}

/// Delivery of one deliverable of the plan, as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub reference: String,
    pub title: String,
    pub status: entities::enums::Brag,
    pub commentary: String,
}

/// One of the network's indicators over the year, as frozen at publication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
    pub unit: String,
    /// Stored values combined (member providers' and the network's own, over the year).
    pub values: usize,
    pub suppressed: bool,
    pub note: Option<String>,
}

pub fn delivery(report: &annual_report::Model) -> Vec<Delivery> {
    serde_json::from_value(report.delivery.clone()).unwrap_or_default()
}

pub fn outcomes(report: &annual_report::Model) -> Vec<Outcome> {
    report
        .outcomes
        .clone()
        .and_then(|o| serde_json::from_value(o).ok())
        .unwrap_or_default()
}

pub fn financial_statement(report: &annual_report::Model) -> Option<FinancialStatement> {
    report
        .financial_statement
        .clone()
        .and_then(|f| serde_json::from_value(f).ok())
}

/// A published report is for every signed-in user; drafts for those who reach the network's
/// governance.
pub fn readable(scope: &Scope, report: &annual_report::Model) -> bool {
    report.status == AnnualReportStatus::Published
        || scope.governance.contains(&report.network_code)
}

pub async fn find_visible(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
) -> AppResult<annual_report::Model> {
    annual_report::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| readable(scope, r))
        .ok_or_else(|| AppError::not_found("annual report", &id.to_string()))
}

/// The reports the caller reads, optionally of one year.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    year: Option<FinancialYear>,
) -> AppResult<Vec<annual_report::Model>> {
    let mut reach =
        Condition::any().add(annual_report::Column::Status.eq(AnnualReportStatus::Published));
    if !scope.governance.is_empty() {
        reach = reach.add(annual_report::Column::NetworkCode.is_in(scope.governance.iter()));
    }
    let mut query = annual_report::Entity::find().filter(reach);
    if let Some(year) = year {
        query = query.filter(annual_report::Column::FinancialYear.eq(year.0));
    }
    Ok(query
        .order_by_desc(annual_report::Column::FinancialYear)
        .order_by_asc(annual_report::Column::NetworkCode)
        .all(db)
        .await?)
}

fn title(report: &annual_report::Model) -> String {
    format!(
        "{}'s annual report for {}",
        report.network_code,
        FinancialYear(report.financial_year).label()
    )
}

/// Takes the report's row at the version the caller saw and moves the version on.
async fn hold(
    work: &UnitOfWork<'_>,
    report: &annual_report::Model,
    expected_version: i32,
) -> AppResult<()> {
    let updated = annual_report::Entity::update_many()
        .col_expr(
            annual_report::Column::Version,
            Expr::col(annual_report::Column::Version).add(1),
        )
        .col_expr(annual_report::Column::UpdatedAt, Expr::value(work.now))
        .filter(annual_report::Column::Id.eq(report.id))
        .filter(annual_report::Column::Version.eq(expected_version))
        .exec(work.db())
        .await?;
    if report.version != expected_version || updated.rows_affected != 1 {
        return Err(AppError::conflict(format!(
            "{} changed since you loaded it (it is at version {}, not {expected_version}); reload it.",
            title(report),
            report.version
        )));
    }
    Ok(())
}

async fn audit_and_announce(
    work: &mut UnitOfWork<'_>,
    viewer: &Viewer,
    action: &str,
    report: &annual_report::Model,
    reason: &str,
    announce: bool,
) -> AppResult<()> {
    let key = title(report);
    work.audit(
        viewer,
        Change {
            action,
            subject: Subject::AnnualReport,
            key: &key,
            before: None,
            after: Some(json!({ "annualReportId": report.id, "status": report.status, "version": report.version })),
            reason,
        },
    )
    .await?;
    if announce {
        work.publish(Event::WorkplanChanged(WorkplanChange {
            kind: WorkplanChangeKind::AnnualReportPublished,
            network_code: report.network_code.clone(),
            financial_year: report.financial_year,
            workplan_id: report.workplan_id,
            version_no: None,
            status: None,
            icb_code: None,
            deliverable_reference: None,
            quarter: None,
            annual_report_id: Some(report.id),
            at: work.now,
        }))
        .await?;
    }
    Ok(())
}

/// Drafts the report of a year that has ended, delivery pre-filled from the plan in force.
pub async fn draft(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    network: &str,
    year: FinancialYear,
    activities: &str,
) -> AppResult<annual_report::Model> {
    let network = network.trim();
    if !scope.governance.contains(network) {
        return Err(AppError::not_found("network", network));
    }
    require_network_role(viewer, &TEAM, network, "draft its annual report")?;
    let mut work = UnitOfWork::begin(state).await?;
    if work.today <= year.last_day() {
        return Err(AppError::bad_input(format!(
            "{} ends on {}; its annual report is drafted after the year has ended.",
            year.label(),
            year.last_day()
        )));
    }
    let plan = workplan::Entity::find()
        .filter(workplan::Column::NetworkCode.eq(network))
        .filter(workplan::Column::FinancialYear.eq(year.0))
        .filter(workplan::Column::Status.eq(WorkplanStatus::InDelivery))
        .one(work.db())
        .await?;
    let delivery: Vec<Delivery> = match &plan {
        Some(plan) => workplan_deliverable::Entity::find()
            .filter(workplan_deliverable::Column::WorkplanId.eq(plan.id))
            .order_by_asc(workplan_deliverable::Column::Id)
            .all(work.db())
            .await?
            .into_iter()
            .map(|d| Delivery {
                reference: d.reference,
                title: d.title,
                status: d.status,
                commentary: String::new(),
            })
            .collect(),
        None => Vec::new(),
    };
    let now = work.now;
    let report = annual_report::Entity::insert(annual_report::ActiveModel {
        id: NotSet,
        network_code: Set(network.to_owned()),
        financial_year: Set(year.0),
        workplan_id: Set(plan.as_ref().map(|p| p.id)),
        status: Set(AnnualReportStatus::Draft),
        activities: Set(activities.trim().to_owned()),
        delivery: Set(serde_json::to_value(&delivery).map_err(AppError::internal)?),
        outcomes: Set(None),
        financial_statement: Set(None),
        board_meeting: Set(None),
        approved_by_name: Set(None),
        approved_at: Set(None),
        published_by_name: Set(None),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec_with_returning(work.db())
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            format!(
                "{network} already has an annual report for {}; revise it.",
                year.label()
            )
        })
    })?;
    audit_and_announce(
        &mut work,
        viewer,
        "ANNUAL_REPORT_DRAFTED",
        &report,
        "drafted",
        false,
    )
    .await?;
    crate::service::workplan::rederive(&mut work, network, year).await?;
    work.commit().await?;
    Ok(report)
}

/// What a revision may change; `None` leaves a part as it is.
pub struct Revision {
    pub activities: Option<String>,
    /// Commentary per deliverable reference.
    pub commentary: Vec<(String, String)>,
    pub financial_statement: Option<FinancialStatement>,
}

/// Revises a report not yet published; a board-approved one goes back to draft.
pub async fn revise(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    revision: Revision,
) -> AppResult<annual_report::Model> {
    let statement = revision
        .financial_statement
        .map(FinancialStatement::checked)
        .transpose()?;
    let mut work = UnitOfWork::begin(state).await?;
    let report = find_visible(work.db(), scope, id).await?;
    require_network_role(
        viewer,
        &TEAM,
        &report.network_code,
        "revise its annual report",
    )?;
    if report.status == AnnualReportStatus::Published {
        return Err(AppError::bad_input(format!(
            "{} is published; it no longer changes.",
            title(&report)
        )));
    }
    let mut delivery = delivery(&report);
    for (reference, commentary) in revision.commentary {
        let line = delivery
            .iter_mut()
            .find(|d| d.reference == reference.trim())
            .ok_or_else(|| {
                AppError::bad_input(format!(
                    "{} reports no deliverable \"{}\"; its deliverables are {}.",
                    title(&report),
                    reference.trim(),
                    delivery_references(&report)
                ))
            })?;
        line.commentary = commentary.trim().to_owned();
    }
    hold(&work, &report, expected_version).await?;
    let mut active = annual_report::ActiveModel {
        id: Set(report.id),
        status: Set(AnnualReportStatus::Draft),
        delivery: Set(serde_json::to_value(&delivery).map_err(AppError::internal)?),
        ..Default::default()
    };
    if let Some(activities) = revision.activities {
        active.activities = Set(activities.trim().to_owned());
    }
    if let Some(statement) = statement {
        active.financial_statement = Set(Some(
            serde_json::to_value(&statement).map_err(AppError::internal)?,
        ));
    }
    let report = annual_report::Entity::update(active)
        .exec(work.db())
        .await?;
    audit_and_announce(
        &mut work,
        viewer,
        "ANNUAL_REPORT_REVISED",
        &report,
        "revised",
        false,
    )
    .await?;
    work.commit().await?;
    Ok(report)
}

fn delivery_references(report: &annual_report::Model) -> String {
    let all: Vec<String> = delivery(report).into_iter().map(|d| d.reference).collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

/// The chair records the board's approval, citing the meeting.
pub async fn approve(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    meeting: &str,
) -> AppResult<annual_report::Model> {
    let meeting = meeting.trim();
    if meeting.is_empty() {
        return Err(AppError::bad_input(
            "Cite the board meeting that approved the report.",
        ));
    }
    let mut work = UnitOfWork::begin(state).await?;
    let report = find_visible(work.db(), scope, id).await?;
    require_network_role(
        viewer,
        &[Role::NetworkChair],
        &report.network_code,
        "record its board's approval of the annual report",
    )?;
    if report.status != AnnualReportStatus::Draft {
        return Err(AppError::bad_input(format!(
            "{} is not a draft; the board approves a draft.",
            title(&report)
        )));
    }
    hold(&work, &report, expected_version).await?;
    let report = annual_report::Entity::update(annual_report::ActiveModel {
        id: Set(report.id),
        status: Set(AnnualReportStatus::BoardApproved),
        board_meeting: Set(Some(meeting.to_owned())),
        approved_by_name: Set(Some(viewer.name.clone())),
        approved_at: Set(Some(work.now)),
        ..Default::default()
    })
    .exec(work.db())
    .await?;
    audit_and_announce(
        &mut work,
        viewer,
        "ANNUAL_REPORT_APPROVED",
        &report,
        meeting,
        false,
    )
    .await?;
    work.commit().await?;
    Ok(report)
}

/// Publishes a board-approved report with its financial statement, freezing the year's
/// outcomes.
pub async fn publish(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
) -> AppResult<annual_report::Model> {
    let mut work = UnitOfWork::begin(state).await?;
    let report = find_visible(work.db(), scope, id).await?;
    require_network_role(
        viewer,
        &TEAM,
        &report.network_code,
        "publish its annual report",
    )?;
    if report.financial_statement.is_none() {
        return Err(AppError::bad_input(format!(
            "{} has no financial statement; add one (reviseAnnualReport) before publishing: the specification asks for it (§7.1).",
            title(&report)
        )));
    }
    if report.status != AnnualReportStatus::BoardApproved {
        return Err(AppError::bad_input(format!(
            "{} is {}: the board approves it before it is published (its NETWORK_CHAIR records the approval).",
            title(&report),
            if report.status == AnnualReportStatus::Draft {
                "a draft"
            } else {
                "published already"
            }
        )));
    }
    hold(&work, &report, expected_version).await?;
    let outcomes = year_outcomes(state, &work, &report).await?;
    let report = annual_report::Entity::update(annual_report::ActiveModel {
        id: Set(report.id),
        status: Set(AnnualReportStatus::Published),
        outcomes: Set(Some(
            serde_json::to_value(&outcomes).map_err(AppError::internal)?,
        )),
        published_by_name: Set(Some(viewer.name.clone())),
        published_at: Set(Some(work.now)),
        ..Default::default()
    })
    .exec(work.db())
    .await?;
    audit_and_announce(
        &mut work,
        viewer,
        "ANNUAL_REPORT_PUBLISHED",
        &report,
        "published",
        true,
    )
    .await?;
    crate::service::workplan::rederive(
        &mut work,
        &report.network_code,
        FinancialYear(report.financial_year),
    )
    .await?;
    work.commit().await?;
    Ok(report)
}

/// Each indicator with values for the network or its member providers in the year, combined
/// over the year (small numbers suppressed: the report is public to every signed-in user).
async fn year_outcomes(
    state: &AppState,
    work: &UnitOfWork<'_>,
    report: &annual_report::Model,
) -> AppResult<Vec<Outcome>> {
    let year = FinancialYear(report.financial_year);
    let map = state.org_map_on(year.last_day()).await?;
    let mut organisations: Vec<String> = map
        .memberships
        .iter()
        .filter(|(n, _)| *n == report.network_code)
        .map(|(_, p)| p.clone())
        .collect();
    organisations.push(report.network_code.clone());
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::Organisation.is_in(organisations))
        .filter(indicator_value::Column::SegmentKind.eq(TOTAL))
        .filter(indicator_value::Column::PeriodStart.between(year.first_day(), year.last_day()))
        .all(work.db())
        .await?;
    let catalogue: HashMap<String, indicator::Model> = indicator::Entity::find()
        .all(work.db())
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let mut by_code: BTreeMap<&str, Vec<&indicator_value::Model>> = BTreeMap::new();
    for v in &values {
        by_code
            .entry(v.indicator_code.as_str())
            .or_default()
            .push(v);
    }
    Ok(by_code
        .into_iter()
        .filter_map(|(code, rows)| {
            let indicator = catalogue.get(code)?;
            let figure = protect(
                indicator.kind,
                combine(indicator.kind, rows.iter().copied()),
            );
            Some(Outcome {
                code: code.to_owned(),
                name: indicator.name.clone(),
                value: figure.value,
                unit: indicator.unit.clone(),
                values: rows.len(),
                suppressed: figure.suppressed,
                note: (indicator.kind == IndicatorKind::Median && rows.len() > 1)
                    .then(|| MEDIANS_DO_NOT_COMBINE.to_owned()),
            })
        })
        .collect())
}

/// The report as a document: JSON (everything) or CSV (one row per line of delivery, outcome
/// and account).
pub fn export_json(report: &annual_report::Model) -> AppResult<String> {
    let statement = financial_statement(report);
    let document = json!({
        "network": report.network_code,
        "financialYear": FinancialYear(report.financial_year).label(),
        "status": report.status,
        "activities": report.activities,
        "delivery": delivery(report),
        "outcomes": outcomes(report),
        "financialStatement": statement.as_ref().map(|s| json!({
            "income": s.income,
            "ringFencedAllocationGbp": s.ring_fenced_allocation_gbp,
            "expenditure": s.expenditure,
            "totalIncomeGbp": s.total_income(),
            "totalExpenditureGbp": s.total_expenditure(),
            "varianceGbp": s.variance(),
        })),
        "boardMeeting": report.board_meeting,
        "approvedAt": report.approved_at,
        "publishedAt": report.published_at,
    });
    serde_json::to_string_pretty(&document).map_err(AppError::internal)
}

pub fn export_csv(report: &annual_report::Model) -> AppResult<String> {
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for d in delivery(report) {
        rows.push(vec![
            "delivery".into(),
            d.reference,
            d.title,
            format!("{:?}", d.status).to_uppercase(),
            d.commentary,
        ]);
    }
    for o in outcomes(report) {
        rows.push(vec![
            "outcome".into(),
            o.code,
            o.name,
            number(o.value),
            o.unit,
        ]);
    }
    if let Some(s) = financial_statement(report) {
        for l in &s.income {
            rows.push(vec![
                "income".into(),
                String::new(),
                l.label.clone(),
                l.amount_gbp.to_string(),
                "GBP".into(),
            ]);
        }
        rows.push(vec![
            "ring_fenced_allocation".into(),
            String::new(),
            "host's ring-fenced allocation".into(),
            s.ring_fenced_allocation_gbp.to_string(),
            "GBP".into(),
        ]);
        for l in &s.expenditure {
            rows.push(vec![
                "expenditure".into(),
                String::new(),
                l.label.clone(),
                l.amount_gbp.to_string(),
                "GBP".into(),
            ]);
        }
        rows.push(vec![
            "variance".into(),
            String::new(),
            "income less expenditure".into(),
            s.variance().to_string(),
            "GBP".into(),
        ]);
    }
    crate::service::export::csv_table(&["section", "reference", "item", "value", "detail"], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variance_is_income_less_expenditure_and_amounts_must_be_real() {
        let line = |label: &str, amount_gbp| Line {
            label: label.into(),
            amount_gbp,
        };
        let s = FinancialStatement {
            income: vec![line("NHS England", 250_000.0), line("ICBs", 50_000.0)],
            ring_fenced_allocation_gbp: 250_000.0,
            expenditure: vec![line("Staff", 240_000.0), line("Events", 20_000.0)],
        };
        assert_eq!(s.variance(), 40_000.0);
        assert!(s.clone().checked().is_ok());
        let mut bad = s.clone();
        bad.expenditure[0].amount_gbp = f64::NAN;
        assert!(bad.checked().is_err());
        let mut bad = s;
        bad.income[1].label = "  ".into();
        assert!(
            bad.checked()
                .unwrap_err()
                .message()
                .contains("income[1].label")
        );
    }
}
