use async_graphql::{Context, Object, Result};

use crate::context::{scope, state, viewer};
use crate::error::{Nullable, nullable};
use crate::object::annual_report::AnnualReport;
use crate::object::workplan::{Workplan, WorkplanDashboardRow};
use crate::service::annual_report;
use crate::service::workplan::{self, FinancialYear};

#[derive(Default)]
pub struct WorkplanQuery;

#[Object]
impl WorkplanQuery {
    /// The workplan versions you read, newest year first: every version of the networks whose
    /// governance you reach (the team, footprint ICBs, regions led in or reaching into the
    /// network, national roles, scoped integrations); the signed-off ones of your provider's
    /// network; nothing else.
    async fn workplans(
        &self,
        ctx: &Context<'_>,
        network: Option<String>,
        financial_year: Option<String>,
    ) -> Result<Vec<Workplan>> {
        viewer(ctx)?;
        let year = financial_year
            .as_deref()
            .map(FinancialYear::parse)
            .transpose()?;
        let scope = scope(ctx).await?;
        let rows = workplan::list(&state(ctx)?.db, &scope, network.as_deref(), year).await?;
        Ok(rows.into_iter().map(Workplan).collect())
    }

    /// One workplan version; null with NOT_FOUND when you do not read it.
    async fn workplan(&self, ctx: &Context<'_>, id: i32) -> Nullable<Workplan> {
        nullable(
            async {
                viewer(ctx)?;
                let scope = scope(ctx).await?;
                Ok(Some(Workplan(
                    workplan::find_visible(&state(ctx)?.db, &scope, id).await?,
                )))
            }
            .await,
        )
    }

    /// For each network whose governance you reach: the year's plan status, how many of its
    /// ICBs have agreed, deliverables by BRAG and what is overdue. Its statement count does not
    /// grow with networks or deliverables.
    async fn workplan_dashboard(
        &self,
        ctx: &Context<'_>,
        financial_year: String,
    ) -> Result<Vec<WorkplanDashboardRow>> {
        viewer(ctx)?;
        let year = FinancialYear::parse(&financial_year)?;
        let scope = scope(ctx).await?;
        let state = state(ctx)?;
        let map = state.org_map_today().await?;
        let dashboard = workplan::dashboard(&state.db, &scope, &map, year).await?;
        Ok(dashboard
            .rows
            .into_iter()
            .map(WorkplanDashboardRow)
            .collect())
    }

    /// Annual reports: every published one, and the drafts of networks whose governance you
    /// reach.
    async fn annual_reports(
        &self,
        ctx: &Context<'_>,
        financial_year: Option<String>,
    ) -> Result<Vec<AnnualReport>> {
        viewer(ctx)?;
        let year = financial_year
            .as_deref()
            .map(FinancialYear::parse)
            .transpose()?;
        let scope = scope(ctx).await?;
        let rows = annual_report::list(&state(ctx)?.db, &scope, year).await?;
        Ok(rows.into_iter().map(AnnualReport).collect())
    }

    /// One annual report; null with NOT_FOUND when you do not read it.
    async fn annual_report(&self, ctx: &Context<'_>, id: i32) -> Nullable<AnnualReport> {
        nullable(
            async {
                viewer(ctx)?;
                let scope = scope(ctx).await?;
                Ok(Some(AnnualReport(
                    annual_report::find_visible(&state(ctx)?.db, &scope, id).await?,
                )))
            }
            .await,
        )
    }
}
