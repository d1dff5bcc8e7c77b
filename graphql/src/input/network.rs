use async_graphql::InputObject;

use crate::scalar::Date;

/// A provider to be a hub.
#[derive(InputObject)]
pub struct HubInput {
    pub ods_code: String,
    /// Confirmed by a published source.
    #[graphql(default)]
    pub verified: bool,
}

#[derive(InputObject)]
pub struct SetNetworkHubsInput {
    pub network: String,
    /// The complete list of hubs from `effectiveFrom`: 1 to 3.
    pub hubs: Vec<HubInput>,
    pub effective_from: Date,
    pub reason: String,
}

/// Adds a footprint row (no `id`) or corrects one (`id`).
#[derive(InputObject)]
pub struct FootprintRowInput {
    pub id: Option<i32>,
    pub network: String,
    pub icb: String,
    pub valid_from: Date,
    /// Last day served; null while open.
    pub valid_to: Option<Date>,
    pub reason: String,
}

#[derive(InputObject)]
pub struct RemoveFootprintRowInput {
    pub id: i32,
    pub reason: String,
}
