use sea_orm::entity::prelude::*;

/// `predecessor` closed and (part of) its population passed to `successor`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "icb_successions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub predecessor_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub successor_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
