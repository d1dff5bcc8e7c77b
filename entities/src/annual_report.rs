use sea_orm::entity::prelude::*;

use crate::enums::AnnualReportStatus;

/// A network's annual report for a financial year that has ended: activities, delivery against
/// the plan, outcomes frozen at publication and the financial statement (Spinal Services
/// Clinical Network Specification §4.4, §6, §7.1).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "annual_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_code: String,
    pub financial_year: i32,
    /// The plan in force at year end, delivery was reported against.
    pub workplan_id: Option<i32>,
    pub status: AnnualReportStatus,
    pub activities: String,
    /// `[{"reference", "title", "status", "commentary"}]`, pre-filled from the deliverables.
    pub delivery: Json,
    /// The network's indicator values for the year, frozen when published.
    pub outcomes: Option<Json>,
    /// `{"income": [{"source", "amountGbp"}], "ringFencedAllocationGbp",
    /// "expenditure": [{"category", "amountGbp"}]}`
    pub financial_statement: Option<Json>,
    pub board_meeting: Option<String>,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<DateTimeUtc>,
    pub published_by_name: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
