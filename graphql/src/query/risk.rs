use async_graphql::{Context, Object, Result};

use crate::context::{scope, state, viewer};
use crate::error::{Nullable, nullable};
use crate::object::risk::Risk;
use crate::service::risk;

#[derive(Default)]
pub struct RiskQuery;

#[Object]
impl RiskQuery {
    /// The risks you read, highest score first: every risk of the networks whose governance you
    /// reach, and the service risks about your own provider.
    async fn risks(
        &self,
        ctx: &Context<'_>,
        network: Option<String>,
        #[graphql(default = true)] open_only: bool,
    ) -> Result<Vec<Risk>> {
        viewer(ctx)?;
        let scope = scope(ctx).await?;
        let rows = risk::list(&state(ctx)?.db, &scope, network.as_deref(), open_only).await?;
        Ok(rows.into_iter().map(Risk).collect())
    }

    /// One risk; null with NOT_FOUND when you do not read it.
    async fn risk(&self, ctx: &Context<'_>, id: i32) -> Nullable<Risk> {
        nullable(
            async {
                viewer(ctx)?;
                let scope = scope(ctx).await?;
                Ok(Some(Risk(
                    risk::find_visible(&state(ctx)?.db, &scope, id).await?,
                )))
            }
            .await,
        )
    }
}
