//! An area's figures through the provider lens (the providers serving it) or the population lens
//! (its residents wherever treated), combined by period and over the window.

use super::*;

/// One row of an aggregate: a period (or the whole window) and a segment value.
#[derive(Debug, Clone)]
pub struct AggregateRow {
    pub period: Option<NaiveDate>,
    pub segment_value: String,
    pub figure: Figure,
}

#[derive(Debug, Clone)]
pub struct Aggregate {
    pub lens: Lens,
    /// What the figures are of, in words: which providers, or which area's residents.
    pub basis: String,
    pub organisations: usize,
    pub reporting: usize,
    /// Figures are exact: the caller reaches every contributor, or the area is England.
    pub exact: bool,
    /// Population lens: whether any residence breakdown was submitted for the window, for any
    /// ICB (when none was, there are no rows, rather than the provider lens's figures in their
    /// place; when some was but none for this area's residents, there are no rows either).
    pub residence_reported: Option<bool>,
    pub rows: Vec<AggregateRow>,
}

/// Through which lens an area's figures are seen (*Clinical audits and registries: a best
/// practice guide* §4.4: data "at trust, service or clinical network level and at a population
/// level based on an ICB or sub ICB level, regardless of the provider the patient uses … viewed
/// through both lenses").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lens {
    /// The providers serving the area (for an ICB: the providers of the networks serving it).
    Provider,
    /// The area's residents wherever they were treated, from the residence breakdown
    /// (`RESIDENCE_ICB` segments) of provider-level values.
    Population,
}

/// The segment kind of the residence breakdown: the value is the patients' ICB of residence.
pub const RESIDENCE: &str = "RESIDENCE_ICB";

/// An area's figures by period and for the whole window, per segment value of `segment_kind`,
/// through `lens`.
#[allow(clippy::too_many_arguments)]
pub async fn aggregate(
    db: &DatabaseConnection,
    map: &OrgSnapshot,
    scope: &Scope,
    indicator: &indicator::Model,
    area: &Area,
    window: Window,
    segment_kind: &str,
    lens: Lens,
) -> AppResult<Aggregate> {
    if lens == Lens::Population {
        return population(db, scope, indicator, area, window, segment_kind).await;
    }
    let members = members_of_area(db, map, indicator.level, area).await?;
    if let Area::Provider(p) = area
        && !reaches(scope, indicator.level, p)
    {
        return Err(out_of_reach(indicator.level, p));
    }
    let exact =
        *area == Area::England || members.iter().all(|m| reaches(scope, indicator.level, m));
    let rows = load_values(db, &indicator.code, Some(&members), window, segment_kind).await?;
    let basis = match area {
        Area::Provider(p) => format!("the provider {p}"),
        Area::Network(n) => format!("the providers of the network {n}"),
        Area::Icb(i) => format!("the providers of the networks whose footprint includes {i}"),
        Area::Region(r) => format!("the providers of the networks led in {r}"),
        Area::England => "English providers".to_owned(),
    };
    let basis = if indicator.level == IndicatorLevel::Network {
        basis.replace("the providers of ", "")
    } else {
        basis
    };
    Ok(Aggregate {
        lens,
        basis,
        organisations: members.len(),
        reporting: reporting(&rows),
        exact,
        residence_reported: None,
        rows: cells(indicator.kind, &rows, exact, |r| r.segment_value.clone()),
    })
}

/// The population lens: the residents of an ICB, of a region's ICBs or of England, wherever they
/// were treated, summed from the providers' residence breakdowns. Small-number control applies
/// unless the caller reaches every provider that treated them (or the area is England).
async fn population(
    db: &DatabaseConnection,
    scope: &Scope,
    indicator: &indicator::Model,
    area: &Area,
    window: Window,
    segment_kind: &str,
) -> AppResult<Aggregate> {
    if indicator.level != IndicatorLevel::Provider {
        return Err(AppError::bad_input(format!(
            "{} is reported per network, so it has no residence breakdown; the population lens \
             is for provider-level indicators.",
            indicator.code
        )));
    }
    if segment_kind != TOTAL {
        return Err(AppError::bad_input(
            "The population lens is its own breakdown (the patients' ICB of residence); ask for \
             segmentKind: TOTAL.",
        ));
    }
    let (residents_of, basis): (Option<BTreeSet<String>>, String) = match area {
        Area::Icb(i) => {
            crate::service::icb::referenced(db, i).await?;
            (
                Some(BTreeSet::from([i.clone()])),
                format!("the residents of {i}, wherever treated"),
            )
        }
        Area::Region(r) => {
            crate::service::region::referenced(db, r).await?;
            // Every ICB that was ever the region's: a past period's breakdown names the ICBs of
            // then.
            let icbs = entities::icb::Entity::find()
                .filter(entities::icb::Column::RegionCode.eq(r))
                .all(db)
                .await?
                .into_iter()
                .map(|icb| icb.code)
                .collect();
            (
                Some(icbs),
                format!("the residents of the ICBs of {r}, wherever treated"),
            )
        }
        Area::England => (
            None,
            "the residents of England's ICBs, wherever treated".to_owned(),
        ),
        Area::Provider(_) | Area::Network(_) => {
            return Err(AppError::bad_input(
                "The population lens is for an ICB, a region or England: it counts an area's \
                 residents wherever they were treated.",
            ));
        }
    };
    let residence = || {
        indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorCode.eq(&indicator.code))
            .filter(indicator_value::Column::PeriodStart.between(window.from, window.to))
            .filter(indicator_value::Column::SegmentKind.eq(RESIDENCE))
    };
    let rows = match &residents_of {
        Some(icbs) => {
            residence()
                .filter(indicator_value::Column::SegmentValue.is_in(icbs.iter()))
                .all(db)
                .await?
        }
        None => residence().all(db).await?,
    };
    // Whether any breakdown was submitted at all, so "none of this area's residents" is told
    // apart from "no breakdown".
    let reported = !rows.is_empty() || residence().one(db).await?.is_some();
    let exact = *area == Area::England
        || rows
            .iter()
            .all(|r| reaches(scope, indicator.level, &r.organisation));
    // Every provider with a breakdown for these residents reported: they make up the area.
    let providers = reporting(&rows);
    Ok(Aggregate {
        lens: Lens::Population,
        basis,
        organisations: providers,
        reporting: providers,
        exact,
        residence_reported: Some(reported),
        rows: cells(indicator.kind, &rows, exact, |_| String::new()),
    })
}

/// How many organisations have a value among `rows`.
fn reporting(rows: &[indicator_value::Model]) -> usize {
    rows.iter()
        .map(|r| r.organisation.as_str())
        .collect::<BTreeSet<_>>()
        .len()
}

/// `rows` combined per (segment, period) and per segment over the window, with small-number
/// control unless `exact`.
fn cells(
    kind: IndicatorKind,
    rows: &[indicator_value::Model],
    exact: bool,
    segment_of: impl Fn(&indicator_value::Model) -> String,
) -> Vec<AggregateRow> {
    let mut cells: BTreeMap<(String, Option<NaiveDate>), Vec<&indicator_value::Model>> =
        BTreeMap::new();
    for r in rows {
        for period in [Some(r.period_start), None] {
            cells.entry((segment_of(r), period)).or_default().push(r);
        }
    }
    cells
        .into_iter()
        .map(|((segment_value, period), values)| {
            let figure = combine(kind, values);
            AggregateRow {
                period,
                segment_value,
                figure: if exact { figure } else { protect(kind, figure) },
            }
        })
        .collect()
}
