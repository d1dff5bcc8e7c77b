use async_graphql::{Context, Object, Result};

use crate::context::{scope, state, viewer};
use crate::error::{Nullable, nullable};
use crate::object::document::GovernanceDocument;
use crate::service::document;

#[derive(Default)]
pub struct DocumentQuery;

#[Object]
impl DocumentQuery {
    /// The governance documents you read: the register of each network whose governance you
    /// reach, and the documents your provider is a party to.
    async fn governance_documents(
        &self,
        ctx: &Context<'_>,
        network: Option<String>,
    ) -> Result<Vec<GovernanceDocument>> {
        viewer(ctx)?;
        let scope = scope(ctx).await?;
        let rows = document::list(&state(ctx)?.db, &scope, network.as_deref()).await?;
        Ok(rows.into_iter().map(GovernanceDocument).collect())
    }

    /// One document; null with NOT_FOUND when you do not read it.
    async fn governance_document(
        &self,
        ctx: &Context<'_>,
        id: i32,
    ) -> Nullable<GovernanceDocument> {
        nullable(
            async {
                viewer(ctx)?;
                let scope = scope(ctx).await?;
                Ok(Some(GovernanceDocument(
                    document::find_visible(&state(ctx)?.db, &scope, id).await?,
                )))
            }
            .await,
        )
    }
}
