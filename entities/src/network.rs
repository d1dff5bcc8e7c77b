use sea_orm::entity::prelude::*;

/// A Spinal Services Clinical Network (Spinal Services Clinical Network Specification §3.2).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "networks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub lead_region_code: String,
    /// The provider hosting the network team: a member, determined by the commissioners.
    pub host_provider_ods: Option<String>,
    /// Set for a sub-network.
    pub parent_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
