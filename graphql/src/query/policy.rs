use async_graphql::{Context, Object, Result};

use crate::context::state;
use crate::context::viewer;
use crate::object::Nation;
use crate::object::policy::{CasePolicy, Recipient};
use crate::service::policy;

#[derive(Default)]
pub struct PolicyQuery;

#[Object]
impl PolicyQuery {
    /// The cause-for-concern escalation for a jurisdiction: stages, working-day limits and the
    /// letters each requires. `version` defaults to the latest.
    async fn case_policy(
        &self,
        ctx: &Context<'_>,
        jurisdiction: Nation,
        version: Option<i32>,
    ) -> Result<CasePolicy> {
        viewer(ctx)?;
        Ok(CasePolicy(
            policy::policy(&state(ctx)?.db, jurisdiction.into(), version).await?,
        ))
    }

    /// The bodies cause-for-concern letters go to, with their addresses.
    async fn recipient_directory(&self, ctx: &Context<'_>) -> Result<Vec<Recipient>> {
        viewer(ctx)?;
        Ok(policy::recipients(&state(ctx)?.db)
            .await?
            .into_iter()
            .map(Recipient)
            .collect())
    }
}
