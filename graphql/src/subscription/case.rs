use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;

use super::stream_of;
use crate::context::scope;
use crate::context::state;
use crate::context::viewer;
use crate::events::Event;
use crate::object::case::CaseEvent;

#[derive(Default)]
pub struct CaseSubscription;

#[Subscription]
impl CaseSubscription {
    /// Cases opened, changing stage and closed, as they commit, for cases in your scope only
    /// (as `cases` reads them: commissioners and scoped integrations once the provider's CEO
    /// recorded informing the commissioners). On
    /// PostgreSQL every instance's subscribers hear of every change once.
    async fn case_changed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = CaseEvent>> {
        viewer(ctx)?;
        let reach = scope(ctx).await?.cases.clone();
        let events = state(ctx)?.events.subscribe();
        Ok(stream_of(events, move |event| match event {
            Event::CaseChanged(change)
                if reach
                    .access(
                        change.provider_ods.as_deref(),
                        change.reached_stage,
                        change.commissioners_informed,
                    )
                    .is_some() =>
            {
                Some(CaseEvent(change))
            }
            _ => None,
        }))
    }
}
