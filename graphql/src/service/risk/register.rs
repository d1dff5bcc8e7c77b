//! The network team's changes to its register: raising a risk, re-scoring it, reviews,
//! mitigating actions and closing it.

use super::*;

/// A risk as raised.
pub struct NewRisk {
    pub network: String,
    pub kind: RiskKind,
    pub title: String,
    pub cause: String,
    pub effect: String,
    /// For a service risk: the provider (a member) or ICB (of the footprint) accountable.
    pub accountable: Option<(Party, String)>,
    pub owner: String,
    pub likelihood: i32,
    pub consequence: i32,
    pub target_score: i32,
    pub controls: String,
    pub review_on: NaiveDate,
    pub quality_concern: bool,
    pub deliverable_id: Option<i32>,
    pub case_reference: Option<String>,
}

/// The network team raises a risk on its register.
pub async fn raise(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    new: NewRisk,
) -> AppResult<risk::Model> {
    let network = new.network.trim().to_owned();
    if !scope.governance.contains(&network) {
        return Err(AppError::not_found("network", &network));
    }
    require_network_role(viewer, &TEAM, &network, "raise a risk on its register")?;
    on_the_scale(new.likelihood, "likelihood")?;
    on_the_scale(new.consequence, "consequence")?;
    if !(1..=25).contains(&new.target_score) {
        return Err(AppError::bad_input(format!(
            "targetScore is {}; a score on the 5×5 matrix is 1 to 25.",
            new.target_score
        )));
    }
    let title = filled_in(&new.title, "title")?;
    let owner = filled_in(&new.owner, "owner")?;
    let map = state.org_map_today().await?;
    let (accountable_kind, accountable_code) = match (new.kind, new.accountable) {
        (RiskKind::Delivery, None) => (Party::Network, network.clone()),
        (RiskKind::Delivery, Some(_)) => {
            return Err(AppError::bad_input(
                "A delivery risk is the network's own; leave accountable out (a risk in a provider's service or a pathway is a SERVICE risk).",
            ));
        }
        (RiskKind::Service, Some((Party::Provider, code))) => {
            let code = code.trim().to_owned();
            if !map
                .memberships
                .iter()
                .any(|(n, p)| *n == network && *p == code)
            {
                return Err(AppError::bad_input(format!(
                    "{code} is not a member provider of {network} today."
                )));
            }
            (Party::Provider, code)
        }
        (RiskKind::Service, Some((Party::Icb, code))) => {
            let code = code.trim().to_owned();
            if !map
                .footprints
                .iter()
                .any(|(n, i)| *n == network && *i == code)
            {
                return Err(AppError::bad_input(format!(
                    "{code} is not an ICB of {network}'s footprint today."
                )));
            }
            (Party::Icb, code)
        }
        (RiskKind::Service, _) => {
            return Err(AppError::bad_input(
                "A service risk names who stays accountable: a member provider or a footprint ICB (specification §4.3).",
            ));
        }
    };
    let work = UnitOfWork::begin(state).await?;
    if let Some(id) = new.deliverable_id {
        let belongs = entities::workplan_deliverable::Entity::find_by_id(id)
            .one(work.db())
            .await?
            .map(|d| d.workplan_id);
        let plan = match belongs {
            Some(plan) => {
                entities::workplan::Entity::find_by_id(plan)
                    .one(work.db())
                    .await?
            }
            None => None,
        };
        if plan.is_none_or(|p| p.network_code != network) {
            return Err(AppError::bad_input(format!(
                "deliverableId {id} is not a deliverable of one of {network}'s workplans."
            )));
        }
    }
    let year = work.today.year();
    let last: Option<i32> = risk::Entity::find()
        .select_only()
        .column_as(risk::Column::Seq.max(), "seq")
        .filter(risk::Column::NetworkCode.eq(network.as_str()))
        .filter(risk::Column::Year.eq(year))
        .into_tuple()
        .one(work.db())
        .await?
        .flatten();
    let seq = last.unwrap_or(0) + 1;
    let now = work.now;
    let r = risk::Entity::insert(risk::ActiveModel {
        id: NotSet,
        reference: Set(format!("{network}-R-{year}-{seq:04}")),
        network_code: Set(network.clone()),
        year: Set(year),
        seq: Set(seq),
        kind: Set(new.kind),
        title: Set(title),
        cause: Set(new.cause.trim().to_owned()),
        effect: Set(new.effect.trim().to_owned()),
        accountable_kind: Set(accountable_kind),
        accountable_code: Set(accountable_code),
        owner: Set(owner),
        likelihood: Set(new.likelihood),
        consequence: Set(new.consequence),
        target_score: Set(new.target_score),
        controls: Set(new.controls.trim().to_owned()),
        review_on: Set(new.review_on),
        quality_concern: Set(new.quality_concern),
        deliverable_id: Set(new.deliverable_id),
        case_reference: Set(new
            .case_reference
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())),
        status: Set(RiskStatus::Open),
        closed_at: Set(None),
        raised_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec_with_returning(work.db())
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            format!("Another risk of {network} was raised at the same moment; send it again.")
        })
    })?;
    Work { work, risk: r }
        .finish(
            viewer,
            "RISK_RAISED",
            None,
            None,
            Some(RiskChangeKind::Raised),
            None,
        )
        .await
}

/// A new score, with why; the old one stays in the history.
pub async fn rescore(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    (likelihood, consequence): (i32, i32),
    rationale: &str,
) -> AppResult<risk::Model> {
    on_the_scale(likelihood, "likelihood")?;
    on_the_scale(consequence, "consequence")?;
    let rationale = filled_in(rationale, "rationale")?;
    let mut w = Work::begin(
        state,
        viewer,
        scope,
        id,
        expected_version,
        "re-score its risks",
    )
    .await?;
    let before = band(score(w.risk.likelihood, w.risk.consequence));
    w.risk = risk::Entity::update(risk::ActiveModel {
        id: Set(w.risk.id),
        likelihood: Set(likelihood),
        consequence: Set(consequence),
        ..Default::default()
    })
    .exec(w.work.db())
    .await?;
    let after = band(score(likelihood, consequence));
    let kind = (before != after).then_some(RiskChangeKind::Rescored);
    w.finish(viewer, "RISK_RESCORED", Some(&rationale), None, kind, None)
        .await
}

/// A review of a risk: the controls as they now stand (unchanged when `None`), the next review
/// date, and what the review found.
pub struct Review<'a> {
    pub controls: Option<&'a str>,
    pub next_review_on: NaiveDate,
    pub note: &'a str,
}

/// Records a review.
pub async fn review(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    review: Review<'_>,
) -> AppResult<risk::Model> {
    let Review {
        controls,
        next_review_on,
        note,
    } = review;
    let note = filled_in(note, "note")?;
    let mut w = Work::begin(
        state,
        viewer,
        scope,
        id,
        expected_version,
        "review its risks",
    )
    .await?;
    if next_review_on <= w.work.today {
        return Err(AppError::bad_input(format!(
            "nextReviewOn {next_review_on} is not after today ({}).",
            w.work.today
        )));
    }
    let mut active = risk::ActiveModel {
        id: Set(w.risk.id),
        review_on: Set(next_review_on),
        ..Default::default()
    };
    if let Some(controls) = controls {
        active.controls = Set(controls.trim().to_owned());
    }
    w.risk = risk::Entity::update(active).exec(w.work.db()).await?;
    w.finish(
        viewer,
        "RISK_REVIEWED",
        Some(&note),
        Some(json!({ "nextReviewOn": next_review_on })),
        None,
        None,
    )
    .await
}

/// A mitigating action as added.
pub struct NewAction<'a> {
    pub description: &'a str,
    pub owner: &'a str,
    pub due_on: NaiveDate,
}

/// Adds a mitigating action to a risk.
pub async fn add_action(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    action: NewAction<'_>,
) -> AppResult<risk::Model> {
    let description = filled_in(action.description, "description")?;
    let owner = filled_in(action.owner, "owner")?;
    let due_on = action.due_on;
    let w = Work::begin(
        state,
        viewer,
        scope,
        id,
        expected_version,
        "add actions to its risks",
    )
    .await?;
    let action = risk_action::Entity::insert(risk_action::ActiveModel {
        id: NotSet,
        risk_id: Set(w.risk.id),
        description: Set(description),
        owner: Set(owner),
        due_on: Set(due_on),
        progress: Set(None),
        completed_at: Set(None),
        confirmation: Set(None),
        version: Set(1),
    })
    .exec(w.work.db())
    .await?
    .last_insert_id;
    w.finish(
        viewer,
        "RISK_ACTION_ADDED",
        None,
        Some(json!({ "actionId": action, "dueOn": due_on })),
        None,
        None,
    )
    .await
}

/// Progress on an action, or its completion with the confirmation that closes it.
pub async fn update_action(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    action_id: i32,
    expected_version: i32,
    progress: Option<&str>,
    completion: Option<&str>,
) -> AppResult<risk::Model> {
    if progress.is_none() && completion.is_none() {
        return Err(AppError::bad_input(
            "Give the action's progress, or its completion and what confirmed it.",
        ));
    }
    let action = risk_action::Entity::find_by_id(action_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("risk action", &action_id.to_string()))?;
    let risk = find_visible(&state.db, scope, action.risk_id)
        .await
        .map_err(|_| AppError::not_found("risk action", &action_id.to_string()))?;
    let w = Work::begin(
        state,
        viewer,
        scope,
        risk.id,
        risk.version,
        "update actions on its risks",
    )
    .await?;
    if action.completed_at.is_some() {
        return Err(AppError::bad_input("The action is complete already."));
    }
    let mut active = risk_action::ActiveModel {
        version: Set(action.version + 1),
        ..Default::default()
    };
    if let Some(progress) = progress {
        active.progress = Set(Some(filled_in(progress, "progress")?));
    }
    if let Some(confirmation) = completion {
        active.confirmation = Set(Some(filled_in(confirmation, "completion")?));
        active.completed_at = Set(Some(w.work.now));
    }
    let updated = risk_action::Entity::update_many()
        .set(active)
        .filter(risk_action::Column::Id.eq(action.id))
        .filter(risk_action::Column::Version.eq(expected_version))
        .filter(risk_action::Column::CompletedAt.is_null())
        .exec(w.work.db())
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::conflict(
            "The action changed since you loaded it; reload it.",
        ));
    }
    let action_name = if completion.is_some() {
        "RISK_ACTION_COMPLETED"
    } else {
        "RISK_ACTION_PROGRESS"
    };
    w.finish(
        viewer,
        action_name,
        progress.or(completion),
        Some(json!({ "actionId": action.id })),
        None,
        None,
    )
    .await
}
/// Closes a risk, with why.
pub async fn close(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    rationale: &str,
) -> AppResult<risk::Model> {
    let rationale = filled_in(rationale, "rationale")?;
    let mut w = Work::begin(
        state,
        viewer,
        scope,
        id,
        expected_version,
        "close its risks",
    )
    .await?;
    w.risk = risk::Entity::update(risk::ActiveModel {
        id: Set(w.risk.id),
        status: Set(RiskStatus::Closed),
        closed_at: Set(Some(w.work.now)),
        ..Default::default()
    })
    .exec(w.work.db())
    .await?;
    w.finish(
        viewer,
        "RISK_CLOSED",
        Some(&rationale),
        None,
        Some(RiskChangeKind::Closed),
        None,
    )
    .await
}
