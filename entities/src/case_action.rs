use sea_orm::entity::prelude::*;

/// An action agreed on a case: owner, due date, progress updates, closing confirmation
/// (NHS Resolution's significant-concerns guidance, annex D).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub description: String,
    pub owner_name: String,
    pub due_on: Date,
    /// `[{"at": .., "by": .., "note": ..}]`, oldest first.
    pub updates: Json,
    pub closing_confirmation: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
