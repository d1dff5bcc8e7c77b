use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;

use super::stream_of;
use crate::context::{scope, state, viewer};
use crate::events::Event;
use crate::object::workplan::WorkplanEvent;
use crate::service::workplan::{Reach, reach};

#[derive(Default)]
pub struct WorkplanSubscription;

#[Subscription]
impl WorkplanSubscription {
    /// Workplan, delivery and annual-report events as they commit, for networks in your scope:
    /// all of them where you reach the network's governance; sign-off, delivery and publication
    /// where you are a member provider's. On PostgreSQL every instance's subscribers hear of
    /// every change once.
    async fn workplan_changed(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = WorkplanEvent>> {
        viewer(ctx)?;
        let scope = scope(ctx).await?;
        let events = state(ctx)?.events.subscribe();
        Ok(stream_of(events, move |event| {
            let Event::WorkplanChanged(change) = event else {
                return None;
            };
            let heard = match reach(&scope, &change.network_code) {
                Some(Reach::Governance) => true,
                Some(Reach::Member) => change.kind.for_members(),
                None => false,
            };
            heard.then_some(WorkplanEvent(change))
        }))
    }
}
