//! The network's meetings as minuted: the board ("The board should meet on a regular basis",
//! Spinal Services Clinical Network Specification §5.2), the regional audit meeting (Regional
//! Spinal Networks: "the base of the network") and M&M reviews (§4.3: "reviews of operative
//! deaths, complications, return to theatre, negligence cases, duty of candour, serious
//! incidents and never events"). Declarations of interest are a standing item and decisions
//! carry their rationale (NHS Resolution, Guidance on the identification and management of
//! significant concerns, ¶28-29); no text may hold a patient identifier. Minutes are approved
//! by the chair at a later board meeting.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use entities::board_meeting;
use entities::enums::{MeetingKind, MmCategory};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use super::{announce, memberships_on, require_team, within_reach};
use crate::auth::scope::Scope;
use crate::auth::{GrantScope, Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::{GovernanceChange, GovernanceChangeKind};
use crate::service::unit_of_work::UnitOfWork;
use crate::service::{filled_in, free_of_patient_identifiers};
use crate::state::AppState;

/// Most entries in each list of a meeting's record.
pub const MAX_ENTRIES: usize = 100;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Declaration {
    pub name: String,
    pub interest: String,
    /// How the meeting handled it (e.g. "left the room for item 4").
    pub handling: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub decision: String,
    pub rationale: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub action: String,
    pub owner: String,
    pub due_on: NaiveDate,
}

/// An M&M review's count for one category, and the learning drawn.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub category: MmCategory,
    pub count: i32,
    pub learning: String,
}

pub struct NewMeeting {
    pub network: String,
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub title: String,
    pub attendees: Vec<String>,
    pub apologies: Vec<String>,
    pub declarations: Vec<Declaration>,
    pub decisions: Vec<Decision>,
    pub actions: Vec<Action>,
    /// For an M&M review: the member provider reviewed.
    pub provider: Option<String>,
    pub outcomes: Vec<Outcome>,
    pub risk_id: Option<i32>,
    pub case_reference: Option<String>,
}

fn bounded<T>(list: &[T], what: &str) -> AppResult<()> {
    if list.len() > MAX_ENTRIES {
        return Err(AppError::bad_input(format!(
            "{what} has {} entries; a meeting records at most {MAX_ENTRIES}.",
            list.len()
        )));
    }
    Ok(())
}

fn json<T: Serialize>(value: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(value).map_err(AppError::internal)
}

/// `text` filled in and free of patient identifiers, trimmed.
fn minuted(text: &str, what: &str) -> AppResult<String> {
    let text = filled_in(text, what)?;
    free_of_patient_identifiers(&text, what)?;
    Ok(text)
}

/// Records a meeting that was held, by the network team.
pub async fn record_meeting(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    new: NewMeeting,
) -> AppResult<board_meeting::Model> {
    let network = new.network.trim().to_owned();
    require_team(viewer, scope, &network, "record its meetings")?;
    let title = minuted(&new.title, "title")?;
    bounded(&new.attendees, "attendees")?;
    bounded(&new.apologies, "apologies")?;
    bounded(&new.declarations, "declarations")?;
    bounded(&new.decisions, "decisions")?;
    bounded(&new.actions, "actions")?;
    bounded(&new.outcomes, "outcomes")?;
    if new.attendees.is_empty() {
        return Err(AppError::bad_input(
            "Name who attended; a meeting has at least one attendee.",
        ));
    }
    let attendees = new
        .attendees
        .iter()
        .map(|a| minuted(a, "attendees"))
        .collect::<AppResult<Vec<_>>>()?;
    let apologies = new
        .apologies
        .iter()
        .map(|a| minuted(a, "apologies"))
        .collect::<AppResult<Vec<_>>>()?;
    let declarations = new
        .declarations
        .into_iter()
        .map(|d| {
            Ok(Declaration {
                name: minuted(&d.name, "declarations.name")?,
                interest: minuted(&d.interest, "declarations.interest")?,
                handling: minuted(&d.handling, "declarations.handling")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let decisions = new
        .decisions
        .into_iter()
        .map(|d| {
            Ok(Decision {
                decision: minuted(&d.decision, "decisions.decision")?,
                rationale: minuted(&d.rationale, "decisions.rationale")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let actions = new
        .actions
        .into_iter()
        .map(|a| {
            let action = minuted(&a.action, "actions.action")?;
            if a.due_on < new.held_on {
                return Err(AppError::bad_input(format!(
                    "Action \"{action}\" is due on {}, before the meeting.",
                    a.due_on
                )));
            }
            Ok(Action {
                action,
                owner: minuted(&a.owner, "actions.owner")?,
                due_on: a.due_on,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let is_review = new.kind == MeetingKind::MmReview;
    let provider = new
        .provider
        .map(|p| p.trim().to_uppercase())
        .filter(|p| !p.is_empty());
    if is_review != provider.is_some() || (!is_review && !new.outcomes.is_empty()) {
        return Err(AppError::bad_input(
            "An MM_REVIEW names the provider reviewed and its outcomes by category; other meetings take neither.",
        ));
    }
    let categories: BTreeSet<MmCategory> = new.outcomes.iter().map(|o| o.category).collect();
    if categories.len() != new.outcomes.len() {
        return Err(AppError::bad_input(
            "outcomes lists a category more than once; give one count per category.",
        ));
    }
    let outcomes = new
        .outcomes
        .into_iter()
        .map(|o| {
            if !(0..=100_000).contains(&o.count) {
                return Err(AppError::bad_input(format!(
                    "The count for {:?} is {}; give 0 to 100000.",
                    o.category, o.count
                )));
            }
            let learning = o.learning.trim().to_owned();
            free_of_patient_identifiers(&learning, "outcomes.learning")?;
            Ok(Outcome { learning, ..o })
        })
        .collect::<AppResult<Vec<_>>>()?;
    if is_review && outcomes.is_empty() {
        return Err(AppError::bad_input(
            "An MM_REVIEW records its outcomes: a count (0 when none) for each category reviewed.",
        ));
    }
    let case_reference = new
        .case_reference
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if let Some(reference) = &case_reference {
        free_of_patient_identifiers(reference, "caseReference")?;
        if reference.chars().count() > 16 {
            return Err(AppError::bad_input(
                "caseReference is longer than a case reference (16 characters, e.g. CFC-2026-0042).",
            ));
        }
    }

    let mut work = UnitOfWork::begin(state).await?;
    within_reach(new.held_on, work.today, "heldOn")?;
    if new.held_on > work.today {
        return Err(AppError::bad_input(format!(
            "heldOn {} is after today; record a meeting once it has been held.",
            new.held_on
        )));
    }
    if let Some(provider) = &provider {
        let members = memberships_on(work.db(), &network, new.held_on).await?;
        if !members.iter().any(|m| &m.provider_ods == provider) {
            return Err(AppError::bad_input(format!(
                "{provider} is not a member of {network} on {}; an M&M review is of a member provider.",
                new.held_on
            )));
        }
    }
    if let Some(risk_id) = new.risk_id {
        let risk = entities::risk::Entity::find_by_id(risk_id)
            .one(work.db())
            .await?;
        if risk.is_none_or(|r| r.network_code != network) {
            return Err(AppError::bad_input(format!(
                "{network} has no risk {risk_id}; link a risk of its own register."
            )));
        }
    }
    let meeting = board_meeting::Entity::insert(board_meeting::ActiveModel {
        id: NotSet,
        network_code: Set(network.clone()),
        kind: Set(new.kind),
        held_on: Set(new.held_on),
        title: Set(title),
        attendees: Set(json(&attendees)?),
        apologies: Set(json(&apologies)?),
        declarations: Set(json(&declarations)?),
        decisions: Set(json(&decisions)?),
        actions: Set(json(&actions)?),
        provider_ods: Set(provider.clone()),
        outcomes: Set(if is_review {
            Some(json(&outcomes)?)
        } else {
            None
        }),
        risk_id: Set(new.risk_id),
        case_reference: Set(case_reference),
        minutes_approved_at: Set(None),
        recorded_at: Set(work.now),
        version: Set(1),
    })
    .exec_with_returning(work.db())
    .await?;
    let now = work.now;
    announce(
        &mut work,
        viewer,
        "MEETING_HELD",
        &format!("{network} {:?} {}", meeting.kind, meeting.held_on),
        serde_json::json!({ "meetingId": meeting.id, "kind": meeting.kind, "heldOn": meeting.held_on, "provider": provider }),
        "meeting record",
        GovernanceChange {
            meeting_id: Some(meeting.id),
            party: provider,
            ..GovernanceChange::of(GovernanceChangeKind::MeetingHeld, &network, now)
        },
    )
    .await?;
    work.commit().await?;
    Ok(meeting)
}

/// The chair approves a meeting's minutes at a later board meeting.
pub async fn approve_minutes(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    at_meeting: i32,
    expected_version: i32,
) -> AppResult<board_meeting::Model> {
    let mut work = UnitOfWork::begin(state).await?;
    let meeting = board_meeting::Entity::find_by_id(id)
        .one(work.db())
        .await?
        .filter(|m| scope.governance.contains(&m.network_code))
        .ok_or_else(|| AppError::not_found("meeting", &id.to_string()))?;
    let network = meeting.network_code.clone();
    if !viewer.holds(Role::NetworkChair, &GrantScope::Network(network.clone())) {
        return Err(AppError::forbidden(format!(
            "Only {network}'s NETWORK_CHAIR approves its minutes."
        )));
    }
    // Takes the row at the version the caller saw: a stale view is a conflict.
    let taken = board_meeting::Entity::update_many()
        .col_expr(
            board_meeting::Column::Version,
            Expr::col(board_meeting::Column::Version).add(1),
        )
        .filter(board_meeting::Column::Id.eq(id))
        .filter(board_meeting::Column::Version.eq(expected_version))
        .exec(work.db())
        .await?;
    if taken.rows_affected != 1 {
        return Err(AppError::conflict(format!(
            "The meeting changed since version {expected_version}; read it again."
        )));
    }
    if meeting.minutes_approved_at.is_some() {
        return Err(AppError::bad_input("These minutes are approved already."));
    }
    let at = board_meeting::Entity::find_by_id(at_meeting)
        .one(work.db())
        .await?
        .filter(|m| m.network_code == network)
        .ok_or_else(|| {
            AppError::bad_input(format!(
                "{network} has no meeting {at_meeting}; approve minutes at one of its own board meetings."
            ))
        })?;
    if at.kind != MeetingKind::Board || at.held_on <= meeting.held_on {
        return Err(AppError::bad_input(format!(
            "Minutes are approved at a later board meeting; meeting {at_meeting} is a {:?} held on {}, the minutes are of {}.",
            at.kind, at.held_on, meeting.held_on
        )));
    }
    let meeting = board_meeting::Entity::update(board_meeting::ActiveModel {
        id: Set(id),
        minutes_approved_at: Set(Some(at_meeting)),
        ..Default::default()
    })
    .exec(work.db())
    .await?;
    let now = work.now;
    announce(
        &mut work,
        viewer,
        "MINUTES_APPROVED",
        &format!("{network} {:?} {}", meeting.kind, meeting.held_on),
        serde_json::json!({ "meetingId": id, "approvedAt": at_meeting }),
        "minutes approved",
        GovernanceChange {
            meeting_id: Some(id),
            ..GovernanceChange::of(GovernanceChangeKind::MinutesApproved, &network, now)
        },
    )
    .await?;
    work.commit().await?;
    Ok(meeting)
}
