use async_graphql::{Context, Object, Result};

use crate::context::scope;
use crate::context::state;
use crate::context::viewer;
use crate::input::case::CaseFilterInput;
use crate::object::case::Case;
use crate::pagination::{Page, paginate};
use crate::service::case::{self, Caller, CaseFilter};

#[derive(Default)]
pub struct CaseQuery;

#[Object]
impl CaseQuery {
    /// The cause-for-concern cases in the caller's scope, newest first: the registry, HQIP and
    /// national roles see all; a provider's Lead Clinician and CEO their provider's; ICB
    /// commissioners and scoped integrations their networks' providers' cases from stage 5.
    async fn cases(
        &self,
        ctx: &Context<'_>,
        filter: Option<CaseFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Case>> {
        viewer(ctx)?;
        let scope = scope(ctx).await?;
        let filter = filter.unwrap_or_default();
        let rows = case::list(
            state(ctx)?,
            &scope,
            &CaseFilter {
                open: filter.open,
                overdue: filter.overdue,
                provider_ods: filter.provider_ods,
                stage: filter.stage,
            },
        )
        .await?;
        Ok(paginate(
            rows,
            first,
            after,
            |c| c.reference.clone(),
            |model| Case::read_by(&scope, model),
        )?)
    }

    /// One case by reference; null with NOT_FOUND when there is none in your scope.
    async fn case(&self, ctx: &Context<'_>, reference: String) -> Result<Option<Case>> {
        let viewer = viewer(ctx)?;
        let scope = scope(ctx).await?;
        let caller = Caller {
            viewer,
            scope: &scope,
        };
        let model = case::find_visible(state(ctx)?, &caller, &reference).await?;
        Ok(Some(Case::read_by(&scope, model)))
    }
}
