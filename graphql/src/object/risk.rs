//! A network risk as read, and the events subscribers hear.

use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};
use entities::{risk, risk_action, risk_escalation, risk_event};

use crate::context::{loaders, state};
use crate::events::{RiskChange, RiskChangeKind};
use crate::loader::{ActionsOfRisk, EscalationsOfRisk, HistoryOfRisk};
use crate::scalar::Date;
use crate::service::risk as service;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::RiskKind")]
pub enum RiskKind {
    Delivery,
    Service,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::Party")]
pub enum Party {
    Network,
    Provider,
    Icb,
    Region,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::RiskStatus")]
pub enum RiskStatus {
    Open,
    Closed,
}

/// A band of the NHS 5×5 risk matrix: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::risk::Band")]
pub enum Band {
    Low,
    Moderate,
    High,
    Extreme,
}

pub struct Risk(pub risk::Model);

#[Object]
impl Risk {
    async fn id(&self) -> i32 {
        self.0.id
    }
    /// `WESSEX-R-2026-0012`.
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn kind(&self) -> RiskKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn cause(&self) -> &str {
        &self.0.cause
    }
    async fn effect(&self) -> &str {
        &self.0.effect
    }
    /// The network for a delivery risk; the provider or ICB that stays accountable for a
    /// service risk.
    async fn accountable_kind(&self) -> Party {
        self.0.accountable_kind.into()
    }
    async fn accountable_code(&self) -> &str {
        &self.0.accountable_code
    }
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn likelihood(&self) -> i32 {
        self.0.likelihood
    }
    async fn consequence(&self) -> i32 {
        self.0.consequence
    }
    /// Likelihood × consequence.
    async fn score(&self) -> i32 {
        service::score(self.0.likelihood, self.0.consequence)
    }
    async fn band(&self) -> Band {
        service::band(service::score(self.0.likelihood, self.0.consequence)).into()
    }
    async fn target_score(&self) -> i32 {
        self.0.target_score
    }
    async fn controls(&self) -> &str {
        &self.0.controls
    }
    async fn review_on(&self) -> Date {
        self.0.review_on.into()
    }
    /// Open and past its review date (Europe/London today).
    async fn review_overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.0.status == entities::enums::RiskStatus::Open
            && self.0.review_on < state(ctx)?.clock.today())
    }
    async fn quality_concern(&self) -> bool {
        self.0.quality_concern
    }
    async fn deliverable_id(&self) -> Option<i32> {
        self.0.deliverable_id
    }
    /// A linked cause-for-concern case (its reference; reading it needs the case's own scope).
    async fn case_reference(&self) -> Option<&str> {
        self.0.case_reference.as_deref()
    }
    async fn status(&self) -> RiskStatus {
        self.0.status.into()
    }
    async fn raised_at(&self) -> DateTime<Utc> {
        self.0.raised_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<RiskAction>> {
        let rows = loaders(ctx)?
            .load_one(ActionsOfRisk(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(RiskAction).collect())
    }
    async fn escalations(&self, ctx: &Context<'_>) -> Result<Vec<RiskEscalation>> {
        let rows = loaders(ctx)?
            .load_one(EscalationsOfRisk(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(RiskEscalation).collect())
    }
    /// Every change, oldest first, with the score after it.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<RiskHistoryEntry>> {
        let rows = loaders(ctx)?
            .load_one(HistoryOfRisk(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(RiskHistoryEntry).collect())
    }
    /// Pass it back as `expectedVersion` with the next change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

pub struct RiskAction(risk_action::Model);

#[Object]
impl RiskAction {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn due_on(&self) -> Date {
        self.0.due_on.into()
    }
    async fn progress(&self) -> Option<&str> {
        self.0.progress.as_deref()
    }
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
    /// What confirmed the action complete.
    async fn confirmation(&self) -> Option<&str> {
        self.0.confirmation.as_deref()
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

pub struct RiskEscalation(risk_escalation::Model);

#[Object]
impl RiskEscalation {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn step(&self) -> i32 {
        self.0.step
    }
    async fn to_kind(&self) -> Party {
        self.0.to_kind.into()
    }
    async fn to_code(&self) -> &str {
        &self.0.to_code
    }
    /// The signed-off escalation route it follows.
    async fn route(&self) -> &str {
        &self.0.route
    }
    async fn rationale(&self) -> &str {
        &self.0.rationale
    }
    async fn assurance_requested(&self) -> &str {
        &self.0.assurance_requested
    }
    async fn respond_by(&self) -> Date {
        self.0.respond_by.into()
    }
    async fn escalated_by_name(&self) -> &str {
        &self.0.escalated_by_name
    }
    async fn escalated_at(&self) -> DateTime<Utc> {
        self.0.escalated_at
    }
    async fn accepted(&self) -> Option<bool> {
        self.0.accepted
    }
    async fn response(&self) -> Option<&str> {
        self.0.response.as_deref()
    }
    async fn responded_by_name(&self) -> Option<&str> {
        self.0.responded_by_name.as_deref()
    }
    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }
    /// Unanswered past its response date (Europe/London today).
    async fn overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.0.responded_at.is_none() && self.0.respond_by < state(ctx)?.clock.today())
    }
}

pub struct RiskHistoryEntry(risk_event::Model);

#[Object]
impl RiskHistoryEntry {
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    async fn actor_name(&self) -> &str {
        &self.0.actor_name
    }
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn likelihood(&self) -> i32 {
        self.0.likelihood
    }
    async fn consequence(&self) -> i32 {
        self.0.consequence
    }
    async fn score(&self) -> i32 {
        service::score(self.0.likelihood, self.0.consequence)
    }
    async fn rationale(&self) -> Option<&str> {
        self.0.rationale.as_deref()
    }
}

/// A risk event for subscribers: no personal data, none of the risk's text.
pub struct RiskEvent(pub RiskChange);

#[Object]
impl RiskEvent {
    async fn kind(&self) -> RiskChangeKind {
        self.0.kind
    }
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn risk_kind(&self) -> RiskKind {
        self.0.risk_kind.into()
    }
    async fn score(&self) -> i32 {
        self.0.score
    }
    async fn band(&self) -> Band {
        service::band(self.0.score).into()
    }
    async fn escalated_to(&self) -> Option<&str> {
        self.0.escalated_to.as_deref()
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}
