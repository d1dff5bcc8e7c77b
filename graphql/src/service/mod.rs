//! Business rules, callable without GraphQL: resolvers read the context, call a service and wrap
//! the result.

pub mod analysis;
pub mod annual_report;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod document;
pub mod export;
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
