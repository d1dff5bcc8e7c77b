//! The risk register's steps. Each change to a risk takes the `version` the caller read as
//! `expectedVersion` and answers `CONFLICT` when it moved.

use async_graphql::{Context, Object, Result};

use crate::context::{scope, state, viewer};
use crate::input::risk::{EscalateRiskInput, RaiseRiskInput};
use crate::object::risk::Risk;
use crate::scalar::Date;
use crate::service::risk;

#[derive(Default)]
pub struct RiskMutation;

#[Object]
impl RiskMutation {
    /// Raises a risk on a network's register (its NETWORK_MANAGER or NETWORK_CLINICAL_LEAD).
    async fn raise_risk(&self, ctx: &Context<'_>, input: RaiseRiskInput) -> Result<Risk> {
        let scope = scope(ctx).await?;
        Ok(Risk(
            risk::raise(state(ctx)?, viewer(ctx)?, &scope, input.into()).await?,
        ))
    }

    /// A new likelihood and consequence, with why; the history keeps the old score.
    async fn rescore_risk(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        likelihood: i32,
        consequence: i32,
        rationale: String,
    ) -> Result<Risk> {
        let scope = scope(ctx).await?;
        let model = risk::rescore(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            (likelihood, consequence),
            &rationale,
        )
        .await?;
        Ok(Risk(model))
    }

    /// Records a review: the controls as they stand and the next review date.
    async fn review_risk(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        controls: Option<String>,
        next_review_on: Date,
        note: String,
    ) -> Result<Risk> {
        let scope = scope(ctx).await?;
        let model = risk::review(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            risk::Review {
                controls: controls.as_deref(),
                next_review_on: next_review_on.0,
                note: &note,
            },
        )
        .await?;
        Ok(Risk(model))
    }

    /// Adds a mitigating action to a risk.
    async fn add_risk_action(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        description: String,
        owner: String,
        due_on: Date,
    ) -> Result<Risk> {
        let scope = scope(ctx).await?;
        let model = risk::add_action(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            risk::NewAction {
                description: &description,
                owner: &owner,
                due_on: due_on.0,
            },
        )
        .await?;
        Ok(Risk(model))
    }

    /// Records progress on an action, or (with `completion`) its completion and what confirmed it.
    async fn update_risk_action(
        &self,
        ctx: &Context<'_>,
        action_id: i32,
        expected_version: i32,
        progress: Option<String>,
        completion: Option<String>,
    ) -> Result<Risk> {
        let scope = scope(ctx).await?;
        let model = risk::update_action(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            action_id,
            expected_version,
            progress.as_deref(),
            completion.as_deref(),
        )
        .await?;
        Ok(Risk(model))
    }

    /// Escalates a risk to a footprint ICB or the lead region along the network's escalation
    /// route, asking for assurance by a date.
    async fn escalate_risk(&self, ctx: &Context<'_>, input: EscalateRiskInput) -> Result<Risk> {
        let scope = scope(ctx).await?;
        let (id, version) = (input.id, input.expected_version);
        let model =
            risk::escalate(state(ctx)?, viewer(ctx)?, &scope, id, version, input.into()).await?;
        Ok(Risk(model))
    }

    /// The addressee answers an escalation: the ICB's ICB_COMMISSIONER or the region's
    /// REGIONAL_LEAD.
    async fn respond_to_risk_escalation(
        &self,
        ctx: &Context<'_>,
        escalation_id: i32,
        accepted: bool,
        response: String,
    ) -> Result<Risk> {
        let scope = scope(ctx).await?;
        let model = risk::respond(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            escalation_id,
            accepted,
            &response,
        )
        .await?;
        Ok(Risk(model))
    }

    /// The accountable provider's PROVIDER_CEO or PROVIDER_LEAD_CLINICIAN responds to a service
    /// risk about their provider; the response is kept in the risk's history.
    async fn respond_to_risk(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        response: String,
    ) -> Result<Risk> {
        let scope = scope(ctx).await?;
        let model = risk::respond_as_provider(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            &response,
        )
        .await?;
        Ok(Risk(model))
    }

    /// Closes a risk, with why.
    async fn close_risk(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        rationale: String,
    ) -> Result<Risk> {
        let scope = scope(ctx).await?;
        let model = risk::close(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            &rationale,
        )
        .await?;
        Ok(Risk(model))
    }
}
