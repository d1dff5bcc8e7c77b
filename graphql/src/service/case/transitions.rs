//! The moves people make on a case, stage by stage.

use super::*;

/// Stage 1 (examination) or stage 4 (review of the response): the registry's finding (BSR Cause for
/// Concern Policy, January 2026, Tables 1-2, stages 1 and 4).
pub async fn record_finding(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    finding: Finding,
    ground: Option<CaseGround>,
    rationale: &str,
) -> AppResult<case::Model> {
    let rationale = required_text("rationale", rationale, 4000)?;
    let mut work = Work::for_move(
        state,
        caller,
        Move::RecordFinding,
        reference,
        expected_version,
    )
    .await?;
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

/// Stage 1, case to answer: the HQIP Associate Director agrees the next steps, may shorten or omit
/// later stages, or agrees escalation is not warranted (BSR Cause for Concern Policy, January 2026,
/// Tables 1-2, stage 1).
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
    let rationale = required_text("rationale", rationale, 4000)?;
    let mut work = Work::for_move(
        state,
        caller,
        Move::AgreeNextSteps,
        reference,
        expected_version,
    )
    .await?;
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

/// Stage 2: the request to the Lead Clinician, copied to the CEO and Medical Director (BSR Cause
/// for Concern Policy, January 2026, Tables 1-2, stage 2).
pub async fn send_request(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    note: Option<&str>,
) -> AppResult<case::Model> {
    let mut work = Work::for_move(
        state,
        caller,
        Move::SendRequest,
        reference,
        expected_version,
    )
    .await?;
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

/// Stage 3: the Lead Clinician's written response (BSR Cause for Concern Policy, January 2026,
/// Tables 1-2, stage 3).
pub async fn submit_response(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    response: &str,
) -> AppResult<case::Model> {
    let response = required_text("response", response, 20_000)?;
    let mut work = Work::for_move(
        state,
        caller,
        Move::SubmitResponse,
        reference,
        expected_version,
    )
    .await?;
    work.case.response = Some(response);
    work.enter_stage(4)?;
    work.commit("RESPONSE_SUBMITTED", None, None).await
}

/// Stage 3's limit passed with no response: the registry records it and reviews (BSR Cause for
/// Concern Policy, January 2026, Tables 1-2, stage 3).
pub async fn record_no_response(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    note: &str,
) -> AppResult<case::Model> {
    let note = required_text("note", note, 4000)?;
    let mut work = Work::for_move(
        state,
        caller,
        Move::RecordNoResponse,
        reference,
        expected_version,
    )
    .await?;
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
/// (BSR Cause for Concern Policy, January 2026, Tables 1-2, stage 5).
pub async fn record_telephone_call(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    note: &str,
) -> AppResult<case::Model> {
    let note = required_text("note", note, 4000)?;
    let mut work = Work::for_move(
        state,
        caller,
        Move::RecordTelephoneCall,
        reference,
        expected_version,
    )
    .await?;
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

/// Stage 5: one half of the joint decision on informing the CQC (England) or the Welsh Government
/// (Wales): the HQIP Associate Director and the registry clinical lead, two people, neither with a
/// declared conflict (BSR Cause for Concern Policy, January 2026, Table 1 footnotes 1-2, Table 2
/// footnote 6).
pub async fn decide_regulator_notification(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    inform: bool,
    rationale: &str,
) -> AppResult<case::Model> {
    let rationale = required_text("rationale", rationale, 4000)?;
    let work = Work::for_move(
        state,
        caller,
        Move::DecideRegulatorNotification,
        reference,
        expected_version,
    )
    .await?;
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

/// Stage 5: written confirmation to the CEO copying the Lead Clinician and Medical Director, and
/// the regulator if so decided (BSR Cause for Concern Policy, January 2026, Tables 1-2, stage 5).
/// Only after the call.
pub async fn send_confirmation(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    note: Option<&str>,
) -> AppResult<case::Model> {
    let mut work = Work::for_move(
        state,
        caller,
        Move::SendConfirmation,
        reference,
        expected_version,
    )
    .await?;
    if work.case.call_recorded_at.is_none() {
        return Err(AppError::bad_input(
            "Record the telephone call to the Lead Clinician first: the policy's stage 5 confirms \
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
/// regulator if stage 5 so decided (BSR Cause for Concern Policy, January 2026, Table 1 stage 6
/// footnote 3, Table 2 footnote 7).
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
    let mut work = Work::for_move(
        state,
        caller,
        Move::Acknowledge,
        reference,
        expected_version,
    )
    .await?;
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
/// informed (BSR Cause for Concern Policy, January 2026, category 3).
pub async fn conclude_implant_review(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    confirmed_genuine: bool,
    rationale: &str,
) -> AppResult<case::Model> {
    let rationale = required_text("rationale", rationale, 4000)?;
    let mut work = Work::for_move(
        state,
        caller,
        Move::ConcludeImplantReview,
        reference,
        expected_version,
    )
    .await?;
    if confirmed_genuine {
        work.letters.push(LetterPlan {
            event: "MHRA_INFORMED",
            stage: None,
            to: vec![MailParty::Mhra],
            cc: vec![],
            source: "BSR Cause for Concern Policy, January 2026, category 3: the MHRA is informed \
                     if the concern is confirmed genuine"
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
