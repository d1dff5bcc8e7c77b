use sea_orm::entity::prelude::*;

/// An indicator that shows a deliverable's progress, with its baseline and target.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "workplan_deliverable_indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub deliverable_id: i32,
    pub indicator_code: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
