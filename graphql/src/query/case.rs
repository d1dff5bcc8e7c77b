use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Result};

use crate::context::scope;
use crate::context::state;
use crate::context::viewer;
use crate::error::{Nullable, nullable};
use crate::input::case::CaseFilterInput;
use crate::object::case::Case;
use crate::pagination::{ConnectionInfo, Page, page_size};
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
        let size = page_size(first)?;
        let (mut rows, total) = case::page(
            state(ctx)?,
            &scope,
            &CaseFilter {
                open: filter.open,
                overdue: filter.overdue,
                provider_ods: filter.provider_ods,
                stage: filter.stage,
            },
            after.as_deref(),
            size as u64 + 1,
        )
        .await?;
        let has_next = rows.len() > size;
        rows.truncate(size);
        let mut page = Connection::with_additional_fields(
            after.is_some(),
            has_next,
            ConnectionInfo {
                total_count: i32::try_from(total).unwrap_or(i32::MAX),
            },
        );
        page.edges.extend(
            rows.into_iter()
                .map(|model| Edge::new(model.reference.clone(), Case::read_by(&scope, model))),
        );
        Ok(page)
    }

    /// One case by reference; null with NOT_FOUND when there is none in your scope.
    async fn case(&self, ctx: &Context<'_>, reference: String) -> Nullable<Case> {
        nullable(
            async {
                let viewer = viewer(ctx)?;
                let scope = scope(ctx).await?;
                let caller = Caller {
                    viewer,
                    scope: &scope,
                };
                let model = case::find_visible(state(ctx)?, &caller, &reference).await?;
                Ok(Some(Case::read_by(&scope, model)))
            }
            .await,
        )
    }
}
