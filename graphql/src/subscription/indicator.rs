use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;

use super::stream_of;
use crate::context::scope;
use crate::context::state;
use crate::context::viewer;
use crate::events::Event;
use crate::object::indicator::IndicatorValuesPublished;

#[derive(Default)]
pub struct IndicatorSubscription;

#[Subscription]
impl IndicatorSubscription {
    /// Batches of indicator values as they commit, naming only the organisations in your scope
    /// (providers you reach, networks you reach); batches touching none of them are not sent.
    async fn indicator_values_published(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = IndicatorValuesPublished>> {
        viewer(ctx)?;
        let scope = scope(ctx).await?;
        let events = state(ctx)?.events.subscribe();
        Ok(stream_of(events, move |event| {
            let Event::IndicatorValuesPublished(published) = event else {
                return None;
            };
            let visible: Vec<String> = published
                .organisations
                .iter()
                .filter(|o| {
                    scope.everything || scope.providers.contains(*o) || scope.networks.contains(*o)
                })
                .cloned()
                .collect();
            (!visible.is_empty()).then(|| IndicatorValuesPublished::new(published, visible))
        }))
    }
}
