use sea_orm::entity::prelude::*;

/// A quarterly progress report on the plan in force, with a frozen snapshot of every
/// deliverable's status and its indicators' latest values (Spinal Services Clinical Network
/// Specification §5.1: "Networks will be expected to provide regular reports").
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workplan_progress_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workplan_id: i32,
    pub network_code: String,
    pub financial_year: i32,
    /// 1-4: April-June … January-March.
    pub quarter: i32,
    pub narrative: String,
    pub snapshot: Json,
    pub submitted_by_sub: String,
    pub submitted_by_name: String,
    pub submitted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
