//! Room in memory for the operations running at once. An answer is built whole before it is sent
//! (async-graphql's value tree, then its JSON), so its memory follows its cost (`cost`). Operations
//! costing more than `LIGHT` share a budget of cost in flight and wait, in arrival order, for
//! room; lighter ones (a page, a record, the organisation map's small queries) never wait, so a
//! queue of dashboards cannot hold them up. A few dashboards at once already keep 2 cores busy:
//! sixteen clients of the indicator dashboard (69k leaves) peaked at 90 MiB without a budget and
//! at 70 MiB within the default one, at the same throughput. Waiting counts towards the request's
//! timeout.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Operations costing at most this run without waiting: answers of a few tens of KB.
const LIGHT: u64 = 1_000;

/// Shared by every clone of the `Portal`.
#[derive(Debug, Clone)]
pub struct Room {
    budget: Arc<Semaphore>,
    most: u32,
}

/// The room an operation holds until its answer is sent; dropped, it is free for the next.
#[derive(Debug, Default)]
pub struct Held {
    _permit: Option<OwnedSemaphorePermit>,
}

impl Room {
    /// A budget of `cost` in flight, at least the largest single operation (`max_cost`), so that
    /// every admitted operation can run.
    pub fn new(cost: u64, max_cost: u64) -> Room {
        let most = u32::try_from(cost.max(max_cost).max(LIGHT))
            .unwrap_or(u32::MAX)
            .min(u32::try_from(Semaphore::MAX_PERMITS).unwrap_or(u32::MAX));
        Room {
            budget: Arc::new(Semaphore::new(most as usize)),
            most,
        }
    }

    /// Waits until an operation of `cost` fits beside those running (at once when it is light).
    pub async fn for_cost(&self, cost: u64) -> Held {
        if cost <= LIGHT {
            return Held::default();
        }
        let permits = u32::try_from(cost).unwrap_or(u32::MAX).min(self.most);
        // The semaphore is never closed, so acquiring only ends with the permits.
        Held {
            _permit: self.budget.clone().acquire_many_owned(permits).await.ok(),
        }
    }

    #[cfg(test)]
    fn in_flight(&self) -> u64 {
        u64::from(self.most) - self.budget.available_permits() as u64
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn heavy_operations_wait_for_room_and_light_ones_do_not() {
        let room = Room::new(10_000, 8_000);
        let first = room.for_cost(6_000).await;
        assert_eq!(room.in_flight(), 6_000);
        let waiting = tokio::spawn({
            let room = room.clone();
            async move {
                let _held = room.for_cost(6_000).await;
            }
        });
        tokio::task::yield_now().await;
        assert!(
            !waiting.is_finished(),
            "the second heavy operation must wait"
        );
        let light = tokio::time::timeout(Duration::from_millis(100), room.for_cost(LIGHT)).await;
        assert!(light.is_ok(), "a light operation never waits");
        drop(first);
        waiting.await.unwrap();
        assert_eq!(room.in_flight(), 0);
        let _largest = room.for_cost(u64::MAX).await;
        assert_eq!(
            room.in_flight(),
            10_000,
            "an operation never waits for more than all room"
        );
    }
}
