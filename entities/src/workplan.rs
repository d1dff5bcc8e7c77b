use sea_orm::entity::prelude::*;

use crate::enums::WorkplanStatus;

/// One version of a network's annual workplan for the financial year starting 1 April of
/// `financial_year` (Spinal Services Clinical Network Specification §4.4).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "workplans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_code: String,
    pub financial_year: i32,
    pub version_no: i32,
    pub status: WorkplanStatus,
    /// 1 while the version is open (drafted or in agreement), `None` once signed off or
    /// superseded: one open version per network and year.
    pub open_slot: Option<i32>,
    /// `[{"level": "NATIONAL"|"REGIONAL"|"LOCAL", "text", "source"}]`
    pub priorities: Json,
    /// `{"fundingGbp", "teamWte", "analyticalSupport"}`
    pub resources: Json,
    /// How many times the version has been submitted; decisions carry the round they belong to.
    pub submission_round: i32,
    /// The ICBs that must agree, frozen at submission (the footprint on `frozen_on`).
    pub frozen_icbs: Json,
    pub frozen_on: Option<Date>,
    pub returned_comments: Option<String>,
    /// The version in force this one would replace.
    pub supersedes_id: Option<i32>,
    pub change_reason: Option<String>,
    pub created_by_sub: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
