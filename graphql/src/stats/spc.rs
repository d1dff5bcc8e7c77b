//! Making Data Count XmR (individuals) charts, following the NHS-R Community
//! package NHSRplotthedots 0.2.x (`R/ptd_spc_standard.R`,
//! `R/ptd_calculate_point_type.R`, `R/ptd_calculate_assurance_type.R`,
//! `R/ptd_add_short_group_warnings.R`, `R/geom_ptd_icon.R`), so that charts
//! drawn here agree point for point with the NHS England "plot the dots"
//! tooling.

use std::fmt;

use super::Direction;

/// Process limits sit at mean ± 2.66 × mean moving range
/// (NHSRplotthedots 0.2 `ptd_spc_standard`: `limit <- 2.66`; 2.66 = 3 / d2,
/// d2 = 1.128).
pub const LIMIT_FACTOR: f64 = 2.66;
/// The "2 sigma" lines used by the 2-of-3 rule: mean ± 2 × (2.66 / 3) × mean
/// MR (`ptd_spc_standard`: `limitclose <- 2 * (limit / 3)`; the package uses
/// 2.66 / 3, not 1 / 1.128, for one sigma).
pub const TWO_SIGMA_FACTOR: f64 = 2.0 * (LIMIT_FACTOR / 3.0);
/// Moving ranges of 3.267 × the mean MR or more are screened out before the
/// mean MR is recomputed, once (`ptd_spc_standard`, `screen_outliers`; 3.267
/// is D4 for subgroups of two).
pub const MR_SCREEN_FACTOR: f64 = 3.267;
/// Segments shorter than this get a warning: limits from fewer points are
/// not reliable (`ptd_add_short_group_warnings`, whose `warning_threshold`
/// defaults to `getOption("ptd_spc.warning_threshold", 13)`: flagged when
/// `n() < 13`, although its message and doc comment still say 12).
pub const MIN_RELIABLE_POINTS: usize = 13;

/// Chart settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SpcOptions {
    pub direction: Direction,
    /// Optional target for the assurance icon.
    pub target: Option<f64>,
    /// Points in a run of strictly rising or falling values (package: 7).
    pub trend_length: usize,
    /// Points in a run on one side of the mean (package: 7).
    pub shift_length: usize,
    /// Screen large moving ranges before computing limits. The package's
    /// `ptd_spc(screen_outliers = TRUE)` default is on; ours is off and the
    /// caller chooses.
    pub screen_moving_ranges: bool,
    /// Indices where a new segment (rebased limits) starts; strictly
    /// increasing, each in `1..len`.
    pub rebase_at: Vec<usize>,
}

impl Default for SpcOptions {
    fn default() -> Self {
        SpcOptions {
            direction: Direction::Neutral,
            target: None,
            trend_length: 7,
            shift_length: 7,
            screen_moving_ranges: false,
            rebase_at: Vec::new(),
        }
    }
}

/// Special-cause rules in Making Data Count precedence order (the
/// `case_when` order of `ptd_special_cause_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A point beyond a process limit.
    OutsideLimits,
    /// Part of a run of strictly rising or falling points.
    Trend,
    /// Beyond the 2-sigma line with another such point within three
    /// consecutive points, all three on the same side of the mean.
    TwoInThree,
    /// Part of a run of points on one side of the mean.
    Shift,
}

/// Classification of one point (`ptd_point_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointType {
    CommonCause,
    SpecialCauseImprovement,
    SpecialCauseConcern,
    SpecialCauseNeutralHigh,
    SpecialCauseNeutralLow,
}

/// Variation icon, taken from the last point (`ptd_get_icons` in
/// `geom_ptd_icon.R`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariationIcon {
    CommonCause,
    ImprovementHigh,
    ImprovementLow,
    ConcernHigh,
    ConcernLow,
    NeutralHigh,
    NeutralLow,
}

/// Assurance icon (`ptd_calculate_assurance_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssuranceIcon {
    /// The target lies beyond the limits on the worse side.
    ConsistentlyPass,
    /// The target lies beyond the limits on the better side.
    ConsistentlyFail,
    /// The target lies within the limits.
    HitAndMiss,
}

/// One charted point.
#[derive(Debug, Clone, PartialEq)]
pub struct SpcPoint {
    pub value: f64,
    /// Index into [`SpcChart::segments`].
    pub segment: usize,
    pub mean: f64,
    pub lower_limit: f64,
    pub upper_limit: f64,
    pub lower_two_sigma: f64,
    pub upper_two_sigma: f64,
    /// |x_i − x_{i−1}| within the segment, before any screening; `None` for a
    /// segment's first point.
    pub moving_range: Option<f64>,
    /// Highest-precedence rule the point is part of.
    pub rule: Option<Rule>,
    pub point_type: PointType,
}

/// One run of points sharing a mean and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct SpcSegment {
    pub start: usize,
    pub len: usize,
    pub mean: f64,
    /// After screening when screening is on.
    pub mean_moving_range: f64,
    pub lower_limit: f64,
    pub upper_limit: f64,
    /// Fewer than [`MIN_RELIABLE_POINTS`] points.
    pub too_short: bool,
}

/// A computed chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SpcChart {
    pub points: Vec<SpcPoint>,
    pub segments: Vec<SpcSegment>,
    pub variation: VariationIcon,
    /// `None` without a target or for a neutral indicator.
    pub assurance: Option<AssuranceIcon>,
}

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum SpcError {
    Empty,
    NonFiniteValue {
        index: usize,
    },
    NonFiniteTarget,
    /// Rebase indices must be strictly increasing and inside `1..len`.
    BadRebaseIndex {
        index: usize,
    },
    /// A segment needs at least two points for a moving range.
    SegmentTooShort {
        start: usize,
        len: usize,
    },
    /// Trend and shift runs must be at least two points long.
    BadRunLength,
}

impl fmt::Display for SpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpcError::Empty => write!(f, "the series is empty"),
            SpcError::NonFiniteValue { index } => write!(f, "value {index} is not a finite number"),
            SpcError::NonFiniteTarget => write!(f, "the target is not a finite number"),
            SpcError::BadRebaseIndex { index } => write!(
                f,
                "rebase index {index} must be inside the series and after the previous one"
            ),
            SpcError::SegmentTooShort { start, len } => write!(
                f,
                "the segment starting at {start} has {len} point(s); at least 2 are needed"
            ),
            SpcError::BadRunLength => write!(f, "trend and shift lengths must be at least 2"),
        }
    }
}

impl std::error::Error for SpcError {}

/// Computes an XmR chart the way NHSRplotthedots 0.2 `ptd_spc` does.
///
/// Each segment (split at `rebase_at`) gets its own mean, moving ranges and
/// limits, and the rules are evaluated within each segment only: the package
/// groups by `rebase_group` in both `ptd_spc_standard` and
/// `ptd_calculate_point_type`, so no run crosses a rebase point.
pub fn xmr(values: &[f64], options: &SpcOptions) -> Result<SpcChart, SpcError> {
    if values.is_empty() {
        return Err(SpcError::Empty);
    }
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(SpcError::NonFiniteValue { index });
    }
    if options.target.is_some_and(|t| !t.is_finite()) {
        return Err(SpcError::NonFiniteTarget);
    }
    if options.trend_length < 2 || options.shift_length < 2 {
        return Err(SpcError::BadRunLength);
    }
    let bounds = segment_bounds(values.len(), &options.rebase_at)?;

    let mut points = Vec::with_capacity(values.len());
    let mut segments = Vec::with_capacity(bounds.len());
    for (segment_index, &(start, end)) in bounds.iter().enumerate() {
        let ys = values.get(start..end).unwrap_or_default();
        let (segment, seg_points) = segment_chart(ys, start, segment_index, options);
        segments.push(segment);
        points.extend(seg_points);
    }

    let variation = points.last().map_or(VariationIcon::CommonCause, |p| {
        variation_icon(p.point_type, options.direction)
    });
    let assurance = match (options.target, points.last()) {
        (Some(target), Some(last)) => assurance_icon(target, last, options.direction),
        _ => None,
    };
    Ok(SpcChart {
        points,
        segments,
        variation,
        assurance,
    })
}

/// Half-open `(start, end)` ranges of the segments.
fn segment_bounds(len: usize, rebase_at: &[usize]) -> Result<Vec<(usize, usize)>, SpcError> {
    let mut bounds = Vec::with_capacity(rebase_at.len() + 1);
    let mut start = 0;
    for &index in rebase_at {
        if index <= start || index >= len {
            return Err(SpcError::BadRebaseIndex { index });
        }
        bounds.push((start, index));
        start = index;
    }
    bounds.push((start, len));
    if let Some(&(start, end)) = bounds.iter().find(|(s, e)| e - s < 2) {
        return Err(SpcError::SegmentTooShort {
            start,
            len: end - start,
        });
    }
    Ok(bounds)
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    sum / n as f64
}

/// Sign of `x` as -1, 0 or +1 (R's `sign()`).
fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

fn segment_chart(
    ys: &[f64],
    start: usize,
    segment_index: usize,
    options: &SpcOptions,
) -> (SpcSegment, Vec<SpcPoint>) {
    let n = ys.len();
    let centre = mean(ys.iter().copied());
    let moving_ranges: Vec<Option<f64>> = std::iter::once(None)
        .chain(ys.windows(2).map(|w| Some((w[1] - w[0]).abs())))
        .collect();
    let mut amr = mean(moving_ranges.iter().flatten().copied());
    if options.screen_moving_ranges {
        // `ptd_spc_standard`: keep MRs strictly below 3.267 × mean MR, then
        // recompute the mean once. If nothing survives (a flat series, mean
        // MR 0) the package would produce NaN limits; keep the unscreened
        // mean instead.
        let cut = MR_SCREEN_FACTOR * amr;
        let kept: Vec<f64> = moving_ranges
            .iter()
            .flatten()
            .copied()
            .filter(|&mr| mr < cut)
            .collect();
        if !kept.is_empty() {
            amr = mean(kept.into_iter());
        }
    }
    let lower = centre - LIMIT_FACTOR * amr;
    let upper = centre + LIMIT_FACTOR * amr;
    let lower_two = centre - TWO_SIGMA_FACTOR * amr;
    let upper_two = centre + TWO_SIGMA_FACTOR * amr;

    // Per-point inputs to the rules, as `ptd_spc_standard` derives them.
    let outside: Vec<bool> = ys.iter().map(|&y| y > upper || y < lower).collect();
    let side: Vec<i8> = ys.iter().map(|&y| sign(y - centre)).collect();
    let near: Vec<bool> = ys
        .iter()
        .zip(&outside)
        .map(|(&y, &out)| !out && (y < lower_two || y > upper_two))
        .collect();

    let trend = part_of_trend(ys, options.trend_length);
    let two_in_three = part_of_two_in_three(&near, &side);
    let shift = part_of_shift(&side, options.shift_length);

    let points = (0..n)
        .map(|i| {
            let rule = if outside[i] {
                Some(Rule::OutsideLimits)
            } else if trend[i] {
                Some(Rule::Trend)
            } else if two_in_three[i] {
                Some(Rule::TwoInThree)
            } else if shift[i] {
                Some(Rule::Shift)
            } else {
                None
            };
            let high_or_low = rule.map(|rule| match rule {
                // `ptd_special_cause_type`: "Above UCL" only when
                // relative_to_mean == 1, otherwise "Below LCL".
                Rule::OutsideLimits => {
                    if side[i] == 1 {
                        1
                    } else {
                        -1
                    }
                }
                Rule::Trend => trend_direction(ys, &trend, i),
                Rule::TwoInThree | Rule::Shift => {
                    if side[i] > 0 {
                        1
                    } else {
                        -1
                    }
                }
            });
            SpcPoint {
                value: ys[i],
                segment: segment_index,
                mean: centre,
                lower_limit: lower,
                upper_limit: upper,
                lower_two_sigma: lower_two,
                upper_two_sigma: upper_two,
                moving_range: moving_ranges[i],
                rule,
                point_type: point_type(high_or_low, options.direction),
            }
        })
        .collect();

    let segment = SpcSegment {
        start,
        len: n,
        mean: centre,
        mean_moving_range: amr,
        lower_limit: lower,
        upper_limit: upper,
        too_short: n < MIN_RELIABLE_POINTS,
    };
    (segment, points)
}

/// Marks every point of each window of `length` consecutive points that
/// satisfies `hit(window_end)`, the "part of a run" expansion of
/// `ptd_part_of_seven_trend`.
fn mark_runs(n: usize, length: usize, hit: impl Fn(usize) -> bool) -> Vec<bool> {
    let mut part = vec![false; n];
    for end in length.saturating_sub(1)..n {
        if hit(end) {
            part[end + 1 - length..=end].fill(true);
        }
    }
    part
}

/// `ptd_seven_point_trend`: `length` points each strictly above (or each
/// strictly below) the one before, i.e. `length - 1` rises; a tie breaks the
/// run (`sign(diff(y))` must be all 1 or all -1).
fn part_of_trend(ys: &[f64], length: usize) -> Vec<bool> {
    mark_runs(ys.len(), length, |end| {
        let window = &ys[end + 1 - length..=end];
        let rising = window.windows(2).all(|w| w[1] > w[0]);
        let falling = window.windows(2).all(|w| w[1] < w[0]);
        rising || falling
    })
}

/// `ptd_seven_point_one_side_mean`: `length` points on the same side of the
/// mean; a point exactly on the mean (sign 0) breaks the run.
fn part_of_shift(side: &[i8], length: usize) -> Vec<bool> {
    mark_runs(side.len(), length, |end| {
        let s = side[end];
        s != 0 && side[end + 1 - length..=end].iter().all(|&x| x == s)
    })
}

/// `ptd_two_in_three` + `ptd_part_of_two_in_three`: a point beyond a 2-sigma
/// line (but inside the limits: `close_to_limits` excludes points outside
/// them) is flagged when some window of three consecutive points containing
/// it has at least two such points and all three points on the same side of
/// the mean (the third may be anywhere on that side). Only the near-limit
/// points themselves are flagged, not the third point.
fn part_of_two_in_three(near: &[bool], side: &[i8]) -> Vec<bool> {
    let n = near.len();
    let window_hits = |first: usize| -> bool {
        if first + 3 > n {
            return false;
        }
        let count = near[first..first + 3].iter().filter(|&&b| b).count();
        let s = side[first];
        count >= 2 && s != 0 && side[first..first + 3].iter().all(|&x| x == s)
    };
    (0..n)
        .map(|i| near[i] && (i.saturating_sub(2)..=i).any(window_hits))
        .collect()
}

/// Direction of the trend a point belongs to (`ptd_special_cause_type`): if
/// the next point is also part of a trend, use the step to it, otherwise the
/// step from the previous point; "Increasing" only when that step is a rise.
fn trend_direction(ys: &[f64], trend: &[bool], i: usize) -> i8 {
    let next_in_trend = trend.get(i + 1).copied().unwrap_or(false);
    let step = if next_in_trend && trend[i] {
        sign(ys[i + 1] - ys[i])
    } else if i == 0 {
        0
    } else {
        sign(ys[i] - ys[i - 1])
    };
    if step == 1 { 1 } else { -1 }
}

/// `ptd_point_type`: a special cause is high or low; neutral indicators
/// report the side, others orient it by the improvement direction. A trend
/// point on the far side of the mean takes the trend's direction (NEWS
/// 0.2.x, issue #171).
fn point_type(high_or_low: Option<i8>, direction: Direction) -> PointType {
    let Some(v) = high_or_low else {
        return PointType::CommonCause;
    };
    match direction.sign() {
        0 if v > 0 => PointType::SpecialCauseNeutralHigh,
        0 => PointType::SpecialCauseNeutralLow,
        d if v * d > 0 => PointType::SpecialCauseImprovement,
        _ => PointType::SpecialCauseConcern,
    }
}

/// `ptd_get_icons`: the last point's type, with concern shown on the worse
/// side and improvement on the better side.
fn variation_icon(point_type: PointType, direction: Direction) -> VariationIcon {
    let higher_is_better = direction == Direction::HigherIsBetter;
    match point_type {
        PointType::CommonCause => VariationIcon::CommonCause,
        PointType::SpecialCauseNeutralHigh => VariationIcon::NeutralHigh,
        PointType::SpecialCauseNeutralLow => VariationIcon::NeutralLow,
        PointType::SpecialCauseImprovement if higher_is_better => VariationIcon::ImprovementHigh,
        PointType::SpecialCauseImprovement => VariationIcon::ImprovementLow,
        PointType::SpecialCauseConcern if higher_is_better => VariationIcon::ConcernLow,
        PointType::SpecialCauseConcern => VariationIcon::ConcernHigh,
    }
}

/// `ptd_calculate_assurance_type`: compares the target with the last point's
/// (so the last segment's) limits; `NA` for a neutral indicator.
fn assurance_icon(target: f64, last: &SpcPoint, direction: Direction) -> Option<AssuranceIcon> {
    let higher_is_better = match direction {
        Direction::HigherIsBetter => true,
        Direction::LowerIsBetter => false,
        Direction::Neutral => return None,
    };
    Some(if target > last.upper_limit {
        if higher_is_better {
            AssuranceIcon::ConsistentlyFail
        } else {
            AssuranceIcon::ConsistentlyPass
        }
    } else if target < last.lower_limit {
        if higher_is_better {
            AssuranceIcon::ConsistentlyPass
        } else {
            AssuranceIcon::ConsistentlyFail
        }
    } else {
        AssuranceIcon::HitAndMiss
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn chart(values: &[f64], options: &SpcOptions) -> SpcChart {
        xmr(values, options).unwrap()
    }

    fn opts(direction: Direction) -> SpcOptions {
        SpcOptions {
            direction,
            ..SpcOptions::default()
        }
    }

    fn rules(c: &SpcChart) -> Vec<Option<Rule>> {
        c.points.iter().map(|p| p.rule).collect()
    }

    fn types(c: &SpcChart) -> Vec<PointType> {
        c.points.iter().map(|p| p.point_type).collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    use PointType::{
        CommonCause as CC, SpecialCauseConcern as Con, SpecialCauseImprovement as Imp,
        SpecialCauseNeutralHigh as NH, SpecialCauseNeutralLow as NL,
    };

    /// England A&E attendances by month, Apr 2016 – Mar 2019 (NHSRdatasets
    /// `ae_attendances` summed by period), the series of the package's
    /// `tests/testthat/test-integration_tests.R`. Expected values are decoded
    /// from its serialised snapshot `_snaps/integration_tests.md`.
    const AE_ALL: [f64; 36] = [
        1867781.0, 2070340.0, 1958802.0, 2079034.0, 1932901.0, 1952464.0, 2001816.0, 1907871.0,
        1944567.0, 1895272.0, 1735619.0, 2015834.0, 1949762.0, 2066789.0, 1994056.0, 2073944.0,
        1924663.0, 1925961.0, 2044137.0, 1976971.0, 2003954.0, 2000086.0, 1820012.0, 2049785.0,
        1984369.0, 2164458.0, 2093942.0, 2179896.0, 1997854.0, 2005695.0, 2079492.0, 2037847.0,
        2047518.0, 2113413.0, 1954947.0, 2167550.0,
    ];

    #[test]
    fn a_segment_of_twelve_points_is_short_and_one_of_thirteen_is_not() {
        let points: Vec<f64> = (0..13).map(|i| f64::from(i % 3)).collect();
        let o = SpcOptions::default();
        assert!(chart(&points[..12], &o).segments[0].too_short);
        assert!(!chart(&points, &o).segments[0].too_short);
    }

    #[test]
    fn package_integration_ae_attendances() {
        // ptd_spc(ae_all(), attendances, period): increase, screen_outliers = TRUE.
        let o = SpcOptions {
            direction: Direction::HigherIsBetter,
            screen_moving_ranges: true,
            ..SpcOptions::default()
        };
        let c = chart(&AE_ALL, &o);
        let s = &c.segments[0];
        assert!(close(s.mean, 2000538.9444444445, 1e-12));
        assert!(close(s.lower_limit, 1731844.3644444444, 1e-12));
        assert!(close(s.upper_limit, 2269233.5244444446, 1e-12));
        assert!(!s.too_short);
        assert!(types(&c).iter().all(|&t| t == CC));
        assert_eq!(c.variation, VariationIcon::CommonCause);
        assert_eq!(c.assurance, None);
    }

    #[test]
    fn package_integration_ae_attendances_rebased() {
        // ptd_spc(..., rebase = as.Date("2017-04-01")): the 13th month starts
        // a new segment with its own mean and limits.
        let o = SpcOptions {
            direction: Direction::HigherIsBetter,
            screen_moving_ranges: true,
            rebase_at: vec![12],
            ..SpcOptions::default()
        };
        let c = chart(&AE_ALL, &o);
        assert_eq!(c.segments.len(), 2);
        let (a, b) = (&c.segments[0], &c.segments[1]);
        assert_eq!((a.start, a.len, b.start, b.len), (0, 12, 12, 24));
        assert!(close(a.mean, 1946858.4166666667, 1e-12));
        assert!(close(a.lower_limit, 1639947.374848485, 1e-12));
        assert!(close(a.upper_limit, 2253769.4584848485, 1e-12));
        assert!(close(b.mean, 2027379.2083333333, 1e-12));
        assert!(close(b.lower_limit, 1772921.0639855072, 1e-12));
        assert!(close(b.upper_limit, 2281837.3526811595, 1e-12));
        assert!(c.points[..12].iter().all(|p| p.segment == 0));
        assert!(c.points[12..].iter().all(|p| p.segment == 1));
        assert_eq!(c.points[12].moving_range, None);
        assert!(types(&c).iter().all(|&t| t == CC));
    }

    /// The brief's spike series, 18 points, one spike of 10.
    const SPIKE: [f64; 18] = [
        1.0, 2.0, 1.0, 2.0, 10.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0,
    ];

    #[test]
    fn spike_limits_without_screening() {
        // sum = 6 + 10 + 19 = 35, mean = 35/18 = 1.94444
        // MRs: 1,1,1,8,9 and twelve 1s -> 32/17 = 1.882353
        // limits 1.94444 ± 2.66 × 1.882353 = -3.062614 .. 6.951503
        let c = chart(&SPIKE, &opts(Direction::HigherIsBetter));
        let s = &c.segments[0];
        assert!(close(s.mean, 35.0 / 18.0, 1e-12));
        assert!(close(s.mean_moving_range, 32.0 / 17.0, 1e-12));
        assert!(close(
            s.upper_limit,
            35.0 / 18.0 + 2.66 * 32.0 / 17.0,
            1e-12
        ));
        assert!(close(
            s.lower_limit,
            35.0 / 18.0 - 2.66 * 32.0 / 17.0,
            1e-12
        ));
        assert!(close(
            c.points[0].upper_two_sigma,
            35.0 / 18.0 + 2.0 * 2.66 / 3.0 * 32.0 / 17.0,
            1e-12
        ));
        assert_eq!(c.points[0].moving_range, None);
        assert_eq!(c.points[4].moving_range, Some(8.0));
        assert_eq!(c.points[5].moving_range, Some(9.0));
        // 10 > 6.95: the only special cause; alternating points give no
        // shift, trend or 2-of-3.
        let mut expected = vec![None; 18];
        expected[4] = Some(Rule::OutsideLimits);
        assert_eq!(rules(&c), expected);
        assert_eq!(c.points[4].point_type, Imp);
        assert_eq!(c.variation, VariationIcon::CommonCause);
    }

    #[test]
    fn spike_limits_with_screening() {
        // cut = 3.267 × 1.882353 = 6.1496: MRs 8 and 9 dropped, fifteen 1s
        // remain -> mean MR 1; limits 1.94444 ± 2.66 = -0.715556 .. 4.604444
        let o = SpcOptions {
            screen_moving_ranges: true,
            ..opts(Direction::LowerIsBetter)
        };
        let c = chart(&SPIKE, &o);
        let s = &c.segments[0];
        assert!(close(s.mean_moving_range, 1.0, 1e-12));
        assert!(close(s.upper_limit, 35.0 / 18.0 + 2.66, 1e-12));
        assert!(close(s.lower_limit, 35.0 / 18.0 - 2.66, 1e-12));
        // Raw moving ranges are still reported.
        assert_eq!(c.points[5].moving_range, Some(9.0));
        // Lower is better: the spike is a concern.
        assert_eq!(c.points[4].rule, Some(Rule::OutsideLimits));
        assert_eq!(c.points[4].point_type, Con);
        assert_eq!(
            types(&c).iter().filter(|&&t| t != CC).count(),
            1,
            "only the spike is special"
        );
    }

    #[test]
    fn package_two_in_three_needs_same_side() {
        // test-ptd_spc_standard.R: rep(c(1, -1), 8) with y[15] = 5.5 and
        // y[16] = -5.5 -> last two common cause (package defaults: increase,
        // screening on). mean 0; MRs thirteen 2s, 6.5, 11 -> 43.5/15 = 2.9;
        // 11 >= 3.267 × 2.9 = 9.47 is screened -> 32.5/14 = 2.321429;
        // 2-sigma line 1.773333 × 2.321429 = 4.116667 < 5.5 < 6.175 (limit),
        // so both are near the limits, but on opposite sides of the mean.
        let mut y: Vec<f64> = (0..16)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        y[14] = 5.5;
        y[15] = -5.5;
        let o = SpcOptions {
            screen_moving_ranges: true,
            ..opts(Direction::HigherIsBetter)
        };
        let c = chart(&y, &o);
        assert!(close(c.segments[0].mean_moving_range, 32.5 / 14.0, 1e-12));
        assert!(c.points[14].value > c.points[14].upper_two_sigma);
        assert!(c.points[15].value < c.points[15].lower_two_sigma);
        assert_eq!(types(&c)[14..], [CC, CC]);
    }

    /// Shift alone: mean 29.8/13 = 2.292308; MRs 2,2,2,2,2,.5 and six .1 ->
    /// 11.1/12 = 0.925; 2-sigma lines 2.292308 ± 1.640333 = 0.651974 ..
    /// 3.932641 and limits ± 2.4605 contain every point; indices 5..=12 (3
    /// then 2.5/2.6 alternating) are 8 points above the mean, never 7
    /// monotone.
    const SHIFT: [f64; 13] = [
        1.0, 3.0, 1.0, 3.0, 1.0, 3.0, 2.5, 2.6, 2.5, 2.6, 2.5, 2.6, 2.5,
    ];

    #[test]
    fn shift_alone() {
        let c = chart(&SHIFT, &opts(Direction::HigherIsBetter));
        assert!(close(c.segments[0].mean, 29.8 / 13.0, 1e-12));
        assert!(close(c.segments[0].mean_moving_range, 11.1 / 12.0, 1e-12));
        let mut expected = vec![None; 13];
        expected[5..].fill(Some(Rule::Shift));
        assert_eq!(rules(&c), expected);
        assert!(types(&c)[5..].iter().all(|&t| t == Imp));
        assert_eq!(c.variation, VariationIcon::ImprovementHigh);

        // Lower is better: the same points are a concern, shown high.
        let c = chart(&SHIFT, &opts(Direction::LowerIsBetter));
        assert!(types(&c)[5..].iter().all(|&t| t == Con));
        assert_eq!(c.variation, VariationIcon::ConcernHigh);

        // Neutral: high side.
        let c = chart(&SHIFT, &opts(Direction::Neutral));
        assert!(types(&c)[5..].iter().all(|&t| t == NH));
        assert_eq!(c.variation, VariationIcon::NeutralHigh);
    }

    #[test]
    fn shift_broken_by_point_on_mean() {
        // 1,3 ×3 (above), 0 (exactly on the mean), 3,1 ×3 (above), then
        // -3,-5 ×3: sum 12 + 0 + 12 - 24 = 0, so the mean is 0 and the 0
        // breaks what would be a run of 13 above it. MRs five 2s, 3, 3,
        // five 2s, 4, five 2s -> 40/18: limits ± 5.911111, 2-sigma ± 3.940741.
        let y = [
            1.0, 3.0, 1.0, 3.0, 1.0, 3.0, 0.0, 3.0, 1.0, 3.0, 1.0, 3.0, 1.0, -3.0, -5.0, -3.0,
            -5.0, -3.0, -5.0,
        ];
        let c = chart(&y, &opts(Direction::Neutral));
        assert!(close(c.segments[0].mean, 0.0, 1e-12));
        assert!(close(c.segments[0].mean_moving_range, 40.0 / 18.0, 1e-12));
        assert!(c.points[..13].iter().all(|p| p.rule.is_none()));
        assert!(c.points.iter().all(|p| p.rule != Some(Rule::Shift)));
    }

    /// Trend alone: 4,6,4,6,4 then 2.5..5.5 rising by .5 (7 points), then
    /// 4,6,4,6. mean 72/16 = 4.5; MRs four 2s, 1.5, six .5, 1.5, three 2s
    /// -> 20/15 = 1.333333; 2-sigma lines 4.5 ± 2.364444 = 2.135556 ..
    /// 6.864444 and limits 4.5 ± 3.546667 contain every point. The trend
    /// starts below the mean, passes through it (4.5, a shift breaker) and
    /// ends above; no side has 7 in a row.
    const TREND: [f64; 16] = [
        4.0, 6.0, 4.0, 6.0, 4.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 4.0, 6.0, 4.0, 6.0,
    ];

    #[test]
    fn trend_alone_and_crossing_the_mean() {
        let c = chart(&TREND, &opts(Direction::HigherIsBetter));
        assert!(close(c.segments[0].mean, 4.5, 1e-12));
        assert!(close(c.segments[0].mean_moving_range, 20.0 / 15.0, 1e-12));
        let mut expected = vec![None; 16];
        expected[5..12].fill(Some(Rule::Trend));
        assert_eq!(rules(&c), expected);
        // Points below the mean in a rising trend are still improvement
        // (NEWS 0.2.x: fixed trends crossing the mean, issue #171).
        assert!(types(&c)[5..12].iter().all(|&t| t == Imp));

        let c = chart(&TREND, &opts(Direction::LowerIsBetter));
        assert!(types(&c)[5..12].iter().all(|&t| t == Con));

        let c = chart(&TREND, &opts(Direction::Neutral));
        assert!(types(&c)[5..12].iter().all(|&t| t == NH));
    }

    #[test]
    fn falling_trend_is_low() {
        let y: Vec<f64> = TREND.iter().map(|v| -v).collect();
        let c = chart(&y, &opts(Direction::Neutral));
        assert!(types(&c)[5..12].iter().all(|&t| t == NL));
        let c = chart(&y, &opts(Direction::LowerIsBetter));
        assert!(types(&c)[5..12].iter().all(|&t| t == Imp));
    }

    #[test]
    fn trend_counts_points_and_ties_break_it() {
        // test-ptd_calculate_point_type.R, `ptd_seven_point_trend` vectors
        // expanded to "part of" flags.
        let none = vec![false; 7];
        assert_eq!(part_of_trend(&[1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0], 7), none);
        assert_eq!(
            part_of_trend(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 7),
            vec![false; 6]
        );
        assert_eq!(
            part_of_trend(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 7),
            vec![true; 7]
        );
        assert_eq!(
            part_of_trend(&[7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0], 7),
            vec![true; 7]
        );
        let mut inner = vec![true; 9];
        inner[0] = false;
        inner[8] = false;
        let y = [2.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 3.0];
        assert_eq!(part_of_trend(&y, 7), inner);
        assert!(part_of_trend(&[], 7).is_empty());
    }

    #[test]
    fn trend_length_is_configurable() {
        // 1..5 rising is a trend of 5. mean 19/7 = 2.714286; MRs 2,1,1,1,1,4
        // -> 10/6: limits 2.714286 ± 4.433333, 2-sigma ± 2.955556.
        let o = SpcOptions {
            trend_length: 5,
            ..opts(Direction::Neutral)
        };
        let c = chart(&[3.0, 1.0, 2.0, 3.0, 4.0, 5.0, 1.0], &o);
        let mut expected = vec![None; 7];
        expected[1..6].fill(Some(Rule::Trend));
        assert_eq!(rules(&c), expected);
        assert!(types(&c)[1..6].iter().all(|&t| t == NH));
    }

    #[test]
    fn shift_and_two_in_three_unit_vectors() {
        // test-ptd_calculate_point_type.R, `ptd_seven_point_one_side_mean`.
        assert_eq!(part_of_shift(&[1; 6], 7), vec![false; 6]);
        assert_eq!(part_of_shift(&[1, 1, 1, 1, 1, 1, -1], 7), vec![false; 7]);
        let mut eight = vec![true; 9];
        eight[8] = false;
        assert_eq!(part_of_shift(&[1, 1, 1, 1, 1, 1, 1, 1, -1], 7), eight);
        assert_eq!(
            part_of_shift(&[-1, -1, -1, -1, -1, -1, -1, -1, 1], 7),
            eight
        );
        // `ptd_two_in_three` + `ptd_part_of_two_in_three`.
        let b = |v: &[u8]| v.iter().map(|&x| x == 1).collect::<Vec<bool>>();
        let up = [1i8; 7];
        assert_eq!(
            part_of_two_in_three(&b(&[1, 0, 1]), &up[..3]),
            b(&[1, 0, 1])
        );
        assert_eq!(
            part_of_two_in_three(&b(&[0, 1, 1]), &up[..3]),
            b(&[0, 1, 1])
        );
        assert_eq!(
            part_of_two_in_three(&b(&[1, 1, 0]), &up[..3]),
            b(&[1, 1, 0])
        );
        let f = b(&[0, 0, 1, 0, 1, 0, 0]);
        assert_eq!(part_of_two_in_three(&f, &up), f);
        assert_eq!(
            part_of_two_in_three(&b(&[1, 0, 0, 1]), &up[..4]),
            b(&[0, 0, 0, 0])
        );
        assert_eq!(
            part_of_two_in_three(&b(&[1, 0, 0, 1, 1]), &up[..5]),
            b(&[0, 0, 0, 1, 1])
        );
        // Opposite sides of the mean never count (NEWS 0.2.x, issue #143).
        assert_eq!(
            part_of_two_in_three(&b(&[1, 0, 1]), &[1, -1, 1]),
            b(&[0, 0, 0])
        );
        assert_eq!(
            part_of_two_in_three(&b(&[0, 0, 1, 1, 0, 0, 0]), &[-1, 1, -1, 1, -1, 1, -1]),
            vec![false; 7]
        );
    }

    /// 2-of-3 alone: 24 points alternating 1 and -1, then 4.6, 0.5, 4.6,
    /// then -1, 1, -1.
    fn two_in_three_series() -> Vec<f64> {
        let mut y: Vec<f64> = (0..24)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        y.extend([4.6, 0.5, 4.6, -1.0, 1.0, -1.0]);
        y
    }

    #[test]
    fn two_in_three_alone() {
        // n = 30, sum = 0 + 9.7 - 1 = 8.7, mean 0.29.
        // MRs: twenty-three 2s = 46, |4.6 + 1| = 5.6, 4.1, 4.1, 5.6, 2, 2
        // -> 69.4/29 = 2.393103.
        // 2-sigma 0.29 + 1.773333 × 2.393103 = 4.533770 < 4.6 <
        // limit 0.29 + 2.66 × 2.393103 = 6.655655; 0.5 is above the mean, so
        // indices 24 and 26 are flagged and the middle point is not.
        let y = two_in_three_series();
        let c = chart(&y, &opts(Direction::LowerIsBetter));
        let s = &c.segments[0];
        assert!(close(s.mean, 8.7 / 30.0, 1e-12));
        assert!(close(s.mean_moving_range, 69.4 / 29.0, 1e-12));
        let mut expected = vec![None; 30];
        expected[24] = Some(Rule::TwoInThree);
        expected[26] = Some(Rule::TwoInThree);
        assert_eq!(rules(&c), expected);
        assert_eq!(c.points[24].point_type, Con);
        assert_eq!(c.points[25].point_type, CC);

        // The third point below the mean breaks it.
        let mut y2 = y.clone();
        y2[25] = 0.0; // sum 8.2, mean 0.273333: 0 is below it
        let c = chart(&y2, &opts(Direction::LowerIsBetter));
        assert!(c.points[24].value > c.points[24].upper_two_sigma);
        assert!(c.points.iter().all(|p| p.rule.is_none()));
    }

    #[test]
    fn outside_limits_alone_low_side() {
        // Mirror of the spike: -10 is below the lower limit.
        let y: Vec<f64> = SPIKE.iter().map(|v| -v).collect();
        let c = chart(&y, &opts(Direction::HigherIsBetter));
        assert_eq!(c.points[4].rule, Some(Rule::OutsideLimits));
        assert_eq!(c.points[4].point_type, Con);
        let c = chart(&y, &opts(Direction::Neutral));
        assert_eq!(c.points[4].point_type, NL);
    }

    #[test]
    fn precedence_outside_over_shift() {
        // 20 points alternating 0 and 2, then 1.8, 1.9, 1.8, 1.9, 1.8, 1.9, 12.
        // n = 27, sum = 20 + 11.1 + 12 = 43.1, mean 1.596296; MRs nineteen 2s,
        // .2, five .1s, 10.1 -> 48.8/26 = 1.876923; upper limit 1.596296 +
        // 4.992615 = 6.588911 < 12. Indices 19..=26 (2 then the run) are all
        // above the mean.
        let mut y: Vec<f64> = (0..20)
            .map(|i| if i % 2 == 0 { 0.0 } else { 2.0 })
            .collect();
        y.extend([1.8, 1.9, 1.8, 1.9, 1.8, 1.9, 12.0]);
        let c = chart(&y, &opts(Direction::HigherIsBetter));
        assert!(close(c.segments[0].mean, 43.1 / 27.0, 1e-12));
        assert!(close(
            c.segments[0].upper_limit,
            43.1 / 27.0 + 2.66 * 48.8 / 26.0,
            1e-12
        ));
        assert_eq!(c.points[26].rule, Some(Rule::OutsideLimits));
        assert!(c.points[19..26].iter().all(|p| p.rule == Some(Rule::Shift)));
        assert!(c.points[..19].iter().all(|p| p.rule.is_none()));
        assert_eq!(c.variation, VariationIcon::ImprovementHigh);
    }

    #[test]
    fn precedence_trend_over_shift() {
        // A rising run of 7 entirely above the mean is both trend and shift;
        // trend wins. 0,2 five times, then 1.1..1.7 rising by .1, then 0, 0.
        // mean 19.8/19 = 1.042105, so index 9 (2.0) and the seven rising
        // points make an 8-point shift. MRs nine 2s, .9, six .1s, 1.7, 0 ->
        // 21.2/18 = 1.177778: limits 1.042105 ± 3.132889, 2-sigma lines
        // ± 2.088593 -- nothing outside or near them.
        let mut y: Vec<f64> = (0..10)
            .map(|i| if i % 2 == 0 { 0.0 } else { 2.0 })
            .collect();
        y.extend([1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 0.0, 0.0]);
        let c = chart(&y, &opts(Direction::HigherIsBetter));
        assert!(close(c.segments[0].mean, 19.8 / 19.0, 1e-12));
        assert!(close(c.segments[0].mean_moving_range, 21.2 / 18.0, 1e-12));
        assert_eq!(c.points[9].rule, Some(Rule::Shift));
        assert!(c.points[10..17].iter().all(|p| p.rule == Some(Rule::Trend)));
        assert!(c.points[..9].iter().all(|p| p.rule.is_none()));
    }

    #[test]
    fn precedence_outside_over_trend() {
        // TREND with the last rising point lifted to 12: mean 78.5/16 =
        // 4.90625; MRs four 2s, 1.5, five .5s, 7, 8, three 2s -> 33/15 =
        // 2.2; upper limit 4.90625 + 5.852 = 10.75825 < 12. The rising run
        // 2.5..5, 12 is still 7 points; the 6 points 4, 2.5..4.5 below the
        // mean are one short of a shift.
        let mut y = TREND.to_vec();
        y[11] = 12.0;
        let c = chart(&y, &opts(Direction::HigherIsBetter));
        assert!(close(c.segments[0].mean_moving_range, 33.0 / 15.0, 1e-12));
        assert_eq!(c.points[11].rule, Some(Rule::OutsideLimits));
        assert!(c.points[5..11].iter().all(|p| p.rule == Some(Rule::Trend)));
    }

    #[test]
    fn precedence_two_in_three_over_shift() {
        // Seven points above the mean where two are beyond the 2-sigma line.
        // 14 points alternating 1/-1, then 1, 1, 4.6, 1, 4.6, 1, 1, then
        // seven -1s to bring the mean down.
        // n = 28, sum = 0 + 14.2 - 7 = 7.2, mean 0.257143.
        // MRs: thirteen 2s = 26, |1 - (-1)| = 2, 0, 3.6, 3.6, 3.6, 3.6, 0,
        // |−1 − 1| = 2, six 0s -> 44.4/27 = 1.644444.
        // 2-sigma 0.257143 + 2.916148 = 3.173291 < 4.6 < limit 4.631365.
        let mut y: Vec<f64> = (0..14)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        y.extend([1.0, 1.0, 4.6, 1.0, 4.6, 1.0, 1.0]);
        y.extend([-1.0; 7]);
        let c = chart(&y, &opts(Direction::HigherIsBetter));
        assert!(close(c.segments[0].mean_moving_range, 44.4 / 27.0, 1e-12));
        let got = rules(&c);
        // Index 13 is -1, so the run above the mean is indices 14..=20.
        assert_eq!(got[16], Some(Rule::TwoInThree));
        assert_eq!(got[18], Some(Rule::TwoInThree));
        for i in [14, 15, 17, 19, 20] {
            assert_eq!(got[i], Some(Rule::Shift), "index {i}");
        }
        // The trailing seven -1s are a low shift: a concern.
        assert!(c.points[21..].iter().all(|p| p.point_type == Con));
        assert_eq!(c.variation, VariationIcon::ConcernLow);
    }

    #[test]
    fn rebasing_keeps_runs_inside_segments() {
        // 4 points above and 4 below around 0 in the first segment, then a
        // rebase; a run of 7 on one side of a single long series would need
        // points from both segments.
        let y = [
            1.0, -1.0, 1.0, -1.0, 1.0, 2.0, 2.0, 2.0, // segment 0, mean 0.875
            3.0, 3.0, 3.0, 3.5, 2.5, 3.5, 2.5, 3.0, // segment 1, mean 3.0
        ];
        let single = chart(&y, &opts(Direction::HigherIsBetter));
        // As one series (mean 1.9375) indices 5..=15 are all above the mean.
        assert!(
            single.points[5..]
                .iter()
                .all(|p| p.rule == Some(Rule::Shift))
        );
        let o = SpcOptions {
            rebase_at: vec![8],
            ..opts(Direction::HigherIsBetter)
        };
        let c = chart(&y, &o);
        assert!(close(c.segments[0].mean, 0.875, 1e-12));
        assert!(close(c.segments[1].mean, 3.0, 1e-12));
        // Segment 0: 1, 2, 2, 2 (indices 4..=7) is only 4 above its mean.
        assert!(c.points.iter().all(|p| p.rule.is_none()));
        assert!(c.segments.iter().all(|s| s.too_short));
        assert_eq!(c.points[8].moving_range, None);
        assert_eq!(c.points[9].segment, 1);
    }

    #[test]
    fn assurance_icons() {
        // SPIKE unscreened: limits -3.062614 .. 6.951503.
        let with = |direction, target| SpcOptions {
            direction,
            target: Some(target),
            ..SpcOptions::default()
        };
        let a = |o: SpcOptions| chart(&SPIKE, &o).assurance;
        // Higher is better: target below the lower limit -> always pass.
        assert_eq!(
            a(with(Direction::HigherIsBetter, -5.0)),
            Some(AssuranceIcon::ConsistentlyPass)
        );
        assert_eq!(
            a(with(Direction::HigherIsBetter, 8.0)),
            Some(AssuranceIcon::ConsistentlyFail)
        );
        assert_eq!(
            a(with(Direction::HigherIsBetter, 2.0)),
            Some(AssuranceIcon::HitAndMiss)
        );
        assert_eq!(
            a(with(Direction::LowerIsBetter, 8.0)),
            Some(AssuranceIcon::ConsistentlyPass)
        );
        assert_eq!(
            a(with(Direction::LowerIsBetter, -5.0)),
            Some(AssuranceIcon::ConsistentlyFail)
        );
        assert_eq!(
            a(with(Direction::LowerIsBetter, 2.0)),
            Some(AssuranceIcon::HitAndMiss)
        );
        // Neutral or no target: none.
        assert_eq!(a(with(Direction::Neutral, 8.0)), None);
        assert_eq!(a(opts(Direction::HigherIsBetter)), None);
    }

    #[test]
    fn assurance_uses_last_segment_limits() {
        // Segment 0 around 0, segment 1 around 100: a target of 50 is
        // outside the last segment's limits only.
        let mut y: Vec<f64> = (0..12).map(|i| f64::from(i % 2)).collect();
        y.extend((0..12).map(|i| 100.0 + f64::from(i % 2)));
        let o = SpcOptions {
            direction: Direction::HigherIsBetter,
            target: Some(50.0),
            rebase_at: vec![12],
            ..SpcOptions::default()
        };
        assert_eq!(
            chart(&y, &o).assurance,
            Some(AssuranceIcon::ConsistentlyPass)
        );
    }

    #[test]
    fn variation_icon_mapping() {
        use Direction::*;
        use VariationIcon as V;
        assert_eq!(variation_icon(Imp, HigherIsBetter), V::ImprovementHigh);
        assert_eq!(variation_icon(Imp, LowerIsBetter), V::ImprovementLow);
        assert_eq!(variation_icon(Con, HigherIsBetter), V::ConcernLow);
        assert_eq!(variation_icon(Con, LowerIsBetter), V::ConcernHigh);
        assert_eq!(variation_icon(NH, Neutral), V::NeutralHigh);
        assert_eq!(variation_icon(NL, Neutral), V::NeutralLow);
        assert_eq!(variation_icon(CC, HigherIsBetter), V::CommonCause);
    }

    #[test]
    fn flat_series_with_screening_has_finite_limits() {
        let c = chart(
            &[5.0; 12],
            &SpcOptions {
                screen_moving_ranges: true,
                ..SpcOptions::default()
            },
        );
        assert_eq!(c.segments[0].upper_limit, 5.0);
        assert!(c.points.iter().all(|p| p.rule.is_none()));
    }

    #[test]
    fn errors() {
        let d = SpcOptions::default();
        assert_eq!(xmr(&[], &d), Err(SpcError::Empty));
        assert_eq!(
            xmr(&[1.0], &d),
            Err(SpcError::SegmentTooShort { start: 0, len: 1 })
        );
        assert_eq!(
            xmr(&[1.0, f64::NAN], &d),
            Err(SpcError::NonFiniteValue { index: 1 })
        );
        let bad = |rebase_at: Vec<usize>| SpcOptions {
            rebase_at,
            ..SpcOptions::default()
        };
        let y = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(
            xmr(&y, &bad(vec![0])),
            Err(SpcError::BadRebaseIndex { index: 0 })
        );
        assert_eq!(
            xmr(&y, &bad(vec![5])),
            Err(SpcError::BadRebaseIndex { index: 5 })
        );
        assert_eq!(
            xmr(&y, &bad(vec![3, 2])),
            Err(SpcError::BadRebaseIndex { index: 2 })
        );
        assert_eq!(
            xmr(&y, &bad(vec![4])),
            Err(SpcError::SegmentTooShort { start: 4, len: 1 })
        );
        assert_eq!(
            xmr(&y, &bad(vec![1])),
            Err(SpcError::SegmentTooShort { start: 0, len: 1 })
        );
        let target = SpcOptions {
            target: Some(f64::INFINITY),
            ..SpcOptions::default()
        };
        assert_eq!(xmr(&y, &target), Err(SpcError::NonFiniteTarget));
        let run = SpcOptions {
            trend_length: 1,
            ..SpcOptions::default()
        };
        assert_eq!(xmr(&y, &run), Err(SpcError::BadRunLength));
    }
}
