use async_graphql::{Context, Object, Result};

use crate::context::state;
use crate::context::viewer;
use crate::error::{Nullable, nullable};
use crate::object::region::Region;
use crate::service;

#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// The 7 NHS England regions.
    async fn regions(&self, ctx: &Context<'_>) -> Result<Vec<Region>> {
        viewer(ctx)?;
        Ok(service::region::list(&state(ctx)?.db)
            .await?
            .into_iter()
            .map(Region)
            .collect())
    }

    /// One region by ODS code (e.g. `Y56`); null with NOT_FOUND when there is none.
    async fn region(&self, ctx: &Context<'_>, code: String) -> Nullable<Region> {
        nullable(
            async {
                viewer(ctx)?;
                Ok(Some(Region(
                    service::region::get(&state(ctx)?.db, &code).await?,
                )))
            }
            .await,
        )
    }
}
