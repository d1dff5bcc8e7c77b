use sea_orm::entity::prelude::*;

use crate::enums::{Party, RiskKind, RiskStatus};

/// A risk on a network's register, scored on the NHS 5×5 matrix (likelihood × consequence).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `WESSEX-R-2026-0012`: network, year raised, sequence in that year.
    pub reference: String,
    pub network_code: String,
    pub year: i32,
    pub seq: i32,
    pub kind: RiskKind,
    pub title: String,
    pub cause: String,
    pub effect: String,
    pub accountable_kind: Party,
    pub accountable_code: String,
    pub owner: String,
    pub likelihood: i32,
    pub consequence: i32,
    pub target_score: i32,
    pub controls: String,
    pub review_on: Date,
    pub quality_concern: bool,
    pub deliverable_id: Option<i32>,
    pub case_reference: Option<String>,
    pub status: RiskStatus,
    pub closed_at: Option<DateTimeUtc>,
    pub raised_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
