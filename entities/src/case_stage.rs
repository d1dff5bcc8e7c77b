use sea_orm::entity::prelude::*;

use crate::enums::Nation;

/// One stage of the cause-for-concern escalation, as a version of the policy defines it.
/// A case keeps the version it started under.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_stages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub jurisdiction: Nation,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: i32,
    pub action: String,
    /// The portal role that acts at this stage.
    pub actor_role: String,
    pub limit_working_days: i32,
    /// Where in the policy the row comes from.
    pub source: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
