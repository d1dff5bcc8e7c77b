use sea_orm::entity::prelude::*;

use crate::enums::Brag;

/// An expected in-year deliverable of a workplan (Spinal Services Clinical Network
/// Specification §4.4, §7 item 3). `reference` is stable across the plan's versions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workplan_deliverables")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workplan_id: i32,
    pub objective_id: i32,
    pub reference: String,
    pub title: String,
    pub expected_benefits: String,
    pub owner: String,
    pub due_on: Date,
    pub quality_improvement: bool,
    pub status: Brag,
    /// The clock has announced that it is past due and not complete.
    pub past_due_flagged: bool,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
