//! One transition in progress: loading the case at the version the caller saw, checking the
//! move against the workflow table, and writing the change, its history, letters and event
//! through the unit of work.

use super::*;

/// A transition the workflow table does not allow: a defect, never the caller's doing.
#[derive(Debug, thiserror::Error)]
#[error("off the workflow table: {0}")]
pub(super) struct OffTheTable(pub(super) String);

/// One transition in progress.
pub(super) struct Work<'a> {
    pub(super) work: UnitOfWork<'a>,
    pub(super) actor: Actor,
    pub(super) before: case::Model,
    pub(super) case: case::Model,
    pub(super) policy: Policy,
    pub(super) calendar: WorkingCalendar,
    pub(super) now: DateTime<Utc>,
    pub(super) today: NaiveDate,
    pub(super) letters: Vec<LetterPlan<'static>>,
    pub(super) justification: Option<String>,
    /// The royal colleges the registry writes to at stage 5, as decided.
    pub(super) registry_colleges: Vec<MailParty>,
    /// The event of a change that moves no stage but that readers wait for.
    pub(super) event: Option<CaseChangeKind>,
    /// The workflow's row for the move being made, once permitted; `None` for changes that
    /// are no move (the urgent route).
    pub(super) rule: Option<&'static Rule>,
}

impl<'a> Work<'a> {
    /// Opens the transaction and loads the case the caller acted on, at the version they saw.
    /// A case outside the caller's scope is reported as not found.
    pub(super) async fn begin(
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
        let calendar = WorkingCalendar::load(txn).await?;
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
            registry_colleges: Vec::new(),
            event: None,
            rule: None,
        })
    }

    /// `begin` for a person: a case outside their scope is not found.
    pub(super) async fn for_caller(
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

    /// `begin` for a person making `action`, refused as the workflow table says: before the case is
    /// read, unless the caller holds a national role that could make the move (so a refusal tells
    /// nothing of the case); once it is, unless they hold the role its policy names for its
    /// provider, it is at a step the move starts from, and they declared no conflict.
    pub(super) async fn for_move(
        state: &'a AppState,
        caller: &Caller<'_>,
        action: Move,
        reference: &str,
        expected_version: i32,
    ) -> AppResult<Work<'a>> {
        let rule = action.rule();
        let could_act = match rule.who {
            Who::Roles(roles) => roles.to_vec(),
            Who::StageActor(stage) => {
                super::super::policy::actors_of_stage(&state.db, stage).await?
            }
            Who::Clock => Vec::new(),
        };
        let could_act = if action.by_the_lead() {
            could_act
                .into_iter()
                .chain([Role::RegistryClinicalLead])
                .collect()
        } else {
            could_act
        };
        // A provider's role is checked once the case is read: to anyone who cannot see the
        // case, it does not exist.
        let national = could_act
            .iter()
            .all(|r| !r.allowed_scopes().contains(&ScopeKind::Provider));
        if national {
            caller.viewer.require_any(&could_act, rule.to_do)?;
        }
        let mut work = Self::for_caller(state, caller, reference, expected_version).await?;
        work.permit(rule, Some(caller.viewer)).await?;
        Ok(work)
    }

    /// Checks `rule` for the viewer (the clock when `None`) against this case and its policy.
    pub(super) async fn permit(
        &mut self,
        rule: &'static Rule,
        viewer: Option<&Viewer>,
    ) -> AppResult<()> {
        let provider = GrantScope::Provider(self.case.provider_ods.clone().unwrap_or_default());
        let stage_actor = |stage: i32| {
            self.policy
                .stages
                .iter()
                .find(|s| s.stage == stage)
                .and_then(|s| Role::parse(&s.actor_role))
        };
        let lead = self.case.lead_sub.as_deref();
        let by_the_lead = rule.action.by_the_lead();
        let holds = |role: Role| {
            viewer.is_some_and(|v| {
                if by_the_lead {
                    (v.holds(role, &provider) && lead == Some(v.sub.as_str()))
                        || v.has_role(Role::RegistryClinicalLead)
                } else {
                    v.holds(role, &provider)
                }
            })
        };
        match rule.permit(self.case.step, viewer.is_none(), stage_actor, holds) {
            Ok(()) => {}
            Err(Refusal::NotYours(_)) if by_the_lead => {
                return Err(AppError::forbidden(format!(
                    "Only the case's lead or a REGISTRY_CLINICAL_LEAD may {} on {}.",
                    rule.to_do, self.case.reference
                )));
            }
            Err(Refusal::NotYours(who)) => {
                let whose = match &provider {
                    GrantScope::Provider(ods) if !ods.is_empty() => format!(" (for {ods})"),
                    _ => String::new(),
                };
                return Err(AppError::forbidden(format!(
                    "{who} {}{whose} on {}.",
                    rule.to_do, self.case.reference
                )));
            }
            Err(Refusal::WrongStep) => self.expect_step(rule.from, rule.to_do)?,
        }
        if rule.conflict_bars {
            self.forbid_conflicted().await?;
        }
        self.rule = Some(rule);
        Ok(())
    }

    /// Fails unless the case is at `step`, saying what the caller tried and where the case is.
    pub(super) fn expect_step(&self, steps: &[CaseStep], to_do: &str) -> AppResult<()> {
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

    /// A declared conflict of interest blocks the declarer's decisions on the case (NHS
    /// Resolution's significant-concerns guidance, §28).
    pub(super) async fn forbid_conflicted(&self) -> AppResult<()> {
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
    pub(super) fn enter_stage(&mut self, stage: i32) -> AppResult<()> {
        let plan = Plan::of(&self.case);
        let stage = workflow::next_kept_stage(stage, &plan.omitted);
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

    pub(super) fn close(&mut self, outcome: CaseOutcome) {
        self.case.step = CaseStep::Closed;
        self.case.outcome = Some(outcome);
        self.case.closed_at = Some(self.now);
        self.case.due_on = None;
    }

    /// Queues the policy's letters for `event` at `stage`.
    pub(super) fn letters_for(
        &mut self,
        stage: i32,
        event: &'static str,
        message: String,
    ) -> AppResult<()> {
        if let Some(rule) = self.rule
            && !rule.may_send(stage, event)
        {
            return Err(AppError::internal(OffTheTable(format!(
                "{:?} may not send the stage-{stage} {event} letter",
                rule.action
            ))));
        }
        let decided = Decided {
            regulator: self.case.regulator_informed.unwrap_or(false),
            registry_colleges: self.registry_colleges.clone(),
        };
        let plans =
            letter::plans_from_rules(&self.policy.mail_rules, stage, event, &decided, &message)?;
        self.letters.extend(plans);
        Ok(())
    }

    pub(super) fn due_text(&self) -> String {
        self.case
            .due_on
            .map(|d| d.format("%A %-d %B %Y").to_string())
            .unwrap_or_default()
    }

    /// Writes the case at the next version (only if nobody else did first), its history entry,
    /// its letters and its event; commits; tells subscribers and the dispatcher.
    pub(super) async fn commit(
        mut self,
        action: &str,
        rationale: Option<String>,
        detail: Option<Value>,
    ) -> AppResult<case::Model> {
        if let Some(rule) = self.rule
            && !rule.to.contains(&self.case.step)
        {
            return Err(AppError::internal(OffTheTable(format!(
                "{:?} may not lead to {:?}",
                rule.action, self.case.step
            ))));
        }
        self.apprise_the_associate_director();
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
            event: self.event,
        };
        change.write(&mut self.work).await?;
        self.work.commit().await?;
        Ok(self.case)
    }

    /// A short notice to the allocated HQIP Associate Director of a stage change or closure
    /// that no letter of the policy already tells them of (BSR Cause for Concern Policy, January
    /// 2026, Tables 1-2, stage 1: "HQIP AD to be kept apprised of the progress of the subsequent
    /// escalation process").
    fn apprise_the_associate_director(&mut self) {
        let moved = self.before.stage != self.case.stage || self.case.step == CaseStep::Closed;
        let told = self
            .letters
            .iter()
            .any(|l| l.to.contains(&MailParty::HqipAssociateDirector));
        let by_the_director = self.case.associate_director_sub.as_deref() == Some(&self.actor.sub);
        if self.case.associate_director_email.is_none()
            || by_the_director
            || !moved
            || self.before.step == CaseStep::Closed
            || told
        {
            return;
        }
        let now = match (self.case.step, self.case.stage) {
            (CaseStep::Closed, _) => format!(
                "is closed ({})",
                self.case.outcome.map(|o| o.to_value()).unwrap_or_default()
            ),
            (_, Some(stage)) => format!("is at stage {stage}, due by {}", self.due_text()),
            (_, None) => "moved on".to_owned(),
        };
        let source = match self.case.jurisdiction {
            Nation::Wales => "BSR Cause for Concern Policy, January 2026, Table 2, stage 1",
            _ => "BSR Cause for Concern Policy, January 2026, Table 1, stage 1",
        };
        self.letters.push(LetterPlan {
            event: "PROGRESS_NOTICE",
            stage: self.case.stage,
            to: vec![MailParty::HqipAssociateDirector],
            cc: vec![],
            source: format!("{source}: the HQIP Associate Director is kept apprised"),
            tag: "ad".into(),
            message: format!("For your information: the case {now}."),
        });
    }
}

/// A case change written in its unit of work (the case row itself already is): its history
/// entry, its letters and its event.
pub(super) struct Recorded<'r> {
    /// The case before the change; `None` when it was just opened.
    pub(super) before: Option<&'r case::Model>,
    pub(super) case: &'r case::Model,
    pub(super) actor: &'r Actor,
    pub(super) at: DateTime<Utc>,
    pub(super) action: &'r str,
    pub(super) rationale: Option<String>,
    pub(super) detail: Option<Value>,
    pub(super) letters: &'r [LetterPlan<'r>],
    pub(super) justification: Option<&'r str>,
    /// The event of a change that moves no stage (see `change_of`).
    pub(super) event: Option<CaseChangeKind>,
}

impl Recorded<'_> {
    pub(super) async fn write(self, work: &mut UnitOfWork<'_>) -> AppResult<()> {
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
        if let Some(event) = change_of(self.before, self.case, self.event, self.at) {
            work.publish(event).await?;
        }
        if !letters.is_empty() {
            work.letters_queued();
        }
        tracing::info!(case = %self.case.reference, actor = %self.actor.sub, action = self.action, version = self.case.version, letters = letters.len(), "case changed");
        Ok(())
    }
}

/// The event subscribers hear of, when the case opened, changed stage or closed, or `explicit`
/// when the change moved no stage.
pub(super) fn change_of(
    before: Option<&case::Model>,
    after: &case::Model,
    explicit: Option<CaseChangeKind>,
    at: DateTime<Utc>,
) -> Option<Event> {
    let kind = match before {
        None => CaseChangeKind::Opened,
        Some(b) if after.step == CaseStep::Closed && b.step != CaseStep::Closed => {
            CaseChangeKind::Closed
        }
        Some(b) if b.stage != after.stage => CaseChangeKind::StageChanged,
        Some(_) => explicit?,
    };
    Some(Event::CaseChanged(CaseChange {
        kind,
        reference: after.reference.clone(),
        provider_ods: after.provider_ods.clone(),
        network_code: after.network_code.clone(),
        from_stage: before.and_then(|b| b.stage),
        to_stage: after.stage,
        reached_stage: after.reached_stage,
        commissioners_informed: after.commissioners_informed_at.is_some(),
        due_on: after.due_on,
        outcome: after.outcome,
        at,
    }))
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn append_history(
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
