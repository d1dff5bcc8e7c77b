//! Cause-for-concern cases: the seven stages of the BSR Cause for Concern Policy, January 2026
//! (Table 1 England, Table 2 Wales), the implant path of category 3, and the governance of NHS
//! Resolution's significant-concerns guidance (rationales, conflicts of interest, justified
//! disclosures, agreed actions, urgent cases).
//!
//! Every transition is one transaction: check the caller's role, scope and declared conflicts
//! and the version they acted on; change the case; append to its history; write the letters the
//! policy requires to the outbox; publish the event. All of it commits, or none of it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::enums::{CaseGround, CaseOutcome, CaseStep, DisclosurePart, MailParty, Nation};
use entities::{case, case_action, case_conflict, case_decision, case_event, provider};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::policy::{Policy, policy};
use crate::auth::scope::{CaseAccess, Scope};
use crate::auth::{GrantScope, Role, ScopeKind, Viewer};
use crate::calendar::WorkingCalendar;
use crate::dated::in_force_on;
use crate::error::{AppError, AppResult};
use crate::events::{CaseChange, CaseChangeKind, Event};
use crate::mail::letter::{self, Decided, LetterPlan};
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::state::AppState;

mod clock;
pub mod export;
mod governance;
mod open;
mod reads;
mod transitions;
mod work;
pub mod workflow;

pub use clock::*;
pub use governance::*;
pub use open::*;
pub use reads::*;
pub use transitions::*;
use work::*;
pub use workflow::STAGE_5_DECIDERS;
use workflow::{Move, Refusal, Rule, Who, step_of};

/// Who acts: a person from a verified token, or the portal's clock.
#[derive(Debug, Clone)]
pub struct Actor {
    pub sub: String,
    pub name: String,
}

impl Actor {
    /// The clock worker, for stage 6 and 7 limits that pass without a human.
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

/// The HQIP Associate Director's agreed next steps (BSR Cause for Concern Policy, January 2026,
/// Tables 1-2, stage 1: "may shorten or omit stages and timelines").
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

/// Rejects text that is empty or too long, naming the field.
fn required_text(field: &str, text: &str, max: usize) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_input(format!(
            "`{field}` is required: NHS Resolution's significant-concerns guidance asks every \
             decision on a case to record why."
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

/// What the caller may read of `case`; `None` when it is outside their scope.
pub fn access(scope: &Scope, case: &case::Model) -> Option<CaseAccess> {
    scope.cases.access(
        case.provider_ods.as_deref(),
        case.reached_stage,
        case.commissioners_informed_at.is_some(),
    )
}
