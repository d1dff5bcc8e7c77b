use sea_orm::entity::prelude::*;

/// A dataset (reference or demo) that has been loaded: loading it again is a no-op, so a restart
/// never overwrites an administrator's corrections.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reference_loads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub dataset: String,
    pub rows: i32,
    pub loaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
