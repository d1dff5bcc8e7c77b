//! Business rules, callable without GraphQL: resolvers read the context, call a service and wrap
//! the result.

pub mod analysis;
pub mod annual_report;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod clock;
pub mod document;
pub mod export;
pub mod governance;
pub mod icb;
pub mod indicator;
pub mod network;
pub mod policy;
pub mod provider;
pub mod region;
pub mod risk;
pub mod submission;
pub mod unit_of_work;
pub mod workplan;

use crate::error::{AppError, AppResult};

/// Every change to reference data says why (NHS Resolution's significant-concerns guidance:
/// decisions carry a written rationale).
pub fn require_reason(reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::bad_input(
            "Give a reason for the change; it is kept in the audit log.",
        ));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::bad_input(
            "The reason is longer than 2000 characters; summarise it.",
        ));
    }
    Ok(reason.to_owned())
}

/// `text` trimmed, refused when nothing is left: `what` names the field for the person fixing it.
pub fn filled_in(text: &str, what: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_input(format!("{what} is empty; fill it in.")));
    }
    Ok(text.to_owned())
}

/// Refuses text that looks like an NHS number (ten digits, together or as 3-3-4 with spaces or
/// hyphens): meeting records carry learning, never patient identifiers (NHS Resolution,
/// Guidance on the identification and management of significant concerns: minimum personal
/// data). Longer digit runs (a phone number) are not taken for one.
pub fn free_of_patient_identifiers(text: &str, what: &str) -> AppResult<()> {
    if looks_like_an_nhs_number(text) {
        return Err(AppError::bad_input(format!(
            "{what} holds what looks like an NHS number; record counts and learning, never a patient identifier."
        )));
    }
    Ok(())
}

fn looks_like_an_nhs_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|start| {
        if start > 0 && chars[start - 1].is_ascii_digit() {
            return false;
        }
        // Ten digits, with at most one space or hyphen after the third and the sixth.
        let mut digits = 0;
        let mut i = start;
        while i < chars.len() && digits < 10 {
            if chars[i].is_ascii_digit() {
                digits += 1;
                i += 1;
            } else if (digits == 3 || digits == 6)
                && matches!(chars[i], ' ' | '-')
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            {
                i += 1;
            } else {
                break;
            }
        }
        digits == 10 && !chars.get(i).is_some_and(char::is_ascii_digit)
    })
}

#[cfg(test)]
mod tests {
    use super::looks_like_an_nhs_number as nhs;

    #[test]
    fn ten_digits_together_or_grouped_look_like_an_nhs_number() {
        assert!(nhs("patient 9434765919 returned"));
        assert!(nhs("943 476 5919"));
        assert!(nhs("943-476-5919."));
        assert!(!nhs("call 01632 960983"), "an eleven-digit phone number");
        assert!(!nhs("12 deaths, 3 returns to theatre in 2026"));
        assert!(!nhs("94347659190"));
        assert!(!nhs("943 4765 919"));
    }
}
