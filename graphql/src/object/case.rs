//! Cause-for-concern cases as the API shows them. Named individuals (the registry lead, who
//! recorded each step, deciders, declarants, action owners, addressees, the Lead Clinician's
//! words) are hidden from callers who read cases without people (`NATIONAL_VIEWER`, ICB
//! commissioners, integrations): `null` plus `FORBIDDEN` on the field.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{case, case_action, case_conflict, case_decision, case_event, mail_outbox};
use sea_orm::ActiveEnum;
use serde_json::Value;

use super::Nation;
use super::provider::Provider;
use crate::auth::scope::{CaseAccess, Scope};
use crate::context::{loaders, state};
use crate::error::{AppError, Nullable, nullable};
use crate::events::{CaseChange, CaseChangeKind};
use crate::loader::{
    ActionsOfCase, ConflictsOfCase, DecisionsOfCase, HistoryOfCase, Holidays, LettersOfCase,
    PolicyStage,
};
use crate::mail::letter::Addressee;
use crate::scalar::Date;
use crate::service::case::export;
use crate::service::case::{EvidenceLink, Plan, access as service_access};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::CaseStep")]
pub enum CaseStep {
    OdepReview,
    Examining,
    AwaitingNextSteps,
    RequestDue,
    AwaitingResponse,
    ReviewingResponse,
    Confirming,
    AwaitingAcknowledgement,
    Reminded,
    Closed,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::CaseOutcome")]
pub enum CaseOutcome {
    ReferredToTrust,
    NoCaseToAnswer,
    EscalationNotWarranted,
    Acknowledged,
    NonCompliant,
    ImplantConcernNotConfirmed,
    MhraInformed,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::CaseGround")]
pub enum CaseGround {
    StillAConcern,
    DataAccurate,
    NoResponse,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::MailState")]
pub enum MailState {
    Pending,
    Sent,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Csv,
}

/// A person named on a case.
#[derive(SimpleObject, Clone)]
pub struct CasePerson {
    pub sub: Option<String>,
    pub name: String,
    pub email: Option<String>,
}

#[derive(SimpleObject, Clone)]
pub struct Evidence {
    pub label: String,
    pub url: String,
}

/// The HQIP Associate Director's agreed next steps.
#[derive(SimpleObject)]
pub struct CasePlan {
    pub omitted_stages: Vec<i32>,
    pub shortened_limits: Vec<StageLimit>,
}

#[derive(SimpleObject)]
pub struct StageLimit {
    pub stage: i32,
    pub working_days: i32,
}

fn hidden() -> AppError {
    AppError::forbidden("Named individuals on cases are not shown to your role.")
}

/// A case, as one caller may read it.
pub struct Case {
    pub model: case::Model,
    pub access: CaseAccess,
}

impl Case {
    /// `model` as `scope` reads it. Callers pass only rows already found in scope; should one
    /// slip through, it shows without people.
    pub fn read_by(scope: &Scope, model: case::Model) -> Case {
        let access = service_access(scope, &model).unwrap_or(CaseAccess::WithoutPeople);
        Case { model, access }
    }

    fn people(&self) -> Result<(), AppError> {
        match self.access {
            CaseAccess::Full => Ok(()),
            CaseAccess::WithoutPeople => Err(hidden()),
        }
    }

    fn is_open(&self) -> bool {
        self.model.step != entities::enums::CaseStep::Closed
    }
}

#[Object]
impl Case {
    /// e.g. `CFC-2026-0007`.
    async fn reference(&self) -> &str {
        &self.model.reference
    }
    /// Increases with every change; pass it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// 1 single case record; 2 cluster of cases; 3 emerging aggregate data; 4 PROMs/PREMs.
    async fn category(&self) -> i32 {
        self.model.category
    }
    async fn provider(&self, ctx: &Context<'_>) -> Nullable<Provider> {
        nullable(Provider::of(ctx, self.model.provider_ods.as_deref()).await)
    }
    /// The implant of a category 3 implant concern.
    async fn implant(&self) -> Option<&str> {
        self.model.implant.as_deref()
    }
    /// The provider's network when the case opened.
    async fn network_code(&self) -> Option<&str> {
        self.model.network_code.as_deref()
    }
    /// England (Table 1) or Wales (Table 2).
    async fn jurisdiction(&self) -> Nation {
        self.model.jurisdiction.into()
    }
    /// The policy version the case runs under, for its whole life.
    async fn policy_version(&self) -> i32 {
        self.model.policy_version
    }
    /// 1-7; null on the implant path and for cases closed on opening.
    async fn stage(&self) -> Option<i32> {
        self.model.stage
    }
    /// The highest stage reached.
    async fn reached_stage(&self) -> i32 {
        self.model.reached_stage
    }
    async fn step(&self) -> CaseStep {
        self.model.step.into()
    }
    /// What the current stage asks, from the case's policy version.
    async fn stage_action(&self, ctx: &Context<'_>) -> Nullable<String> {
        nullable(
            async {
                let Some(stage) = self.model.stage.filter(|_| self.is_open()) else {
                    return Ok(None);
                };
                let key = PolicyStage(self.model.jurisdiction, self.model.policy_version, stage);
                Ok(loaders(ctx)?.load_one(key).await?.map(|s| s.action))
            }
            .await,
        )
    }
    async fn open(&self) -> bool {
        self.is_open()
    }
    async fn outcome(&self) -> Option<CaseOutcome> {
        self.model.outcome.map(Into::into)
    }
    async fn summary(&self) -> &str {
        &self.model.summary
    }
    async fn evidence(&self) -> Vec<Evidence> {
        serde_json::from_value::<Vec<EvidenceLink>>(self.model.evidence.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|e| Evidence {
                label: e.label,
                url: e.url,
            })
            .collect()
    }
    async fn stage_started_on(&self) -> Date {
        self.model.stage_started_on.into()
    }
    /// The current stage's due date (end of day, Europe/London); null when closed.
    async fn due_on(&self) -> Option<Date> {
        self.model.due_on.map(Into::into)
    }
    /// Working days from today to the due date: 0 on the due date, negative once overdue.
    async fn days_remaining(&self, ctx: &Context<'_>) -> Nullable<i32> {
        nullable(
            async {
                let Some(due) = self.model.due_on else {
                    return Ok(None);
                };
                let calendar = loaders(ctx)?
                    .load_one(Holidays)
                    .await?
                    .ok_or_else(|| AppError::not_found("calendar", "holidays"))?;
                let days = calendar.working_days_between(state(ctx)?.clock.today(), due);
                Ok(Some(i32::try_from(days).unwrap_or(i32::MIN)))
            }
            .await,
        )
    }
    /// The due date has passed (today, Europe/London, is after it).
    async fn overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        let today = state(ctx)?.clock.today();
        Ok(self.model.due_on.is_some_and(|due| today > due))
    }
    async fn urgent(&self) -> bool {
        self.model.urgent
    }
    /// The registry lead (or an urgent case's nominated lead). Null with FORBIDDEN for callers who
    /// read the case without named people.
    async fn lead(&self) -> Nullable<CasePerson> {
        nullable(
            async {
                self.people()?;
                Ok(self.model.lead_name.clone().map(|name| CasePerson {
                    sub: self.model.lead_sub.clone(),
                    name,
                    email: self.model.lead_email.clone(),
                }))
            }
            .await,
        )
    }
    async fn plan(&self) -> CasePlan {
        let plan = Plan::of(&self.model);
        CasePlan {
            omitted_stages: plan.omitted.into_iter().collect(),
            shortened_limits: plan
                .limits
                .into_iter()
                .map(|(stage, working_days)| StageLimit {
                    stage,
                    working_days,
                })
                .collect(),
        }
    }
    /// The Lead Clinician's written response (stage 3). Null with FORBIDDEN for callers who read
    /// the case without named people.
    async fn response(&self) -> Nullable<&str> {
        nullable(
            async {
                self.people()?;
                Ok(self.model.response.as_deref())
            }
            .await,
        )
    }
    /// Stage 3's limit passed with no response.
    async fn no_response(&self) -> bool {
        self.model.no_response
    }
    /// The stage-4 ground for a case to answer.
    async fn ground(&self) -> Option<CaseGround> {
        self.model.ground.map(Into::into)
    }
    async fn telephone_call_recorded_at(&self) -> Option<DateTime<Utc>> {
        self.model.call_recorded_at
    }
    /// Whether the registry informed the regulator (CQC, Welsh Government), as the joint stage-5
    /// decision settled it when the confirmation went out.
    async fn regulator_informed(&self) -> Option<bool> {
        self.model.regulator_informed
    }
    /// When the provider's CEO recorded informing the commissioners, as stage 5 decided: from
    /// then on the commissioners of the provider's network footprint read the case.
    async fn commissioners_informed_at(&self) -> Option<DateTime<Utc>> {
        self.model.commissioners_informed_at
    }
    /// The project's allocated HQIP Associate Director: who agrees the next steps and is kept
    /// apprised. Null with FORBIDDEN for callers who read the case without named people.
    async fn associate_director(&self) -> Nullable<CasePerson> {
        nullable(
            async {
                self.people()?;
                Ok(self
                    .model
                    .associate_director_name
                    .clone()
                    .map(|name| CasePerson {
                        sub: self.model.associate_director_sub.clone(),
                        name,
                        email: self.model.associate_director_email.clone(),
                    }))
            }
            .await,
        )
    }
    async fn opened_at(&self) -> DateTime<Utc> {
        self.model.opened_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.model.closed_at
    }
    /// Every step taken, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<CaseHistoryEntry>> {
        Ok(self
            .history_rows(ctx)
            .await?
            .into_iter()
            .map(|model| CaseHistoryEntry {
                model,
                access: self.access,
            })
            .collect())
    }
    /// The joint stage-5 decision as each decider recorded it, part by part.
    async fn disclosure_decisions(&self, ctx: &Context<'_>) -> Result<Vec<DisclosureDecision>> {
        let rows = loaders(ctx)?
            .load_one(DecisionsOfCase(self.model.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|model| DisclosureDecision {
                model,
                access: self.access,
            })
            .collect())
    }
    /// Conflicts of interest declared on the case. Null with FORBIDDEN for callers who read the
    /// case without named people.
    async fn conflicts(&self, ctx: &Context<'_>) -> Nullable<Vec<DeclaredConflict>> {
        nullable(
            async {
                self.people()?;
                let rows = loaders(ctx)?
                    .load_one(ConflictsOfCase(self.model.id))
                    .await?
                    .unwrap_or_default();
                Ok(Some(rows.into_iter().map(DeclaredConflict).collect()))
            }
            .await,
        )
    }
    async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<CaseAction>> {
        let rows = loaders(ctx)?
            .load_one(ActionsOfCase(self.model.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|model| CaseAction {
                model,
                access: self.access,
            })
            .collect())
    }
    /// Every letter the case called for, with its delivery state.
    async fn correspondence(&self, ctx: &Context<'_>) -> Result<Vec<Letter>> {
        Ok(self
            .letter_rows(ctx)
            .await?
            .into_iter()
            .map(|model| Letter {
                model,
                access: self.access,
            })
            .collect())
    }
    /// The whole history as an audit trail: JSON (the case, its history, decisions, actions and
    /// correspondence) or CSV (one row per history entry). Without named individuals for callers
    /// who may not see them.
    async fn export(&self, ctx: &Context<'_>, format: ExportFormat) -> Result<String> {
        let people = self.access == CaseAccess::Full;
        let history = self.history_rows(ctx).await?;
        Ok(match format {
            ExportFormat::Csv => export::csv(&history, people)?,
            ExportFormat::Json => {
                let letters = self.letter_rows(ctx).await?;
                let decisions = loaders(ctx)?
                    .load_one(DecisionsOfCase(self.model.id))
                    .await?
                    .unwrap_or_default();
                let actions = loaders(ctx)?
                    .load_one(ActionsOfCase(self.model.id))
                    .await?
                    .unwrap_or_default();
                export::json(&export::Trail {
                    case: &self.model,
                    history: &history,
                    decisions: &decisions,
                    actions: &actions,
                    letters: &letters,
                    people,
                })?
            }
        })
    }
}

impl Case {
    async fn history_rows(&self, ctx: &Context<'_>) -> Result<Vec<case_event::Model>> {
        Ok(loaders(ctx)?
            .load_one(HistoryOfCase(self.model.id))
            .await?
            .unwrap_or_default())
    }

    async fn letter_rows(&self, ctx: &Context<'_>) -> Result<Vec<mail_outbox::Model>> {
        Ok(loaders(ctx)?
            .load_one(LettersOfCase(self.model.id))
            .await?
            .unwrap_or_default())
    }
}

pub struct CaseHistoryEntry {
    model: case_event::Model,
    access: CaseAccess,
}

#[Object]
impl CaseHistoryEntry {
    async fn at(&self) -> DateTime<Utc> {
        self.model.at
    }
    /// Who acted (`Portal clock` when a limit passed). Null with FORBIDDEN for callers who read the
    /// case without named people.
    async fn actor(&self) -> Nullable<CasePerson> {
        nullable(
            async {
                if self.access != CaseAccess::Full {
                    return Err(hidden().into());
                }
                Ok(Some(CasePerson {
                    sub: Some(self.model.actor_sub.clone()),
                    name: self.model.actor_name.clone(),
                    email: None,
                }))
            }
            .await,
        )
    }
    async fn action(&self) -> &str {
        &self.model.action
    }
    async fn from_stage(&self) -> Option<i32> {
        self.model.from_stage
    }
    async fn to_stage(&self) -> Option<i32> {
        self.model.to_stage
    }
    async fn rationale(&self) -> Option<&str> {
        self.model.rationale.as_deref()
    }
    /// Structured detail (finding, ground, plan, decision) as JSON text.
    async fn detail(&self) -> Option<String> {
        self.model.detail.as_ref().map(Value::to_string)
    }
}

/// One part of the joint stage-5 decision (BSR Cause for Concern Policy, January 2026, Tables
/// 1-2, stage 5).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::DisclosurePart")]
pub enum DisclosurePart {
    /// The registry informs the CQC (England) or the Welsh Government (Wales).
    RegistryInformsRegulator,
    /// The registry informs the named royal colleges (Wales).
    RegistryInformsRoyalColleges,
    /// The provider's CEO informs the commissioners (England).
    CeoInformsCommissioners,
    /// The provider's CEO informs NHS Improvement (England).
    CeoInformsNhsImprovement,
    /// The provider's CEO informs the named royal colleges (England).
    CeoInformsRoyalColleges,
}

/// One decider's view of one part of the joint stage-5 decision.
pub struct DisclosureDecision {
    model: case_decision::Model,
    access: CaseAccess,
}

#[Object]
impl DisclosureDecision {
    /// `HQIP_ASSOCIATE_DIRECTOR` or `REGISTRY_CLINICAL_LEAD`.
    async fn role(&self) -> &str {
        &self.model.decider_role
    }
    /// Who decided this part. Null with FORBIDDEN for callers who read the case without named
    /// people.
    async fn decider(&self) -> Nullable<CasePerson> {
        nullable(
            async {
                if self.access != CaseAccess::Full {
                    return Err(hidden().into());
                }
                Ok(Some(CasePerson {
                    sub: Some(self.model.decider_sub.clone()),
                    name: self.model.decider_name.clone(),
                    email: None,
                }))
            }
            .await,
        )
    }
    async fn part(&self) -> DisclosurePart {
        self.model.part.into()
    }
    async fn inform(&self) -> bool {
        self.model.inform
    }
    /// The royal colleges a college part names.
    async fn royal_colleges(&self) -> Vec<super::policy::MailParty> {
        serde_json::from_value::<Vec<entities::enums::MailParty>>(self.model.royal_colleges.clone())
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect()
    }
    async fn justification(&self) -> &str {
        &self.model.justification
    }
    async fn decided_at(&self) -> DateTime<Utc> {
        self.model.decided_at
    }
}

pub struct DeclaredConflict(case_conflict::Model);

#[Object]
impl DeclaredConflict {
    async fn user(&self) -> CasePerson {
        CasePerson {
            sub: Some(self.0.user_sub.clone()),
            name: self.0.user_name.clone(),
            email: None,
        }
    }
    async fn statement(&self) -> &str {
        &self.0.statement
    }
    async fn declared_at(&self) -> DateTime<Utc> {
        self.0.declared_at
    }
}

pub struct CaseAction {
    pub model: case_action::Model,
    pub access: CaseAccess,
}

#[derive(SimpleObject, serde::Deserialize)]
pub struct ActionUpdate {
    pub at: DateTime<Utc>,
    pub note: String,
}

#[Object]
impl CaseAction {
    async fn id(&self) -> i32 {
        self.model.id
    }
    async fn description(&self) -> &str {
        &self.model.description
    }
    /// Who owns the action. Null with FORBIDDEN for callers who read the case without named people.
    async fn owner_name(&self) -> Nullable<&str> {
        nullable(
            async {
                if self.access != CaseAccess::Full {
                    return Err(hidden().into());
                }
                Ok(Some(self.model.owner_name.as_str()))
            }
            .await,
        )
    }
    async fn due_on(&self) -> Date {
        self.model.due_on.into()
    }
    /// Progress updates, oldest first.
    async fn updates(&self) -> Vec<ActionUpdate> {
        serde_json::from_value(self.model.updates.clone()).unwrap_or_default()
    }
    async fn closing_confirmation(&self) -> Option<&str> {
        self.model.closing_confirmation.as_deref()
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.model.closed_at
    }
}

/// A letter the case called for.
pub struct Letter {
    model: mail_outbox::Model,
    access: CaseAccess,
}

#[derive(SimpleObject)]
pub struct LetterRecipient {
    /// `LEAD_CLINICIAN`, `CEO`, `MEDICAL_DIRECTOR`, `CQC`, `NHS_IMPROVEMENT`, `WELSH_GOVERNMENT`,
    /// `MHRA` or `ODEP`.
    pub party: String,
    /// `TO` or `CC`.
    pub kind: String,
    pub address: String,
}

#[Object]
impl Letter {
    async fn message_id(&self) -> &str {
        &self.model.message_id
    }
    async fn stage(&self) -> Option<i32> {
        self.model.stage
    }
    async fn event(&self) -> &str {
        &self.model.event
    }
    async fn subject(&self) -> &str {
        &self.model.subject
    }
    /// Addressees. Null with FORBIDDEN for callers who read the case without named people.
    async fn recipients(&self) -> Nullable<Vec<LetterRecipient>> {
        nullable(
            async {
                if self.access != CaseAccess::Full {
                    return Err(hidden().into());
                }
                Ok(Some(
                    self.addressees()?
                        .into_iter()
                        .map(|a| LetterRecipient {
                            party: a.party.to_value(),
                            kind: format!("{:?}", a.kind).to_uppercase(),
                            address: a.address,
                        })
                        .collect(),
                ))
            }
            .await,
        )
    }
    /// Parties only (no addresses): who the letter went to, for every reader.
    async fn parties(&self) -> Result<Vec<String>> {
        Ok(self
            .addressees()?
            .into_iter()
            .map(|a| a.party.to_value())
            .collect())
    }
    /// Why a regulator or royal college received it (disclosures only).
    async fn justification(&self) -> Option<&str> {
        self.model.justification.as_deref()
    }
    async fn state(&self) -> MailState {
        self.model.state.into()
    }
    async fn attempts(&self) -> i32 {
        self.model.attempts
    }
    async fn last_error(&self) -> Option<&str> {
        self.model.last_error.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.model.sent_at
    }
}

impl Letter {
    fn addressees(&self) -> Result<Vec<Addressee>, AppError> {
        serde_json::from_value(self.model.recipients.clone()).map_err(AppError::internal)
    }
}

/// A case event for subscribers: no named individuals.
pub struct CaseEvent(pub CaseChange);

#[Object]
impl CaseEvent {
    async fn kind(&self) -> CaseChangeKind {
        self.0.kind
    }
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    async fn provider_ods(&self) -> Option<&str> {
        self.0.provider_ods.as_deref()
    }
    async fn network_code(&self) -> Option<&str> {
        self.0.network_code.as_deref()
    }
    async fn from_stage(&self) -> Option<i32> {
        self.0.from_stage
    }
    async fn to_stage(&self) -> Option<i32> {
        self.0.to_stage
    }
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Into::into)
    }
    async fn outcome(&self) -> Option<CaseOutcome> {
        self.0.outcome.map(Into::into)
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}
