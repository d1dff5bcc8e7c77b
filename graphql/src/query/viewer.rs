use async_graphql::{Context, Object, Result};

use crate::context::viewer;
use crate::object::viewer::Me;

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// The caller, its grants, and the networks, ICBs and providers in its scope.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        Ok(Me(viewer(ctx)?.clone()))
    }
}
