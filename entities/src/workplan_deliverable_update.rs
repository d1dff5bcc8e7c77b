use sea_orm::entity::prelude::*;

use crate::enums::Brag;

/// A dated progress note on a deliverable and the status it set; append-only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workplan_deliverable_updates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub deliverable_id: i32,
    pub status: Brag,
    pub note: String,
    pub recorded_by_sub: String,
    pub recorded_by_name: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
