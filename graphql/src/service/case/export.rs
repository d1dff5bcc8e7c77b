//! A case's audit trail as a document: JSON (the case, its history, decisions, actions and
//! correspondence) or CSV (one row per history entry). Pure: the caller loads the rows; this
//! decides what each reader may see (no named individuals without full access) and writes the
//! document.

use entities::{case, case_action, case_decision, case_event, mail_outbox};
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};

/// Everything an export is written from.
pub struct Trail<'a> {
    pub case: &'a case::Model,
    pub history: &'a [case_event::Model],
    pub decisions: &'a [case_decision::Model],
    pub actions: &'a [case_action::Model],
    pub letters: &'a [mail_outbox::Model],
    /// The reader may see named individuals.
    pub people: bool,
}

/// One row per history entry (`service::export::csv_table`: formula-like fields made inert).
pub fn csv(history: &[case_event::Model], people: bool) -> AppResult<String> {
    crate::service::export::csv_table(
        &[
            "at",
            "actor",
            "action",
            "from_stage",
            "to_stage",
            "rationale",
            "detail",
        ],
        history.iter().map(|h| {
            vec![
                h.at.to_rfc3339(),
                if people {
                    h.actor_name.clone()
                } else {
                    String::new()
                },
                h.action.clone(),
                h.from_stage.map(|s| s.to_string()).unwrap_or_default(),
                h.to_stage.map(|s| s.to_string()).unwrap_or_default(),
                h.rationale.clone().unwrap_or_default(),
                h.detail.as_ref().map(Value::to_string).unwrap_or_default(),
            ]
        }),
    )
}

/// The whole trail as pretty JSON.
pub fn json(trail: &Trail<'_>) -> AppResult<String> {
    let (m, people) = (trail.case, trail.people);
    let document = json!({
        "reference": m.reference,
        "category": m.category,
        "provider": m.provider_ods,
        "implant": m.implant,
        "jurisdiction": m.jurisdiction,
        "policyVersion": m.policy_version,
        "stage": m.stage,
        "step": m.step,
        "outcome": m.outcome,
        "summary": m.summary,
        "evidence": m.evidence,
        "openedAt": m.opened_at,
        "closedAt": m.closed_at,
        "regulatorInformed": m.regulator_informed,
        "commissionersInformedAt": m.commissioners_informed_at,
        "history": trail.history.iter().map(|h| json!({
            "at": h.at,
            "actor": people.then(|| h.actor_name.clone()),
            "action": h.action,
            "fromStage": h.from_stage,
            "toStage": h.to_stage,
            "rationale": h.rationale,
            "detail": h.detail,
        })).collect::<Vec<_>>(),
        "disclosureDecisions": trail.decisions.iter().map(|d| json!({
            "role": d.decider_role,
            "decider": people.then(|| d.decider_name.clone()),
            "part": d.part,
            "inform": d.inform,
            "royalColleges": d.royal_colleges,
            "justification": d.justification,
            "at": d.decided_at,
        })).collect::<Vec<_>>(),
        "actions": trail.actions.iter().map(|a| json!({
            "description": a.description,
            "owner": people.then(|| a.owner_name.clone()),
            "dueOn": a.due_on,
            "updates": if people { a.updates.clone() } else { Value::Null },
            "closingConfirmation": a.closing_confirmation,
            "closedAt": a.closed_at,
        })).collect::<Vec<_>>(),
        "correspondence": trail.letters.iter().map(|l| json!({
            "messageId": l.message_id,
            "stage": l.stage,
            "event": l.event,
            "subject": l.subject,
            "recipients": if people { l.recipients.clone() } else { Value::Null },
            "justification": l.justification,
            "state": l.state,
            "attempts": l.attempts,
            "sentAt": l.sent_at,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&document).map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn entry(actor: &str, rationale: &str) -> case_event::Model {
        case_event::Model {
            id: 1,
            case_id: 1,
            at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0).unwrap(),
            actor_sub: "analyst".into(),
            actor_name: actor.into(),
            action: "FINDING_RECORDED".into(),
            from_stage: Some(1),
            to_stage: Some(2),
            rationale: Some(rationale.into()),
            detail: Some(json!({ "finding": "CaseToAnswer" })),
        }
    }

    #[test]
    fn csv_quotes_what_needs_it_and_names_people_only_for_full_access() {
        let history = [entry("Dr A, Analyst", "Said \"no\",\nthen yes")];
        let full = csv(&history, true).unwrap();
        let mut reader = csv::Reader::from_reader(full.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[1], "Dr A, Analyst");
        assert_eq!(&row[5], "Said \"no\",\nthen yes");
        assert_eq!(&row[6], r#"{"finding":"CaseToAnswer"}"#);
        let redacted = csv(&history, false).unwrap();
        assert!(!redacted.contains("Analyst"), "{redacted}");
    }

    #[test]
    fn csv_never_carries_a_formula() {
        let history = [entry("=HYPERLINK(\"http://x\")", "+1 then -2")];
        let out = csv(&history, true).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        assert!(row[1].starts_with("'="), "{out}");
        assert!(row[5].starts_with("'+"), "{out}");
    }
}
