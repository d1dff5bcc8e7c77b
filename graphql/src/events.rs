//! Events published after a change commits, fanned out to subscriptions in this process.
//!
//! Every subscription filters events through the subscriber's scope before sending one.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use tokio::sync::broadcast;

/// How many events a slow subscriber may fall behind before it misses some.
const BUFFER: usize = 1024;

#[derive(Debug, Clone)]
pub enum Event {
    OrganisationChanged(OrganisationChange),
}

/// Which kind of reference row changed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationEntity {
    NetworkHubs,
    NetworkHost,
    NetworkFootprint,
    ProviderContacts,
}

/// A change to the organisation map. Carries no personal data: who made it and what the
/// contacts now say are in the audit log, for administrators.
#[derive(SimpleObject, Debug, Clone)]
pub struct OrganisationChange {
    pub entity: OrganisationEntity,
    /// The network code or provider ODS code changed.
    pub key: String,
    pub audit_entry_id: i64,
    pub at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct EventBus(broadcast::Sender<Event>);

impl Default for EventBus {
    fn default() -> Self {
        EventBus(broadcast::channel(BUFFER).0)
    }
}

impl EventBus {
    /// Publishes to current subscribers; with none listening the event is simply dropped.
    pub fn publish(&self, event: Event) {
        let _ = self.0.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.0.subscribe()
    }
}
