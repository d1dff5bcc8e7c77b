use sea_orm::entity::prelude::*;

/// One entry of a risk's append-only history: who, when, what, the score after it, and why.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub risk_id: i32,
    pub at: DateTimeUtc,
    pub actor_sub: String,
    pub actor_name: String,
    pub action: String,
    pub likelihood: i32,
    pub consequence: i32,
    pub rationale: Option<String>,
    pub detail: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
