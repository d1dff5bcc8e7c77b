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
//!
//! - this module: the 5×5 matrix, who reads a risk, lists, and the one way a change to a risk is
//!   made (`Work`: taken at the version the caller saw, a history line, audit, event);
//! - `register`: raising, re-scoring, reviews, actions and closing, by the network team;
//! - `escalation`: escalations, their answers, the provider's response, and the clock.

mod escalation;
mod register;

pub use escalation::{Escalation, TickReport, escalate, respond, respond_as_provider, tick};
pub use register::{
    NewAction, NewRisk, Review, add_action, close, raise, rescore, review, update_action,
};

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
use crate::service::filled_in;
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
