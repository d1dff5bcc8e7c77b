use sea_orm::entity::prelude::*;

/// One accepted submission of indicator values: who, when, from where (API or a file), why,
/// and what it did.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub submitted_by_sub: String,
    pub submitted_by_name: String,
    pub submitted_at: DateTimeUtc,
    /// `API` or `FILE <name>`.
    pub origin: String,
    pub reason: Option<String>,
    pub rows: i32,
    pub created: i32,
    pub revised: i32,
    pub unchanged: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
