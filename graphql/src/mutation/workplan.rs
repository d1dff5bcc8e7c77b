//! The workplan and annual-report steps, one typed mutation each. Every step on an existing row
//! takes the `version` the caller read as `expectedVersion` and answers `CONFLICT` when it moved.

use async_graphql::{Context, Object, Result};

use crate::context::{scope, state, viewer};
use crate::input::annual_report::AnnualReportRevisionInput;
use crate::input::workplan::WorkplanContentInput;
use crate::object::annual_report::AnnualReport;
use crate::object::workplan::{Brag, Deliverable, ProgressReport, Workplan};
use crate::service::annual_report;
use crate::service::workplan::{self, FinancialYear};

#[derive(Default)]
pub struct WorkplanMutation;

#[Object]
impl WorkplanMutation {
    /// Starts a network's plan for a financial year (`2026/27`; the current or the next year),
    /// as its NETWORK_MANAGER or NETWORK_CLINICAL_LEAD.
    async fn draft_workplan(
        &self,
        ctx: &Context<'_>,
        network: String,
        financial_year: String,
        content: WorkplanContentInput,
    ) -> Result<Workplan> {
        let year = FinancialYear::parse(&financial_year)?;
        let scope = scope(ctx).await?;
        let plan = workplan::draft(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            &network,
            year,
            content.into(),
        )
        .await?;
        Ok(Workplan(plan))
    }

    /// Replaces what a draft says (the network team). A board-agreed draft that is revised
    /// needs the board's agreement again.
    async fn revise_workplan(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        content: WorkplanContentInput,
    ) -> Result<Workplan> {
        let scope = scope(ctx).await?;
        let plan = workplan::revise(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            content.into(),
        )
        .await?;
        Ok(Workplan(plan))
    }

    /// The network's NETWORK_CHAIR records that the board agreed the draft, citing the meeting.
    async fn record_workplan_board_agreement(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        meeting: String,
    ) -> Result<Workplan> {
        let scope = scope(ctx).await?;
        let plan = workplan::record_board_agreement(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            &meeting,
        )
        .await?;
        Ok(Workplan(plan))
    }

    /// The network's NETWORK_CLINICAL_LEAD submits the board-agreed plan; the ICBs that must
    /// agree are the footprint today.
    async fn submit_workplan(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
    ) -> Result<Workplan> {
        let scope = scope(ctx).await?;
        let plan =
            workplan::submit(state(ctx)?, viewer(ctx)?, &scope, id, expected_version).await?;
        Ok(Workplan(plan))
    }

    /// An ICB_COMMISSIONER agrees the submitted plan for their ICB, optionally citing the
    /// joint strategic commissioning committee's decision.
    async fn agree_workplan_for_icb(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        icb: String,
        committee_decision: Option<String>,
    ) -> Result<Workplan> {
        let scope = scope(ctx).await?;
        let plan = workplan::agree_for_icb(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            &icb,
            committee_decision.as_deref(),
        )
        .await?;
        Ok(Workplan(plan))
    }

    /// An ICB_COMMISSIONER returns the submitted plan with comments: every agreement of this
    /// submission is void and the plan is a draft again.
    async fn return_workplan_for_icb(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        icb: String,
        comments: String,
    ) -> Result<Workplan> {
        let scope = scope(ctx).await?;
        let plan = workplan::return_for_icb(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            &icb,
            &comments,
        )
        .await?;
        Ok(Workplan(plan))
    }

    /// A REGIONAL_LEAD of the network's lead region signs off a plan every ICB agreed: it is in
    /// force, replacing any earlier version.
    async fn sign_off_workplan(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        note: Option<String>,
    ) -> Result<Workplan> {
        let scope = scope(ctx).await?;
        let plan = workplan::sign_off(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            note.as_deref(),
        )
        .await?;
        Ok(Workplan(plan))
    }

    /// A REGIONAL_LEAD of the lead region returns a plan every ICB agreed, with comments.
    async fn return_workplan_from_region(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        comments: String,
    ) -> Result<Workplan> {
        let scope = scope(ctx).await?;
        let plan = workplan::return_from_region(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            &comments,
        )
        .await?;
        Ok(Workplan(plan))
    }

    /// An in-year change: a new draft version of the plan in force (which stays in force until
    /// the new one is signed off), by the network team.
    async fn start_workplan_version(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        reason: String,
    ) -> Result<Workplan> {
        let scope = scope(ctx).await?;
        let plan = workplan::start_version(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            &reason,
        )
        .await?;
        Ok(Workplan(plan))
    }

    /// The network team records progress on a deliverable of the plan in force: its BRAG status
    /// and a dated note.
    async fn record_deliverable_progress(
        &self,
        ctx: &Context<'_>,
        deliverable_id: i32,
        expected_version: i32,
        status: Brag,
        note: String,
    ) -> Result<Deliverable> {
        let scope = scope(ctx).await?;
        let model = workplan::record_progress(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            deliverable_id,
            expected_version,
            status.into(),
            &note,
        )
        .await?;
        Ok(Deliverable(model))
    }

    /// The network team reports on a quarter (1-4) that has ended; the report freezes every
    /// deliverable's status and its indicators' latest figures.
    async fn submit_progress_report(
        &self,
        ctx: &Context<'_>,
        network: String,
        financial_year: String,
        quarter: i32,
        narrative: String,
    ) -> Result<ProgressReport> {
        let year = FinancialYear::parse(&financial_year)?;
        let scope = scope(ctx).await?;
        let model = workplan::submit_progress_report(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            &network,
            year,
            quarter,
            &narrative,
        )
        .await?;
        Ok(ProgressReport(model))
    }

    /// Drafts the annual report of a year that has ended (the network team); delivery is
    /// pre-filled from the plan in force.
    async fn draft_annual_report(
        &self,
        ctx: &Context<'_>,
        network: String,
        financial_year: String,
        #[graphql(default)] activities: String,
    ) -> Result<AnnualReport> {
        let year = FinancialYear::parse(&financial_year)?;
        let scope = scope(ctx).await?;
        let model = annual_report::draft(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            &network,
            year,
            &activities,
        )
        .await?;
        Ok(AnnualReport(model))
    }

    /// Revises an unpublished annual report (the network team); a board-approved one needs the
    /// board's approval again.
    async fn revise_annual_report(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        revision: AnnualReportRevisionInput,
    ) -> Result<AnnualReport> {
        let scope = scope(ctx).await?;
        let model = annual_report::revise(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            revision.into(),
        )
        .await?;
        Ok(AnnualReport(model))
    }

    /// The network's NETWORK_CHAIR records the board's approval of the annual report.
    async fn approve_annual_report(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
        meeting: String,
    ) -> Result<AnnualReport> {
        let scope = scope(ctx).await?;
        let model = annual_report::approve(
            state(ctx)?,
            viewer(ctx)?,
            &scope,
            id,
            expected_version,
            &meeting,
        )
        .await?;
        Ok(AnnualReport(model))
    }

    /// Publishes a board-approved annual report with its financial statement (the network
    /// team); every signed-in user reads it from then on.
    async fn publish_annual_report(
        &self,
        ctx: &Context<'_>,
        id: i32,
        expected_version: i32,
    ) -> Result<AnnualReport> {
        let scope = scope(ctx).await?;
        let model =
            annual_report::publish(state(ctx)?, viewer(ctx)?, &scope, id, expected_version).await?;
        Ok(AnnualReport(model))
    }
}
