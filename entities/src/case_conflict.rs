use sea_orm::entity::prelude::*;

/// A conflict of interest a user declared on a case; it blocks that user's decisions on it
/// (NHS Resolution's significant-concerns guidance §28).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_conflicts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_sub: String,
    pub user_name: String,
    pub statement: String,
    pub declared_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
