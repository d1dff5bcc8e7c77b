use sea_orm::entity::prelude::*;

use crate::enums::MembershipRole;

/// A provider belongs to a network as hub or partner from `valid_from` to `valid_to` inclusive.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "network_memberships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_code: String,
    pub provider_ods: String,
    pub role: MembershipRole,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// Whether the row is confirmed by a published source (reference data carries unverified hubs).
    pub verified: bool,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
