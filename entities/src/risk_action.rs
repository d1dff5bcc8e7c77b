use sea_orm::entity::prelude::*;

/// A mitigating action on a risk: owner, due date, progress, and the confirmation that closed it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub risk_id: i32,
    pub description: String,
    pub owner: String,
    pub due_on: Date,
    pub progress: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    pub confirmation: Option<String>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
