use sea_orm::entity::prelude::*;

use crate::enums::{
    Frequency, FunnelMethod, ImprovementDirection, IndicatorKind, IndicatorLevel, IndicatorSource,
};

/// One indicator of the catalogue: national (Spinal Services Clinical Network Specification,
/// Appendix 1 and §7.1) or local to the network in `network_code`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub indicator_group: String,
    pub kind: IndicatorKind,
    pub unit: String,
    pub direction: ImprovementDirection,
    pub target: Option<f64>,
    pub source: IndicatorSource,
    pub frequency: Frequency,
    pub level: IndicatorLevel,
    pub funnel_method: Option<FunnelMethod>,
    pub spc_trend_length: i32,
    pub spc_shift_length: i32,
    pub spc_screen_moving_ranges: bool,
    /// Period starts (`["2025-04-01"]`) where the SPC chart starts a new segment.
    pub spc_rebase_on: Json,
    /// What the portal derives the value from, for indicators it derives itself.
    pub derivation: Option<String>,
    /// The network that defined a local indicator; `None` for national ones.
    pub network_code: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
