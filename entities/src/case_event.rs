use sea_orm::entity::prelude::*;

/// One entry of a case's history: who did what, when, why. Append-only (database triggers).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub at: DateTimeUtc,
    pub actor_sub: String,
    pub actor_name: String,
    pub action: String,
    pub from_stage: Option<i32>,
    pub to_stage: Option<i32>,
    pub rationale: Option<String>,
    pub detail: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
