use sea_orm::entity::prelude::*;

/// An event appended by the write that published it, for the other processes sharing one
/// SQLite file. Kept for minutes only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_relay")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The process that published it (it has delivered it already).
    pub origin: String,
    /// The event as JSON.
    pub payload: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
