//! Annual workplans (Spinal Services Clinical Network Specification §4.4 "Annual workplan",
//! §5.1 "Accountability", §7): a network team drafts one per financial year, its board agrees
//! it, the clinical lead submits it, every ICB of the footprint agrees it, the lead region
//! signs it off, and the network reports progress on it every quarter.
//!
//! - `content`: drafting and revising a version, and what a complete plan lacks;
//! - `chain`: the agreement chain, one function per step;
//! - `delivery`: deliverable status, quarterly progress reports and the clock;
//! - `derived`: the generic indicators the plans and reports prove;
//! - `reads`: what a caller may read, lists and the commissioners' dashboard.

mod chain;
mod content;
mod delivery;
mod derived;
mod reads;

pub use chain::{
    agree_for_icb, record_board_agreement, return_for_icb, return_from_region, sign_off,
    start_version, submit,
};
pub use content::{
    Completeness, Content, DeliverablePlan, IndicatorTarget, MAX_DELIVERABLES,
    MAX_INDICATORS_PER_DELIVERABLE, MAX_OBJECTIVES, MAX_PRIORITIES, ObjectivePlan, Priority,
    PriorityLevel, Resources, completeness, draft, priorities, resources, revise,
};
pub(crate) use content::{TEAM, require_network_role};
pub use delivery::{
    DeliverableSnapshot, IndicatorSnapshot, ProgressSnapshot, TickReport, past_due,
    record_progress, report_due_on, submit_progress_report, tick,
};
pub use derived::derivation_source;
pub(crate) use derived::rederive;
pub use reads::{
    Dashboard, DashboardRow, IcbAgreement, Reach, SIGNED_OFF, dashboard, find_visible, list, reach,
    readable, required_agreements,
};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use entities::enums::WorkplanStatus;
use entities::{icb_succession, workplan};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::events::{Event, WorkplanChange, WorkplanChangeKind};
use crate::org_map::OrgSnapshot;
use crate::service::audit::{Change, Subject};
use crate::service::unit_of_work::UnitOfWork;

/// A financial year, 1 April to 31 March, by the calendar year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// Reads `2026/27`.
    pub fn parse(text: &str) -> AppResult<Self> {
        let bad = || {
            AppError::bad_input(format!(
                "\"{text}\" is not a financial year; write it as 2026/27 (1 April 2026 to 31 March 2027)."
            ))
        };
        let (start, end) = text.trim().split_once('/').ok_or_else(bad)?;
        let start: i32 = start.parse().map_err(|_| bad())?;
        let end: i32 = end.parse().map_err(|_| bad())?;
        if !(2000..=2999).contains(&start)
            || end != (start + 1) % 100
            || start.to_string().len() != 4
        {
            return Err(bad());
        }
        Ok(FinancialYear(start))
    }

    /// The year `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        FinancialYear(if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// The last day of quarter 1-4 (June, September, December, March); callers check the
    /// quarter, and anything past 3 is the fourth.
    pub fn quarter_end(self, quarter: i32) -> NaiveDate {
        let (year, month, day) = match quarter {
            1 => (self.0, 6, 30),
            2 => (self.0, 9, 30),
            3 => (self.0, 12, 31),
            _ => (self.0 + 1, 3, 31),
        };
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MAX)
    }

    pub fn label(self) -> String {
        format!("{}/{:02}", self.0, (self.0 + 1) % 100)
    }
}

/// A plan's name for people and the audit log: `WESSEX 2026/27 v2`.
pub fn title(plan: &workplan::Model) -> String {
    format!(
        "{} {} v{}",
        plan.network_code,
        FinancialYear(plan.financial_year).label(),
        plan.version_no
    )
}

/// The ICB codes frozen at submission.
pub fn frozen_icbs(plan: &workplan::Model) -> AppResult<Vec<String>> {
    serde_json::from_value(plan.frozen_icbs.clone()).map_err(AppError::internal)
}

/// Who is alive on a date, which ICBs each network serves then, and who succeeded whom: enough
/// to say which ICBs must agree a plan.
#[derive(Debug, Default, Clone)]
pub struct Successions {
    pub alive: BTreeSet<String>,
    /// Each network's footprint on the date.
    pub footprints: BTreeMap<String, BTreeSet<String>>,
    pub successors: BTreeMap<String, Vec<String>>,
}

impl Successions {
    /// From the organisation map of a date and every succession on record.
    pub fn new(map: &OrgSnapshot, successors: BTreeMap<String, Vec<String>>) -> Self {
        let mut footprints: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (network, icb) in &map.footprints {
            footprints
                .entry(network.clone())
                .or_default()
                .insert(icb.clone());
        }
        Successions {
            alive: map.icbs.iter().map(|(icb, _)| icb.clone()).collect(),
            footprints,
            successors,
        }
    }

    /// Every succession on record, by predecessor: one statement.
    pub async fn successors(db: &impl ConnectionTrait) -> AppResult<BTreeMap<String, Vec<String>>> {
        let mut successors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for s in icb_succession::Entity::find().all(db).await? {
            successors
                .entry(s.predecessor_code)
                .or_default()
                .push(s.successor_code);
        }
        Ok(successors)
    }

    /// One statement beside the (cached) map of the date.
    pub async fn load(db: &impl ConnectionTrait, map: &OrgSnapshot) -> AppResult<Self> {
        Ok(Successions::new(map, Self::successors(db).await?))
    }

    /// The ICBs that must agree `network`'s plan (specification §5.1: "agreed with all ICBs
    /// within the network's geography"): each frozen ICB that agreed, or that is alive and still
    /// in the footprint; in place of one that closed before agreeing, its successors, by the same
    /// rule (followed through further closures). An ICB that left the footprint, or a successor
    /// outside it, no longer serves the network's population and drops out. A closed ICB with no
    /// successor on record stays, so the gap shows instead of silently passing.
    pub fn required(
        &self,
        network: &str,
        frozen: &[String],
        agreed: &BTreeSet<String>,
    ) -> BTreeSet<String> {
        let empty = BTreeSet::new();
        let footprint = self.footprints.get(network).unwrap_or(&empty);
        let mut required = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut pending: Vec<String> = frozen.to_vec();
        while let Some(icb) = pending.pop() {
            if !seen.insert(icb.clone()) {
                continue;
            }
            if agreed.contains(&icb) {
                required.insert(icb);
            } else if self.alive.contains(&icb) {
                if footprint.contains(&icb) {
                    required.insert(icb);
                }
            } else {
                match self.successors.get(&icb) {
                    Some(next) if !next.is_empty() => pending.extend(next.iter().cloned()),
                    _ => {
                        required.insert(icb);
                    }
                }
            }
        }
        required
    }
}

/// Takes the plan's row for this change at the version the caller saw: later writers of the
/// same plan wait for this one and then find the version moved (`CONFLICT`). `bump` moves the
/// version; an ICB's agreement that is not the last leaves it, so agreements by two ICBs at
/// once both count.
async fn hold(
    work: &UnitOfWork<'_>,
    plan: &workplan::Model,
    expected_version: i32,
    bump: bool,
) -> AppResult<workplan::Model> {
    let stale = || {
        AppError::conflict(format!(
            "{} changed since you loaded it (it is at version {}, status {}, not version \
             {expected_version}); reload it and decide again.",
            title(plan),
            plan.version,
            status_label(plan.status)
        ))
    };
    if plan.version != expected_version {
        return Err(stale());
    }
    let mut update = workplan::Entity::update_many()
        .col_expr(workplan::Column::UpdatedAt, Expr::value(work.now))
        .filter(workplan::Column::Id.eq(plan.id))
        .filter(workplan::Column::Version.eq(expected_version));
    if bump {
        update = update.col_expr(
            workplan::Column::Version,
            Expr::col(workplan::Column::Version).add(1),
        );
    }
    if update.exec(work.db()).await?.rows_affected != 1 {
        return Err(stale());
    }
    workplan::Entity::find_by_id(plan.id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("workplan", &plan.id.to_string()))
}

pub fn status_label(status: WorkplanStatus) -> &'static str {
    match status {
        WorkplanStatus::Draft => "DRAFT",
        WorkplanStatus::BoardAgreed => "BOARD_AGREED",
        WorkplanStatus::Submitted => "SUBMITTED",
        WorkplanStatus::AgreedByIcbs => "AGREED_BY_ICBS",
        WorkplanStatus::InDelivery => "IN_DELIVERY",
        WorkplanStatus::Superseded => "SUPERSEDED",
    }
}

/// Audits a change to a plan and announces it; the event names no person.
pub(crate) async fn record(
    work: &mut UnitOfWork<'_>,
    actor: &Viewer,
    action: &str,
    plan: &workplan::Model,
    change: WorkplanChange,
    reason: &str,
) -> AppResult<()> {
    let key = title(plan);
    work.audit(
        actor,
        Change {
            action,
            subject: Subject::Workplan,
            key: &key,
            before: None,
            after: Some(serde_json::json!({
                "workplanId": plan.id,
                "status": status_label(plan.status),
                "version": plan.version,
                "icb": change.icb_code,
                "deliverable": change.deliverable_reference,
                "quarter": change.quarter,
            })),
            reason,
        },
    )
    .await?;
    work.publish(Event::WorkplanChanged(change)).await
}

/// The event for `kind` on `plan`.
pub(crate) fn change(
    work: &UnitOfWork<'_>,
    kind: WorkplanChangeKind,
    plan: &workplan::Model,
) -> WorkplanChange {
    WorkplanChange {
        kind,
        network_code: plan.network_code.clone(),
        financial_year: plan.financial_year,
        workplan_id: Some(plan.id),
        version_no: Some(plan.version_no),
        status: Some(plan.status),
        icb_code: None,
        deliverable_reference: None,
        quarter: None,
        annual_report_id: None,
        at: work.now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_years_read_and_print_as_2026_27() {
        let year = FinancialYear::parse("2026/27").unwrap();
        assert_eq!(year, FinancialYear(2026));
        assert_eq!(year.label(), "2026/27");
        assert_eq!(
            FinancialYear::parse("1999/00").unwrap_err().code(),
            crate::error::ErrorCode::BadUserInput
        );
        assert_eq!(FinancialYear::parse("2099/00").unwrap().label(), "2099/00");
        for bad in ["2026", "2026/28", "26/27", "2026/2027", "x/y"] {
            assert!(FinancialYear::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            FinancialYear::of(NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()),
            year
        );
        assert_eq!(
            FinancialYear::of(NaiveDate::from_ymd_opt(2027, 4, 1).unwrap()),
            FinancialYear(2027)
        );
        assert_eq!(
            year.quarter_end(4),
            NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()
        );
    }

    #[test]
    fn a_closed_icb_that_had_not_agreed_is_replaced_by_its_successors_in_the_footprint() {
        let s = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<BTreeSet<_>>();
        let successions = Successions {
            alive: s(&["QWE", "S9B9J", "S0E4D", "QRL"]),
            footprints: BTreeMap::from([
                ("SWLSS".to_owned(), s(&["QWE", "S9B9J"])),
                ("TV".to_owned(), s(&["S0E4D"])),
            ]),
            successors: BTreeMap::from([
                ("QXU".to_owned(), vec!["S9B9J".to_owned()]),
                ("QNX".to_owned(), vec!["S9B9J".to_owned()]),
                (
                    "QNQ".to_owned(),
                    vec!["S0E4D".to_owned(), "S9B9J".to_owned(), "QRL".to_owned()],
                ),
            ]),
        };
        let frozen = ["QWE", "QXU", "QNX"].map(String::from);
        assert_eq!(
            successions.required("SWLSS", &frozen, &s(&[])),
            s(&["QWE", "S9B9J"])
        );
        // One that agreed before it closed keeps its agreement.
        assert_eq!(
            successions.required("SWLSS", &frozen, &s(&["QXU"])),
            s(&["QWE", "QXU", "S9B9J"])
        );
        // Frimley's population went to three ICBs; only Thames Valley serves this network.
        assert_eq!(
            successions.required("TV", &["QNQ".to_owned()], &s(&[])),
            s(&["S0E4D"])
        );
        // An ICB still alive but no longer in the footprint drops out.
        assert_eq!(
            successions.required("TV", &["QRL".to_owned()], &s(&[])),
            s(&[])
        );
        // Closed with no successor: it stays, so the gap shows.
        assert_eq!(
            successions.required("SWLSS", &["QZZ".to_owned()], &s(&[])),
            s(&["QZZ"])
        );
    }
}
