use async_graphql::{Json, Object};
use chrono::{DateTime, Utc};
use entities::audit_entry;

/// One recorded change: who, when, what, before and after.
pub struct AuditEntry(pub audit_entry::Model);

#[Object]
impl AuditEntry {
    async fn id(&self) -> i64 {
        self.0.id
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The actor's token subject.
    async fn actor_sub(&self) -> &str {
        &self.0.actor_sub
    }
    async fn actor_name(&self) -> &str {
        &self.0.actor_name
    }
    /// What was done, e.g. `setNetworkHubs`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The kind of row changed, e.g. `NETWORK_HUBS`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The code of the network or provider changed.
    async fn entity_key(&self) -> &str {
        &self.0.entity_key
    }
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }
    /// Why, in the actor's words.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
}
