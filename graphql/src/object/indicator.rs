//! Indicators as the API shows them: the catalogue, values and their revisions, aggregates,
//! benchmarks, funnel plots and SPC charts. Outputs are plain objects built in one pass from
//! what the service computed (no per-field resolvers on the hot paths).

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{indicator, indicator_value, indicator_value_revision};

use super::MembershipRole;
use crate::events::IndicatorPublication;
use crate::scalar::{Column, Date};
use crate::service::analysis::{self, Figure};
use crate::service::indicator::period_label;
use crate::stats::{Direction, funnel, spc, summary};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::IndicatorKind")]
pub enum IndicatorKind {
    Proportion,
    Ratio,
    Count,
    Mean,
    Median,
    Attestation,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::ImprovementDirection")]
pub enum ImprovementDirection {
    HigherIsBetter,
    LowerIsBetter,
    Neutral,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::IndicatorSource")]
pub enum IndicatorSource {
    BsrHes,
    Pathway,
    ModelHospital,
    Network,
    Portal,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::Frequency")]
pub enum Frequency {
    Monthly,
    Quarterly,
    Annual,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::IndicatorLevel")]
pub enum IndicatorLevel {
    Provider,
    Network,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::FunnelMethod")]
pub enum FunnelMethod {
    Arcsine,
    ExactBinomial,
    ExactPoisson,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::ValueStatus")]
pub enum ValueStatus {
    Provisional,
    Validated,
}

/// Making Data Count options of an indicator's SPC charts.
#[derive(SimpleObject)]
pub struct SpcSettings {
    pub trend_length: i32,
    pub shift_length: i32,
    /// Moving ranges above 3.267 × their mean are left out of the limits.
    pub screen_moving_ranges: bool,
    /// Period starts where a chart begins a new segment with its own limits.
    pub rebase_on: Vec<Date>,
}

/// One indicator of the catalogue.
#[derive(SimpleObject)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    /// `ELECTIVE_BSR`, `ELECTIVE_PATHWAY`, `HVLC`, `LVHC`, `CAUDA_EQUINA`, `SPINAL_INFECTION`,
    /// `MSCC`, `GENERIC` or `LOCAL`.
    pub group: String,
    pub kind: IndicatorKind,
    pub unit: String,
    pub direction: ImprovementDirection,
    pub target: Option<f64>,
    pub source: IndicatorSource,
    pub frequency: Frequency,
    pub level: IndicatorLevel,
    pub funnel_method: Option<FunnelMethod>,
    pub spc: SpcSettings,
    /// What the portal derives the value from (`WORKPLAN_AGREED`, `WORKPLAN_QI_INITIATIVE`,
    /// `ANNUAL_REPORT_WITH_FINANCES`): it writes those values itself from the network's
    /// workplans and annual report, and refuses typed ones.
    pub derivation: Option<String>,
    /// The network that defined a local indicator.
    pub network_code: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<indicator::Model> for Indicator {
    fn from(m: indicator::Model) -> Self {
        Indicator {
            spc: SpcSettings {
                trend_length: m.spc_trend_length,
                shift_length: m.spc_shift_length,
                screen_moving_ranges: m.spc_screen_moving_ranges,
                rebase_on: serde_json::from_value::<Vec<chrono::NaiveDate>>(m.spc_rebase_on)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Date)
                    .collect(),
            },
            code: m.code,
            name: m.name,
            group: m.indicator_group,
            kind: m.kind.into(),
            unit: m.unit,
            direction: m.direction.into(),
            target: m.target,
            source: m.source.into(),
            frequency: m.frequency.into(),
            level: m.level.into(),
            funnel_method: m.funnel_method.map(Into::into),
            derivation: m.derivation,
            network_code: m.network_code,
            version: m.version,
            updated_at: m.updated_at,
        }
    }
}

/// A segment of the population (*Clinical audits and registries: a best practice guide* §4.4);
/// `TOTAL` with an empty value is everyone.
#[derive(SimpleObject, Clone)]
pub struct Segment {
    pub kind: String,
    pub value: String,
}

/// A stored value (current, or a superseded revision) with who submitted it and when.
#[derive(SimpleObject)]
pub struct IndicatorValue {
    pub indicator_code: String,
    pub organisation: String,
    pub period: Date,
    pub period_label: String,
    pub segment: Segment,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// In the indicator's unit (a percentage for proportions).
    pub value: Option<f64>,
    pub status: ValueStatus,
    pub revision: i32,
    pub batch_id: i32,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    /// When a later revision replaced it (history only).
    pub superseded_at: Option<DateTime<Utc>>,
}

impl IndicatorValue {
    pub fn current(ind: &indicator::Model, m: indicator_value::Model) -> Self {
        let figure = analysis::single(ind.kind, &m);
        IndicatorValue {
            period_label: period_label(ind.frequency, m.period_start),
            indicator_code: m.indicator_code,
            organisation: m.organisation,
            period: m.period_start.into(),
            segment: Segment {
                kind: m.segment_kind,
                value: m.segment_value,
            },
            numerator: m.numerator,
            denominator: m.denominator,
            value: figure.value,
            status: m.status.into(),
            revision: m.revision,
            batch_id: m.batch_id,
            submitted_by: m.submitted_by_name,
            submitted_at: m.submitted_at,
            superseded_at: None,
        }
    }

    pub fn superseded(ind: &indicator::Model, m: indicator_value_revision::Model) -> Self {
        let superseded_at = m.superseded_at;
        let as_value = indicator_value::Model {
            id: m.id,
            indicator_code: m.indicator_code,
            organisation: m.organisation,
            period_start: m.period_start,
            segment_kind: m.segment_kind,
            segment_value: m.segment_value,
            numerator: m.numerator,
            denominator: m.denominator,
            value: m.value,
            status: m.status,
            revision: m.revision,
            batch_id: m.batch_id,
            submitted_by_sub: m.submitted_by_sub,
            submitted_by_name: m.submitted_by_name,
            submitted_at: m.submitted_at,
        };
        IndicatorValue {
            superseded_at: Some(superseded_at),
            ..IndicatorValue::current(ind, as_value)
        }
    }
}

/// Combined figures, with small-number control marked.
#[derive(SimpleObject, Clone)]
pub struct Figures {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// In the indicator's unit; null when suppressed or not combinable (see `note`).
    pub value: Option<f64>,
    /// How many stored values were combined.
    pub values: i32,
    /// A count of 1-7 was hidden.
    pub suppressed: bool,
    /// Counts are rounded to the nearest 5 and rates computed from the rounded counts.
    pub rounded: bool,
    pub note: Option<String>,
}

impl From<Figure> for Figures {
    fn from(f: Figure) -> Self {
        Figures {
            numerator: f.numerator,
            denominator: f.denominator,
            value: f.value,
            values: i32::try_from(f.values).unwrap_or(i32::MAX),
            suppressed: f.suppressed,
            rounded: f.rounded,
            note: f.note.map(str::to_owned),
        }
    }
}

#[derive(SimpleObject)]
pub struct AggregateRow {
    /// Null for the whole window.
    pub period: Option<Date>,
    pub segment_value: String,
    pub figures: Figures,
}

#[derive(SimpleObject)]
pub struct IndicatorAggregate {
    pub indicator_code: String,
    pub lens: crate::input::indicator::AggregateLens,
    /// What the figures are of: which providers, or which area's residents.
    pub basis: String,
    /// Population lens: whether any residence breakdown was submitted for the window. When none
    /// was, `rows` is empty: the provider lens's figures are never shown in its place.
    pub residence_reported: Option<bool>,
    /// Organisations making up the area.
    pub organisations: i32,
    /// Of which reported in the window.
    pub reporting: i32,
    /// False when small-number control was applied (you do not reach every contributor).
    pub exact: bool,
    pub rows: Vec<AggregateRow>,
}

impl IndicatorAggregate {
    pub fn new(code: String, a: analysis::Aggregate) -> Self {
        IndicatorAggregate {
            indicator_code: code,
            lens: a.lens.into(),
            basis: a.basis,
            residence_reported: a.residence_reported,
            organisations: i32::try_from(a.organisations).unwrap_or(i32::MAX),
            reporting: i32::try_from(a.reporting).unwrap_or(i32::MAX),
            exact: a.exact,
            rows: a
                .rows
                .into_iter()
                .map(|r| AggregateRow {
                    period: r.period.map(Date),
                    segment_value: r.segment_value,
                    figures: r.figure.into(),
                })
                .collect(),
        }
    }
}

#[derive(SimpleObject, Clone, Copy)]
pub struct Quartiles {
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

impl From<summary::Quartiles> for Quartiles {
    fn from(q: summary::Quartiles) -> Self {
        Quartiles {
            q1: q.q1,
            median: q.median,
            q3: q.q3,
        }
    }
}

#[derive(SimpleObject)]
pub struct BenchmarkRow {
    pub organisation: String,
    pub figures: Figures,
    /// 1 is best; ties share a rank; neutral indicators rank the highest first.
    pub rank: i32,
    /// Hubs are compared with hubs and partners with partners.
    pub peer_group: Option<MembershipRole>,
    pub peers: Option<Quartiles>,
}

/// National quartiles (type 7, as R's default) over every organisation with data, and a row
/// for each organisation in your scope.
#[derive(SimpleObject)]
pub struct IndicatorBenchmark {
    pub indicator_code: String,
    pub national: Option<Quartiles>,
    /// Organisations ranked nationally.
    pub ranked: i32,
    pub rows: Vec<BenchmarkRow>,
}

impl IndicatorBenchmark {
    pub fn new(code: String, b: analysis::Benchmark) -> Self {
        IndicatorBenchmark {
            indicator_code: code,
            national: b.national.map(Into::into),
            ranked: i32::try_from(b.ranked).unwrap_or(i32::MAX),
            rows: b
                .rows
                .into_iter()
                .map(|r| BenchmarkRow {
                    organisation: r.organisation,
                    figures: r.figure.into(),
                    rank: i32::try_from(r.rank).unwrap_or(i32::MAX),
                    peer_group: r.peer_group.map(Into::into),
                    peers: r.peers.map(Into::into),
                })
                .collect(),
        }
    }
}

/// Control limits at one denominator, in the indicator's unit.
#[derive(SimpleObject, Clone, Copy)]
pub struct FunnelLimits {
    /// 95% (2 SD) limits: "alert".
    pub alert_low: f64,
    pub alert_high: f64,
    /// 99.8% (3 SD) limits: "alarm".
    pub alarm_low: f64,
    pub alarm_high: f64,
}

/// Where a point falls, naming positive (better) and negative (worse) outliers by the
/// indicator's improvement direction; neutral indicators say high or low.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "crate::stats::funnel::OutlierStatus")]
pub enum OutlierStatus {
    WithinLimits,
    PositiveAlert,
    PositiveAlarm,
    NegativeAlert,
    NegativeAlarm,
    HighAlert,
    HighAlarm,
    LowAlert,
    LowAlarm,
}

#[derive(SimpleObject)]
pub struct FunnelPoint {
    pub organisation: String,
    pub numerator: f64,
    /// Cases (proportions) or expected events (ratios).
    pub denominator: f64,
    pub value: f64,
    pub z_score: f64,
    pub limits: FunnelLimits,
    pub status: OutlierStatus,
    /// How many of the values behind the point are still provisional.
    pub provisional_values: i32,
}

#[derive(SimpleObject)]
pub struct FunnelCurvePoint {
    pub denominator: f64,
    pub limits: FunnelLimits,
}

/// A funnel plot (Spiegelhalter 2005; as NHS-R FunnelPlotR 0.6.0).
#[derive(SimpleObject)]
pub struct FunnelPlot {
    pub indicator_code: String,
    pub method: FunnelMethod,
    /// The indicator's target, or the pooled value.
    pub target: f64,
    /// Over-dispersion: mean squared winsorised z-score (10%/90%).
    pub phi: f64,
    /// Additive between-organisation variance on the transformed scale.
    pub tau2: f64,
    /// Limits and z-scores include tau² (only when phi > 1).
    pub overdispersion_adjusted: bool,
    /// Organisations with data in the window.
    pub participants: i32,
    /// Points of organisations in your scope.
    pub points: Vec<FunnelPoint>,
    /// Organisations in your scope expected to report with no data where peers have it.
    pub non_participating: Vec<String>,
    pub curve: Vec<FunnelCurvePoint>,
}

impl FunnelPlot {
    pub fn new(code: String, v: analysis::FunnelView, percent: bool, direction: Direction) -> Self {
        let scale = if percent { 100.0 } else { 1.0 };
        let limits = |l: &funnel::FunnelLimits| FunnelLimits {
            alert_low: l.alert_low * scale,
            alert_high: l.alert_high * scale,
            alarm_low: l.alarm_low * scale,
            alarm_high: l.alarm_high * scale,
        };
        FunnelPlot {
            indicator_code: code,
            method: v.method.into(),
            target: v.chart.target * scale,
            phi: v.chart.phi,
            tau2: v.chart.tau2,
            overdispersion_adjusted: v.chart.adjusted,
            participants: i32::try_from(v.participants).unwrap_or(i32::MAX),
            points: v
                .rows
                .into_iter()
                .map(|r| FunnelPoint {
                    organisation: r.organisation,
                    numerator: r.figure.numerator.unwrap_or_default(),
                    denominator: r.point.denominator,
                    value: r.point.value * scale,
                    z_score: r.point.z,
                    limits: limits(&r.point.limits),
                    status: funnel::status(r.point.band, direction).into(),
                    provisional_values: i32::try_from(r.figure.provisional).unwrap_or(i32::MAX),
                })
                .collect(),
            non_participating: v.non_participating,
            curve: v
                .chart
                .curve
                .iter()
                .map(|(d, l)| FunnelCurvePoint {
                    denominator: *d,
                    limits: limits(l),
                })
                .collect(),
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SpcRule {
    OutsideLimits,
    Trend,
    TwoInThree,
    Shift,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SpcPointType {
    CommonCause,
    SpecialCauseImprovement,
    SpecialCauseConcern,
    SpecialCauseNeutralHigh,
    SpecialCauseNeutralLow,
}

/// The Making Data Count variation icon of the latest point.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum VariationIcon {
    CommonCause,
    ImprovementHigh,
    ImprovementLow,
    ConcernHigh,
    ConcernLow,
    NeutralHigh,
    NeutralLow,
}

/// The Making Data Count assurance icon against the target.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AssuranceIcon {
    ConsistentlyPass,
    ConsistentlyFail,
    HitAndMiss,
}

#[derive(SimpleObject)]
pub struct SpcPoint {
    pub period: Date,
    pub value: f64,
    pub segment: i32,
    pub mean: f64,
    pub lower_limit: f64,
    pub upper_limit: f64,
    pub lower_two_sigma: f64,
    pub upper_two_sigma: f64,
    pub moving_range: Option<f64>,
    /// The highest-precedence rule the point triggers.
    pub rule: Option<SpcRule>,
    pub point_type: SpcPointType,
}

#[derive(SimpleObject)]
pub struct SpcSegment {
    pub start: Date,
    pub points: i32,
    pub mean: f64,
    pub mean_moving_range: f64,
    pub lower_limit: f64,
    pub upper_limit: f64,
    /// Fewer points than reliable limits need: read the limits with care.
    pub too_short: bool,
}

/// An XmR chart with the NHS Making Data Count rules (as NHS-R NHSRplotthedots 0.2).
#[derive(SimpleObject)]
pub struct SpcChart {
    pub indicator_code: String,
    pub organisation: String,
    pub target: Option<f64>,
    pub points: Vec<SpcPoint>,
    pub segments: Vec<SpcSegment>,
    pub variation: VariationIcon,
    pub assurance: Option<AssuranceIcon>,
}

impl SpcChart {
    pub fn new(ind: &indicator::Model, organisation: String, view: analysis::SpcView) -> Self {
        let periods = view.periods;
        let chart = view.chart;
        SpcChart {
            indicator_code: ind.code.clone(),
            organisation,
            target: ind.target,
            points: chart
                .points
                .iter()
                .zip(&periods)
                .map(|(p, period)| SpcPoint {
                    period: (*period).into(),
                    value: p.value,
                    segment: i32::try_from(p.segment).unwrap_or(i32::MAX),
                    mean: p.mean,
                    lower_limit: p.lower_limit,
                    upper_limit: p.upper_limit,
                    lower_two_sigma: p.lower_two_sigma,
                    upper_two_sigma: p.upper_two_sigma,
                    moving_range: p.moving_range,
                    rule: p.rule.map(|r| match r {
                        spc::Rule::OutsideLimits => SpcRule::OutsideLimits,
                        spc::Rule::Trend => SpcRule::Trend,
                        spc::Rule::TwoInThree => SpcRule::TwoInThree,
                        spc::Rule::Shift => SpcRule::Shift,
                    }),
                    point_type: match p.point_type {
                        spc::PointType::CommonCause => SpcPointType::CommonCause,
                        spc::PointType::SpecialCauseImprovement => {
                            SpcPointType::SpecialCauseImprovement
                        }
                        spc::PointType::SpecialCauseConcern => SpcPointType::SpecialCauseConcern,
                        spc::PointType::SpecialCauseNeutralHigh => {
                            SpcPointType::SpecialCauseNeutralHigh
                        }
                        spc::PointType::SpecialCauseNeutralLow => {
                            SpcPointType::SpecialCauseNeutralLow
                        }
                    },
                })
                .collect(),
            segments: chart
                .segments
                .iter()
                .map(|s| SpcSegment {
                    start: periods.get(s.start).copied().unwrap_or_default().into(),
                    points: i32::try_from(s.len).unwrap_or(i32::MAX),
                    mean: s.mean,
                    mean_moving_range: s.mean_moving_range,
                    lower_limit: s.lower_limit,
                    upper_limit: s.upper_limit,
                    too_short: s.too_short,
                })
                .collect(),
            variation: match chart.variation {
                spc::VariationIcon::CommonCause => VariationIcon::CommonCause,
                spc::VariationIcon::ImprovementHigh => VariationIcon::ImprovementHigh,
                spc::VariationIcon::ImprovementLow => VariationIcon::ImprovementLow,
                spc::VariationIcon::ConcernHigh => VariationIcon::ConcernHigh,
                spc::VariationIcon::ConcernLow => VariationIcon::ConcernLow,
                spc::VariationIcon::NeutralHigh => VariationIcon::NeutralHigh,
                spc::VariationIcon::NeutralLow => VariationIcon::NeutralLow,
            },
            assurance: chart.assurance.map(|a| match a {
                spc::AssuranceIcon::ConsistentlyPass => AssuranceIcon::ConsistentlyPass,
                spc::AssuranceIcon::ConsistentlyFail => AssuranceIcon::ConsistentlyFail,
                spc::AssuranceIcon::HitAndMiss => AssuranceIcon::HitAndMiss,
            }),
        }
    }
}

/// What an accepted batch did.
#[derive(SimpleObject)]
pub struct SubmissionResult {
    /// Null when nothing changed (every row was identical to the stored value).
    pub batch_id: Option<i32>,
    pub rows: i32,
    pub created: i32,
    pub revised: i32,
    pub unchanged: i32,
}

/// Indicator values were published: organisations in your scope only.
#[derive(SimpleObject)]
pub struct IndicatorValuesPublished {
    pub batch_id: i32,
    pub indicators: Vec<String>,
    pub organisations: Vec<String>,
    pub first_period: Date,
    pub last_period: Date,
    pub at: DateTime<Utc>,
}

impl IndicatorValuesPublished {
    pub fn new(p: IndicatorPublication, organisations: Vec<String>) -> Self {
        IndicatorValuesPublished {
            batch_id: p.batch_id,
            indicators: p.indicators.into_iter().collect(),
            organisations,
            first_period: p.first_period.into(),
            last_period: p.last_period.into(),
            at: p.at,
        }
    }
}

/// A series of one indicator for a dashboard (TOTAL segment), oldest first: as `points`, or as
/// parallel columns (`periods`, `numerators`, `denominators`, `values`), which a chart takes as
/// they are and which answer several times faster for large dashboards (a list of numbers costs
/// the server far less than a list of objects).
pub struct IndicatorSeries {
    pub indicator_code: String,
    pub points: Vec<SeriesPoint>,
}

#[async_graphql::Object]
impl IndicatorSeries {
    async fn indicator_code(&self) -> &str {
        &self.indicator_code
    }
    async fn points(&self) -> &[SeriesPoint] {
        &self.points
    }
    async fn periods(&self) -> Column<Date> {
        Column(self.points.iter().map(|p| p.period).collect())
    }
    async fn numerators(&self) -> Column<Option<f64>> {
        Column(self.points.iter().map(|p| p.numerator).collect())
    }
    async fn denominators(&self) -> Column<Option<f64>> {
        Column(self.points.iter().map(|p| p.denominator).collect())
    }
    /// In the indicator's unit.
    async fn values(&self) -> Column<Option<f64>> {
        Column(self.points.iter().map(|p| p.value).collect())
    }
}

#[derive(SimpleObject, Clone)]
pub struct SeriesPoint {
    pub period: Date,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub status: ValueStatus,
}

/// One series per requested indicator, in the order asked, from an organisation's TOTAL rows
/// (ordered by indicator and period), keeping the periods in the window.
pub fn series(
    codes: &[String],
    rows: &[crate::series::SeriesRow],
    window: analysis::Window,
) -> Vec<IndicatorSeries> {
    let mut out: Vec<IndicatorSeries> = codes
        .iter()
        .map(|c| IndicatorSeries {
            indicator_code: c.clone(),
            points: Vec::new(),
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    for m in rows {
        if m.period_start < window.from || m.period_start > window.to {
            continue;
        }
        let Some(s) = index
            .get(m.indicator_code.as_str())
            .and_then(|i| out.get_mut(*i))
        else {
            continue;
        };
        s.points.push(SeriesPoint {
            period: m.period_start.into(),
            numerator: m.numerator,
            denominator: m.denominator,
            value: analysis::value_of(m.kind, m.numerator, m.denominator, m.value),
            status: m.status.into(),
        });
    }
    out
}

/// Most indicators a dashboard series field takes at once.
pub const MAX_SERIES: usize = 60;

/// An organisation's series: from the shared cache, or through the request's batcher (one
/// statement for every organisation missing from the cache at that level of the query).
pub async fn load_series(
    ctx: &async_graphql::Context<'_>,
    organisation: String,
    codes: Vec<String>,
    from: crate::scalar::Date,
    to: crate::scalar::Date,
) -> async_graphql::Result<Vec<IndicatorSeries>> {
    if codes.is_empty() || codes.len() > MAX_SERIES {
        return Err(crate::error::AppError::bad_input(format!(
            "Ask for 1 to {MAX_SERIES} indicator codes."
        ))
        .into());
    }
    let window = analysis::Window::new(from.0, to.0)?;
    let cache = &crate::context::state(ctx)?.series;
    let rows = match cache.get(&organisation) {
        Some(rows) => rows,
        None => {
            let generation = cache.generation();
            let rows = crate::context::loaders(ctx)?
                .load_one(crate::loader::TotalsOf(organisation.clone()))
                .await?
                .unwrap_or_default();
            cache.keep(&organisation, rows.clone(), generation);
            rows
        }
    };
    Ok(series(&codes, &rows, window))
}
