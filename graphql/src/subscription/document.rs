use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;

use super::stream_of;
use crate::context::{scope, state, viewer};
use crate::events::Event;
use crate::object::document::GovernanceEvent;

#[derive(Default)]
pub struct DocumentSubscription;

#[Subscription]
impl DocumentSubscription {
    /// Governance documents registered, signed and in force, for the networks whose governance
    /// you reach. On PostgreSQL every instance's subscribers hear of every change once.
    async fn governance_changed(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = GovernanceEvent>> {
        viewer(ctx)?;
        let scope = scope(ctx).await?;
        let events = state(ctx)?.events.subscribe();
        Ok(stream_of(events, move |event| match event {
            Event::GovernanceChanged(change) if scope.governance.contains(&change.network_code) => {
                Some(GovernanceEvent(change))
            }
            _ => None,
        }))
    }
}
