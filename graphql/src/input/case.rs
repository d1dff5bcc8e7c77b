use async_graphql::{Enum, InputObject};

use crate::object::case::{CaseGround, DisclosurePart};
use crate::object::policy::MailParty;
use crate::scalar::Date;

#[derive(InputObject)]
pub struct EvidenceInput {
    pub label: String,
    pub url: String,
}

#[derive(InputObject)]
pub struct OpenCaseInput {
    /// The provider the concern is about (ODS code)...
    pub provider_ods: Option<String>,
    /// ...or, for a category 3 implant concern, the implant.
    pub implant: Option<String>,
    /// 1 single case record; 2 cluster of cases (both referred to the Trust's own processes);
    /// 3 emerging aggregate data; 4 PROMs/PREMs.
    pub category: i32,
    pub summary: String,
    #[graphql(default)]
    pub evidence: Vec<EvidenceInput>,
}

/// A step on a case that needs nothing but a note.
#[derive(InputObject)]
pub struct CaseStepInput {
    pub reference: String,
    /// The `version` you acted on: if the case changed since, you get `CONFLICT`.
    pub expected_version: i32,
    pub note: Option<String>,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    NoCaseToAnswer,
    CaseToAnswer,
}

#[derive(InputObject)]
pub struct RecordFindingInput {
    pub reference: String,
    pub expected_version: i32,
    pub finding: Finding,
    /// Stage 4 case to answer only.
    pub ground: Option<CaseGround>,
    pub rationale: String,
}

#[derive(InputObject)]
pub struct StageLimitInput {
    pub stage: i32,
    pub working_days: i32,
}

#[derive(InputObject)]
pub struct AgreeNextStepsInput {
    pub reference: String,
    pub expected_version: i32,
    /// False: escalation is not warranted and the case closes.
    pub escalate: bool,
    /// Any of stages 2, 3 and 4.
    #[graphql(default)]
    pub omit_stages: Vec<i32>,
    /// Shortened limits for later stages.
    #[graphql(default)]
    pub stage_limits: Vec<StageLimitInput>,
    pub rationale: String,
}

#[derive(InputObject)]
pub struct SubmitResponseInput {
    pub reference: String,
    pub expected_version: i32,
    pub response: String,
}

/// One part of the joint stage-5 decision, as one decider sees it.
#[derive(InputObject)]
pub struct DisclosureDecisionInput {
    pub part: DisclosurePart,
    pub inform: bool,
    /// The colleges a college part informs (required when it does; none otherwise).
    #[graphql(default)]
    pub royal_colleges: Vec<MailParty>,
    pub justification: String,
}

#[derive(InputObject)]
pub struct DecideDisclosuresInput {
    pub reference: String,
    pub expected_version: i32,
    /// The parts of the decision this decider records now (each replaces their own earlier one).
    pub parts: Vec<DisclosureDecisionInput>,
}

#[derive(InputObject)]
pub struct RecordProviderDisclosureInput {
    pub reference: String,
    pub expected_version: i32,
    /// A `CEO_INFORMS_…` part the joint decision required.
    pub part: DisclosurePart,
    /// Why and how the body was informed (when, by what route).
    pub justification: String,
}

#[derive(InputObject)]
pub struct AllocateAssociateDirectorInput {
    pub reference: String,
    pub expected_version: i32,
    /// The Associate Director's subject in their token.
    pub associate_director_sub: String,
    pub associate_director_name: String,
    pub associate_director_email: String,
    pub reason: String,
}

#[derive(InputObject)]
pub struct AcknowledgeInput {
    pub reference: String,
    pub expected_version: i32,
    pub local_review_confirmed: bool,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct ConcludeImplantReviewInput {
    pub reference: String,
    pub expected_version: i32,
    pub confirmed_genuine: bool,
    pub rationale: String,
}

#[derive(InputObject)]
pub struct DeclareConflictInput {
    pub reference: String,
    pub statement: String,
}

#[derive(InputObject)]
pub struct SetUrgentInput {
    pub reference: String,
    pub expected_version: i32,
    pub urgent: bool,
    pub lead_sub: Option<String>,
    pub lead_name: Option<String>,
    pub lead_email: Option<String>,
    pub rationale: String,
}

#[derive(InputObject)]
pub struct AddCaseActionInput {
    pub reference: String,
    pub description: String,
    pub owner_name: String,
    pub due_on: Date,
}

#[derive(InputObject)]
pub struct UpdateCaseActionInput {
    pub action_id: i32,
    pub note: String,
    /// The note is the closing confirmation; the action closes.
    #[graphql(default)]
    pub close: bool,
}

#[derive(InputObject, Default)]
pub struct CaseFilterInput {
    pub open: Option<bool>,
    pub overdue: Option<bool>,
    pub provider_ods: Option<String>,
    pub stage: Option<i32>,
}
