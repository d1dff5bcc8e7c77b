use sea_orm::entity::prelude::*;

/// One half of the joint stage-5 decision on informing the regulator (BSR Cause for Concern Policy,
/// January 2026, Tables 1-2, stage 5): one row for the HQIP Associate Director, one for the
/// registry clinical lead.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub decider_role: String,
    pub decider_sub: String,
    pub decider_name: String,
    pub inform_regulator: bool,
    pub rationale: String,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
