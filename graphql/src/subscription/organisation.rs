use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::context::state;
use crate::context::viewer;
use crate::events::{Event, OrganisationChange};

#[derive(Default)]
pub struct OrganisationSubscription;

#[Subscription]
impl OrganisationSubscription {
    /// Changes to the organisation map (hubs, host, footprint, contacts) as they commit. The map is
    /// readable by every authenticated caller, so every subscriber gets every change; an event
    /// names the row changed, never the people or values in it.
    async fn organisation_changed(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = OrganisationChange>> {
        viewer(ctx)?;
        let events = state(ctx)?.events.subscribe();
        Ok(futures_util::stream::unfold(
            events,
            |mut events| async move {
                loop {
                    match events.recv().await {
                        Ok(Event::OrganisationChanged(change)) => return Some((change, events)),
                        Ok(_) => {}
                        Err(RecvError::Lagged(missed)) => {
                            tracing::warn!(missed, "a subscriber fell behind and missed events")
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            },
        ))
    }
}
