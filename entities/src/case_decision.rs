use sea_orm::entity::prelude::*;

use crate::enums::DisclosurePart;

/// One decider's view of one part of the joint stage-5 decision (BSR Cause for Concern Policy,
/// January 2026, Tables 1-2, stage 5): for each part, one row for the HQIP Associate Director and
/// one for the registry clinical lead, each with its justification.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_disclosure_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub decider_role: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub part: DisclosurePart,
    pub decider_sub: String,
    pub decider_name: String,
    pub inform: bool,
    /// The royal colleges (`MailParty` values) a college part names; `[]` otherwise.
    pub royal_colleges: Json,
    pub justification: String,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
