//! The moves the clock makes when a stage's limit passes.

use super::*;

/// What one pass of the clock did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub reminded: u32,
    pub non_compliant: u32,
    pub flagged_overdue: u32,
    /// Cases another instance moved first, or that could not move (logged).
    pub skipped: u32,
}

/// One pass of the clock as of the state's clock: every open case whose limit passed (the day after
/// its due date, Europe/London) moves on (BSR Cause for Concern Policy, January 2026, Tables 1-2,
/// stages 6-7). Stage 6 → stage 7 with the reminder; stage 7 → closed as non-compliant with the
/// notices; any other stage is flagged overdue once and its owner reminded.
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
        CaseStep::AwaitingAcknowledgement => Move::Remind,
        CaseStep::Reminded => Move::NotifyNonCompliance,
        _ if work.case.overdue_flagged => return Ok(None),
        _ => Move::FlagOverdue,
    };
    work.permit(action.rule(), None).await?;
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
                    source: "Portal practice: the owner of an overdue stage is reminded once"
                        .into(),
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
