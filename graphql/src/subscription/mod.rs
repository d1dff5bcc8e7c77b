//! Subscription roots, one per domain noun, merged in `schema`.

pub mod case;
pub mod governance;
pub mod indicator;
pub mod organisation;
pub mod risk;
pub mod workplan;

use futures_util::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::events::Event;

/// The events this process hears, as `pick` turns each into what one subscriber is sent; `None`
/// skips it (another kind, or outside the subscriber's scope). A subscriber that falls behind
/// the bus's buffer misses events, and the miss is logged.
pub(crate) fn stream_of<T, F>(events: broadcast::Receiver<Event>, pick: F) -> impl Stream<Item = T>
where
    F: FnMut(Event) -> Option<T> + Send + 'static,
    T: Send + 'static,
{
    futures_util::stream::unfold((events, pick), |(mut events, mut pick)| async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(item) = pick(event) {
                        return Some((item, (events, pick)));
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a subscriber fell behind and missed events")
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}
