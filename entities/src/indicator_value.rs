use sea_orm::entity::prelude::*;

use crate::enums::ValueStatus;

/// The current value of one indicator for one organisation (provider ODS code or network code),
/// period and segment (`TOTAL`/`""` when unsegmented). Earlier revisions are in
/// `indicator_value_revisions`.
/// The `segment_kind` of a value for the whole population (no segment).
pub const TOTAL: &str = "TOTAL";

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_values")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_code: String,
    pub organisation: String,
    pub period_start: Date,
    pub segment_kind: String,
    pub segment_value: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub status: ValueStatus,
    pub revision: i32,
    pub batch_id: i32,
    pub submitted_by_sub: String,
    pub submitted_by_name: String,
    pub submitted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
