//! The network risk register (Spinal Services Clinical Network Specification §4.3: "Manage
//! risks to the delivery of the network's annual work programme"; "Providers or commissioners
//! may ask networks to facilitate the response to risks, but providers and commissioners remain
//! accountable for their services' risks"; §5.3 "Risk Management and risk sharing"; NHS
//! Resolution, Guidance on the identification and management of significant concerns, ¶21: an
//! escalation asks for assurance and, unanswered, goes further).
//!
//! The network team raises, re-scores, reviews and closes risks and their actions, and escalates
//! them to a footprint ICB or the lead region; the addressee's commissioner or regional lead
//! answers; the accountable provider's CEO or Lead Clinician may respond to a service risk about
//! their provider. Every change is a line of the risk's append-only history, audited and
//! announced (`riskChanged`).

use chrono::{Datelike, NaiveDate};
use entities::enums::{Party, RiskKind, RiskStatus};
use entities::{risk, risk_action, risk_escalation, risk_event};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::scope::Scope;
use crate::auth::{GrantScope, Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::{Event, RiskChange, RiskChangeKind};
use crate::service::audit::{Change, Subject};
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::service::workplan::{TEAM, require_network_role};
use crate::state::AppState;

/// A band of the NHS 5×5 risk matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Band {
    /// 1-3
    Low,
    /// 4-6
    Moderate,
    /// 8-12
    High,
    /// 15-25
    Extreme,
}

/// Likelihood × consequence, each 1 (rare; negligible) to 5 (almost certain; catastrophic).
pub fn score(likelihood: i32, consequence: i32) -> i32 {
    likelihood * consequence
}

pub fn band(score: i32) -> Band {
    match score {
        ..=3 => Band::Low,
        4..=6 => Band::Moderate,
        8..=12 => Band::High,
        _ => Band::Extreme,
    }
}

fn on_the_scale(value: i32, what: &str) -> AppResult<()> {
    if (1..=5).contains(&value) {
        Ok(())
    } else {
        Err(AppError::bad_input(format!(
            "{what} is {value}; the NHS risk matrix scores it from 1 to 5."
        )))
    }
}

fn required(text: &str, what: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_input(format!("{what} is empty; fill it in.")));
    }
    Ok(text.to_owned())
}

/// Who reads a risk: those who reach the network's governance, and, for a service risk about a
/// provider, that provider's own roles.
pub fn readable(scope: &Scope, network: &str, kind: RiskKind, accountable: (Party, &str)) -> bool {
    scope.governance.contains(network)
        || (kind == RiskKind::Service
            && accountable.0 == Party::Provider
            && scope.own_providers.contains(accountable.1))
}

fn readable_risk(scope: &Scope, r: &risk::Model) -> bool {
    readable(
        scope,
        &r.network_code,
        r.kind,
        (r.accountable_kind, &r.accountable_code),
    )
}

pub async fn find_visible(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
) -> AppResult<risk::Model> {
    risk::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| readable_risk(scope, r))
        .ok_or_else(|| AppError::not_found("risk", &id.to_string()))
}

/// The risks the caller reads, optionally of one network, open ones only, highest score first.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    network: Option<&str>,
    open_only: bool,
) -> AppResult<Vec<risk::Model>> {
    let mut reach = Condition::any();
    if !scope.governance.is_empty() {
        reach = reach.add(risk::Column::NetworkCode.is_in(scope.governance.iter()));
    }
    if !scope.own_providers.is_empty() {
        reach = reach.add(
            Condition::all()
                .add(risk::Column::Kind.eq(RiskKind::Service))
                .add(risk::Column::AccountableKind.eq(Party::Provider))
                .add(risk::Column::AccountableCode.is_in(scope.own_providers.iter())),
        );
    }
    if scope.governance.is_empty() && scope.own_providers.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = risk::Entity::find().filter(reach);
    if let Some(network) = network {
        query = query.filter(risk::Column::NetworkCode.eq(network.trim()));
    }
    if open_only {
        query = query.filter(risk::Column::Status.eq(RiskStatus::Open));
    }
    let mut rows = query.order_by_asc(risk::Column::Id).all(db).await?;
    rows.sort_by_key(|r| std::cmp::Reverse(score(r.likelihood, r.consequence)));
    Ok(rows)
}

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

/// The change being made to one risk: loaded at the version the caller saw, written, its history
/// line appended, audited and announced.
struct Work<'a> {
    work: UnitOfWork<'a>,
    risk: risk::Model,
}

impl<'a> Work<'a> {
    async fn begin(
        state: &'a AppState,
        viewer: &Viewer,
        scope: &Scope,
        id: i32,
        expected_version: i32,
        to_do: &str,
    ) -> AppResult<Work<'a>> {
        let work = UnitOfWork::begin(state).await?;
        let risk = find_visible(work.db(), scope, id).await?;
        require_network_role(viewer, &TEAM, &risk.network_code, to_do)?;
        Self::take_open(work, risk, expected_version).await
    }

    /// Takes `risk` at the version the caller saw; a closed risk changes no more.
    async fn take_open(
        work: UnitOfWork<'a>,
        risk: risk::Model,
        expected_version: i32,
    ) -> AppResult<Work<'a>> {
        let risk = take(&work, risk, expected_version).await?;
        if risk.status == RiskStatus::Closed {
            return Err(AppError::bad_input(format!(
                "{} is closed.",
                risk.reference
            )));
        }
        Ok(Work { work, risk })
    }

    /// Appends the history line, audits it, announces `kind` if any, and commits.
    async fn finish(
        mut self,
        actor: &Viewer,
        action: &str,
        rationale: Option<&str>,
        detail: Option<serde_json::Value>,
        kind: Option<RiskChangeKind>,
        escalated_to: Option<String>,
    ) -> AppResult<risk::Model> {
        history(
            &self.work,
            actor,
            &self.risk,
            action,
            rationale,
            detail.clone(),
        )
        .await?;
        self.work
            .audit(
                actor,
                Change {
                    action,
                    subject: Subject::Risk,
                    key: &self.risk.reference,
                    before: None,
                    after: Some(json!({ "riskId": self.risk.id, "score": score(self.risk.likelihood, self.risk.consequence), "detail": detail })),
                    reason: rationale.unwrap_or(action),
                },
            )
            .await?;
        if let Some(kind) = kind {
            let change = change_of(&self.risk, kind, escalated_to, self.work.now);
            self.work.publish(Event::RiskChanged(change)).await?;
        }
        self.work.commit().await?;
        Ok(self.risk)
    }
}

/// Takes the risk's row at the version the caller saw and moves the version on.
async fn take(
    work: &UnitOfWork<'_>,
    risk: risk::Model,
    expected_version: i32,
) -> AppResult<risk::Model> {
    let updated = risk::Entity::update_many()
        .col_expr(
            risk::Column::Version,
            Expr::col(risk::Column::Version).add(1),
        )
        .col_expr(risk::Column::UpdatedAt, Expr::value(work.now))
        .filter(risk::Column::Id.eq(risk.id))
        .filter(risk::Column::Version.eq(expected_version))
        .exec(work.db())
        .await?;
    if risk.version != expected_version || updated.rows_affected != 1 {
        return Err(AppError::conflict(format!(
            "{} changed since you loaded it (it is at version {}, not {expected_version}); reload it.",
            risk.reference, risk.version
        )));
    }
    risk::Entity::find_by_id(risk.id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("risk", &risk.id.to_string()))
}

fn change_of(
    r: &risk::Model,
    kind: RiskChangeKind,
    escalated_to: Option<String>,
    at: chrono::DateTime<chrono::Utc>,
) -> RiskChange {
    RiskChange {
        kind,
        reference: r.reference.clone(),
        network_code: r.network_code.clone(),
        risk_kind: r.kind,
        accountable_kind: r.accountable_kind,
        accountable_code: r.accountable_code.clone(),
        score: score(r.likelihood, r.consequence),
        escalated_to,
        at,
    }
}

async fn history(
    work: &UnitOfWork<'_>,
    actor: &Viewer,
    r: &risk::Model,
    action: &str,
    rationale: Option<&str>,
    detail: Option<serde_json::Value>,
) -> AppResult<()> {
    risk_event::Entity::insert(risk_event::ActiveModel {
        id: NotSet,
        risk_id: Set(r.id),
        at: Set(work.now),
        actor_sub: Set(actor.sub.clone()),
        actor_name: Set(actor.name.clone()),
        action: Set(action.to_owned()),
        likelihood: Set(r.likelihood),
        consequence: Set(r.consequence),
        rationale: Set(rationale.map(str::to_owned)),
        detail: Set(detail),
    })
    .exec(work.db())
    .await?;
    Ok(())
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
    let title = required(&new.title, "title")?;
    let owner = required(&new.owner, "owner")?;
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
    let rationale = required(rationale, "rationale")?;
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
    let note = required(note, "note")?;
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
    let description = required(action.description, "description")?;
    let owner = required(action.owner, "owner")?;
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
        active.progress = Set(Some(required(progress, "progress")?));
    }
    if let Some(confirmation) = completion {
        active.confirmation = Set(Some(required(confirmation, "completion")?));
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

/// An escalation as sent.
pub struct Escalation {
    pub to: (Party, String),
    pub route: String,
    pub rationale: String,
    pub assurance_requested: String,
    pub respond_by: NaiveDate,
}

/// Escalates a risk to a footprint ICB or the network's lead region along its escalation route.
/// A further escalation waits until the last is answered or its response date has passed.
pub async fn escalate(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    escalation: Escalation,
) -> AppResult<risk::Model> {
    let route = required(
        &escalation.route,
        "route (the signed-off escalation route it follows)",
    )?;
    let rationale = required(&escalation.rationale, "rationale")?;
    let assurance = required(&escalation.assurance_requested, "assuranceRequested")?;
    let w = Work::begin(
        state,
        viewer,
        scope,
        id,
        expected_version,
        "escalate its risks",
    )
    .await?;
    let map = state.org_map_on(w.work.today).await?;
    let (kind, code) = (escalation.to.0, escalation.to.1.trim().to_owned());
    let allowed = match kind {
        Party::Icb => map
            .footprints
            .iter()
            .any(|(n, i)| *n == w.risk.network_code && *i == code),
        Party::Region => map
            .networks
            .iter()
            .any(|(n, r)| *n == w.risk.network_code && *r == code),
        _ => false,
    };
    if !allowed {
        return Err(AppError::bad_input(format!(
            "{} escalates to an ICB of its footprint or to its lead region, not to {code}.",
            w.risk.network_code
        )));
    }
    if escalation.respond_by <= w.work.today {
        return Err(AppError::bad_input(format!(
            "respondBy {} is not after today ({}).",
            escalation.respond_by, w.work.today
        )));
    }
    let last = risk_escalation::Entity::find()
        .filter(risk_escalation::Column::RiskId.eq(w.risk.id))
        .order_by_desc(risk_escalation::Column::Step)
        .one(w.work.db())
        .await?;
    if let Some(last) = &last
        && last.responded_at.is_none()
        && last.respond_by >= w.work.today
    {
        return Err(AppError::bad_input(format!(
            "{} awaits {}'s response until {}; escalate further once it is answered or overdue.",
            w.risk.reference, last.to_code, last.respond_by
        )));
    }
    let step = last.map_or(1, |l| l.step + 1);
    risk_escalation::Entity::insert(risk_escalation::ActiveModel {
        id: NotSet,
        risk_id: Set(w.risk.id),
        step: Set(step),
        to_kind: Set(kind),
        to_code: Set(code.clone()),
        route: Set(route),
        rationale: Set(rationale.clone()),
        assurance_requested: Set(assurance),
        respond_by: Set(escalation.respond_by),
        escalated_by_name: Set(viewer.name.clone()),
        escalated_at: Set(w.work.now),
        accepted: Set(None),
        response: Set(None),
        responded_by_name: Set(None),
        responded_at: Set(None),
        overdue_flagged: Set(false),
    })
    .exec(w.work.db())
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            "The risk was escalated by someone else just now; reload it.".into()
        })
    })?;
    w.finish(
        viewer,
        "RISK_ESCALATED",
        Some(&rationale),
        Some(json!({ "to": code, "step": step, "respondBy": escalation.respond_by })),
        Some(RiskChangeKind::Escalated),
        Some(code),
    )
    .await
}

/// The addressee of an escalation answers it: the ICB's commissioner or the region's lead.
pub async fn respond(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    escalation_id: i32,
    accepted: bool,
    response: &str,
) -> AppResult<risk::Model> {
    let response = required(response, "response")?;
    let work = UnitOfWork::begin(state).await?;
    let escalation = risk_escalation::Entity::find_by_id(escalation_id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("risk escalation", &escalation_id.to_string()))?;
    let risk = find_visible(work.db(), scope, escalation.risk_id)
        .await
        .map_err(|_| AppError::not_found("risk escalation", &escalation_id.to_string()))?;
    if risk.status == RiskStatus::Closed {
        return Err(AppError::bad_input(format!(
            "{} is closed.",
            risk.reference
        )));
    }
    let (role, grant) = match escalation.to_kind {
        Party::Icb => (
            Role::IcbCommissioner,
            GrantScope::Icb(escalation.to_code.clone()),
        ),
        _ => (
            Role::RegionalLead,
            GrantScope::Region(escalation.to_code.clone()),
        ),
    };
    if !viewer.holds(role, &grant) {
        return Err(AppError::forbidden(format!(
            "The escalation went to {}: only its {} may answer it.",
            escalation.to_code,
            role.as_str()
        )));
    }
    let answered = risk_escalation::Entity::update_many()
        .col_expr(risk_escalation::Column::Accepted, Expr::value(accepted))
        .col_expr(
            risk_escalation::Column::Response,
            Expr::value(response.clone()),
        )
        .col_expr(
            risk_escalation::Column::RespondedByName,
            Expr::value(viewer.name.clone()),
        )
        .col_expr(risk_escalation::Column::RespondedAt, Expr::value(work.now))
        .filter(risk_escalation::Column::Id.eq(escalation.id))
        .filter(risk_escalation::Column::RespondedAt.is_null())
        .exec(work.db())
        .await?;
    if answered.rows_affected != 1 {
        return Err(AppError::bad_input(format!(
            "The escalation of {} to {} is answered already.",
            risk.reference, escalation.to_code
        )));
    }
    // The risk's version moves, so the team's next step sees the answer.
    risk::Entity::update_many()
        .col_expr(
            risk::Column::Version,
            Expr::col(risk::Column::Version).add(1),
        )
        .col_expr(risk::Column::UpdatedAt, Expr::value(work.now))
        .filter(risk::Column::Id.eq(risk.id))
        .exec(work.db())
        .await?;
    let risk = risk::Entity::find_by_id(risk.id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("risk", &risk.id.to_string()))?;
    Work { work, risk }
        .finish(
            viewer,
            "RISK_ESCALATION_ANSWERED",
            Some(&response),
            Some(json!({ "escalationId": escalation.id, "accepted": accepted, "from": escalation.to_code })),
            Some(RiskChangeKind::Answered),
            Some(escalation.to_code),
        )
        .await
}

/// The accountable provider's CEO or Lead Clinician responds to a service risk about their
/// provider ("providers and commissioners remain accountable for their services' risks").
pub async fn respond_as_provider(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    response: &str,
) -> AppResult<risk::Model> {
    let response = required(response, "response")?;
    let work = UnitOfWork::begin(state).await?;
    let risk = find_visible(work.db(), scope, id).await?;
    let provider = GrantScope::Provider(risk.accountable_code.clone());
    let accountable = risk.accountable_kind == Party::Provider
        && [Role::ProviderCeo, Role::ProviderLeadClinician]
            .iter()
            .any(|r| viewer.holds(*r, &provider));
    if !accountable {
        return Err(AppError::forbidden(format!(
            "Only the PROVIDER_CEO or PROVIDER_LEAD_CLINICIAN of the provider accountable for {} may respond to it.",
            risk.reference
        )));
    }
    Work::take_open(work, risk, expected_version)
        .await?
        .finish(
            viewer,
            "RISK_PROVIDER_RESPONSE",
            Some(&response),
            None,
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
    let rationale = required(rationale, "rationale")?;
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

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    /// Escalations announced unanswered past their date on this pass.
    pub responses_overdue: u32,
}

/// One pass of the clock: each escalation of an open risk unanswered past its response date is
/// announced once (the team may then escalate further).
pub async fn tick(state: &AppState) -> AppResult<TickReport> {
    let mut work = UnitOfWork::begin(state).await?;
    let due = risk_escalation::Entity::find()
        .filter(risk_escalation::Column::RespondedAt.is_null())
        .filter(risk_escalation::Column::OverdueFlagged.eq(false))
        .filter(risk_escalation::Column::RespondBy.lt(work.today))
        .order_by_asc(risk_escalation::Column::Id)
        .all(work.db())
        .await?;
    let clock = Viewer::portal("portal-clock", "Portal clock");
    let mut report = TickReport::default();
    for escalation in due {
        let Some(r) = risk::Entity::find_by_id(escalation.risk_id)
            .one(work.db())
            .await?
        else {
            continue;
        };
        if r.status == RiskStatus::Closed {
            continue;
        }
        // Only the pass that flips it announces it, and not once it is answered.
        let flipped = risk_escalation::Entity::update_many()
            .col_expr(risk_escalation::Column::OverdueFlagged, Expr::value(true))
            .filter(risk_escalation::Column::Id.eq(escalation.id))
            .filter(risk_escalation::Column::OverdueFlagged.eq(false))
            .filter(risk_escalation::Column::RespondedAt.is_null())
            .exec(work.db())
            .await?;
        if flipped.rows_affected != 1 {
            continue;
        }
        let detail = json!({ "escalationId": escalation.id, "to": escalation.to_code, "respondBy": escalation.respond_by });
        history(
            &work,
            &clock,
            &r,
            "RISK_RESPONSE_OVERDUE",
            None,
            Some(detail),
        )
        .await?;
        let change = change_of(
            &r,
            RiskChangeKind::ResponseOverdue,
            Some(escalation.to_code.clone()),
            work.now,
        );
        work.publish(Event::RiskChanged(change)).await?;
        report.responses_overdue += 1;
    }
    work.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_of_the_5x5_matrix_has_its_score_and_band() {
        let expected = [
            [
                Band::Low,
                Band::Low,
                Band::Low,
                Band::Moderate,
                Band::Moderate,
            ],
            [
                Band::Low,
                Band::Moderate,
                Band::Moderate,
                Band::High,
                Band::High,
            ],
            [
                Band::Low,
                Band::Moderate,
                Band::High,
                Band::High,
                Band::Extreme,
            ],
            [
                Band::Moderate,
                Band::High,
                Band::High,
                Band::Extreme,
                Band::Extreme,
            ],
            [
                Band::Moderate,
                Band::High,
                Band::Extreme,
                Band::Extreme,
                Band::Extreme,
            ],
        ];
        for l in 1..=5 {
            for c in 1..=5 {
                assert_eq!(score(l, c), l * c);
                assert_eq!(
                    band(score(l, c)),
                    expected[(l - 1) as usize][(c - 1) as usize],
                    "{l}×{c}"
                );
            }
        }
    }
}
