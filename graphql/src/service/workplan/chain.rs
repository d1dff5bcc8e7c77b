//! The agreement chain of a workplan version (Spinal Services Clinical Network Specification
//! §4.4: "The network board will agree an annual workplan with its commissioners"; §5.1: "A
//! single network plan and deliverables should be agreed with all ICBs within the network's
//! geography and signed off by the region"):
//!
//! | step | who | from | to |
//! |---|---|---|---|
//! | board agreement | the network's `NETWORK_CHAIR`, citing the meeting | DRAFT | BOARD_AGREED |
//! | submission (freezes the ICBs that must agree) | the network's `NETWORK_CLINICAL_LEAD` | BOARD_AGREED | SUBMITTED |
//! | an ICB agrees | `ICB_COMMISSIONER` of an ICB that must agree | SUBMITTED | SUBMITTED, AGREED_BY_ICBS after the last |
//! | an ICB returns it (voids the agreements) | the same | SUBMITTED | DRAFT |
//! | sign-off (the version in force is superseded) | `REGIONAL_LEAD` of the network's lead region | AGREED_BY_ICBS | IN_DELIVERY |
//! | the region returns it | the same | AGREED_BY_ICBS | DRAFT |
//! | a new version (in-year change) | the network team | IN_DELIVERY | a new DRAFT beside it |
//!
//! Each step checks the caller's role, then takes the plan at the version the caller saw (a
//! stale view is a `CONFLICT`, whatever moved it), then checks the step starts from the plan's
//! status; it is recorded as a decision (who, when, what it rests on), audited and announced.

use std::collections::BTreeSet;

use entities::enums::{WorkplanDecisionKind, WorkplanStatus};
use entities::{workplan, workplan_decision};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::content::{TEAM, require_network_role};
use super::{FinancialYear, Successions, change, frozen_icbs, hold, record, status_label, title};
use crate::auth::scope::Scope;
use crate::auth::{GrantScope, Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::WorkplanChangeKind;
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::state::AppState;

fn wrong_status(plan: &workplan::Model, to_do: &str, needs: &str) -> AppError {
    AppError::bad_input(format!(
        "{} is {}: it cannot {to_do} until {needs}.",
        title(plan),
        status_label(plan.status)
    ))
}

fn required_text(text: &str, what: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_input(format!(
            "{what}; it is kept with the decision."
        )));
    }
    Ok(text.to_owned())
}

/// One step of the chain, to be recorded as a decision.
struct Step<'a> {
    round: i32,
    kind: WorkplanDecisionKind,
    icb: Option<&'a str>,
    /// The meeting or committee decision it rests on.
    citation: Option<String>,
    comments: Option<String>,
}

async fn decide(
    work: &UnitOfWork<'_>,
    viewer: &Viewer,
    plan: &workplan::Model,
    step: Step<'_>,
) -> AppResult<()> {
    let Step {
        round,
        kind,
        icb,
        citation,
        comments,
    } = step;
    workplan_decision::Entity::insert(workplan_decision::ActiveModel {
        id: NotSet,
        workplan_id: Set(plan.id),
        round: Set(round),
        kind: Set(kind),
        icb_code: Set(icb.map(str::to_owned)),
        citation: Set(citation),
        comments: Set(comments),
        decided_by_sub: Set(viewer.sub.clone()),
        decided_by_name: Set(viewer.name.clone()),
        decided_at: Set(work.now),
    })
    .exec(work.db())
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            format!(
                "{} already decided on {} in this submission.",
                icb.unwrap_or("This ICB"),
                title(plan)
            )
        })
    })?;
    Ok(())
}

/// Writes the plan's status (and anything else in `active`); `hold` moved its version already.
async fn set(
    work: &UnitOfWork<'_>,
    mut active: workplan::ActiveModel,
) -> AppResult<workplan::Model> {
    active.updated_at = Set(work.now);
    Ok(workplan::Entity::update(active).exec(work.db()).await?)
}

/// The network board agreed the draft (the chair confirms, citing the meeting).
pub async fn record_board_agreement(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    meeting: &str,
) -> AppResult<workplan::Model> {
    let meeting = required_text(meeting, "Cite the board meeting that agreed the plan")?;
    let mut work = UnitOfWork::begin(state).await?;
    let plan = super::find_visible(work.db(), scope, id).await?;
    require_network_role(
        viewer,
        &[Role::NetworkChair],
        &plan.network_code,
        "record its board's agreement of the workplan",
    )?;
    // "The chair should not be the network clinical lead" (Spinal Services Clinical Network
    // Specification §5.2): one person holding both grants does not confirm the board's
    // agreement of a plan they will submit.
    if viewer.holds(
        Role::NetworkClinicalLead,
        &GrantScope::Network(plan.network_code.clone()),
    ) {
        return Err(AppError::forbidden(format!(
            "You also hold NETWORK_CLINICAL_LEAD for {}; the chair should not be the network clinical lead, so another chair records the board's agreement.",
            plan.network_code
        )));
    }
    let plan = hold(&work, &plan, expected_version, true).await?;
    if plan.status != WorkplanStatus::Draft {
        return Err(wrong_status(
            &plan,
            "be agreed by the board",
            "it is a draft again",
        ));
    }
    decide(
        &work,
        viewer,
        &plan,
        Step {
            round: plan.submission_round + 1,
            kind: WorkplanDecisionKind::BoardAgreed,
            icb: None,
            citation: Some(meeting.clone()),
            comments: None,
        },
    )
    .await?;
    let plan = set(
        &work,
        workplan::ActiveModel {
            id: Set(plan.id),
            status: Set(WorkplanStatus::BoardAgreed),
            ..Default::default()
        },
    )
    .await?;
    let event = change(&work, WorkplanChangeKind::BoardAgreed, &plan);
    record(
        &mut work,
        viewer,
        "WORKPLAN_BOARD_AGREED",
        &plan,
        event,
        &meeting,
    )
    .await?;
    work.commit().await?;
    Ok(plan)
}

/// The clinical lead submits the board-agreed plan to the commissioners: the ICBs that must
/// agree are frozen (the network's footprint today).
pub async fn submit(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
) -> AppResult<workplan::Model> {
    let mut work = UnitOfWork::begin(state).await?;
    let plan = super::find_visible(work.db(), scope, id).await?;
    require_network_role(
        viewer,
        &[Role::NetworkClinicalLead],
        &plan.network_code,
        "submit its workplan",
    )?;
    let plan = hold(&work, &plan, expected_version, true).await?;
    if plan.status != WorkplanStatus::BoardAgreed {
        return Err(wrong_status(
            &plan,
            "be submitted",
            "its NETWORK_CHAIR has recorded the board's agreement",
        ));
    }
    let map = state.org_map_on(work.today).await?;
    let footprint: Vec<String> = map
        .footprints
        .iter()
        .filter(|(n, _)| *n == plan.network_code)
        .map(|(_, icb)| icb.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if footprint.is_empty() {
        return Err(AppError::bad_input(format!(
            "{} has no ICB in its footprint on {}; no commissioner could agree the plan. Ask a national administrator to correct the footprint.",
            plan.network_code, work.today
        )));
    }
    let round = plan.submission_round + 1;
    decide(
        &work,
        viewer,
        &plan,
        Step {
            round,
            kind: WorkplanDecisionKind::Submitted,
            icb: None,
            citation: None,
            comments: None,
        },
    )
    .await?;
    let plan = set(
        &work,
        workplan::ActiveModel {
            id: Set(plan.id),
            status: Set(WorkplanStatus::Submitted),
            submission_round: Set(round),
            frozen_icbs: Set(serde_json::json!(footprint)),
            frozen_on: Set(Some(work.today)),
            returned_comments: Set(None),
            ..Default::default()
        },
    )
    .await?;
    let event = change(&work, WorkplanChangeKind::Submitted, &plan);
    record(
        &mut work,
        viewer,
        "WORKPLAN_SUBMITTED",
        &plan,
        event,
        &format!("submitted to {}", footprint.join(", ")),
    )
    .await?;
    work.commit().await?;
    Ok(plan)
}

/// Where the current submission stands: its decisions, the ICBs that agreed, and those that
/// must (as at today).
struct Round {
    decided: Vec<workplan_decision::Model>,
    agreed: BTreeSet<String>,
    required: BTreeSet<String>,
}

impl Round {
    async fn of(
        state: &AppState,
        work: &UnitOfWork<'_>,
        plan: &workplan::Model,
    ) -> AppResult<Round> {
        let decided = decisions_of_round(work, plan).await?;
        let agreed: BTreeSet<String> = decided
            .iter()
            .filter(|d| d.kind == WorkplanDecisionKind::IcbAgreed)
            .filter_map(|d| d.icb_code.clone())
            .collect();
        let map = state.org_map_on(work.today).await?;
        let required = Successions::load(work.db(), &map).await?.required(
            &plan.network_code,
            &frozen_icbs(plan)?,
            &agreed,
        );
        Ok(Round {
            decided,
            agreed,
            required,
        })
    }

    fn settled(&self) -> bool {
        self.required.is_subset(&self.agreed)
    }
}

/// Checks that `icb` may decide on the submitted plan: it must agree, and has not decided in
/// this submission. (The caller checked the role.)
async fn icb_may_decide(
    state: &AppState,
    work: &UnitOfWork<'_>,
    plan: &workplan::Model,
    icb: &str,
) -> AppResult<Round> {
    if plan.status != WorkplanStatus::Submitted {
        return Err(wrong_status(
            plan,
            "be agreed or returned by an ICB",
            "it is submitted again",
        ));
    }
    let round = Round::of(state, work, plan).await?;
    if let Some(earlier) = round
        .decided
        .iter()
        .find(|d| d.icb_code.as_deref() == Some(icb))
    {
        return Err(AppError::bad_input(format!(
            "{icb} already {} {} in this submission, on {}.",
            if earlier.kind == WorkplanDecisionKind::IcbAgreed {
                "agreed"
            } else {
                "returned"
            },
            title(plan),
            earlier.decided_at.date_naive()
        )));
    }
    if !round.required.contains(icb) {
        return Err(AppError::forbidden(format!(
            "{icb} is not among the ICBs that must agree {} ({}).",
            title(plan),
            round
                .required
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(round)
}

fn require_commissioner(viewer: &Viewer, icb: &str) -> AppResult<()> {
    if viewer.holds(Role::IcbCommissioner, &GrantScope::Icb(icb.to_owned())) {
        return Ok(());
    }
    Err(AppError::forbidden(format!(
        "Only an ICB_COMMISSIONER of {icb} may decide on the plan for {icb}."
    )))
}

async fn decisions_of_round(
    work: &UnitOfWork<'_>,
    plan: &workplan::Model,
) -> AppResult<Vec<workplan_decision::Model>> {
    Ok(workplan_decision::Entity::find()
        .filter(workplan_decision::Column::WorkplanId.eq(plan.id))
        .filter(workplan_decision::Column::Round.eq(plan.submission_round))
        .order_by_asc(workplan_decision::Column::Id)
        .all(work.db())
        .await?)
}

/// An ICB's commissioner agrees the submitted plan for that ICB, optionally citing a joint
/// strategic commissioning committee decision (§4.4 "usually through the joint strategic
/// commissioning committee"). The last agreement makes it AGREED_BY_ICBS.
pub async fn agree_for_icb(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    icb: &str,
    committee_decision: Option<&str>,
) -> AppResult<workplan::Model> {
    let icb = icb.trim();
    let committee_decision = committee_decision
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let mut work = UnitOfWork::begin(state).await?;
    let plan = super::find_visible(work.db(), scope, id).await?;
    require_commissioner(viewer, icb)?;
    // Waits for any other decision on this plan, then decides against what that committed.
    let plan = hold(&work, &plan, expected_version, false).await?;
    let mut round = icb_may_decide(state, &work, &plan, icb).await?;
    decide(
        &work,
        viewer,
        &plan,
        Step {
            round: plan.submission_round,
            kind: WorkplanDecisionKind::IcbAgreed,
            icb: Some(icb),
            citation: committee_decision.clone(),
            comments: None,
        },
    )
    .await?;
    round.agreed.insert(icb.to_owned());
    let last = round.settled();
    let plan = if last {
        set(
            &work,
            workplan::ActiveModel {
                id: Set(plan.id),
                status: Set(WorkplanStatus::AgreedByIcbs),
                version: Set(plan.version + 1),
                ..Default::default()
            },
        )
        .await?
    } else {
        plan
    };
    let mut event = change(&work, WorkplanChangeKind::IcbAgreed, &plan);
    event.icb_code = Some(icb.to_owned());
    let reason = committee_decision.unwrap_or_else(|| format!("agreed for {icb}"));
    record(
        &mut work,
        viewer,
        "WORKPLAN_AGREED_BY_ICB",
        &plan,
        event,
        &reason,
    )
    .await?;
    if last {
        super::rederive(
            &mut work,
            &plan.network_code,
            FinancialYear(plan.financial_year),
        )
        .await?;
    }
    work.commit().await?;
    Ok(plan)
}

/// An ICB's commissioner returns the submitted plan with comments: the agreements of this
/// submission are void and the plan is a draft again.
pub async fn return_for_icb(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    icb: &str,
    comments: &str,
) -> AppResult<workplan::Model> {
    let icb = icb.trim();
    let comments = required_text(comments, "Say why the plan is returned (comments)")?;
    let mut work = UnitOfWork::begin(state).await?;
    let plan = super::find_visible(work.db(), scope, id).await?;
    require_commissioner(viewer, icb)?;
    let plan = hold(&work, &plan, expected_version, true).await?;
    icb_may_decide(state, &work, &plan, icb).await?;
    decide(
        &work,
        viewer,
        &plan,
        Step {
            round: plan.submission_round,
            kind: WorkplanDecisionKind::IcbReturned,
            icb: Some(icb),
            citation: None,
            comments: Some(comments.clone()),
        },
    )
    .await?;
    let plan = set(
        &work,
        workplan::ActiveModel {
            id: Set(plan.id),
            status: Set(WorkplanStatus::Draft),
            returned_comments: Set(Some(format!("{icb}: {comments}"))),
            ..Default::default()
        },
    )
    .await?;
    let mut event = change(&work, WorkplanChangeKind::IcbReturned, &plan);
    event.icb_code = Some(icb.to_owned());
    record(
        &mut work,
        viewer,
        "WORKPLAN_RETURNED_BY_ICB",
        &plan,
        event,
        &comments,
    )
    .await?;
    work.commit().await?;
    Ok(plan)
}

/// Refused unless the viewer is a regional lead of the network's lead region.
fn require_lead_region(
    viewer: &Viewer,
    plan: &workplan::Model,
    lead_region: &str,
    to_do: &str,
) -> AppResult<()> {
    if viewer.holds(
        Role::RegionalLead,
        &GrantScope::Region(lead_region.to_owned()),
    ) {
        return Ok(());
    }
    Err(AppError::forbidden(format!(
        "Only a REGIONAL_LEAD of {lead_region}, the lead region of {}, may {to_do} {}.",
        plan.network_code,
        title(plan)
    )))
}

async fn lead_region_of(
    state: &AppState,
    work: &UnitOfWork<'_>,
    network: &str,
) -> AppResult<String> {
    let map = state.org_map_on(work.today).await?;
    map.networks
        .iter()
        .find(|(n, _)| n == network)
        .map(|(_, r)| r.clone())
        .ok_or_else(|| AppError::not_found("network", network))
}

/// The lead region signs off a plan every ICB agreed: it is in force, and the version it
/// replaces is superseded; deliverables carried over keep their latest status.
pub async fn sign_off(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    note: Option<&str>,
) -> AppResult<workplan::Model> {
    let mut work = UnitOfWork::begin(state).await?;
    let plan = super::find_visible(work.db(), scope, id).await?;
    let region = lead_region_of(state, &work, &plan.network_code).await?;
    require_lead_region(viewer, &plan, &region, "sign off")?;
    let plan = hold(&work, &plan, expected_version, true).await?;
    // A plan whose last required ICB dropped out (it closed and its successor had agreed, or it
    // left the footprint) is agreed by all even though no agreement moved it on.
    let settled = plan.status == WorkplanStatus::AgreedByIcbs
        || (plan.status == WorkplanStatus::Submitted
            && Round::of(state, &work, &plan).await?.settled());
    if !settled {
        return Err(wrong_status(
            &plan,
            "be signed off",
            "every ICB that must agree has agreed",
        ));
    }
    let note = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    decide(
        &work,
        viewer,
        &plan,
        Step {
            round: plan.submission_round,
            kind: WorkplanDecisionKind::RegionSignedOff,
            icb: None,
            citation: note.clone(),
            comments: None,
        },
    )
    .await?;
    let in_force = workplan::Entity::find()
        .filter(workplan::Column::NetworkCode.eq(plan.network_code.as_str()))
        .filter(workplan::Column::FinancialYear.eq(plan.financial_year))
        .filter(workplan::Column::Status.eq(WorkplanStatus::InDelivery))
        .one(work.db())
        .await?;
    if let Some(old) = &in_force {
        // Superseding first takes the old plan's row, so progress recorded on it either
        // committed before (and is carried over) or finds it no longer in force.
        workplan::Entity::update_many()
            .col_expr(
                workplan::Column::Status,
                Expr::value(WorkplanStatus::Superseded),
            )
            .col_expr(
                workplan::Column::Version,
                Expr::col(workplan::Column::Version).add(1),
            )
            .col_expr(workplan::Column::UpdatedAt, Expr::value(work.now))
            .filter(workplan::Column::Id.eq(old.id))
            .exec(work.db())
            .await?;
        super::delivery::carry_statuses(&work, old, &plan).await?;
    }
    let plan = set(
        &work,
        workplan::ActiveModel {
            id: Set(plan.id),
            status: Set(WorkplanStatus::InDelivery),
            open_slot: Set(None),
            ..Default::default()
        },
    )
    .await?;
    let event = change(&work, WorkplanChangeKind::SignedOff, &plan);
    let reason = note.unwrap_or_else(|| format!("signed off for {region}"));
    record(
        &mut work,
        viewer,
        "WORKPLAN_SIGNED_OFF",
        &plan,
        event,
        &reason,
    )
    .await?;
    super::rederive(
        &mut work,
        &plan.network_code,
        FinancialYear(plan.financial_year),
    )
    .await?;
    work.commit().await?;
    Ok(plan)
}

/// The lead region returns a plan every ICB agreed: it is a draft again, and goes through the
/// whole chain once more.
pub async fn return_from_region(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    comments: &str,
) -> AppResult<workplan::Model> {
    let comments = required_text(comments, "Say why the plan is returned (comments)")?;
    let mut work = UnitOfWork::begin(state).await?;
    let plan = super::find_visible(work.db(), scope, id).await?;
    let region = lead_region_of(state, &work, &plan.network_code).await?;
    require_lead_region(viewer, &plan, &region, "return")?;
    let plan = hold(&work, &plan, expected_version, true).await?;
    let settled = plan.status == WorkplanStatus::AgreedByIcbs
        || (plan.status == WorkplanStatus::Submitted
            && Round::of(state, &work, &plan).await?.settled());
    if !settled {
        return Err(wrong_status(
            &plan,
            "be returned by the region",
            "every ICB that must agree has agreed",
        ));
    }
    decide(
        &work,
        viewer,
        &plan,
        Step {
            round: plan.submission_round,
            kind: WorkplanDecisionKind::RegionReturned,
            icb: None,
            citation: None,
            comments: Some(comments.clone()),
        },
    )
    .await?;
    let plan = set(
        &work,
        workplan::ActiveModel {
            id: Set(plan.id),
            status: Set(WorkplanStatus::Draft),
            returned_comments: Set(Some(format!("{region}: {comments}"))),
            ..Default::default()
        },
    )
    .await?;
    let event = change(&work, WorkplanChangeKind::RegionReturned, &plan);
    record(
        &mut work,
        viewer,
        "WORKPLAN_RETURNED_BY_REGION",
        &plan,
        event,
        &comments,
    )
    .await?;
    super::rederive(
        &mut work,
        &plan.network_code,
        FinancialYear(plan.financial_year),
    )
    .await?;
    work.commit().await?;
    Ok(plan)
}

/// An in-year change: a new draft version copied from the plan in force, which stays in force
/// until the new version is signed off.
pub async fn start_version(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    reason: &str,
) -> AppResult<workplan::Model> {
    let reason = crate::service::require_reason(reason)?;
    let mut work = UnitOfWork::begin(state).await?;
    let current = super::find_visible(work.db(), scope, id).await?;
    require_network_role(
        viewer,
        &TEAM,
        &current.network_code,
        "start a new version of its workplan",
    )?;
    let current = hold(&work, &current, expected_version, false).await?;
    if current.status != WorkplanStatus::InDelivery {
        return Err(wrong_status(
            &current,
            "take a new version",
            "it is signed off and in force",
        ));
    }
    let latest = workplan::Entity::find()
        .filter(workplan::Column::NetworkCode.eq(current.network_code.as_str()))
        .filter(workplan::Column::FinancialYear.eq(current.financial_year))
        .order_by_desc(workplan::Column::VersionNo)
        .one(work.db())
        .await?
        .unwrap_or_else(|| current.clone());
    if latest.open_slot.is_some() {
        return Err(AppError::conflict(format!(
            "{} is already being prepared ({}); revise it instead of starting another.",
            title(&latest),
            status_label(latest.status)
        )));
    }
    let (content, statuses) = super::content::read(work.db(), &current).await?;
    let plan = super::content::insert_draft(
        &work,
        viewer,
        super::content::Draft {
            network: &current.network_code,
            year: FinancialYear(current.financial_year),
            version_no: latest.version_no + 1,
            content: &content,
            statuses: &statuses,
            supersedes: Some((current.id, &reason)),
        },
        || {
            format!(
                "A new version of {} was started by someone else just now; reload it.",
                title(&current)
            )
        },
    )
    .await?;
    let event = change(&work, WorkplanChangeKind::NewVersion, &plan);
    record(
        &mut work,
        viewer,
        "WORKPLAN_VERSION_STARTED",
        &plan,
        event,
        &reason,
    )
    .await?;
    work.commit().await?;
    Ok(plan)
}
