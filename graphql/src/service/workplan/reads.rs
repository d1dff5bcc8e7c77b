//! Who reads which plan, lists, and the commissioners' dashboard. Callers who reach a network's
//! governance (its team, footprint ICBs, regions led in or reaching into it, national roles,
//! scoped integrations) read every version; its member providers' roles read the signed-off
//! ones; anyone else finds nothing.

use std::collections::{BTreeMap, BTreeSet};

use entities::enums::{Brag, WorkplanDecisionKind, WorkplanStatus};
use entities::{workplan, workplan_decision, workplan_deliverable, workplan_progress_report};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::delivery::{past_due, reports_overdue};
use super::{FinancialYear, Successions, frozen_icbs};
use crate::auth::scope::Scope;
use crate::error::{AppError, AppResult};
use crate::org_map::OrgSnapshot;

/// How far a caller reaches into a network's plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every version, in every state.
    Governance,
    /// The signed-off versions only.
    Member,
}

/// Signed off: in force, or in force until a later version replaced it.
pub const SIGNED_OFF: [WorkplanStatus; 2] =
    [WorkplanStatus::InDelivery, WorkplanStatus::Superseded];

pub fn reach(scope: &Scope, network: &str) -> Option<Reach> {
    if scope.governance.contains(network) {
        Some(Reach::Governance)
    } else if scope.networks.contains(network) {
        Some(Reach::Member)
    } else {
        None
    }
}

pub fn readable(scope: &Scope, plan: &workplan::Model) -> bool {
    match reach(scope, &plan.network_code) {
        Some(Reach::Governance) => true,
        Some(Reach::Member) => SIGNED_OFF.contains(&plan.status),
        None => false,
    }
}

/// The plan, if the caller may read it; otherwise not found (its existence is not told).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
) -> AppResult<workplan::Model> {
    workplan::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|plan| readable(scope, plan))
        .ok_or_else(|| AppError::not_found("workplan", &id.to_string()))
}

/// The same reach as a SQL condition on `workplans`; `None` when the caller reads no plan.
fn condition(scope: &Scope) -> Option<Condition> {
    let members: Vec<&String> = scope.networks.difference(&scope.governance).collect();
    if scope.governance.is_empty() && members.is_empty() {
        return None;
    }
    let mut reach = Condition::any();
    if !scope.governance.is_empty() {
        reach = reach.add(workplan::Column::NetworkCode.is_in(scope.governance.iter()));
    }
    if !members.is_empty() {
        reach = reach.add(
            Condition::all()
                .add(workplan::Column::NetworkCode.is_in(members))
                .add(workplan::Column::Status.is_in(SIGNED_OFF)),
        );
    }
    Some(reach)
}

/// The versions the caller reads, optionally of one network and one year, newest year first.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    network: Option<&str>,
    year: Option<FinancialYear>,
) -> AppResult<Vec<workplan::Model>> {
    let Some(reach) = condition(scope) else {
        return Ok(Vec::new());
    };
    let mut query = workplan::Entity::find().filter(reach);
    if let Some(network) = network {
        query = query.filter(workplan::Column::NetworkCode.eq(network.trim()));
    }
    if let Some(year) = year {
        query = query.filter(workplan::Column::FinancialYear.eq(year.0));
    }
    Ok(query
        .order_by_desc(workplan::Column::FinancialYear)
        .order_by_asc(workplan::Column::NetworkCode)
        .order_by_asc(workplan::Column::VersionNo)
        .all(db)
        .await?)
}

/// An ICB that must agree a submitted plan, and its decision in this submission.
#[derive(Debug, Clone)]
pub struct IcbAgreement {
    pub icb_code: String,
    pub decision: Option<workplan_decision::Model>,
}

/// The ICBs that must agree `plan` in its current submission, with what each decided; none
/// while it is a draft (a return voided the last submission's agreements).
pub fn required_agreements(
    plan: &workplan::Model,
    decisions: &[workplan_decision::Model],
    successions: &Successions,
) -> AppResult<Vec<IcbAgreement>> {
    if plan.submission_round == 0
        || matches!(
            plan.status,
            WorkplanStatus::Draft | WorkplanStatus::BoardAgreed
        )
    {
        return Ok(Vec::new());
    }
    let current: Vec<&workplan_decision::Model> = decisions
        .iter()
        .filter(|d| d.round == plan.submission_round && d.icb_code.is_some())
        .collect();
    let agreed: BTreeSet<String> = current
        .iter()
        .filter(|d| d.kind == WorkplanDecisionKind::IcbAgreed)
        .filter_map(|d| d.icb_code.clone())
        .collect();
    Ok(successions
        .required(&plan.network_code, &frozen_icbs(plan)?, &agreed)
        .into_iter()
        .map(|icb| IcbAgreement {
            decision: current
                .iter()
                .find(|d| d.icb_code.as_deref() == Some(icb.as_str()))
                .map(|d| (*d).clone()),
            icb_code: icb,
        })
        .collect())
}

/// One network's line on the dashboard.
#[derive(Debug, Clone)]
pub struct DashboardRow {
    pub network_code: String,
    /// The signed-off version in force.
    pub in_force: Option<workplan::Model>,
    /// The version being drafted or agreed, if any.
    pub open: Option<workplan::Model>,
    /// Of the open version's current submission: ICBs that must agree, and have.
    pub icbs_required: usize,
    pub icbs_agreed: usize,
    /// Deliverables of the plan in force (else the open one) by status.
    pub by_status: BTreeMap<Brag, usize>,
    pub deliverables_past_due: usize,
    pub progress_reports_overdue: Vec<i32>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub year: FinancialYear,
    pub rows: Vec<DashboardRow>,
}

/// For every network whose governance the caller reaches: the year's plan status, agreements,
/// deliverables by BRAG and what is overdue, as at the map's date. Five statements, whatever
/// the number of networks, plans or deliverables.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    scope: &Scope,
    map: &OrgSnapshot,
    year: FinancialYear,
) -> AppResult<Dashboard> {
    let today = map.date;
    let networks: Vec<&String> = scope.governance.iter().collect();
    if networks.is_empty() {
        return Ok(Dashboard {
            year,
            rows: Vec::new(),
        });
    }
    let plans = workplan::Entity::find()
        .filter(workplan::Column::NetworkCode.is_in(networks.iter().copied()))
        .filter(workplan::Column::FinancialYear.eq(year.0))
        .filter(workplan::Column::Status.ne(WorkplanStatus::Superseded))
        .all(db)
        .await?;
    let in_force: BTreeMap<&str, &workplan::Model> = plans
        .iter()
        .filter(|p| p.status == WorkplanStatus::InDelivery)
        .map(|p| (p.network_code.as_str(), p))
        .collect();
    let open: BTreeMap<&str, &workplan::Model> = plans
        .iter()
        .filter(|p| p.open_slot.is_some())
        .map(|p| (p.network_code.as_str(), p))
        .collect();
    let shown: Vec<i32> = networks
        .iter()
        .filter_map(|n| in_force.get(n.as_str()).or_else(|| open.get(n.as_str())))
        .map(|p| p.id)
        .collect();
    let deliverables = workplan_deliverable::Entity::find()
        .filter(workplan_deliverable::Column::WorkplanId.is_in(shown))
        .all(db)
        .await?;
    let decisions = workplan_decision::Entity::find()
        .filter(workplan_decision::Column::WorkplanId.is_in(open.values().map(|p| p.id)))
        .all(db)
        .await?;
    // Which quarters were reported, not the reports: each holds a snapshot of its plan (5 KB
    // of JSON for 20 deliverables), which parsing for every dashboard cost more than the rest.
    let reported: Vec<(String, i32)> = workplan_progress_report::Entity::find()
        .select_only()
        .columns([
            workplan_progress_report::Column::NetworkCode,
            workplan_progress_report::Column::Quarter,
        ])
        .filter(workplan_progress_report::Column::NetworkCode.is_in(networks.iter().copied()))
        .filter(workplan_progress_report::Column::FinancialYear.eq(year.0))
        .into_tuple()
        .all(db)
        .await?;
    let successions = Successions::load(db, map).await?;
    let mut rows = Vec::with_capacity(networks.len());
    for network in networks {
        let network = network.as_str();
        let in_force = in_force.get(network).map(|p| (*p).clone());
        let open = open.get(network).map(|p| (*p).clone());
        let shown = in_force.as_ref().or(open.as_ref());
        let mut by_status = BTreeMap::new();
        let mut deliverables_past_due = 0;
        for d in deliverables
            .iter()
            .filter(|d| shown.is_some_and(|p| p.id == d.workplan_id))
        {
            *by_status.entry(d.status).or_insert(0) += 1;
            if past_due(d, today) {
                deliverables_past_due += 1;
            }
        }
        let (icbs_required, icbs_agreed) = match &open {
            Some(plan) => {
                let mine: Vec<workplan_decision::Model> = decisions
                    .iter()
                    .filter(|d| d.workplan_id == plan.id)
                    .cloned()
                    .collect();
                let agreements = required_agreements(plan, &mine, &successions)?;
                let agreed = agreements
                    .iter()
                    .filter(|a| {
                        a.decision
                            .as_ref()
                            .is_some_and(|d| d.kind == WorkplanDecisionKind::IcbAgreed)
                    })
                    .count();
                (agreements.len(), agreed)
            }
            None => (0, 0),
        };
        let submitted: BTreeSet<i32> = reported
            .iter()
            .filter(|(reporter, _)| reporter == network)
            .map(|(_, quarter)| *quarter)
            .collect();
        rows.push(DashboardRow {
            network_code: network.to_owned(),
            progress_reports_overdue: if in_force.is_some() {
                reports_overdue(year, &submitted, today)
            } else {
                Vec::new()
            },
            in_force,
            open,
            icbs_required,
            icbs_agreed,
            by_status,
            deliverables_past_due,
        });
    }
    Ok(Dashboard { year, rows })
}
