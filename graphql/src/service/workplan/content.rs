//! What a plan says, and writing it: a network team drafts a version and revises it until it is
//! submitted; after that only a new version changes it (Spinal Services Clinical Network
//! Specification §4.4: "reflect national, regional and local priorities, taking account of the
//! resources available … describe its expected deliverables and benefits"; §7 item 3: "metrics
//! and indicators for each element").

use std::collections::{BTreeSet, HashMap};

use entities::enums::{Brag, NetworkFunction, WorkplanStatus};
use entities::{
    indicator, workplan, workplan_deliverable, workplan_deliverable_indicator, workplan_objective,
};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::{FinancialYear, change, hold, record, status_label, title};
use crate::auth::scope::Scope;
use crate::auth::{GrantScope, Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::WorkplanChangeKind;
use crate::service::filled_in;
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::state::AppState;

/// Most objectives and deliverables in one plan, and indicators on one deliverable: a plan is a
/// page of work, not a database.
pub const MAX_OBJECTIVES: usize = 50;
pub const MAX_DELIVERABLES: usize = 100;
pub const MAX_INDICATORS_PER_DELIVERABLE: usize = 10;
pub const MAX_PRIORITIES: usize = 50;

/// The network team writes plans.
pub(crate) const TEAM: [Role; 2] = [Role::NetworkManager, Role::NetworkClinicalLead];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PriorityLevel {
    National,
    Regional,
    Local,
}

/// A priority the plan reflects, and where it comes from (a national programme, the region's
/// plan, a local needs analysis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Priority {
    pub level: PriorityLevel,
    pub text: String,
    pub source: String,
}

/// The resources available to deliver the plan (§6 "Resources").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    pub funding_gbp: Option<f64>,
    pub team_wte: Option<f64>,
    pub analytical_support: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTarget {
    pub code: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeliverablePlan {
    /// Stable across versions (`D1`, `QI-2`); given one when left out.
    pub reference: Option<String>,
    pub title: String,
    pub expected_benefits: String,
    pub owner: String,
    pub due_on: chrono::NaiveDate,
    pub quality_improvement: bool,
    pub indicators: Vec<IndicatorTarget>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectivePlan {
    pub function: NetworkFunction,
    pub title: String,
    pub deliverables: Vec<DeliverablePlan>,
}

/// Everything a version of a plan says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Content {
    pub priorities: Vec<Priority>,
    pub resources: Resources,
    pub objectives: Vec<ObjectivePlan>,
}

/// The priorities a version states.
pub fn priorities(plan: &workplan::Model) -> Vec<Priority> {
    serde_json::from_value(plan.priorities.clone()).unwrap_or_default()
}

/// The resources a version states.
pub fn resources(plan: &workplan::Model) -> Resources {
    serde_json::from_value(plan.resources.clone()).unwrap_or_default()
}

/// What a plan still lacks. Reported, not enforced: the board decides whether to agree it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completeness {
    pub code: &'static str,
    pub message: String,
    pub deliverable_reference: Option<String>,
}

/// The gaps in a plan's rows.
pub fn completeness(
    objectives: &[workplan_objective::Model],
    deliverables: &[workplan_deliverable::Model],
    linked: &[workplan_deliverable_indicator::Model],
) -> Vec<Completeness> {
    let mut gaps = Vec::new();
    let with_indicators: BTreeSet<i32> = linked.iter().map(|l| l.deliverable_id).collect();
    if deliverables.is_empty() {
        gaps.push(Completeness {
            code: "NO_DELIVERABLES",
            message: "The plan has no deliverables (§4.4: it \"will describe its expected deliverables and benefits\").".into(),
            deliverable_reference: None,
        });
    }
    for d in deliverables {
        if !with_indicators.contains(&d.id) {
            gaps.push(Completeness {
                code: "DELIVERABLE_WITHOUT_INDICATOR",
                message: format!("{} \"{}\" has no indicator to show its progress (§7: \"metrics and indicators for each element\").", d.reference, d.title),
                deliverable_reference: Some(d.reference.clone()),
            });
        }
        if d.expected_benefits.trim().is_empty() {
            gaps.push(Completeness {
                code: "DELIVERABLE_WITHOUT_BENEFITS",
                message: format!(
                    "{} \"{}\" states no expected benefits.",
                    d.reference, d.title
                ),
                deliverable_reference: Some(d.reference.clone()),
            });
        }
    }
    if !deliverables.is_empty() && !deliverables.iter().any(|d| d.quality_improvement) {
        gaps.push(Completeness {
            code: "NO_QUALITY_IMPROVEMENT",
            message: "No deliverable is a quality-improvement initiative (§7.1: \"at least one quality improvement initiative\").".into(),
            deliverable_reference: None,
        });
    }
    for o in objectives {
        if !deliverables.iter().any(|d| d.objective_id == o.id) {
            gaps.push(Completeness {
                code: "FUNCTION_WITHOUT_DELIVERABLE",
                message: format!(
                    "The objective \"{}\" under {:?} has no deliverable.",
                    o.title, o.function
                ),
                deliverable_reference: None,
            });
        }
    }
    gaps
}

/// Refused unless the viewer holds one of `roles` for `network`.
pub(crate) fn require_network_role(
    viewer: &Viewer,
    roles: &[Role],
    network: &str,
    to_do: &str,
) -> AppResult<()> {
    let scope = GrantScope::Network(network.to_owned());
    if roles.iter().any(|r| viewer.holds(*r, &scope)) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Err(AppError::forbidden(format!(
        "Only {network}'s {} may {to_do}.",
        names.join(" or ")
    )))
}

/// Starts version 1 of a network's plan for a year.
pub async fn draft(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    network: &str,
    year: FinancialYear,
    content: Content,
) -> AppResult<workplan::Model> {
    let network = network.trim();
    if !scope.governance.contains(network) {
        return Err(AppError::not_found("network", network));
    }
    require_network_role(viewer, &TEAM, network, "draft its workplan")?;
    let mut work = UnitOfWork::begin(state).await?;
    let current = FinancialYear::of(work.today);
    if year < current || year.0 > current.0 + 1 {
        return Err(AppError::bad_input(format!(
            "A workplan is drafted for the current financial year ({}) or the next ({}), not {}.",
            current.label(),
            FinancialYear(current.0 + 1).label(),
            year.label()
        )));
    }
    let catalogue = catalogue_for(work.db(), network).await?;
    let content = checked(content, year, &catalogue)?;
    if let Some(existing) = workplan::Entity::find()
        .filter(workplan::Column::NetworkCode.eq(network))
        .filter(workplan::Column::FinancialYear.eq(year.0))
        .order_by_desc(workplan::Column::VersionNo)
        .one(work.db())
        .await?
    {
        return Err(AppError::conflict(format!(
            "{network} already has a workplan for {} ({}, {}): revise that draft, or start a new version of the plan in force.",
            year.label(),
            title(&existing),
            status_label(existing.status)
        )));
    }
    let plan = insert_draft(
        &work,
        viewer,
        Draft {
            network,
            year,
            version_no: 1,
            content: &content,
            statuses: &HashMap::new(),
            supersedes: None,
        },
        || {
            format!(
                "{network}'s workplan for {} was drafted by someone else just now; reload it.",
                year.label()
            )
        },
    )
    .await?;
    let event = change(&work, WorkplanChangeKind::DraftCreated, &plan);
    record(
        &mut work,
        viewer,
        "WORKPLAN_DRAFTED",
        &plan,
        event,
        "drafted",
    )
    .await?;
    super::rederive(&mut work, network, year).await?;
    work.commit().await?;
    Ok(plan)
}

/// A draft version to insert: version 1 of a year, or the next version of the plan in force
/// (`supersedes`: its id and the reason for the change).
pub(super) struct Draft<'a> {
    pub network: &'a str,
    pub year: FinancialYear,
    pub version_no: i32,
    pub content: &'a Content,
    /// Deliverable statuses by reference, carried from the plan in force.
    pub statuses: &'a HashMap<String, Brag>,
    pub supersedes: Option<(i32, &'a str)>,
}

/// Inserts a draft version and its content; `taken` words the conflict when another writer
/// inserted the same version first.
pub(super) async fn insert_draft(
    work: &UnitOfWork<'_>,
    viewer: &Viewer,
    draft: Draft<'_>,
    taken: impl FnOnce() -> String,
) -> AppResult<workplan::Model> {
    let Draft {
        network,
        year,
        version_no,
        content,
        statuses,
        supersedes,
    } = draft;
    let plan = workplan::Entity::insert(workplan::ActiveModel {
        id: NotSet,
        network_code: Set(network.to_owned()),
        financial_year: Set(year.0),
        version_no: Set(version_no),
        status: Set(WorkplanStatus::Draft),
        open_slot: Set(Some(1)),
        priorities: Set(serde_json::to_value(&content.priorities).map_err(AppError::internal)?),
        resources: Set(serde_json::to_value(&content.resources).map_err(AppError::internal)?),
        submission_round: Set(0),
        frozen_icbs: Set(serde_json::json!([])),
        frozen_on: Set(None),
        returned_comments: Set(None),
        supersedes_id: Set(supersedes.map(|(id, _)| id)),
        change_reason: Set(supersedes.map(|(_, reason)| reason.to_owned())),
        created_by_sub: Set(viewer.sub.clone()),
        created_at: Set(work.now),
        updated_at: Set(work.now),
        version: Set(1),
    })
    .exec_with_returning(work.db())
    .await
    .map_err(|e| conflict_if_taken(e, taken))?;
    write_rows(work.db(), &plan, content, statuses).await?;
    Ok(plan)
}

/// Replaces what a draft says. A board-agreed draft that changes goes back to draft: the board
/// agreed the words it saw.
pub async fn revise(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    content: Content,
) -> AppResult<workplan::Model> {
    let mut work = UnitOfWork::begin(state).await?;
    let plan = super::find_visible(work.db(), scope, id).await?;
    require_network_role(viewer, &TEAM, &plan.network_code, "revise its workplan")?;
    let plan = hold(&work, &plan, expected_version, true).await?;
    let board_agreed = plan.status == WorkplanStatus::BoardAgreed;
    if !matches!(
        plan.status,
        WorkplanStatus::Draft | WorkplanStatus::BoardAgreed
    ) {
        return Err(AppError::bad_input(format!(
            "{} is {}: nothing changes after submission except through a new version.",
            title(&plan),
            status_label(plan.status)
        )));
    }
    let year = FinancialYear(plan.financial_year);
    let catalogue = catalogue_for(work.db(), &plan.network_code).await?;
    let content = checked(content, year, &catalogue)?;
    delete_rows(work.db(), plan.id).await?;
    write_rows(work.db(), &plan, &content, &HashMap::new()).await?;
    let plan = workplan::Entity::update(workplan::ActiveModel {
        id: Set(plan.id),
        status: Set(WorkplanStatus::Draft),
        priorities: Set(serde_json::to_value(&content.priorities).map_err(AppError::internal)?),
        resources: Set(serde_json::to_value(&content.resources).map_err(AppError::internal)?),
        ..Default::default()
    })
    .exec(work.db())
    .await?;
    work.audit(
        viewer,
        crate::service::audit::Change {
            action: "WORKPLAN_REVISED",
            subject: crate::service::audit::Subject::Workplan,
            key: &title(&plan),
            before: None,
            after: Some(serde_json::json!({ "workplanId": plan.id, "version": plan.version })),
            reason: if board_agreed {
                "draft revised after the board agreed it: the board's agreement no longer stands"
            } else {
                "draft revised"
            },
        },
    )
    .await?;
    work.commit().await?;
    Ok(plan)
}

/// The content of a version, as written (to copy it into the next version).
pub(super) async fn read(
    db: &impl ConnectionTrait,
    plan: &workplan::Model,
) -> AppResult<(Content, HashMap<String, Brag>)> {
    let objectives = workplan_objective::Entity::find()
        .filter(workplan_objective::Column::WorkplanId.eq(plan.id))
        .order_by_asc(workplan_objective::Column::Position)
        .all(db)
        .await?;
    let deliverables = workplan_deliverable::Entity::find()
        .filter(workplan_deliverable::Column::WorkplanId.eq(plan.id))
        .order_by_asc(workplan_deliverable::Column::Id)
        .all(db)
        .await?;
    let linked = workplan_deliverable_indicator::Entity::find()
        .filter(
            workplan_deliverable_indicator::Column::DeliverableId
                .is_in(deliverables.iter().map(|d| d.id)),
        )
        .order_by_asc(workplan_deliverable_indicator::Column::Id)
        .all(db)
        .await?;
    let statuses = deliverables
        .iter()
        .map(|d| (d.reference.clone(), d.status))
        .collect();
    let content = Content {
        priorities: priorities(plan),
        resources: resources(plan),
        objectives: objectives
            .iter()
            .map(|o| ObjectivePlan {
                function: o.function,
                title: o.title.clone(),
                deliverables: deliverables
                    .iter()
                    .filter(|d| d.objective_id == o.id)
                    .map(|d| DeliverablePlan {
                        reference: Some(d.reference.clone()),
                        title: d.title.clone(),
                        expected_benefits: d.expected_benefits.clone(),
                        owner: d.owner.clone(),
                        due_on: d.due_on,
                        quality_improvement: d.quality_improvement,
                        indicators: linked
                            .iter()
                            .filter(|l| l.deliverable_id == d.id)
                            .map(|l| IndicatorTarget {
                                code: l.indicator_code.clone(),
                                baseline: l.baseline,
                                target: l.target,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok((content, statuses))
}

/// Writes a version's objectives, deliverables (each in `statuses` by reference, else GREEN)
/// and indicator links.
pub(super) async fn write_rows(
    db: &impl ConnectionTrait,
    plan: &workplan::Model,
    content: &Content,
    statuses: &HashMap<String, Brag>,
) -> AppResult<()> {
    let mut links = Vec::new();
    for (position, objective) in content.objectives.iter().enumerate() {
        let objective_id = workplan_objective::Entity::insert(workplan_objective::ActiveModel {
            id: NotSet,
            workplan_id: Set(plan.id),
            function: Set(objective.function),
            title: Set(objective.title.clone()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        })
        .exec(db)
        .await?
        .last_insert_id;
        for d in &objective.deliverables {
            let reference = d.reference.clone().unwrap_or_default();
            let deliverable_id =
                workplan_deliverable::Entity::insert(workplan_deliverable::ActiveModel {
                    id: NotSet,
                    workplan_id: Set(plan.id),
                    objective_id: Set(objective_id),
                    status: Set(statuses.get(&reference).copied().unwrap_or(Brag::Green)),
                    reference: Set(reference),
                    title: Set(d.title.clone()),
                    expected_benefits: Set(d.expected_benefits.clone()),
                    owner: Set(d.owner.clone()),
                    due_on: Set(d.due_on),
                    quality_improvement: Set(d.quality_improvement),
                    past_due_flagged: Set(false),
                    version: Set(1),
                })
                .exec(db)
                .await?
                .last_insert_id;
            links.extend(d.indicators.iter().map(|i| {
                workplan_deliverable_indicator::ActiveModel {
                    id: NotSet,
                    deliverable_id: Set(deliverable_id),
                    indicator_code: Set(i.code.clone()),
                    baseline: Set(i.baseline),
                    target: Set(i.target),
                }
            }));
        }
    }
    if !links.is_empty() {
        workplan_deliverable_indicator::Entity::insert_many(links)
            .exec(db)
            .await?;
    }
    Ok(())
}

async fn delete_rows(db: &impl ConnectionTrait, plan_id: i32) -> AppResult<()> {
    let deliverables: Vec<i32> = workplan_deliverable::Entity::find()
        .filter(workplan_deliverable::Column::WorkplanId.eq(plan_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    workplan_deliverable_indicator::Entity::delete_many()
        .filter(workplan_deliverable_indicator::Column::DeliverableId.is_in(deliverables))
        .exec(db)
        .await?;
    workplan_deliverable::Entity::delete_many()
        .filter(workplan_deliverable::Column::WorkplanId.eq(plan_id))
        .exec(db)
        .await?;
    workplan_objective::Entity::delete_many()
        .filter(workplan_objective::Column::WorkplanId.eq(plan_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The indicators a network's deliverables may name: national ones and its own local ones.
async fn catalogue_for(
    db: &impl ConnectionTrait,
    network: &str,
) -> AppResult<HashMap<String, indicator::Model>> {
    Ok(indicator::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|i| {
            i.network_code
                .as_deref()
                .is_none_or(|owner| owner == network)
        })
        .map(|i| (i.code.clone(), i))
        .collect())
}

fn finite(value: Option<f64>, what: &str) -> AppResult<()> {
    match value {
        Some(v) if !v.is_finite() || v < 0.0 => Err(AppError::bad_input(format!(
            "{what} must be a number of at least 0."
        ))),
        _ => Ok(()),
    }
}

/// Validates a plan's content and gives every deliverable a reference.
fn checked(
    mut content: Content,
    year: FinancialYear,
    catalogue: &HashMap<String, indicator::Model>,
) -> AppResult<Content> {
    if content.priorities.len() > MAX_PRIORITIES || content.objectives.len() > MAX_OBJECTIVES {
        return Err(AppError::bad_input(format!(
            "A plan holds at most {MAX_PRIORITIES} priorities and {MAX_OBJECTIVES} objectives."
        )));
    }
    for (i, p) in content.priorities.iter_mut().enumerate() {
        p.text = filled_in(&p.text, &format!("priorities[{i}].text"))?;
        p.source = filled_in(&p.source, &format!("priorities[{i}].source"))?;
    }
    finite(content.resources.funding_gbp, "resources.fundingGbp")?;
    finite(content.resources.team_wte, "resources.teamWte")?;
    let total: usize = content
        .objectives
        .iter()
        .map(|o| o.deliverables.len())
        .sum();
    if total > MAX_DELIVERABLES {
        return Err(AppError::bad_input(format!(
            "A plan holds at most {MAX_DELIVERABLES} deliverables; this one has {total}."
        )));
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (o, objective) in content.objectives.iter_mut().enumerate() {
        objective.title = filled_in(&objective.title, &format!("objectives[{o}].title"))?;
        for (d, deliverable) in objective.deliverables.iter_mut().enumerate() {
            let at = format!("objectives[{o}].deliverables[{d}]");
            deliverable.title = filled_in(&deliverable.title, &format!("{at}.title"))?;
            deliverable.owner = filled_in(&deliverable.owner, &format!("{at}.owner"))?;
            deliverable.expected_benefits = deliverable.expected_benefits.trim().to_owned();
            if deliverable.due_on < year.first_day() || deliverable.due_on > year.last_day() {
                return Err(AppError::bad_input(format!(
                    "{at}.dueOn {} is outside {} ({} to {}): a deliverable is due inside the plan's year.",
                    deliverable.due_on,
                    year.label(),
                    year.first_day(),
                    year.last_day()
                )));
            }
            if let Some(reference) = &mut deliverable.reference {
                *reference = reference.trim().to_owned();
                let well_formed = (1..=16).contains(&reference.len())
                    && reference
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
                if !well_formed {
                    return Err(AppError::bad_input(format!(
                        "{at}.reference \"{reference}\" must be 1 to 16 letters, digits, '-', '.' or '_'."
                    )));
                }
                if !taken.insert(reference.clone()) {
                    return Err(AppError::bad_input(format!(
                        "{at}.reference \"{reference}\" is used by another deliverable of the plan."
                    )));
                }
            }
            if deliverable.indicators.len() > MAX_INDICATORS_PER_DELIVERABLE {
                return Err(AppError::bad_input(format!(
                    "{at} links more than {MAX_INDICATORS_PER_DELIVERABLE} indicators."
                )));
            }
            let mut codes = BTreeSet::new();
            for (i, link) in deliverable.indicators.iter_mut().enumerate() {
                link.code = link.code.trim().to_owned();
                if !catalogue.contains_key(&link.code) {
                    return Err(AppError::bad_input(format!(
                        "{at}.indicators[{i}]: \"{}\" is neither a national indicator nor one of the network's local indicators; define a local one in the catalogue first.",
                        link.code
                    )));
                }
                if !codes.insert(link.code.clone()) {
                    return Err(AppError::bad_input(format!(
                        "{at}.indicators[{i}]: {} is linked twice.",
                        link.code
                    )));
                }
                if [link.baseline, link.target]
                    .iter()
                    .flatten()
                    .any(|v| !v.is_finite())
                {
                    return Err(AppError::bad_input(format!(
                        "{at}.indicators[{i}]: baseline and target must be numbers."
                    )));
                }
            }
        }
    }
    // References for deliverables that came without one: D1, D2, … skipping those taken.
    let mut next = 1;
    for deliverable in content
        .objectives
        .iter_mut()
        .flat_map(|o| o.deliverables.iter_mut())
    {
        if deliverable.reference.is_none() {
            while taken.contains(&format!("D{next}")) {
                next += 1;
            }
            let reference = format!("D{next}");
            taken.insert(reference.clone());
            deliverable.reference = Some(reference);
        }
    }
    Ok(content)
}
