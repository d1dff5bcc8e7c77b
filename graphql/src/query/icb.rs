use async_graphql::{Context, Object, Result};

use crate::context::viewer;
use crate::context::{as_at, registry};
use crate::error::{Nullable, nullable};
use crate::object::icb::Icb;
use crate::pagination::{Page, paginate};
use crate::scalar::Date;
use crate::service;

#[derive(Default)]
pub struct IcbQuery;

#[Object]
impl IcbQuery {
    /// ICBs alive on `asAt` (default: today, Europe/London), optionally in one region.
    async fn icbs(
        &self,
        ctx: &Context<'_>,
        as_at: Option<Date>,
        region: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Icb>> {
        viewer(ctx)?;
        let registry = registry(ctx).await?;
        let rows = service::icb::list(&registry, self::as_at(ctx, as_at)?, region.as_deref())?;
        Ok(paginate(rows, first, after, |i| i.code.clone(), Icb)?)
    }

    /// One ICB by ODS code, open or closed; null with NOT_FOUND when there is none.
    async fn icb(&self, ctx: &Context<'_>, code: String) -> Nullable<Icb> {
        nullable(
            async {
                viewer(ctx)?;
                Ok(Some(Icb(registry(ctx).await?.icb(&code)?.clone())))
            }
            .await,
        )
    }
}
