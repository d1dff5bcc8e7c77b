use sea_orm::entity::prelude::*;

use crate::enums::ContactRole;

/// A named person at a provider (personal data: read through the contacts policy only).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider_ods: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: ContactRole,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
