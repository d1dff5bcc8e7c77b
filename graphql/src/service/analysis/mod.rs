//! What the API computes from indicator values (*Clinical audits and registries: a best practice
//! guide* §4.3-§4.4): aggregates for an area, benchmarks, funnel plots and SPC charts, each read in
//! one statement and shaped in Rust, each answering only for organisations in the caller's scope,
//! with small-number control where the caller lacks provider-level rights.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use entities::enums::{
    FunnelMethod, ImprovementDirection, IndicatorKind, IndicatorLevel, MembershipRole, Nation,
    ValueStatus,
};
use entities::{indicator, indicator_value, indicator_value_revision, network_membership};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::scope::Scope;
use crate::dated::in_force_on;
use crate::error::{AppError, AppResult};
use crate::org_map::OrgSnapshot;
use crate::stats::{Direction, disclosure, funnel, spc, summary};
use entities::indicator_value::TOTAL;

mod aggregate;
pub use aggregate::*;

/// Organisations per `IN (…)` list.
const IN_CHUNK: usize = 1_000;

/// The periods asked about, both ends inclusive (period starts).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    pub fn new(from: NaiveDate, to: NaiveDate) -> AppResult<Self> {
        if from > to {
            return Err(AppError::bad_input(format!(
                "The window runs backwards: from {from} is after to {to}."
            )));
        }
        Ok(Window { from, to })
    }
}

/// Which population an aggregate covers (*Clinical audits and registries: a best practice guide*
/// §4.4: provider, network, ICB population, region, England).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    Provider(String),
    Network(String),
    /// The providers of the networks whose footprint includes the ICB.
    Icb(String),
    /// The providers of the networks led in the region.
    Region(String),
    /// English providers (or all networks, for network-level indicators).
    England,
}

impl From<ImprovementDirection> for Direction {
    fn from(d: ImprovementDirection) -> Self {
        match d {
            ImprovementDirection::HigherIsBetter => Direction::HigherIsBetter,
            ImprovementDirection::LowerIsBetter => Direction::LowerIsBetter,
            ImprovementDirection::Neutral => Direction::Neutral,
        }
    }
}

/// Combined figures of one cell (an organisation's period, or many of them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figure {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// In the indicator's unit: a percentage, O/E, a count, a mean or median, 1/0 for yes/no.
    pub value: Option<f64>,
    /// Stored values combined.
    pub values: usize,
    /// Of those, how many are still provisional (not yet validated by their submitter).
    pub provisional: usize,
    /// Counts of 1-7 hidden.
    pub suppressed: bool,
    /// Counts rounded to the nearest 5.
    pub rounded: bool,
    pub note: Option<&'static str>,
}

/// Why medians have no aggregate.
pub const MEDIANS_DO_NOT_COMBINE: &str =
    "Medians cannot be combined across providers or periods; read each value on its own.";

/// The value in the indicator's unit.
fn rate(kind: IndicatorKind, n: Option<f64>, d: Option<f64>, v: Option<f64>) -> Option<f64> {
    match kind {
        IndicatorKind::Proportion => Some(100.0 * n? / d.filter(|d| *d > 0.0)?),
        IndicatorKind::Ratio | IndicatorKind::Attestation => Some(n? / d.filter(|d| *d > 0.0)?),
        IndicatorKind::Count | IndicatorKind::Mean | IndicatorKind::Median => v,
    }
}

/// One stored value in the indicator's unit.
pub fn value_of(
    kind: IndicatorKind,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
) -> Option<f64> {
    match kind {
        IndicatorKind::Attestation => value,
        _ => rate(kind, numerator, denominator, value),
    }
}

/// One stored value as a figure.
pub fn single(kind: IndicatorKind, m: &indicator_value::Model) -> Figure {
    let (numerator, denominator) = match kind {
        IndicatorKind::Attestation => (m.value, Some(1.0)),
        _ => (m.numerator, m.denominator),
    };
    Figure {
        numerator,
        denominator,
        value: value_of(kind, m.numerator, m.denominator, m.value),
        values: 1,
        provisional: usize::from(m.status == ValueStatus::Provisional),
        ..Figure::default()
    }
}

/// Combines values as their kind allows: proportions and ratios sum numerators and
/// denominators, counts sum, means are weighted by their patients, attestations count the yeses;
/// medians do not combine.
pub fn combine<'a>(
    kind: IndicatorKind,
    rows: impl IntoIterator<Item = &'a indicator_value::Model>,
) -> Figure {
    let rows: Vec<&indicator_value::Model> = rows.into_iter().collect();
    match rows.as_slice() {
        [] => return Figure::default(),
        [one] => return single(kind, one),
        _ => {}
    }
    let sum = |f: fn(&indicator_value::Model) -> Option<f64>| -> f64 {
        rows.iter().filter_map(|m| f(m)).sum()
    };
    let values = rows.len();
    let (numerator, denominator, value, note) = match kind {
        IndicatorKind::Proportion | IndicatorKind::Ratio => (
            Some(sum(|m| m.numerator)),
            Some(sum(|m| m.denominator)),
            None,
            None,
        ),
        IndicatorKind::Attestation => (Some(sum(|m| m.value)), Some(values as f64), None, None),
        IndicatorKind::Count => (None, None, Some(sum(|m| m.value)), None),
        IndicatorKind::Mean => {
            let patients = sum(|m| m.denominator);
            let weighted = sum(|m| Some(m.value? * m.denominator?));
            (
                None,
                Some(patients),
                (patients > 0.0).then(|| weighted / patients),
                None,
            )
        }
        IndicatorKind::Median => (None, None, None, Some(MEDIANS_DO_NOT_COMBINE)),
    };
    Figure {
        numerator,
        denominator,
        value: match kind {
            IndicatorKind::Count | IndicatorKind::Mean | IndicatorKind::Median => value,
            _ => rate(kind, numerator, denominator, value),
        },
        values,
        provisional: rows
            .iter()
            .filter(|m| m.status == ValueStatus::Provisional)
            .count(),
        suppressed: false,
        rounded: false,
        note,
    }
}

/// Small-number control for a caller without provider-level rights to every contributor
/// : counts of 1-7 become `None` and `suppressed`, other counts are rounded to the
/// nearest 5, and rates are recomputed from the rounded figures. Applied to answers only.
pub fn protect(kind: IndicatorKind, f: Figure) -> Figure {
    let count = |x: Option<f64>| x.map(|x| disclosure::protect_count(x.round() as i64));
    let mut out = Figure {
        rounded: true,
        ..f.clone()
    };
    match kind {
        IndicatorKind::Proportion | IndicatorKind::Attestation => {
            let (Some(n), Some(d)) = (f.numerator, f.denominator) else {
                return out;
            };
            let p = disclosure::protect_proportion(n.round() as i64, d.round() as i64);
            out.numerator = p.numerator.map(|x| x as f64);
            out.denominator = p.denominator.map(|x| x as f64);
            out.suppressed = p.suppressed;
            out.value = p.percentage.map(|pct| {
                if kind == IndicatorKind::Attestation {
                    pct / 100.0
                } else {
                    pct
                }
            });
        }
        IndicatorKind::Ratio => {
            let observed = count(f.numerator);
            out.suppressed = observed.as_ref().is_some_and(|o| o.suppressed);
            out.numerator = observed.and_then(|o| o.value).map(|x| x as f64);
            out.value = rate(kind, out.numerator, f.denominator, None);
        }
        IndicatorKind::Count => {
            let c = count(f.value);
            out.suppressed = c.as_ref().is_some_and(|c| c.suppressed);
            out.value = c.and_then(|c| c.value).map(|x| x as f64);
        }
        IndicatorKind::Mean | IndicatorKind::Median => {
            let patients = count(f.denominator);
            out.suppressed = patients.as_ref().is_some_and(|p| p.suppressed);
            out.denominator = patients.and_then(|p| p.value).map(|x| x as f64);
            if out.suppressed {
                out.value = None;
            }
        }
    }
    out
}

/// Whether the caller reads this organisation's own values.
pub fn reaches(scope: &Scope, level: IndicatorLevel, organisation: &str) -> bool {
    match level {
        IndicatorLevel::Provider => scope.reaches_provider(organisation),
        IndicatorLevel::Network => scope.everything || scope.networks.contains(organisation),
    }
}

fn out_of_reach(level: IndicatorLevel, organisation: &str) -> AppError {
    AppError::forbidden(format!(
        "Your grants do not reach the {} {organisation}'s own values; aggregates and benchmarks show them under small-number control.",
        match level {
            IndicatorLevel::Provider => "provider",
            IndicatorLevel::Network => "network",
        }
    ))
}

/// The organisations an area is made of for indicators of `level`, as `map` stands.
pub async fn members_of_area(
    db: &DatabaseConnection,
    map: &OrgSnapshot,
    level: IndicatorLevel,
    area: &Area,
) -> AppResult<BTreeSet<String>> {
    let networks: BTreeSet<String> = match area {
        Area::Provider(p) => {
            if level == IndicatorLevel::Network {
                return Err(AppError::bad_input(
                    "This indicator is reported per network; ask for a network, ICB, region or England.",
                ));
            }
            if !map.providers.contains_key(p) {
                return Err(super::provider::unknown(p));
            }
            return Ok(BTreeSet::from([p.clone()]));
        }
        Area::Network(n) => {
            if !map.networks.iter().any(|(code, _)| code == n) {
                return Err(super::network::unknown(n));
            }
            BTreeSet::from([n.clone()])
        }
        Area::Icb(i) => {
            let icb = super::icb::referenced(db, i).await?;
            if !crate::dated::in_force(icb.valid_from, icb.valid_to, map.date) {
                return Err(AppError::bad_input(format!(
                    "The ICB {i} did not exist on {} (it ran from {} to {}); ask for its successor or give an asAt date when it existed.",
                    map.date,
                    icb.valid_from,
                    icb.valid_to
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "today".into())
                )));
            }
            map.footprints
                .iter()
                .filter(|(_, icb)| icb == i)
                .map(|(n, _)| n.clone())
                .collect()
        }
        Area::Region(r) => {
            super::region::referenced(db, r).await?;
            map.networks
                .iter()
                .filter(|(_, region)| region == r)
                .map(|(n, _)| n.clone())
                .collect()
        }
        Area::England => map.networks.iter().map(|(n, _)| n.clone()).collect(),
    };
    if level == IndicatorLevel::Network {
        return Ok(networks);
    }
    let mut providers: BTreeSet<String> = map
        .memberships
        .iter()
        .filter(|(n, _)| networks.contains(n))
        .map(|(_, p)| p.clone())
        .collect();
    if *area == Area::England {
        providers.retain(|p| {
            map.providers
                .get(p)
                .is_some_and(|p| p.nation != Nation::Wales)
        });
    }
    Ok(providers)
}

/// Current values of one indicator for these organisations, window and segment kind.
pub async fn load_values(
    db: &DatabaseConnection,
    indicator: &str,
    organisations: Option<&BTreeSet<String>>,
    window: Window,
    segment_kind: &str,
) -> AppResult<Vec<indicator_value::Model>> {
    let query = || {
        indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorCode.eq(indicator))
            .filter(indicator_value::Column::PeriodStart.between(window.from, window.to))
            .filter(indicator_value::Column::SegmentKind.eq(segment_kind))
            .order_by_asc(indicator_value::Column::Organisation)
            .order_by_asc(indicator_value::Column::PeriodStart)
            .order_by_asc(indicator_value::Column::SegmentValue)
    };
    let Some(organisations) = organisations else {
        return Ok(query().all(db).await?);
    };
    let mut rows = Vec::new();
    let list: Vec<&String> = organisations.iter().collect();
    for chunk in list.chunks(IN_CHUNK) {
        rows.extend(
            query()
                .filter(indicator_value::Column::Organisation.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// One organisation's values (all segments, or one kind), checked against the caller's scope.
pub async fn values_of(
    db: &DatabaseConnection,
    scope: &Scope,
    indicator: &indicator::Model,
    organisation: &str,
    window: Window,
    segment_kind: Option<&str>,
) -> AppResult<Vec<indicator_value::Model>> {
    if !reaches(scope, indicator.level, organisation) {
        return Err(out_of_reach(indicator.level, organisation));
    }
    let mut query = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorCode.eq(&indicator.code))
        .filter(indicator_value::Column::Organisation.eq(organisation))
        .filter(indicator_value::Column::PeriodStart.between(window.from, window.to))
        .order_by_asc(indicator_value::Column::PeriodStart)
        .order_by_asc(indicator_value::Column::SegmentKind)
        .order_by_asc(indicator_value::Column::SegmentValue);
    if let Some(kind) = segment_kind {
        query = query.filter(indicator_value::Column::SegmentKind.eq(kind));
    }
    Ok(query.all(db).await?)
}

/// Superseded revisions of one organisation's values, newest first.
pub async fn history_of(
    db: &DatabaseConnection,
    scope: &Scope,
    indicator: &indicator::Model,
    organisation: &str,
    window: Window,
) -> AppResult<Vec<indicator_value_revision::Model>> {
    if !reaches(scope, indicator.level, organisation) {
        return Err(out_of_reach(indicator.level, organisation));
    }
    Ok(indicator_value_revision::Entity::find()
        .filter(indicator_value_revision::Column::IndicatorCode.eq(&indicator.code))
        .filter(indicator_value_revision::Column::Organisation.eq(organisation))
        .filter(indicator_value_revision::Column::PeriodStart.between(window.from, window.to))
        .order_by_desc(indicator_value_revision::Column::SupersededAt)
        .order_by_desc(indicator_value_revision::Column::Id)
        .all(db)
        .await?)
}

/// Each organisation's figure over the window (TOTAL segment), for benchmarks and funnels.
async fn per_organisation(
    db: &DatabaseConnection,
    indicator: &indicator::Model,
    members: &BTreeSet<String>,
    window: Window,
    validated_only: bool,
) -> AppResult<BTreeMap<String, Figure>> {
    if indicator.kind == IndicatorKind::Median && window.from != window.to {
        return Err(AppError::bad_input(format!(
            "{} is a median: {MEDIANS_DO_NOT_COMBINE} Ask for one period (from = to).",
            indicator.code
        )));
    }
    let rows = load_values(db, &indicator.code, Some(members), window, TOTAL).await?;
    let mut by_org: BTreeMap<String, Vec<&indicator_value::Model>> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| !validated_only || r.status == ValueStatus::Validated)
    {
        by_org.entry(r.organisation.clone()).or_default().push(r);
    }
    Ok(by_org
        .into_iter()
        .map(|(org, values)| (org, combine(indicator.kind, values)))
        .collect())
}

/// A benchmark row for one organisation in the caller's scope.
#[derive(Debug, Clone)]
pub struct BenchmarkRow {
    pub organisation: String,
    pub figure: Figure,
    /// 1 is best (highest first when the direction is neutral); ties share a rank.
    pub rank: u32,
    pub peer_group: Option<MembershipRole>,
    pub peers: Option<summary::Quartiles>,
}

#[derive(Debug, Clone)]
pub struct Benchmark {
    pub national: Option<summary::Quartiles>,
    pub ranked: usize,
    pub rows: Vec<BenchmarkRow>,
}

/// National and peer quartiles and ranks (*Clinical audits and registries: a best practice guide*
/// §4.4: "comparison of similar providers"): peers are providers with the same membership role
/// (hubs with hubs, partners with partners) on the map's date. Rows only for organisations the
/// caller reaches.
pub async fn benchmark(
    db: &DatabaseConnection,
    map: &OrgSnapshot,
    scope: &Scope,
    indicator: &indicator::Model,
    window: Window,
) -> AppResult<Benchmark> {
    let members = members_of_area(db, map, indicator.level, &Area::England).await?;
    let figures: Vec<(String, Figure, f64)> =
        per_organisation(db, indicator, &members, window, false)
            .await?
            .into_iter()
            .filter_map(|(org, f)| f.value.map(|v| (org, f, v)))
            .collect();
    let values: Vec<f64> = figures.iter().map(|(_, _, v)| *v).collect();
    let ranks = summary::rank(&values, indicator.direction.into());
    let roles: HashMap<String, MembershipRole> = if indicator.level == IndicatorLevel::Provider {
        network_membership::Entity::find()
            .filter(in_force_on(
                network_membership::Column::ValidFrom,
                network_membership::Column::ValidTo,
                map.date,
            ))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.provider_ods, m.role))
            .collect()
    } else {
        HashMap::new()
    };
    let peer_quartiles = |role: MembershipRole| {
        let peers: Vec<f64> = figures
            .iter()
            .filter(|(org, _, _)| roles.get(org) == Some(&role))
            .map(|(_, _, v)| *v)
            .collect();
        summary::quartiles(&peers)
    };
    let mut by_role: HashMap<MembershipRole, Option<summary::Quartiles>> = HashMap::new();
    let mut rows = Vec::new();
    for ((org, figure, _), rank) in figures.iter().zip(ranks) {
        if !reaches(scope, indicator.level, org) {
            continue;
        }
        let peer_group = roles.get(org).copied();
        let peers = peer_group
            .and_then(|role| *by_role.entry(role).or_insert_with(|| peer_quartiles(role)));
        rows.push(BenchmarkRow {
            organisation: org.clone(),
            figure: figure.clone(),
            rank,
            peer_group,
            peers,
        });
    }
    Ok(Benchmark {
        national: summary::quartiles(&values),
        ranked: values.len(),
        rows,
    })
}

/// A funnel point for one organisation in the caller's scope.
#[derive(Debug, Clone)]
pub struct FunnelRow {
    pub organisation: String,
    pub figure: Figure,
    pub point: funnel::FunnelPoint,
}

#[derive(Debug, Clone)]
pub struct FunnelView {
    pub method: FunnelMethod,
    pub chart: funnel::Funnel,
    pub participants: usize,
    pub rows: Vec<FunnelRow>,
    /// Expected organisations (members on the map's date) with no data where peers have it, in
    /// scope.
    pub non_participating: Vec<String>,
}

fn funnel_method(m: FunnelMethod) -> funnel::FunnelMethod {
    match m {
        FunnelMethod::Arcsine => funnel::FunnelMethod::Arcsine,
        FunnelMethod::ExactBinomial => funnel::FunnelMethod::ExactBinomial,
        FunnelMethod::ExactPoisson => funnel::FunnelMethod::ExactPoisson,
    }
}

/// A funnel plot across every organisation with data in the window (*Clinical audits and
/// registries: a best practice guide* §4.3; HQIP outlier guidance: alerts at 2 SD, alarms at 3 SD,
/// positive and negative outliers, and non-participation as a flag). Limits use every organisation;
/// rows only those in scope.
pub async fn funnel_plot(
    db: &DatabaseConnection,
    map: &OrgSnapshot,
    scope: &Scope,
    indicator: &indicator::Model,
    window: Window,
    validated_only: bool,
) -> AppResult<FunnelView> {
    let Some(method) = indicator.funnel_method else {
        return Err(AppError::bad_input(format!(
            "{} has no funnel method: funnels plot proportions and observed/expected ratios.",
            indicator.code
        )));
    };
    let members = members_of_area(db, map, indicator.level, &Area::England).await?;
    let figures: Vec<(String, Figure)> =
        per_organisation(db, indicator, &members, window, validated_only)
            .await?
            .into_iter()
            .filter(|(_, f)| f.numerator.is_some() && f.denominator.is_some_and(|d| d > 0.0))
            .collect();
    if figures.is_empty() {
        return Err(AppError::bad_input(format!(
            "No organisation has {} values between {} and {}.",
            indicator.code, window.from, window.to
        )));
    }
    let units: Vec<funnel::FunnelUnit> = figures
        .iter()
        .map(|(_, f)| funnel::FunnelUnit {
            numerator: f.numerator.unwrap_or_default(),
            denominator: f.denominator.unwrap_or_default(),
        })
        .collect();
    let options = funnel::FunnelOptions {
        method: funnel_method(method),
        direction: indicator.direction.into(),
        // A standardised ratio's target is 1 (observed = expected), as FunnelPlotR's.
        target: match indicator.kind {
            IndicatorKind::Proportion => indicator.target.map(|t| t / 100.0),
            IndicatorKind::Ratio => Some(indicator.target.unwrap_or(1.0)),
            _ => indicator.target,
        },
        adjust_for_overdispersion: true,
    };
    let chart = funnel::funnel(&units, &options)
        .map_err(|e| AppError::bad_input(format!("The funnel cannot be drawn: {e:?}")))?;
    let participating: BTreeSet<&str> = figures.iter().map(|(o, _)| o.as_str()).collect();
    let non_participating = members
        .iter()
        .filter(|m| !participating.contains(m.as_str()) && reaches(scope, indicator.level, m))
        .cloned()
        .collect();
    let rows = figures
        .iter()
        .zip(chart.points.iter())
        .filter(|((org, _), _)| reaches(scope, indicator.level, org))
        .map(|((org, figure), point)| FunnelRow {
            organisation: org.clone(),
            figure: figure.clone(),
            point: *point,
        })
        .collect();
    Ok(FunnelView {
        method,
        participants: figures.len(),
        chart,
        rows,
        non_participating,
    })
}

/// An SPC chart of one organisation's series and the periods of its points.
pub struct SpcView {
    pub periods: Vec<NaiveDate>,
    pub chart: spc::SpcChart,
}

/// An XmR chart with the Making Data Count rules over one organisation's values
/// of one segment, rebased where the catalogue says.
pub async fn spc_chart(
    db: &DatabaseConnection,
    scope: &Scope,
    indicator: &indicator::Model,
    organisation: &str,
    window: Window,
    segment: (&str, &str),
) -> AppResult<SpcView> {
    let rows = values_of(db, scope, indicator, organisation, window, Some(segment.0)).await?;
    let series: Vec<(NaiveDate, f64)> = rows
        .iter()
        .filter(|r| r.segment_value == segment.1)
        .filter_map(|r| single(indicator.kind, r).value.map(|v| (r.period_start, v)))
        .collect();
    if series.len() < 2 {
        return Err(AppError::bad_input(format!(
            "An SPC chart needs at least 2 values; {organisation} has {} for {} in this window.",
            series.len(),
            indicator.code
        )));
    }
    let rebase: Vec<NaiveDate> =
        serde_json::from_value(indicator.spc_rebase_on.clone()).unwrap_or_default();
    let rebase_at: Vec<usize> = rebase
        .iter()
        .filter_map(|d| series.iter().position(|(p, _)| p >= d))
        .filter(|i| *i > 0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let options = spc::SpcOptions {
        direction: indicator.direction.into(),
        target: indicator.target,
        trend_length: usize::try_from(indicator.spc_trend_length).unwrap_or(7),
        shift_length: usize::try_from(indicator.spc_shift_length).unwrap_or(7),
        screen_moving_ranges: indicator.spc_screen_moving_ranges,
        rebase_at,
    };
    let values: Vec<f64> = series.iter().map(|(_, v)| *v).collect();
    let chart = spc::xmr(&values, &options)
        .map_err(|e| AppError::bad_input(format!("The SPC chart cannot be drawn: {e:?}")))?;
    Ok(SpcView {
        periods: series.into_iter().map(|(p, _)| p).collect(),
        chart,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(n: Option<f64>, d: Option<f64>, v: Option<f64>) -> indicator_value::Model {
        indicator_value::Model {
            id: 0,
            indicator_code: "X".into(),
            organisation: "RHM".into(),
            period_start: NaiveDate::MIN,
            segment_kind: TOTAL.into(),
            segment_value: String::new(),
            numerator: n,
            denominator: d,
            value: v,
            status: entities::enums::ValueStatus::Validated,
            revision: 1,
            batch_id: 1,
            submitted_by_sub: "s".into(),
            submitted_by_name: "S".into(),
            submitted_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn kinds_combine_as_the_issue_says() {
        let p = [
            value(Some(3.0), Some(10.0), None),
            value(Some(7.0), Some(30.0), None),
        ];
        let f = combine(IndicatorKind::Proportion, &p);
        assert_eq!(
            (f.numerator, f.denominator, f.value),
            (Some(10.0), Some(40.0), Some(25.0))
        );
        let m = [
            value(None, Some(10.0), Some(2.0)),
            value(None, Some(30.0), Some(4.0)),
        ];
        assert_eq!(combine(IndicatorKind::Mean, &m).value, Some(3.5));
        let c = [value(None, None, Some(2.0)), value(None, None, Some(5.0))];
        assert_eq!(combine(IndicatorKind::Count, &c).value, Some(7.0));
        let f = combine(IndicatorKind::Median, &m);
        assert_eq!((f.value, f.note), (None, Some(MEDIANS_DO_NOT_COMBINE)));
        assert_eq!(combine(IndicatorKind::Median, &m[..1]).value, Some(2.0));
    }

    #[test]
    fn protection_rounds_counts_and_recomputes_rates() {
        let f = combine(
            IndicatorKind::Proportion,
            &[value(Some(12.0), Some(48.0), None)],
        );
        let p = protect(IndicatorKind::Proportion, f);
        assert_eq!((p.numerator, p.denominator), (Some(10.0), Some(50.0)));
        assert_eq!(p.value, Some(20.0));
        let small = protect(
            IndicatorKind::Count,
            combine(IndicatorKind::Count, &[value(None, None, Some(6.0))]),
        );
        assert!(small.suppressed && small.value.is_none());
    }
}
