//! Cause-for-concern transitions: one typed mutation per step of the BSR Cause for Concern Policy,
//! January 2026 tables, each taking the `expectedVersion` the caller acted on.

use std::collections::{BTreeMap, BTreeSet};

use async_graphql::{Context, Object, Result};
use entities::case;

use crate::auth::scope::CaseAccess;
use crate::context::scope;
use crate::context::state;
use crate::context::viewer;
use crate::input::case::*;
use crate::object::case::{Case, CaseAction};
use crate::service::case::{self as service, Caller, EvidenceLink, NewCase};

#[derive(Default)]
pub struct CaseMutation;

/// Runs the async block `$act` as the caller `$c` and wraps the case it returns, read at the
/// caller's access.
macro_rules! acting {
    ($ctx:expr, |$c:ident| $act:expr) => {{
        let viewer = viewer($ctx)?;
        let scope = scope($ctx).await?;
        let $c = Caller {
            viewer,
            scope: &scope,
        };
        let model: case::Model = $act.await?;
        Ok(Case::read_by(&scope, model))
    }};
}

#[Object]
impl CaseMutation {
    /// Opens a case (REGISTRY_ANALYST).
    async fn open_case(&self, ctx: &Context<'_>, input: OpenCaseInput) -> Result<Case> {
        let new = NewCase {
            provider_ods: input.provider_ods,
            implant: input.implant,
            category: input.category,
            summary: input.summary,
            evidence: input
                .evidence
                .into_iter()
                .map(|e| EvidenceLink {
                    label: e.label,
                    url: e.url,
                })
                .collect(),
        };
        acting!(
            ctx,
            |c| async move { service::open(state(ctx)?, &c, new).await }
        )
    }

    /// Stage 1 (examination) or 4 (review): the registry's finding.
    async fn record_finding(&self, ctx: &Context<'_>, input: RecordFindingInput) -> Result<Case> {
        let finding = match input.finding {
            Finding::NoCaseToAnswer => service::Finding::NoCaseToAnswer,
            Finding::CaseToAnswer => service::Finding::CaseToAnswer,
        };
        acting!(ctx, |c| async move {
            service::record_finding(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                finding,
                input.ground.map(Into::into),
                &input.rationale,
            )
            .await
        })
    }

    /// Stage 1: the HQIP Associate Director agrees the next steps (HQIP_ASSOCIATE_DIRECTOR).
    async fn agree_next_steps(
        &self,
        ctx: &Context<'_>,
        input: AgreeNextStepsInput,
    ) -> Result<Case> {
        let omit: BTreeSet<i32> = input.omit_stages.iter().copied().collect();
        let limits: BTreeMap<i32, i32> = input
            .stage_limits
            .iter()
            .map(|l| (l.stage, l.working_days))
            .collect();
        acting!(ctx, |c| async move {
            service::agree_next_steps(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.escalate,
                omit,
                limits,
                &input.rationale,
            )
            .await
        })
    }

    /// Stage 2: the request to the Lead Clinician goes out (REGISTRY_ANALYST).
    async fn send_request(&self, ctx: &Context<'_>, input: CaseStepInput) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::send_request(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.note.as_deref(),
            )
            .await
        })
    }

    /// Stage 3: the Lead Clinician's written response (PROVIDER_LEAD_CLINICIAN of the provider).
    async fn submit_response(&self, ctx: &Context<'_>, input: SubmitResponseInput) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::submit_response(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                &input.response,
            )
            .await
        })
    }

    /// Stage 3: the limit passed with no response (REGISTRY_ANALYST; `note` required).
    async fn record_no_response(&self, ctx: &Context<'_>, input: CaseStepInput) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::record_no_response(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.note.as_deref().unwrap_or(""),
            )
            .await
        })
    }

    /// Stage 5: the telephone call to the Lead Clinician (REGISTRY_ANALYST; `note` required).
    async fn record_telephone_call(&self, ctx: &Context<'_>, input: CaseStepInput) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::record_telephone_call(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.note.as_deref().unwrap_or(""),
            )
            .await
        })
    }

    /// Stage 5: your half of the joint decision (HQIP_ASSOCIATE_DIRECTOR, REGISTRY_CLINICAL_LEAD),
    /// part by part: whom the registry informs and whom the CEO must inform. The parts of the
    /// case's policy version are in `casePolicy { disclosures }`.
    async fn decide_disclosures(
        &self,
        ctx: &Context<'_>,
        input: DecideDisclosuresInput,
    ) -> Result<Case> {
        let parts = input
            .parts
            .into_iter()
            .map(|p| service::DisclosureDecision {
                part: p.part.into(),
                inform: p.inform,
                royal_colleges: p.royal_colleges.into_iter().map(Into::into).collect(),
                justification: p.justification,
            })
            .collect();
        acting!(ctx, |c| async move {
            service::decide_disclosures(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                parts,
            )
            .await
        })
    }

    /// Stage 5: the written confirmation to the CEO, after the call (REGISTRY_ANALYST).
    async fn send_confirmation(&self, ctx: &Context<'_>, input: CaseStepInput) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::send_confirmation(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.note.as_deref(),
            )
            .await
        })
    }

    /// Stage 6 or 7: the CEO acknowledges, confirming a local review (PROVIDER_CEO of the
    /// provider).
    async fn acknowledge_concern(
        &self,
        ctx: &Context<'_>,
        input: AcknowledgeInput,
    ) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::acknowledge(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.local_review_confirmed,
                input.note.as_deref(),
            )
            .await
        })
    }

    /// After the confirmation, the CEO records informing a body as stage 5 decided (PROVIDER_CEO
    /// of the provider). Recording the commissioners lets the commissioners of the provider's
    /// network footprint read the case, without named individuals.
    async fn record_provider_disclosure(
        &self,
        ctx: &Context<'_>,
        input: RecordProviderDisclosureInput,
    ) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::record_provider_disclosure(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.part.into(),
                &input.justification,
            )
            .await
        })
    }

    /// Allocates the project's HQIP Associate Director to a case (the registry, when none is;
    /// a NATIONAL_ADMIN reallocates). Only they agree the case's next steps, and they are sent a
    /// notice of each later stage change.
    async fn allocate_associate_director(
        &self,
        ctx: &Context<'_>,
        input: AllocateAssociateDirectorInput,
    ) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::allocate_associate_director(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                (
                    input.associate_director_sub,
                    input.associate_director_name,
                    input.associate_director_email,
                ),
                &input.reason,
            )
            .await
        })
    }

    /// Category 3 implant: the ODEP review's conclusion (REGISTRY_ANALYST).
    async fn conclude_implant_review(
        &self,
        ctx: &Context<'_>,
        input: ConcludeImplantReviewInput,
    ) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::conclude_implant_review(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.confirmed_genuine,
                &input.rationale,
            )
            .await
        })
    }

    /// Declares your conflict of interest on a case: you can no longer take decisions on it.
    async fn declare_conflict(
        &self,
        ctx: &Context<'_>,
        input: DeclareConflictInput,
    ) -> Result<Case> {
        acting!(ctx, |c| async move {
            service::declare_conflict(state(ctx)?, &c, &input.reference, &input.statement).await
        })
    }

    /// Marks a case urgent with a nominated lead, or clears it (REGISTRY_ANALYST,
    /// HQIP_ASSOCIATE_DIRECTOR).
    async fn set_case_urgent(&self, ctx: &Context<'_>, input: SetUrgentInput) -> Result<Case> {
        let lead = input
            .lead_name
            .map(|name| (input.lead_sub.unwrap_or_default(), name, input.lead_email));
        acting!(ctx, |c| async move {
            service::set_urgent(
                state(ctx)?,
                &c,
                &input.reference,
                input.expected_version,
                input.urgent,
                lead,
                &input.rationale,
            )
            .await
        })
    }

    /// Agrees an action on a case: owner, due date (registry, HQIP).
    async fn add_case_action(
        &self,
        ctx: &Context<'_>,
        input: AddCaseActionInput,
    ) -> Result<CaseAction> {
        let viewer = viewer(ctx)?;
        let scope = scope(ctx).await?;
        let caller = Caller {
            viewer,
            scope: &scope,
        };
        let model = service::add_action(
            state(ctx)?,
            &caller,
            &input.reference,
            &input.description,
            &input.owner_name,
            input.due_on.0,
        )
        .await?;
        Ok(CaseAction {
            model,
            access: CaseAccess::Full,
        })
    }

    /// A progress update on an agreed action, or its closing confirmation (`close: true`).
    async fn update_case_action(
        &self,
        ctx: &Context<'_>,
        input: UpdateCaseActionInput,
    ) -> Result<CaseAction> {
        let viewer = viewer(ctx)?;
        let scope = scope(ctx).await?;
        let caller = Caller {
            viewer,
            scope: &scope,
        };
        let model = service::update_action(
            state(ctx)?,
            &caller,
            input.action_id,
            &input.note,
            input.close,
        )
        .await?;
        Ok(CaseAction {
            model,
            access: CaseAccess::Full,
        })
    }
}
