use sea_orm::entity::prelude::*;

/// The network's commissioners determine its host (Spinal Services Clinical Network
/// Specification §5.1: "hosted by a named lead provider from within the network determined by
/// the network's commissioners"). Append-only: the history of hosts and who chose them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "host_determinations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_code: String,
    pub provider_ods: String,
    pub determined_on: Date,
    /// The ICB codes that determined it.
    pub icbs: Json,
    /// The decision cited (e.g. the joint committee's minute).
    pub citation: String,
    pub recorded_by_name: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
