use async_graphql::{Enum, InputObject};

use crate::object::indicator::{
    Frequency, FunnelMethod, ImprovementDirection, IndicatorKind, IndicatorLevel, ValueStatus,
};
use crate::scalar::Date;

/// One value of a batch. Which figures a row takes depends on the indicator's kind:
/// PROPORTION numerator and denominator; RATIO numerator (observed) and denominator
/// (expected); COUNT value; MEAN value and denominator (patients); MEDIAN value (and
/// optionally patients); ATTESTATION value 1 or 0.
#[derive(InputObject)]
pub struct IndicatorValueInput {
    pub indicator: String,
    /// A provider's ODS code, or a network's code for network-level indicators.
    pub organisation: String,
    /// The first day of the period: a month, a financial quarter or a financial year (1 April),
    /// as the indicator's frequency says.
    pub period: Date,
    #[graphql(default)]
    pub segment: SegmentInput,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub status: ValueStatus,
}

/// A population segment; omitted, the row is the TOTAL.
#[derive(InputObject, Clone)]
pub struct SegmentInput {
    #[graphql(default_with = "SegmentKind::Total")]
    pub kind: SegmentKind,
    /// e.g. `40-59`, `FEMALE`, `1` (most deprived quintile), `ASIAN`; empty for TOTAL.
    #[graphql(default)]
    pub value: String,
}

impl Default for SegmentInput {
    fn default() -> Self {
        SegmentInput {
            kind: SegmentKind::Total,
            value: String::new(),
        }
    }
}

/// The minimum inequality segments of *Clinical audits and registries: a best practice guide* §4.4,
/// and the patients' ICB of residence (the breakdown the population lens sums, §4.4).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    Total,
    AgeBand,
    Sex,
    DeprivationQuintile,
    EthnicityGroup,
    /// The value is an ICB code: the patients of this provider who live in that ICB.
    ResidenceIcb,
}

/// Through which lens an area's figures are seen (§4.4: "viewed through both lenses").
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AggregateLens {
    /// The providers serving the area: for an ICB, the providers of the networks serving it.
    Provider,
    /// The area's residents wherever they were treated (ICB, region or England), from the
    /// providers' residence breakdowns.
    Population,
}

impl From<AggregateLens> for crate::service::analysis::Lens {
    fn from(lens: AggregateLens) -> Self {
        match lens {
            AggregateLens::Provider => Self::Provider,
            AggregateLens::Population => Self::Population,
        }
    }
}

impl From<crate::service::analysis::Lens> for AggregateLens {
    fn from(lens: crate::service::analysis::Lens) -> Self {
        match lens {
            crate::service::analysis::Lens::Provider => Self::Provider,
            crate::service::analysis::Lens::Population => Self::Population,
        }
    }
}

impl SegmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Total => "TOTAL",
            SegmentKind::AgeBand => "AGE_BAND",
            SegmentKind::Sex => "SEX",
            SegmentKind::DeprivationQuintile => "DEPRIVATION_QUINTILE",
            SegmentKind::EthnicityGroup => "ETHNICITY_GROUP",
            SegmentKind::ResidenceIcb => crate::service::analysis::RESIDENCE,
        }
    }
}

#[derive(InputObject)]
pub struct SubmitIndicatorValuesInput {
    pub values: Vec<IndicatorValueInput>,
    /// Why, when this corrects earlier values.
    pub reason: Option<String>,
}

/// The population an aggregate covers.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    Provider,
    Network,
    /// The providers of the networks whose footprint includes the ICB.
    Icb,
    /// The providers of the networks led in the region.
    Region,
    England,
}

#[derive(InputObject)]
pub struct AreaInput {
    pub kind: AreaKind,
    /// The organisation's code; none for ENGLAND.
    pub code: Option<String>,
}

#[derive(InputObject)]
pub struct EditIndicatorInput {
    pub code: String,
    pub name: Option<String>,
    pub direction: Option<ImprovementDirection>,
    pub target: Option<f64>,
    #[graphql(default)]
    pub clear_target: bool,
    pub funnel_method: Option<FunnelMethod>,
    pub spc_trend_length: Option<i32>,
    pub spc_shift_length: Option<i32>,
    pub spc_screen_moving_ranges: Option<bool>,
    pub spc_rebase_on: Option<Vec<Date>>,
    pub reason: String,
}

#[derive(InputObject)]
pub struct DefineLocalIndicatorInput {
    pub network: String,
    /// Starts with the network's code, e.g. `WESSEX_MDT_ATTENDANCE`.
    pub code: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub unit: String,
    pub direction: ImprovementDirection,
    pub target: Option<f64>,
    pub frequency: Frequency,
    pub level: IndicatorLevel,
    pub funnel_method: Option<FunnelMethod>,
    pub reason: String,
}

#[derive(InputObject)]
pub struct OpenCaseFromOutlierInput {
    pub indicator: String,
    pub provider_ods: String,
    pub from: Date,
    pub to: Date,
    pub summary: String,
}
