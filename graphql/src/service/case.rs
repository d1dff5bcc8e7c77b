//! Cause-for-concern cases: the seven stages of seed 000 (Table 1 England, Table 2 Wales), the
//! implant path of category 3, and seed 003's governance (rationales, conflicts of interest,
//! justified disclosures, agreed actions, urgent cases).
//!
//! Every transition is one transaction: check the caller's role, scope and declared conflicts
//! and the version they acted on; change the case; append to its history; write the letters the
//! policy requires to the outbox; publish the event. All of it commits, or none of it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::enums::{CaseGround, CaseOutcome, CaseStep, MailParty, Nation};
use entities::{case, case_action, case_conflict, case_decision, case_event, provider};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::letter::{self, LetterPlan};
use super::policy::{Policy, policy};
use crate::auth::scope::{CaseAccess, Scope};
use crate::auth::{GrantScope, Role, Viewer};
use crate::calendar::WorkingCalendar;
use crate::dated::in_force_on;
use crate::error::{AppError, AppResult};
use crate::events::{CaseChange, CaseChangeKind, Event};
use crate::service::calendar::working_calendar;
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::state::AppState;

/// Who acts: a person from a verified token, or the portal's clock.
#[derive(Debug, Clone)]
pub struct Actor {
    pub sub: String,
    pub name: String,
}

impl Actor {
    /// The clock worker, for stage 6 and 7 limits that pass without a human (issue 3 §3).
    pub fn clock() -> Actor {
        Actor {
            sub: "portal-clock".into(),
            name: "Portal clock".into(),
        }
    }
}

impl From<&Viewer> for Actor {
    fn from(viewer: &Viewer) -> Self {
        Actor {
            sub: viewer.sub.clone(),
            name: viewer.name.clone(),
        }
    }
}

/// A person acting through the API, with the scope of their request.
pub struct Caller<'a> {
    pub viewer: &'a Viewer,
    pub scope: &'a Scope,
}

/// A link to evidence: an indicator value, an outlier result, a report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvidenceLink {
    pub label: String,
    pub url: String,
}

pub struct NewCase {
    pub provider_ods: Option<String>,
    pub implant: Option<String>,
    pub category: i32,
    pub summary: String,
    pub evidence: Vec<EvidenceLink>,
}

/// The HQIP Associate Director's agreed next steps (seed 000, Tables 1-2, stage 1: "may shorten
/// or omit stages and timelines").
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    #[serde(default)]
    pub omitted: BTreeSet<i32>,
    /// Shortened limits in working days, by stage.
    #[serde(default)]
    pub limits: BTreeMap<i32, i32>,
}

impl Plan {
    pub fn of(case: &case::Model) -> Plan {
        serde_json::from_value(case.plan.clone()).unwrap_or_default()
    }
}

/// PostgreSQL advisory lock held while a case draws its reference number ("SPINCASE").
const CASE_REFERENCE_LOCK: i64 = 0x5350_494e_4341_5345;

/// Stages the Associate Director may omit: the dialogue with the provider before escalation.
/// The letters of stages 5-7 are what the regulator relies on, so they stay.
pub const OMITTABLE_STAGES: [i32; 3] = [2, 3, 4];

/// Stage 1 and 4 findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    NoCaseToAnswer,
    CaseToAnswer,
}

/// The two people who decide jointly, at stage 5, whether the registry informs the regulator.
pub const STAGE_5_DECIDERS: [Role; 2] = [Role::HqipAssociateDirector, Role::RegistryClinicalLead];

/// The step a stage starts in.
fn step_of(stage: i32) -> CaseStep {
    match stage {
        1 => CaseStep::Examining,
        2 => CaseStep::RequestDue,
        3 => CaseStep::AwaitingResponse,
        4 => CaseStep::ReviewingResponse,
        5 => CaseStep::Confirming,
        6 => CaseStep::AwaitingAcknowledgement,
        _ => CaseStep::Reminded,
    }
}

/// Rejects text that is empty or too long, naming the field.
fn required_text(field: &str, text: &str, max: usize) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_input(format!(
            "`{field}` is required: seed 003 asks every decision on a case to record why."
        )));
    }
    if text.chars().count() > max {
        return Err(AppError::bad_input(format!(
            "`{field}` is longer than {max} characters; summarise it and link to the detail."
        )));
    }
    Ok(text.to_owned())
}

fn unknown_case(reference: &str) -> AppError {
    AppError::not_found("case", reference)
}

/// One transition in progress.
struct Work<'a> {
    work: UnitOfWork<'a>,
    actor: Actor,
    before: case::Model,
    case: case::Model,
    policy: Policy,
    calendar: WorkingCalendar,
    now: DateTime<Utc>,
    today: NaiveDate,
    letters: Vec<LetterPlan<'static>>,
    justification: Option<String>,
}

impl<'a> Work<'a> {
    /// Opens the transaction and loads the case the caller acted on, at the version they saw.
    /// A case outside the caller's scope is reported as not found.
    async fn begin(
        state: &'a AppState,
        actor: Actor,
        reference: &str,
        access: impl FnOnce(&case::Model) -> Option<CaseAccess>,
        expected_version: i32,
    ) -> AppResult<Work<'a>> {
        let work = UnitOfWork::begin(state).await?;
        let txn = work.db();
        let case = case::Entity::find()
            .filter(case::Column::Reference.eq(reference.trim()))
            .one(txn)
            .await?
            .filter(|c| access(c).is_some())
            .ok_or_else(|| unknown_case(reference))?;
        if case.version != expected_version {
            return Err(AppError::conflict(format!(
                "{} changed since you loaded it (it is at version {}, step {}, not version \
                 {expected_version}); reload it and decide again.",
                case.reference,
                case.version,
                case.step.to_value()
            )));
        }
        let policy = policy(txn, case.jurisdiction, Some(case.policy_version)).await?;
        let calendar = working_calendar(txn).await?;
        let (now, today) = (work.now, work.today);
        Ok(Work {
            work,
            actor,
            before: case.clone(),
            case,
            policy,
            calendar,
            now,
            today,
            letters: Vec::new(),
            justification: None,
        })
    }

    /// `begin` for a person: a case outside their scope is not found.
    async fn for_caller(
        state: &'a AppState,
        caller: &Caller<'_>,
        reference: &str,
        expected_version: i32,
    ) -> AppResult<Work<'a>> {
        let access = |case: &case::Model| access(caller.scope, case);
        Self::begin(
            state,
            caller.viewer.into(),
            reference,
            access,
            expected_version,
        )
        .await
    }

    /// Fails unless the case is at `step`, saying what the caller tried and where the case is.
    fn expect_step(&self, steps: &[CaseStep], to_do: &str) -> AppResult<()> {
        if steps.contains(&self.case.step) {
            return Ok(());
        }
        let now = match (self.case.step, self.case.stage) {
            (CaseStep::Closed, _) => format!(
                "closed ({})",
                self.case
                    .outcome
                    .map(|o| o.to_value())
                    .unwrap_or_else(|| "no outcome".into())
            ),
            (step, Some(stage)) => format!("at stage {stage} ({})", step.to_value()),
            (step, None) => step.to_value(),
        };
        Err(AppError::bad_input(format!(
            "Cannot {to_do}: {} is {now}.",
            self.case.reference
        )))
    }

    /// A declared conflict of interest blocks the declarer's decisions on the case (seed 003
    /// §28).
    async fn forbid_conflicted(&self) -> AppResult<()> {
        let declared = case_conflict::Entity::find_by_id((self.case.id, self.actor.sub.clone()))
            .one(self.work.db())
            .await?;
        if declared.is_some() {
            return Err(AppError::forbidden(format!(
                "You declared a conflict of interest on {}, so you cannot take decisions on it; \
                 ask a colleague without one.",
                self.case.reference
            )));
        }
        Ok(())
    }

    /// Starts `stage` today (or the next one the agreed plan keeps), with its limit from the
    /// plan or from the case's policy version.
    fn enter_stage(&mut self, stage: i32) -> AppResult<()> {
        let plan = Plan::of(&self.case);
        let mut stage = stage;
        while plan.omitted.contains(&stage) {
            stage += 1;
        }
        let rule = self
            .policy
            .stages
            .iter()
            .find(|s| s.stage == stage)
            .ok_or_else(|| AppError::not_found("policy stage", &stage.to_string()))?;
        let limit = plan
            .limits
            .get(&stage)
            .copied()
            .unwrap_or(rule.limit_working_days);
        let due = u32::try_from(limit)
            .ok()
            .and_then(|days| self.calendar.add_working_days(self.today, days))
            .ok_or_else(|| AppError::bad_input("The stage limit is outside the calendar."))?;
        self.case.stage = Some(stage);
        self.case.step = step_of(stage);
        self.case.reached_stage = self.case.reached_stage.max(stage);
        self.case.stage_started_on = self.today;
        self.case.due_on = Some(due);
        self.case.overdue_flagged = false;
        Ok(())
    }

    fn close(&mut self, outcome: CaseOutcome) {
        self.case.step = CaseStep::Closed;
        self.case.outcome = Some(outcome);
        self.case.closed_at = Some(self.now);
        self.case.due_on = None;
    }

    /// Queues the policy's letters for `event` at `stage`.
    fn letters_for(&mut self, stage: i32, event: &'static str, message: String) -> AppResult<()> {
        let informed = self.case.regulator_informed.unwrap_or(false);
        let plans =
            letter::plans_from_rules(&self.policy.mail_rules, stage, event, informed, &message)?;
        self.letters.extend(plans);
        Ok(())
    }

    fn due_text(&self) -> String {
        self.case
            .due_on
            .map(|d| d.format("%A %-d %B %Y").to_string())
            .unwrap_or_default()
    }

    /// Writes the case at the next version (only if nobody else did first), its history entry,
    /// its letters and its event; commits; tells subscribers and the dispatcher.
    async fn commit(
        mut self,
        action: &str,
        rationale: Option<String>,
        detail: Option<Value>,
    ) -> AppResult<case::Model> {
        let expected = self.before.version;
        self.case.version = expected + 1;
        let mut active = self.case.clone().into_active_model().reset_all();
        active.id = NotSet;
        let updated = case::Entity::update_many()
            .set(active)
            .filter(case::Column::Id.eq(self.case.id))
            .filter(case::Column::Version.eq(expected))
            .exec(self.work.db())
            .await?;
        if updated.rows_affected != 1 {
            return Err(AppError::conflict(format!(
                "{} changed while you were acting on it; reload it and decide again.",
                self.case.reference
            )));
        }
        let change = Recorded {
            before: Some(&self.before),
            case: &self.case,
            actor: &self.actor,
            at: self.now,
            action,
            rationale,
            detail,
            letters: &self.letters,
            justification: self.justification.as_deref(),
        };
        change.write(&mut self.work).await?;
        self.work.commit().await?;
        Ok(self.case)
    }
}

/// A case change written in its unit of work (the case row itself already is): its history
/// entry, its letters and its event.
struct Recorded<'r> {
    /// The case before the change; `None` when it was just opened.
    before: Option<&'r case::Model>,
    case: &'r case::Model,
    actor: &'r Actor,
    at: DateTime<Utc>,
    action: &'r str,
    rationale: Option<String>,
    detail: Option<Value>,
    letters: &'r [LetterPlan<'r>],
    justification: Option<&'r str>,
}

impl Recorded<'_> {
    async fn write(self, work: &mut UnitOfWork<'_>) -> AppResult<()> {
        let state = work.state();
        append_history(
            work.db(),
            self.case,
            self.actor,
            self.at,
            self.action,
            self.before.and_then(|b| b.stage),
            self.rationale,
            self.detail,
        )
        .await?;
        let letters = letter::write(
            work.db(),
            &state.mail,
            self.case,
            self.case.version,
            self.letters,
            self.justification,
            self.at,
        )
        .await?;
        if let Some(event) = change_of(self.before, self.case, self.at) {
            work.publish(event).await?;
        }
        if !letters.is_empty() {
            work.letters_queued();
        }
        tracing::info!(case = %self.case.reference, actor = %self.actor.sub, action = self.action, version = self.case.version, letters = letters.len(), "case changed");
        Ok(())
    }
}

/// The event subscribers hear of, when the case opened, changed stage or closed.
fn change_of(
    before: Option<&case::Model>,
    after: &case::Model,
    at: DateTime<Utc>,
) -> Option<Event> {
    let kind = match before {
        None => CaseChangeKind::Opened,
        Some(_) if after.step == CaseStep::Closed => CaseChangeKind::Closed,
        Some(b) if b.stage != after.stage => CaseChangeKind::StageChanged,
        Some(_) => return None,
    };
    Some(Event::CaseChanged(CaseChange {
        kind,
        reference: after.reference.clone(),
        provider_ods: after.provider_ods.clone(),
        network_code: after.network_code.clone(),
        from_stage: before.and_then(|b| b.stage),
        to_stage: after.stage,
        reached_stage: after.reached_stage,
        due_on: after.due_on,
        outcome: after.outcome,
        at,
    }))
}

#[allow(clippy::too_many_arguments)]
async fn append_history(
    db: &impl ConnectionTrait,
    case: &case::Model,
    actor: &Actor,
    at: DateTime<Utc>,
    action: &str,
    from_stage: Option<i32>,
    rationale: Option<String>,
    detail: Option<Value>,
) -> AppResult<()> {
    case_event::Entity::insert(case_event::ActiveModel {
        id: NotSet,
        case_id: Set(case.id),
        at: Set(at),
        actor_sub: Set(actor.sub.clone()),
        actor_name: Set(actor.name.clone()),
        action: Set(action.to_owned()),
        from_stage: Set(from_stage),
        to_stage: Set(case.stage),
        rationale: Set(rationale),
        detail: Set(detail),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// What the caller may read of `case`; `None` when it is outside their scope.
pub fn access(scope: &Scope, case: &case::Model) -> Option<CaseAccess> {
    scope
        .cases
        .access(case.provider_ods.as_deref(), case.reached_stage)
}

/// Opens a case (the registry). Categories 1 and 2 are recorded as referred to the Trust's own
/// processes and closed; category 3 about an implant goes to the ODEP spine members; everything
/// else starts stage 1 (seed 000, "Categories" and Tables 1-2).
pub async fn open(state: &AppState, caller: &Caller<'_>, new: NewCase) -> AppResult<case::Model> {
    caller
        .viewer
        .require_any(&[Role::RegistryAnalyst], "open a cause-for-concern case")?;
    if !(1..=4).contains(&new.category) {
        return Err(AppError::bad_input(format!(
            "category must be 1 (single case record), 2 (cluster of cases), 3 (emerging aggregate \
             data) or 4 (PROMs/PREMs); got {}.",
            new.category
        )));
    }
    let summary = required_text("summary", &new.summary, 4000)?;
    if new.evidence.len() > 20 {
        return Err(AppError::bad_input(
            "At most 20 evidence links; link to a page that lists the rest.",
        ));
    }
    for link in &new.evidence {
        if link.label.trim().is_empty() || link.label.chars().count() > 200 {
            return Err(AppError::bad_input(
                "Every evidence link needs a label of 1 to 200 characters.",
            ));
        }
        if !(link.url.starts_with("https://") || link.url.starts_with("http://"))
            || link.url.len() > 2000
        {
            return Err(AppError::bad_input(format!(
                "Evidence link \"{}\" is not an http(s) URL.",
                link.url
            )));
        }
    }
    let implant = new
        .implant
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty());
    let provider_ods = new
        .provider_ods
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    match (provider_ods, implant) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(AppError::bad_input(
                "A case is about a provider (providerOds) or, for category 3, an implant \
                 (implant): give exactly one.",
            ));
        }
        (None, Some(_)) if new.category != 3 => {
            return Err(AppError::bad_input(
                "Only category 3 (emerging aggregate data) concerns may be about an implant.",
            ));
        }
        _ => {}
    }
    let mut work = UnitOfWork::begin(state).await?;
    let (today, now) = (work.today, work.now);
    let txn = work.db();
    let (jurisdiction, network_code) = match provider_ods {
        Some(ods) => {
            let provider = provider::Entity::find_by_id(ods.to_owned())
                .one(txn)
                .await?
                .ok_or_else(|| AppError::not_found("provider", ods))?;
            let network = entities::network_membership::Entity::find()
                .select_only()
                .column(entities::network_membership::Column::NetworkCode)
                .filter(entities::network_membership::Column::ProviderOds.eq(ods))
                .filter(in_force_on(
                    entities::network_membership::Column::ValidFrom,
                    entities::network_membership::Column::ValidTo,
                    today,
                ))
                .into_tuple::<String>()
                .one(txn)
                .await?;
            (provider.nation, network)
        }
        // Implant concerns go to UK-wide bodies (ODEP, MHRA); they follow England's table.
        None => (Nation::England, None),
    };
    let policy = policy(txn, jurisdiction, None).await?;
    // References are numbered per year: concurrent opens on PostgreSQL take turns drawing the
    // next number (SQLite's write lock already serialises them).
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({CASE_REFERENCE_LOCK})"),
        ))
        .await?;
    }
    let seq: Option<i32> = case::Entity::find()
        .select_only()
        .column_as(case::Column::Seq.max(), "max")
        .filter(case::Column::Year.eq(today.year()))
        .into_tuple::<Option<i32>>()
        .one(txn)
        .await?
        .flatten();
    let seq = seq.unwrap_or(0) + 1;
    let calendar = working_calendar(txn).await?;
    let mut case = case::Model {
        id: 0,
        reference: format!("CFC-{}-{seq:04}", today.year()),
        year: today.year(),
        seq,
        category: new.category,
        provider_ods: provider_ods.map(str::to_owned),
        implant: implant.map(str::to_owned),
        network_code,
        jurisdiction,
        policy_version: policy.version,
        step: CaseStep::Examining,
        stage: None,
        reached_stage: 0,
        stage_started_on: today,
        due_on: None,
        overdue_flagged: false,
        plan: json!({}),
        summary,
        evidence: serde_json::to_value(&new.evidence).map_err(AppError::internal)?,
        response: None,
        no_response: false,
        ground: None,
        call_recorded_at: None,
        regulator_informed: None,
        outcome: None,
        urgent: false,
        lead_sub: Some(caller.viewer.sub.clone()),
        lead_name: Some(caller.viewer.name.clone()),
        lead_email: caller.viewer.email.clone(),
        opened_at: now,
        closed_at: None,
        version: 1,
    };
    let mut letters = Vec::new();
    if new.category <= 2 {
        case.step = CaseStep::Closed;
        case.outcome = Some(CaseOutcome::ReferredToTrust);
        case.closed_at = Some(now);
    } else if implant.is_some() {
        case.step = CaseStep::OdepReview;
        letters.push(LetterPlan {
            event: "ODEP_REPORT",
            stage: None,
            to: vec![MailParty::Odep],
            cc: vec![],
            source: "Seed 000, category 3: implant concerns are reported to the ODEP spine members"
                .into(),
            tag: "odep".into(),
            message: "An emerging aggregate-data concern about this implant is reported to the \
                      ODEP spine members for review."
                .into(),
        });
    } else {
        let rule = policy
            .stages
            .iter()
            .find(|s| s.stage == 1)
            .ok_or_else(|| AppError::not_found("policy stage", "1"))?;
        case.stage = Some(1);
        case.reached_stage = 1;
        case.due_on = u32::try_from(rule.limit_working_days)
            .ok()
            .and_then(|days| calendar.add_working_days(today, days));
    }
    let mut active = case.clone().into_active_model();
    active.id = NotSet;
    let inserted = case::Entity::insert(active)
        .exec_with_returning(txn)
        .await
        .map_err(|e| match e.sql_err() {
            // Two cases opened at the same instant drew the same number.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::conflict(
                "Another case was opened at the same moment; open this one again.",
            ),
            _ => e.into(),
        })?;
    let change = Recorded {
        before: None,
        case: &inserted,
        actor: &Actor::from(caller.viewer),
        at: now,
        action: "OPENED",
        rationale: None,
        detail: Some(json!({ "category": inserted.category, "outcome": inserted.outcome })),
        letters: &letters,
        justification: None,
    };
    change.write(&mut work).await?;
    work.commit().await?;
    Ok(inserted)
}

/// Stage 1 (examination) or stage 4 (review of the response): the registry's finding (seed 000,
/// Tables 1-2, stages 1 and 4).
pub async fn record_finding(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    finding: Finding,
    ground: Option<CaseGround>,
    rationale: &str,
) -> AppResult<case::Model> {
    caller
        .viewer
        .require_any(&[Role::RegistryAnalyst], "record a finding on a case")?;
    let rationale = required_text("rationale", rationale, 4000)?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    work.expect_step(
        &[CaseStep::Examining, CaseStep::ReviewingResponse],
        "record a finding (findings close stage 1's examination or stage 4's review)",
    )?;
    work.forbid_conflicted().await?;
    let at_review = work.case.step == CaseStep::ReviewingResponse;
    match (finding, at_review) {
        (Finding::NoCaseToAnswer, false) => {
            if ground.is_some() {
                return Err(AppError::bad_input(
                    "A ground is given only with a stage-4 case to answer.",
                ));
            }
            work.close(CaseOutcome::NoCaseToAnswer);
        }
        (Finding::CaseToAnswer, false) => {
            if ground.is_some() {
                return Err(AppError::bad_input(
                    "A ground is given only with a stage-4 case to answer.",
                ));
            }
            work.case.step = CaseStep::AwaitingNextSteps;
        }
        (Finding::NoCaseToAnswer, true) => {
            if ground.is_some() {
                return Err(AppError::bad_input(
                    "A ground is given only with a case to answer.",
                ));
            }
            work.letters_for(
                4,
                "NO_CASE_TO_ANSWER",
                "The registry has reviewed your response and found no case to answer: the \
                 records have been revised and the case is closed."
                    .into(),
            )?;
            work.close(CaseOutcome::NoCaseToAnswer);
        }
        (Finding::CaseToAnswer, true) => {
            let ground = ground.ok_or_else(|| {
                AppError::bad_input(
                    "Give the ground of a stage-4 case to answer: STILL_A_CONCERN, \
                     DATA_ACCURATE or NO_RESPONSE.",
                )
            })?;
            let responded = work.case.response.is_some();
            match ground {
                CaseGround::NoResponse if responded => {
                    return Err(AppError::bad_input(
                        "The Lead Clinician responded: the ground is STILL_A_CONCERN or \
                         DATA_ACCURATE, not NO_RESPONSE.",
                    ));
                }
                CaseGround::StillAConcern | CaseGround::DataAccurate if work.case.no_response => {
                    return Err(AppError::bad_input(
                        "No response was received: the ground is NO_RESPONSE.",
                    ));
                }
                _ => {}
            }
            work.case.ground = Some(ground);
            work.enter_stage(5)?;
        }
    }
    let detail = json!({ "finding": format!("{finding:?}"), "ground": ground });
    work.commit("FINDING_RECORDED", Some(rationale), Some(detail))
        .await
}

/// Stage 1, case to answer: the HQIP Associate Director agrees the next steps, may shorten or
/// omit later stages, or agrees escalation is not warranted (seed 000, Tables 1-2, stage 1).
#[allow(clippy::too_many_arguments)]
pub async fn agree_next_steps(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    escalate: bool,
    omit: BTreeSet<i32>,
    limits: BTreeMap<i32, i32>,
    rationale: &str,
) -> AppResult<case::Model> {
    caller.viewer.require_any(
        &[Role::HqipAssociateDirector],
        "agree the next steps of a case",
    )?;
    let rationale = required_text("rationale", rationale, 4000)?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    work.expect_step(
        &[CaseStep::AwaitingNextSteps],
        "agree next steps (the registry must first find a case to answer at stage 1)",
    )?;
    work.forbid_conflicted().await?;
    if !escalate {
        if !omit.is_empty() || !limits.is_empty() {
            return Err(AppError::bad_input(
                "Stages are omitted or shortened only when escalation goes ahead.",
            ));
        }
        work.close(CaseOutcome::EscalationNotWarranted);
        return work
            .commit(
                "NEXT_STEPS_AGREED",
                Some(rationale),
                Some(json!({ "escalate": false })),
            )
            .await;
    }
    if let Some(stage) = omit.iter().find(|s| !OMITTABLE_STAGES.contains(s)) {
        return Err(AppError::bad_input(format!(
            "Stage {stage} cannot be omitted: only stages 2, 3 and 4 (the dialogue with the \
             provider before escalation) may be."
        )));
    }
    if omit.contains(&2) && !omit.contains(&3) {
        return Err(AppError::bad_input(
            "Omitting stage 2 (the request) means omitting stage 3 (the response to it) too.",
        ));
    }
    for (stage, days) in &limits {
        let policy_limit = work
            .policy
            .stages
            .iter()
            .find(|s| s.stage == *stage && *stage >= 2)
            .map(|s| s.limit_working_days)
            .ok_or_else(|| {
                AppError::bad_input(format!(
                    "Stage {stage} has no limit to shorten (stages 2 to 7 do)."
                ))
            })?;
        if !(1..=policy_limit).contains(days) {
            return Err(AppError::bad_input(format!(
                "Stage {stage}'s limit may be shortened to between 1 and {policy_limit} working \
                 days; got {days}."
            )));
        }
        if omit.contains(stage) {
            return Err(AppError::bad_input(format!(
                "Stage {stage} is omitted; it has no limit to shorten."
            )));
        }
    }
    let plan = Plan {
        omitted: omit,
        limits,
    };
    work.case.plan = serde_json::to_value(&plan).map_err(AppError::internal)?;
    work.enter_stage(2)?;
    let detail = json!({ "escalate": true, "plan": plan });
    work.commit("NEXT_STEPS_AGREED", Some(rationale), Some(detail))
        .await
}

/// Stage 2: the request to the Lead Clinician, copied to the CEO and Medical Director (seed 000,
/// Tables 1-2, stage 2).
pub async fn send_request(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    note: Option<&str>,
) -> AppResult<case::Model> {
    caller
        .viewer
        .require_any(&[Role::RegistryAnalyst], "send the stage-2 request")?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    work.expect_step(&[CaseStep::RequestDue], "send the stage-2 request")?;
    work.forbid_conflicted().await?;
    work.enter_stage(3)?;
    let message = if work.case.stage == Some(3) {
        format!(
            "The registry has identified a potential concern about your service. All relevant \
             data and analyses are available in the portal. Please provide a written response \
             by {}.",
            work.due_text()
        )
    } else {
        "The registry has identified a potential concern about your service. All relevant data \
         and analyses are available in the portal."
            .to_owned()
    };
    work.letters_for(2, "REQUEST_SENT", message)?;
    work.commit("REQUEST_SENT", note.map(str::to_owned), None)
        .await
}

/// Stage 3: the Lead Clinician's written response (seed 000, Tables 1-2, stage 3).
pub async fn submit_response(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    response: &str,
) -> AppResult<case::Model> {
    let response = required_text("response", response, 20_000)?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    let provider = work.case.provider_ods.clone().unwrap_or_default();
    if !caller.viewer.holds(
        Role::ProviderLeadClinician,
        &GrantScope::Provider(provider.clone()),
    ) {
        return Err(AppError::forbidden(format!(
            "Only the Lead Clinician of {provider} (PROVIDER_LEAD_CLINICIAN:{provider}) may \
             respond to {}.",
            work.case.reference
        )));
    }
    work.expect_step(&[CaseStep::AwaitingResponse], "submit a response")?;
    work.case.response = Some(response);
    work.enter_stage(4)?;
    work.commit("RESPONSE_SUBMITTED", None, None).await
}

/// Stage 3's limit passed with no response: the registry records it and reviews (seed 000,
/// Tables 1-2, stage 3).
pub async fn record_no_response(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    note: &str,
) -> AppResult<case::Model> {
    caller
        .viewer
        .require_any(&[Role::RegistryAnalyst], "record that no response came")?;
    let note = required_text("note", note, 4000)?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    work.expect_step(
        &[CaseStep::AwaitingResponse],
        "record that no response came",
    )?;
    if let Some(due) = work.case.due_on
        && work.today <= due
    {
        return Err(AppError::bad_input(format!(
            "The Lead Clinician has until the end of {due} to respond; record no response after \
             that."
        )));
    }
    work.case.no_response = true;
    work.enter_stage(4)?;
    work.commit("NO_RESPONSE_RECORDED", Some(note), None).await
}

/// Stage 5: the telephone call to the Lead Clinician, recorded before the written confirmation
/// (seed 000, Tables 1-2, stage 5).
pub async fn record_telephone_call(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    note: &str,
) -> AppResult<case::Model> {
    caller.viewer.require_any(
        &[Role::RegistryAnalyst],
        "record the stage-5 telephone call",
    )?;
    let note = required_text("note", note, 4000)?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    work.expect_step(&[CaseStep::Confirming], "record the stage-5 telephone call")?;
    if work.case.call_recorded_at.is_some() {
        return Err(AppError::bad_input(format!(
            "The telephone call on {} is already recorded.",
            work.case.reference
        )));
    }
    work.case.call_recorded_at = Some(work.now);
    work.commit("TELEPHONE_CALL_RECORDED", Some(note), None)
        .await
}

/// Stage 5: one half of the joint decision on informing the CQC (England) or the Welsh
/// Government (Wales): the HQIP Associate Director and the registry clinical lead, two people,
/// neither with a declared conflict (seed 000, Table 1 footnotes 1-2, Table 2 footnote 6).
pub async fn decide_regulator_notification(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    inform: bool,
    rationale: &str,
) -> AppResult<case::Model> {
    caller.viewer.require_any(
        &STAGE_5_DECIDERS,
        "decide whether the regulator is informed",
    )?;
    let rationale = required_text("rationale", rationale, 4000)?;
    let work = Work::for_caller(state, caller, reference, expected_version).await?;
    work.expect_step(&[CaseStep::Confirming], "decide on informing the regulator")?;
    work.forbid_conflicted().await?;
    let decisions = case_decision::Entity::find()
        .filter(case_decision::Column::CaseId.eq(work.case.id))
        .all(work.work.db())
        .await?;
    let held: Vec<Role> = STAGE_5_DECIDERS
        .into_iter()
        .filter(|r| caller.viewer.has_role(*r))
        .collect();
    // A person holding both roles fills one; re-deciding replaces their own half.
    let own = decisions
        .iter()
        .find(|d| d.decider_sub == caller.viewer.sub)
        .and_then(|d| Role::parse(&d.decider_role));
    let role = match own {
        Some(role) => role,
        None => held
            .iter()
            .copied()
            .find(|r| !decisions.iter().any(|d| d.decider_role == r.as_str()))
            .ok_or_else(|| {
                AppError::bad_input(
                    "Both halves of the decision are recorded by other people; the decision \
                     needs two different people.",
                )
            })?,
    };
    let row = case_decision::ActiveModel {
        case_id: Set(work.case.id),
        decider_role: Set(role.as_str().to_owned()),
        decider_sub: Set(caller.viewer.sub.clone()),
        decider_name: Set(caller.viewer.name.clone()),
        inform_regulator: Set(inform),
        rationale: Set(rationale.clone()),
        decided_at: Set(work.now),
    };
    if own.is_some() {
        row.update(work.work.db()).await?;
    } else {
        row.insert(work.work.db()).await?;
    }
    let detail = json!({ "role": role.as_str(), "informRegulator": inform });
    work.commit("REGULATOR_DECISION_RECORDED", Some(rationale), Some(detail))
        .await
}

/// Stage 5: written confirmation to the CEO copying the Lead Clinician and Medical Director,
/// and the regulator if so decided (seed 000, Tables 1-2, stage 5). Only after the call.
pub async fn send_confirmation(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    note: Option<&str>,
) -> AppResult<case::Model> {
    caller
        .viewer
        .require_any(&[Role::RegistryAnalyst], "send the stage-5 confirmation")?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    work.expect_step(&[CaseStep::Confirming], "send the stage-5 confirmation")?;
    work.forbid_conflicted().await?;
    if work.case.call_recorded_at.is_none() {
        return Err(AppError::bad_input(
            "Record the telephone call to the Lead Clinician first: seed 000 stage 5 confirms \
             the call in writing.",
        ));
    }
    let decisions = case_decision::Entity::find()
        .filter(case_decision::Column::CaseId.eq(work.case.id))
        .order_by_asc(case_decision::Column::DeciderRole)
        .all(work.work.db())
        .await?;
    if decisions.len() != 2 {
        return Err(AppError::bad_input(
            "The HQIP Associate Director and the registry clinical lead must both record their \
             decision on informing the regulator first.",
        ));
    }
    if decisions[0].inform_regulator != decisions[1].inform_regulator {
        return Err(AppError::bad_input(
            "The HQIP Associate Director and the registry clinical lead disagree on informing \
             the regulator; the decision is joint, so one of them must revise theirs.",
        ));
    }
    let inform = decisions[0].inform_regulator;
    work.case.regulator_informed = Some(inform);
    if inform {
        work.justification = Some(format!(
            "joint stage-5 decision to inform the regulator: {}",
            decisions
                .iter()
                .map(|d| format!("{}: {}", d.decider_role, d.rationale))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    work.enter_stage(6)?;
    let message = format!(
        "Following the registry's telephone call with the Lead Clinician, this letter confirms \
         the concern in writing. Please acknowledge it in the portal by {}, confirming that a \
         local review is under way.",
        work.due_text()
    );
    work.letters_for(5, "CONFIRMATION_SENT", message)?;
    work.commit(
        "CONFIRMATION_SENT",
        note.map(str::to_owned),
        Some(json!({ "regulatorInformed": inform })),
    )
    .await
}

/// Stage 6 (or 7): the CEO acknowledges, confirming a local review; the case closes, copying the
/// regulator if stage 5 so decided (seed 000, Table 1 stage 6 footnote 3, Table 2 footnote 7).
pub async fn acknowledge(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    local_review_confirmed: bool,
    note: Option<&str>,
) -> AppResult<case::Model> {
    if !local_review_confirmed {
        return Err(AppError::bad_input(
            "The acknowledgement confirms that a local review is under way \
             (localReviewConfirmed: true).",
        ));
    }
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    let provider = work.case.provider_ods.clone().unwrap_or_default();
    if !caller
        .viewer
        .holds(Role::ProviderCeo, &GrantScope::Provider(provider.clone()))
    {
        return Err(AppError::forbidden(format!(
            "Only the CEO of {provider} (PROVIDER_CEO:{provider}) may acknowledge {}.",
            work.case.reference
        )));
    }
    work.expect_step(
        &[CaseStep::AwaitingAcknowledgement, CaseStep::Reminded],
        "acknowledge the letter",
    )?;
    if work.case.regulator_informed == Some(true) {
        work.justification =
            Some("stage-5 joint decision to inform the regulator (copy of acknowledgement)".into());
    }
    work.letters_for(
        6,
        "ACKNOWLEDGED",
        "The provider's Chief Executive has acknowledged the registry's letter and confirmed a \
         local review."
            .into(),
    )?;
    work.close(CaseOutcome::Acknowledged);
    work.commit(
        "ACKNOWLEDGED",
        note.map(str::to_owned),
        Some(json!({ "localReviewConfirmed": true })),
    )
    .await
}

/// Category 3 implant concern: the ODEP review's conclusion; if confirmed genuine, the MHRA is
/// informed (seed 000, category 3).
pub async fn conclude_implant_review(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    confirmed_genuine: bool,
    rationale: &str,
) -> AppResult<case::Model> {
    caller
        .viewer
        .require_any(&[Role::RegistryAnalyst], "conclude an implant review")?;
    let rationale = required_text("rationale", rationale, 4000)?;
    let mut work = Work::for_caller(state, caller, reference, expected_version).await?;
    work.expect_step(&[CaseStep::OdepReview], "conclude the ODEP review")?;
    work.forbid_conflicted().await?;
    if confirmed_genuine {
        work.letters.push(LetterPlan {
            event: "MHRA_INFORMED",
            stage: None,
            to: vec![MailParty::Mhra],
            cc: vec![],
            source: "Seed 000, category 3: the MHRA is informed if the concern is confirmed \
                     genuine"
                .into(),
            tag: "mhra".into(),
            message: "The ODEP spine members' review confirmed this implant concern as genuine."
                .into(),
        });
        work.justification = Some(format!("ODEP review confirmed the concern: {rationale}"));
        work.close(CaseOutcome::MhraInformed);
    } else {
        work.close(CaseOutcome::ImplantConcernNotConfirmed);
    }
    work.commit(
        "IMPLANT_REVIEW_CONCLUDED",
        Some(rationale),
        Some(json!({ "confirmedGenuine": confirmed_genuine })),
    )
    .await
}

/// What one pass of the clock did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub reminded: u32,
    pub non_compliant: u32,
    pub flagged_overdue: u32,
    /// Cases another instance moved first, or that could not move (logged).
    pub skipped: u32,
}

/// One pass of the clock as of the state's clock: every open case whose limit passed (the
/// day after its due date, Europe/London) moves on (seed 000, Tables 1-2, stages 6-7; issue 3
/// §3). Stage 6 → stage 7 with the reminder; stage 7 → closed as non-compliant with the notices;
/// any other stage is flagged overdue once and its owner reminded.
pub async fn tick(state: &AppState) -> AppResult<TickReport> {
    let today = state.clock.today();
    let due: Vec<(String, i32)> = case::Entity::find()
        .select_only()
        .columns([case::Column::Reference])
        .column(case::Column::Version)
        .filter(case::Column::Step.ne(CaseStep::Closed))
        .filter(case::Column::DueOn.lt(today))
        .order_by_asc(case::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut report = TickReport::default();
    for (reference, version) in due {
        match advance_overdue(state, &reference, version).await {
            Ok(Some(step)) => match step {
                CaseStep::Reminded => report.reminded += 1,
                CaseStep::Closed => report.non_compliant += 1,
                _ => report.flagged_overdue += 1,
            },
            Ok(None) => {}
            Err(e) => {
                if e.code() != crate::error::ErrorCode::Conflict {
                    tracing::error!(case = %reference, error = %e.cause(), "the clock could not move a case; it retries on the next pass");
                }
                report.skipped += 1;
            }
        }
    }
    Ok(report)
}

async fn advance_overdue(
    state: &AppState,
    reference: &str,
    version: i32,
) -> AppResult<Option<CaseStep>> {
    let mut work = Work::begin(
        state,
        Actor::clock(),
        reference,
        |_| Some(CaseAccess::Full),
        version,
    )
    .await?;
    if work.case.due_on.is_none_or(|due| due >= work.today) {
        return Ok(None);
    }
    let action = match work.case.step {
        CaseStep::AwaitingAcknowledgement => {
            work.enter_stage(7)?;
            work.justification = Some(
                "stage 7: no acknowledgement within the stage-6 limit; the table copies the \
                 regulator on the reminder"
                    .into(),
            );
            let message = format!(
                "The registry's letter has not been acknowledged within the limit. Please \
                 acknowledge it in the portal by {}, confirming a local review; otherwise \
                 non-compliance will be notified.",
                work.due_text()
            );
            work.letters_for(7, "REMINDER_SENT", message)?;
            "REMINDER_SENT"
        }
        CaseStep::Reminded => {
            work.justification = Some(
                "stage 7: no acknowledgement within the reminder's limit; non-compliance is \
                 notified as the table requires"
                    .into(),
            );
            work.letters_for(
                7,
                "NON_COMPLIANCE",
                "The provider has not acknowledged the registry's letter or the reminder within \
                 the limits: non-compliance with the cause-for-concern process is notified."
                    .into(),
            )?;
            work.close(CaseOutcome::NonCompliant);
            "NON_COMPLIANCE_NOTIFIED"
        }
        _ if work.case.overdue_flagged => return Ok(None),
        step => {
            work.case.overdue_flagged = true;
            let (party, owner) = if step == CaseStep::AwaitingResponse {
                (Some(MailParty::LeadClinician), "the Lead Clinician")
            } else {
                (None, "the registry lead")
            };
            let message = format!(
                "Stage {} of {} passed its limit on {} without the next step; this reminds {owner}.",
                work.case.stage.unwrap_or(0),
                work.case.reference,
                work.due_text()
            );
            match party {
                Some(party) => work.letters.push(LetterPlan {
                    event: "OVERDUE",
                    stage: work.case.stage,
                    to: vec![party],
                    cc: vec![],
                    source: "Issue 3 §3: owners of overdue stages are reminded".into(),
                    tag: "overdue".into(),
                    message,
                }),
                None => {
                    tracing::warn!(case = %work.case.reference, stage = ?work.case.stage, "stage overdue; the registry lead is reminded in the portal")
                }
            }
            "FLAGGED_OVERDUE"
        }
    };
    let case = work.commit(action, None, None).await?;
    Ok(Some(case.step))
}

/// Declares the caller's conflict of interest on a case (seed 003 §28): from now on they cannot
/// take decisions on it.
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

/// Marks a case urgent with a nominated lead (seed 003, annex E), or clears it.
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

/// The case `reference`, if the caller may read it.
pub async fn find_visible(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
) -> AppResult<case::Model> {
    case::Entity::find()
        .filter(case::Column::Reference.eq(reference.trim()))
        .one(&state.db)
        .await?
        .filter(|c| access(caller.scope, c).is_some())
        .ok_or_else(|| unknown_case(reference))
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

/// Filters for the case list.
#[derive(Debug, Default, Clone)]
pub struct CaseFilter {
    pub open: Option<bool>,
    pub overdue: Option<bool>,
    pub provider_ods: Option<String>,
    pub stage: Option<i32>,
}

/// The cases the caller may read, newest first, filtered in SQL by scope.
pub async fn list(
    state: &AppState,
    scope: &Scope,
    filter: &CaseFilter,
) -> AppResult<Vec<case::Model>> {
    let today = state.clock.today();
    let mut query = case::Entity::find();
    if scope.cases.everywhere.is_none() {
        let reach = &scope.cases;
        let mut condition = sea_orm::Condition::any();
        if !reach.providers.is_empty() {
            condition = condition.add(case::Column::ProviderOds.is_in(reach.providers.iter()));
        }
        if !reach.providers_from_stage_5.is_empty() {
            condition = condition.add(
                sea_orm::Condition::all()
                    .add(case::Column::ProviderOds.is_in(reach.providers_from_stage_5.iter()))
                    .add(case::Column::ReachedStage.gte(crate::auth::scope::WATCHED_FROM_STAGE)),
            );
        }
        if reach.providers.is_empty() && reach.providers_from_stage_5.is_empty() {
            return Ok(Vec::new());
        }
        query = query.filter(condition);
    }
    if let Some(open) = filter.open {
        query = if open {
            query.filter(case::Column::Step.ne(CaseStep::Closed))
        } else {
            query.filter(case::Column::Step.eq(CaseStep::Closed))
        };
    }
    if let Some(overdue) = filter.overdue {
        let overdue_condition = sea_orm::Condition::all()
            .add(case::Column::Step.ne(CaseStep::Closed))
            .add(case::Column::DueOn.lt(today));
        query = if overdue {
            query.filter(overdue_condition)
        } else {
            query.filter(overdue_condition.not())
        };
    }
    if let Some(provider) = &filter.provider_ods {
        query = query.filter(case::Column::ProviderOds.eq(provider.trim()));
    }
    if let Some(stage) = filter.stage {
        query = query.filter(case::Column::Stage.eq(stage));
    }
    Ok(query.order_by_desc(case::Column::Id).all(&state.db).await?)
}
