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
            // Tables 1-2, stage 1: "Contact the project's allocated Associate Director at HQIP
            // to discuss the nature of the cause for concern and agree next steps."
            work.letters_for(
                1,
                "NEXT_STEPS_REQUESTED",
                "The registry's examination found a case to answer. Please discuss the nature of \
                 the concern with the registry and agree the next steps in the portal."
                    .into(),
            )?;
            work.event = Some(CaseChangeKind::NextStepsRequested);
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
    // Tables 1-2, stage 1: the next steps are agreed with "the project's allocated Associate
    // Director at HQIP", not any holder of the role.
    if let Some(allocated) = &work.case.associate_director_sub
        && *allocated != caller.viewer.sub
    {
        return Err(AppError::forbidden(format!(
            "{} is allocated to {}: only the allocated HQIP Associate Director agrees its next \
             steps (a NATIONAL_ADMIN reallocates it with allocateAssociateDirector).",
            work.case.reference,
            work.case
                .associate_director_name
                .as_deref()
                .unwrap_or("another Associate Director")
        )));
    }
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

/// One decider's view of one part of the stage-5 decision.
#[derive(Debug, Clone)]
pub struct DisclosureDecision {
    pub part: DisclosurePart,
    pub inform: bool,
    pub royal_colleges: BTreeSet<MailParty>,
    pub justification: String,
}

/// Stage 5: one decider's half of the joint decision, part by part (BSR Cause for Concern Policy,
/// January 2026, Table 1, stage 5: "The requirement for the NCAPOP supplier to inform CQC and for
/// the Provider CEO to inform commissioners, NHS Improvement and relevant royal colleges to be
/// determined jointly by the HQIP Associate Director and the NCAPOP Supplier Clinical Lead";
/// Table 2, stage 5: "to inform Welsh Government and relevant royal colleges"). Two people,
/// neither with a declared conflict; the parts are the case's policy version's.
pub async fn decide_disclosures(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    parts: Vec<DisclosureDecision>,
) -> AppResult<case::Model> {
    if parts.is_empty() {
        return Err(AppError::bad_input(
            "Give at least one part of the decision.",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut checked = Vec::new();
    for part in parts {
        if !seen.insert(part.part) {
            return Err(AppError::bad_input(format!(
                "{} is given twice; give each part once.",
                part.part.to_value()
            )));
        }
        checked.push(DisclosureDecision {
            justification: required_text("justification", &part.justification, 4000)?,
            ..part
        });
    }
    let work = Work::for_move(
        state,
        caller,
        Move::DecideDisclosures,
        reference,
        expected_version,
    )
    .await?;
    for part in &checked {
        check_part(&work, part)?;
    }
    let decisions = decisions_of(&work).await?;
    // Tables 1-2, stage 5: "the HQIP Associate Director" is the case's allocated one, once
    // allocated (stage 1: "the project's allocated Associate Director").
    let allocated_elsewhere = work
        .case
        .associate_director_sub
        .as_ref()
        .is_some_and(|allocated| *allocated != caller.viewer.sub);
    let not_allocated = || {
        AppError::forbidden(format!(
            "{} is allocated to {}: the HQIP Associate Director's half of the decision is theirs.",
            work.case.reference,
            work.case
                .associate_director_name
                .as_deref()
                .unwrap_or("another Associate Director")
        ))
    };
    // A person holding both roles fills one half; deciding again replaces their own.
    let own = decisions
        .iter()
        .find(|d| d.decider_sub == caller.viewer.sub)
        .and_then(|d| Role::parse(&d.decider_role));
    let role = match own {
        Some(role) => role,
        None => STAGE_5_DECIDERS
            .into_iter()
            .filter(|r| caller.viewer.has_role(*r))
            .filter(|r| !(allocated_elsewhere && *r == Role::HqipAssociateDirector))
            .find(|r| !decisions.iter().any(|d| d.decider_role == r.as_str()))
            .ok_or_else(|| {
                if allocated_elsewhere && !caller.viewer.has_role(Role::RegistryClinicalLead) {
                    not_allocated()
                } else {
                    AppError::bad_input(
                        "Both halves of the decision are recorded by other people; the \
                         decision needs two different people.",
                    )
                }
            })?,
    };
    if role == Role::HqipAssociateDirector && allocated_elsewhere {
        return Err(not_allocated());
    }
    for part in &checked {
        let colleges: Vec<MailParty> = part.royal_colleges.iter().copied().collect();
        let row = case_decision::ActiveModel {
            case_id: Set(work.case.id),
            decider_role: Set(role.as_str().to_owned()),
            part: Set(part.part),
            decider_sub: Set(caller.viewer.sub.clone()),
            decider_name: Set(caller.viewer.name.clone()),
            inform: Set(part.inform),
            royal_colleges: Set(serde_json::to_value(&colleges).map_err(AppError::internal)?),
            justification: Set(part.justification.clone()),
            decided_at: Set(work.now),
        };
        let exists = decisions
            .iter()
            .any(|d| d.decider_role == role.as_str() && d.part == part.part);
        if exists {
            row.update(work.work.db()).await?;
        } else {
            row.insert(work.work.db()).await?;
        }
    }
    let detail = json!({
        "role": role.as_str(),
        "parts": checked.iter().map(|p| json!({
            "part": p.part.to_value(),
            "inform": p.inform,
            "royalColleges": p.royal_colleges.iter().map(|c| c.to_value()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let justification = checked
        .iter()
        .map(|p| format!("{}: {}", p.part.to_value(), p.justification))
        .collect::<Vec<_>>()
        .join("; ");
    work.commit("DISCLOSURES_DECIDED", Some(justification), Some(detail))
        .await
}

/// A part is one the case's policy decides, and names colleges exactly when it informs them.
fn check_part(work: &Work<'_>, part: &DisclosureDecision) -> AppResult<()> {
    if !work.policy.decides(part.part) {
        let parts: Vec<String> = work
            .policy
            .disclosures
            .iter()
            .map(|d| d.part.to_value())
            .collect();
        return Err(AppError::bad_input(format!(
            "{} is not decided under the {} policy version {} that {} follows; its parts are {}.",
            part.part.to_value(),
            work.case.jurisdiction.to_value().to_lowercase(),
            work.policy.version,
            work.case.reference,
            parts.join(", ")
        )));
    }
    if let Some(other) = part.royal_colleges.iter().find(|c| !c.is_royal_college()) {
        return Err(AppError::bad_input(format!(
            "{} is not a royal college; the colleges are {}.",
            other.to_value(),
            MailParty::ROYAL_COLLEGES
                .iter()
                .map(|c| c.to_value())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    match (
        part.part.names_colleges(),
        part.inform,
        part.royal_colleges.is_empty(),
    ) {
        (true, true, true) => Err(AppError::bad_input(format!(
            "{} informs royal colleges: name which (royalColleges).",
            part.part.to_value()
        ))),
        (true, false, false) | (false, _, false) => Err(AppError::bad_input(format!(
            "{} with inform: {} must name no royal colleges.",
            part.part.to_value(),
            part.inform
        ))),
        _ => Ok(()),
    }
}

/// Every decider's view of every part of the case's stage-5 decision, by role.
async fn decisions_of(work: &Work<'_>) -> AppResult<Vec<case_decision::Model>> {
    Ok(case_decision::Entity::find()
        .filter(case_decision::Column::CaseId.eq(work.case.id))
        .order_by_asc(case_decision::Column::DeciderRole)
        .all(work.work.db())
        .await?)
}

/// What both deciders agreed, part by part: every part of the case's policy decided by both,
/// the same way, or a refusal naming what is missing or disputed.
fn agreed_parts(
    policy: &Policy,
    decisions: &[case_decision::Model],
) -> AppResult<BTreeMap<DisclosurePart, (bool, Vec<MailParty>)>> {
    let mut agreed = BTreeMap::new();
    for rule in &policy.disclosures {
        let halves: Vec<&case_decision::Model> =
            decisions.iter().filter(|d| d.part == rule.part).collect();
        if halves.len() != 2 {
            return Err(AppError::bad_input(format!(
                "The HQIP Associate Director and the registry clinical lead must both decide {} \
                 first ({} of 2 recorded).",
                rule.part.to_value(),
                halves.len()
            )));
        }
        let colleges = |d: &case_decision::Model| -> AppResult<Vec<MailParty>> {
            serde_json::from_value(d.royal_colleges.clone()).map_err(AppError::internal)
        };
        let (first, second) = (halves[0], halves[1]);
        if first.inform != second.inform || colleges(first)? != colleges(second)? {
            return Err(AppError::bad_input(format!(
                "The HQIP Associate Director and the registry clinical lead decided {} \
                 differently; the decision is joint, so one of them must revise theirs.",
                rule.part.to_value()
            )));
        }
        agreed.insert(rule.part, (first.inform, colleges(first)?));
    }
    Ok(agreed)
}

/// Stage 5: written confirmation to the CEO copying the Lead Clinician and Medical Director,
/// stating what the CEO is required to inform; the regulator and the royal colleges the registry
/// informs are written to as decided (BSR Cause for Concern Policy, January 2026, Tables 1-2,
/// stage 5). Only after the call, and only once both deciders agree on every part.
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
    let decisions = decisions_of(&work).await?;
    if work.policy.disclosures.is_empty() {
        return Err(AppError::internal(OffTheTable(format!(
            "policy version {} decides no stage-5 part",
            work.policy.version
        ))));
    }
    let agreed = agreed_parts(&work.policy, &decisions)?;
    let informs = |part: DisclosurePart| agreed.get(&part).is_some_and(|(inform, _)| *inform);
    work.case.regulator_informed = Some(informs(DisclosurePart::RegistryInformsRegulator));
    if informs(DisclosurePart::RegistryInformsRoyalColleges) {
        work.registry_colleges = agreed[&DisclosurePart::RegistryInformsRoyalColleges]
            .1
            .clone();
    }
    let registry_discloses: Vec<String> = decisions
        .iter()
        .filter(|d| !d.part.by_the_ceo() && informs(d.part))
        .map(|d| {
            format!(
                "{} {}: {}",
                d.part.to_value(),
                d.decider_role,
                d.justification
            )
        })
        .collect();
    if !registry_discloses.is_empty() {
        work.justification = Some(format!(
            "joint stage-5 decision: {}",
            registry_discloses.join("; ")
        ));
    }
    let directory = super::super::policy::recipients(work.work.db()).await?;
    let name_of = |party: &MailParty| {
        directory
            .iter()
            .find(|r| r.key == *party)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| party.to_value())
    };
    let ceo_informs: Vec<String> = agreed
        .iter()
        .filter(|(part, (inform, _))| part.by_the_ceo() && *inform)
        .map(|(part, (_, colleges))| match part {
            DisclosurePart::CeoInformsCommissioners => "your commissioners".to_owned(),
            DisclosurePart::CeoInformsNhsImprovement => "NHS Improvement".to_owned(),
            _ => format!(
                "the royal colleges: {}",
                colleges.iter().map(name_of).collect::<Vec<_>>().join(", ")
            ),
        })
        .collect();
    work.enter_stage(6)?;
    let required = if ceo_informs.is_empty() {
        String::new()
    } else {
        format!(
            " The HQIP Associate Director and the registry's clinical lead decided that you are \
             required to inform {}; record each in the portal once done.",
            ceo_informs.join("; ")
        )
    };
    let message = format!(
        "Following the registry's telephone call with the Lead Clinician, this letter confirms \
         the concern in writing. Please acknowledge it in the portal by {}, confirming that a \
         local review is under way.{required}",
        work.due_text()
    );
    work.letters_for(5, "CONFIRMATION_SENT", message)?;
    let detail = json!({
        "regulatorInformed": work.case.regulator_informed,
        "agreed": agreed.iter().map(|(part, (inform, colleges))| json!({
            "part": part.to_value(),
            "inform": inform,
            "royalColleges": colleges.iter().map(|c| c.to_value()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    work.commit("CONFIRMATION_SENT", note.map(str::to_owned), Some(detail))
        .await
}

/// After the confirmation, the provider's CEO records informing a body as stage 5 decided (BSR
/// Cause for Concern Policy, January 2026, Table 1, stage 5: "for the Provider CEO to inform
/// commissioners, NHS Improvement and relevant royal colleges"), with the justification NHS
/// Resolution's significant-concerns guidance asks of every share (¶26-27). Recording the
/// commissioners makes the case readable, without named individuals, by the commissioners of the
/// provider's network footprint and the integrations scoped to it.
pub async fn record_provider_disclosure(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
    expected_version: i32,
    part: DisclosurePart,
    justification: &str,
) -> AppResult<case::Model> {
    let justification = required_text("justification", justification, 4000)?;
    if !part.by_the_ceo() {
        return Err(AppError::bad_input(format!(
            "{} is the registry's to carry out, in its stage-5 letters; the CEO records \
             CEO_INFORMS_COMMISSIONERS, CEO_INFORMS_NHS_IMPROVEMENT or CEO_INFORMS_ROYAL_COLLEGES.",
            part.to_value()
        )));
    }
    let mut work = Work::for_move(
        state,
        caller,
        Move::RecordProviderDisclosure,
        reference,
        expected_version,
    )
    .await?;
    if work.case.reached_stage < 6 {
        return Err(AppError::bad_input(format!(
            "{} was closed before the registry's stage-5 confirmation: there is nothing the CEO \
             was asked to inform.",
            work.case.reference
        )));
    }
    // Under a version that decides the CEO's parts, the CEO records what it required; under
    // version 1, which decided the regulator alone, the CEO's record stands on its justification.
    let mut colleges = Vec::new();
    if work.policy.decides(part) {
        let (inform, named) = agreed_parts(&work.policy, &decisions_of(&work).await?)?
            .remove(&part)
            .unwrap_or_default();
        if !inform {
            return Err(AppError::bad_input(format!(
                "The joint stage-5 decision on {} did not require {}; a disclosure beyond it \
                 is not recorded here.",
                work.case.reference,
                part.to_value()
            )));
        }
        colleges = named;
    } else if work.case.jurisdiction == Nation::Wales
        || work.policy.disclosures.iter().any(|d| d.part.by_the_ceo())
    {
        // Table 2 gives the Welsh CEO no disclosure to make; in England, only version 1 (which
        // decided the regulator alone) leaves the CEO's parts undecided.
        return Err(AppError::bad_input(format!(
            "{} is not a part of the {} policy version {} that {} follows.",
            part.to_value(),
            work.case.jurisdiction.to_value().to_lowercase(),
            work.policy.version,
            work.case.reference
        )));
    }
    if part == DisclosurePart::CeoInformsCommissioners
        && work.case.commissioners_informed_at.is_none()
    {
        work.case.commissioners_informed_at = Some(work.now);
        work.event = Some(CaseChangeKind::CommissionersInformed);
    }
    let detail = json!({
        "part": part.to_value(),
        "royalColleges": colleges.iter().map(|c| c.to_value()).collect::<Vec<_>>(),
    });
    work.commit(
        "PROVIDER_DISCLOSURE_RECORDED",
        Some(justification),
        Some(detail),
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
        work.justification = Some(
            "stage-5 joint decision that the registry informs the regulator (copy of \
             acknowledgement)"
                .into(),
        );
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
