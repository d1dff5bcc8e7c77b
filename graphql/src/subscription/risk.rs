use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;

use super::stream_of;
use crate::context::{scope, state, viewer};
use crate::events::Event;
use crate::object::risk::RiskEvent;
use crate::service::risk::readable;

#[derive(Default)]
pub struct RiskSubscription;

#[Subscription]
impl RiskSubscription {
    /// Risks raised, re-scored into another band, escalated, answered, unanswered past their
    /// date, and closed, for the risks you read. On PostgreSQL every instance's subscribers hear
    /// of every change once.
    async fn risk_changed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = RiskEvent>> {
        viewer(ctx)?;
        let scope = scope(ctx).await?;
        let events = state(ctx)?.events.subscribe();
        Ok(stream_of(events, move |event| match event {
            Event::RiskChanged(change)
                if readable(
                    &scope,
                    &change.network_code,
                    change.risk_kind,
                    (change.accountable_kind, &change.accountable_code),
                ) =>
            {
                Some(RiskEvent(change))
            }
            _ => None,
        }))
    }
}
