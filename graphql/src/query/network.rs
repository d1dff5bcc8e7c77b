use async_graphql::{Context, Object, Result};

use crate::context::viewer;
use crate::context::{as_at, registry};
use crate::error::{Nullable, nullable};
use crate::object::network::Network;
use crate::pagination::{Page, paginate};
use crate::scalar::Date;
use crate::service;

#[derive(Default)]
pub struct NetworkQuery;

#[Object]
impl NetworkQuery {
    /// The networks; `region` keeps those led in it or whose footprint reaches into it, `icb` those
    /// whose footprint includes it, both on `asAt` (default: today, Europe/London).
    async fn networks(
        &self,
        ctx: &Context<'_>,
        as_at: Option<Date>,
        region: Option<String>,
        icb: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Network>> {
        viewer(ctx)?;
        let date = self::as_at(ctx, as_at)?;
        let registry = registry(ctx).await?;
        let rows = service::network::list(&registry, date, region.as_deref(), icb.as_deref())?;
        Ok(paginate(rows, first, after, |n| n.code.clone(), Network)?)
    }

    /// One network by code (e.g. `WESSEX`); null with NOT_FOUND when there is none.
    async fn network(&self, ctx: &Context<'_>, code: String) -> Nullable<Network> {
        nullable(
            async {
                viewer(ctx)?;
                Ok(Some(Network::of(ctx, &code).await?))
            }
            .await,
        )
    }
}
