use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;

use super::stream_of;
use crate::context::{scope, state, viewer};
use crate::events::Event;
use crate::object::governance::GovernanceEvent;

#[derive(Default)]
pub struct GovernanceSubscription;

#[Subscription]
impl GovernanceSubscription {
    /// Changes to the governance of the networks you reach: documents registered, signed, in
    /// force or due for review; board members, posts, meetings, approved minutes and the host.
    /// No personal data. On PostgreSQL every instance's subscribers hear of every change once.
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
