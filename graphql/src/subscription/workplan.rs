use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

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
        Ok(futures_util::stream::unfold(
            (events, scope),
            |(mut events, scope)| async move {
                loop {
                    match events.recv().await {
                        Ok(Event::WorkplanChanged(change)) => {
                            let heard = match reach(&scope, &change.network_code) {
                                Some(Reach::Governance) => true,
                                Some(Reach::Member) => change.kind.for_members(),
                                None => false,
                            };
                            if heard {
                                return Some((WorkplanEvent(change), (events, scope)));
                            }
                        }
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
