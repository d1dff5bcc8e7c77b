//! Governance around a case: conflicts of interest, the urgent route, agreed actions (NHS
//! Resolution, *Guidance on the identification and management of significant concerns*).

use super::*;

/// Declares the caller's conflict of interest on a case (NHS Resolution's significant-concerns
/// guidance §28): from now on they cannot take decisions on it.
pub async fn declare_conflict(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    statement: &str,
) -> AppResult<case::Model> {
    let statement = required_text("statement", statement, 4000)?;
    let case = find_visible(state, caller, reference).await?;
    let already = || {
        format!(
            "You have already declared a conflict of interest on {}.",
            case.reference
        )
    };
    let work = UnitOfWork::begin(state).await?;
    let exists = case_conflict::Entity::find_by_id((case.id, caller.viewer.sub.clone()))
        .one(work.db())
        .await?;
    if exists.is_some() {
        return Err(AppError::conflict(already()));
    }
    case_conflict::ActiveModel {
        case_id: Set(case.id),
        user_sub: Set(caller.viewer.sub.clone()),
        user_name: Set(caller.viewer.name.clone()),
        statement: Set(statement.clone()),
        declared_at: Set(work.now),
    }
    .insert(work.db())
    .await
    .map_err(|e| conflict_if_taken(e, already))?;
    append_history(
        work.db(),
        &case,
        &caller.viewer.into(),
        work.now,
        "CONFLICT_DECLARED",
        case.stage,
        Some(statement),
        None,
    )
    .await?;
    work.commit().await?;
    Ok(case)
}

/// Marks a case urgent with a nominated lead (NHS Resolution's significant-concerns guidance, annex
/// E), or clears it.
pub async fn set_urgent(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    urgent: bool,
    lead: Option<(String, String, Option<String>)>,
    rationale: &str,
) -> AppResult<case::Model> {
    caller.viewer.require_any(
        &[Role::RegistryAnalyst, Role::HqipAssociateDirector],
        "mark a case urgent",
    )?;
    let rationale = required_text("rationale", rationale, 4000)?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    if work.case.step == CaseStep::Closed {
        return Err(AppError::bad_input(format!(
            "{} is closed.",
            work.case.reference
        )));
    }
    work.case.urgent = urgent;
    if urgent {
        let (sub, name, email) = lead.ok_or_else(|| {
            AppError::bad_input("An urgent case needs a nominated lead (leadSub and leadName).")
        })?;
        let name = required_text("leadName", &name, 200)?;
        work.case.lead_sub = Some(required_text("leadSub", &sub, 200)?);
        work.case.lead_name = Some(name);
        work.case.lead_email = email;
    }
    work.commit(
        if urgent {
            "MARKED_URGENT"
        } else {
            "URGENCY_CLEARED"
        },
        Some(rationale),
        None,
    )
    .await
}

/// The project's allocated HQIP Associate Director for a case (BSR Cause for Concern Policy,
/// January 2026, Tables 1-2, stage 1: "Contact the project's allocated Associate Director at
/// HQIP … HQIP AD to be kept apprised"): who agrees the next steps, and where the notices go.
/// The registry allocates one to an open case that has none; reallocating is a NATIONAL_ADMIN's,
/// and either way the reason is recorded.
pub async fn allocate_associate_director(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    director: (String, String, String),
    reason: &str,
) -> AppResult<case::Model> {
    caller.viewer.require_any(
        &[
            Role::RegistryAnalyst,
            Role::RegistryClinicalLead,
            Role::NationalAdmin,
        ],
        "allocate a case's HQIP Associate Director",
    )?;
    let reason = required_text("reason", reason, 4000)?;
    let (sub, name, email) = director;
    let sub = required_text("associateDirectorSub", &sub, 200)?;
    let name = required_text("associateDirectorName", &name, 200)?;
    let email = email.trim().to_owned();
    if !crate::service::provider::plausible_email(&email) {
        return Err(AppError::bad_input(format!(
            "\"{email}\" is not an email address (expected name@organisation.org.uk)."
        )));
    }
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    if work.case.step == CaseStep::Closed {
        return Err(AppError::bad_input(format!(
            "{} is closed.",
            work.case.reference
        )));
    }
    let reallocating = work.case.associate_director_sub.is_some();
    if reallocating && !caller.viewer.has_role(Role::NationalAdmin) {
        return Err(AppError::forbidden(format!(
            "{} already has an allocated HQIP Associate Director; only a NATIONAL_ADMIN \
             reallocates it.",
            work.case.reference
        )));
    }
    work.forbid_conflicted().await?;
    work.case.associate_director_sub = Some(sub);
    work.case.associate_director_name = Some(name);
    work.case.associate_director_email = Some(email);
    // A newly allocated AD of a case waiting for next steps is asked for them in turn.
    if reallocating && work.case.step == CaseStep::AwaitingNextSteps {
        work.letters_for(
            1,
            "NEXT_STEPS_REQUESTED",
            "The registry's examination found a case to answer, and the case is now allocated to \
             you. Please discuss the nature of the concern with the registry and agree the next \
             steps in the portal."
                .into(),
        )?;
    }
    work.commit(
        if reallocating {
            "ASSOCIATE_DIRECTOR_REALLOCATED"
        } else {
            "ASSOCIATE_DIRECTOR_ALLOCATED"
        },
        Some(reason),
        None,
    )
    .await
}

/// Adds an agreed action to a case (registry and HQIP).
pub async fn add_action(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    description: &str,
    owner_name: &str,
    due_on: NaiveDate,
) -> AppResult<case_action::Model> {
    caller.viewer.require_any(
        &[
            Role::RegistryAnalyst,
            Role::RegistryClinicalLead,
            Role::HqipAssociateDirector,
        ],
        "agree actions on a case",
    )?;
    let description = required_text("description", description, 2000)?;
    let owner_name = required_text("ownerName", owner_name, 200)?;
    let case = find_visible(state, caller, reference).await?;
    if due_on < state.clock.today() {
        return Err(AppError::bad_input(format!(
            "The action's due date {due_on} has passed; give a date from today."
        )));
    }
    let work = UnitOfWork::begin(state).await?;
    let action = case_action::ActiveModel {
        id: NotSet,
        case_id: Set(case.id),
        description: Set(description.clone()),
        owner_name: Set(owner_name),
        due_on: Set(due_on),
        updates: Set(json!([])),
        closing_confirmation: Set(None),
        closed_at: Set(None),
        created_at: Set(work.now),
    }
    .insert(work.db())
    .await?;
    append_history(
        work.db(),
        &case,
        &caller.viewer.into(),
        work.now,
        "ACTION_AGREED",
        case.stage,
        Some(description),
        Some(json!({ "actionId": action.id, "dueOn": due_on })),
    )
    .await?;
    work.commit().await?;
    Ok(action)
}

/// A progress update on an agreed action, or (with `closing`) its closing confirmation.
pub async fn update_action(
    state: &AppState,
    caller: &Caller<'_>,
    action_id: i32,
    note: &str,
    closing: bool,
) -> AppResult<case_action::Model> {
    caller.viewer.require_any(
        &[
            Role::RegistryAnalyst,
            Role::RegistryClinicalLead,
            Role::HqipAssociateDirector,
        ],
        "update actions on a case",
    )?;
    let note = required_text("note", note, 2000)?;
    let work = UnitOfWork::begin(state).await?;
    let action = case_action::Entity::find_by_id(action_id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("case action", &action_id.to_string()))?;
    let case = case::Entity::find_by_id(action.case_id)
        .one(work.db())
        .await?
        .filter(|c| access(caller.scope, c).is_some())
        .ok_or_else(|| AppError::not_found("case action", &action_id.to_string()))?;
    if action.closed_at.is_some() {
        return Err(AppError::bad_input(format!(
            "Action {action_id} is closed; agree a new action instead."
        )));
    }
    let now = work.now;
    let mut updates = action.updates.as_array().cloned().unwrap_or_default();
    updates.push(json!({ "at": now, "by": caller.viewer.name, "note": note }));
    let mut active = action.into_active_model();
    active.updates = Set(Value::Array(updates));
    if closing {
        active.closing_confirmation = Set(Some(note.clone()));
        active.closed_at = Set(Some(now));
    }
    let saved = active.update(work.db()).await?;
    append_history(
        work.db(),
        &case,
        &caller.viewer.into(),
        now,
        if closing {
            "ACTION_CLOSED"
        } else {
            "ACTION_UPDATED"
        },
        case.stage,
        Some(note),
        Some(json!({ "actionId": action_id })),
    )
    .await?;
    work.commit().await?;
    Ok(saved)
}
