use async_graphql::{Context, Object, Result};

use crate::context::{registry, viewer};
use crate::error::{Nullable, nullable};
use crate::object::region::Region;

#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// The 7 NHS England regions.
    async fn regions(&self, ctx: &Context<'_>) -> Result<Vec<Region>> {
        viewer(ctx)?;
        let registry = registry(ctx).await?;
        Ok(registry.regions.values().cloned().map(Region).collect())
    }

    /// One region by ODS code (e.g. `Y56`); null with NOT_FOUND when there is none.
    async fn region(&self, ctx: &Context<'_>, code: String) -> Nullable<Region> {
        nullable(
            async {
                viewer(ctx)?;
                Ok(Some(Region(registry(ctx).await?.region(&code)?.clone())))
            }
            .await,
        )
    }
}
