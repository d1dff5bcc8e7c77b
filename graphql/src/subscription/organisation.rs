use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;

use super::stream_of;
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
        Ok(stream_of(events, |event| match event {
            Event::OrganisationChanged(change) => Some(change),
            _ => None,
        }))
    }
}
