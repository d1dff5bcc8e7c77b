//! Funnel plots for comparing units against a common target, after
//! Spiegelhalter (2005) "Funnel plots for comparing institutional
//! performance" (Stat Med 24:1185) and the NHS-R Community package
//! FunnelPlotR 0.6 (`R/funnel_plot.R`, `R/od_adjustment.R`,
//! `R/calculate_limits.R`, `R/outliers_func.R`).
//!
//! Every unit is compared on a variance-stabilised scale (arcsine square
//! root for proportions, square root for ratios O/E), which is where
//! over-dispersion is estimated and where adjusted limits are drawn.

use std::f64::consts::FRAC_PI_2;
use std::fmt;

use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, DiscreteCDF};

use super::Direction;
use super::summary::quantile_sorted;

/// 95 % two-sided normal quantile, the "alert" (2-sigma) funnel
/// (FunnelPlotR `calculate_limits`: 1.959964).
pub const ALERT_Z: f64 = 1.959964;
/// 99.8 % two-sided normal quantile, the "alarm" (3-sigma) funnel
/// (FunnelPlotR `calculate_limits`: 3.090232).
pub const ALARM_Z: f64 = 3.090232;
/// One-sided tail probabilities of the exact limits: 95 % and 99.8 %
/// two-sided (FunnelPlotR `qchisq(0.975 / 0.025 / 0.999 / 0.001, ...)`).
const ALERT_TAIL: f64 = 0.025;
const ALARM_TAIL: f64 = 0.001;
/// z-scores are winsorised at the 10th and 90th percentiles before phi is
/// estimated (FunnelPlotR `winsorisation(trim_by = 0.1)`, following
/// Spiegelhalter 2005) so a few extreme units cannot inflate it.
pub const WINSORISE_AT: f64 = 0.1;
/// Denominators in the plotting curve.
pub const CURVE_POINTS: usize = 50;

/// How limits are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelMethod {
    /// Proportions on the arcsine-square-root scale: y = asin(√p),
    /// s = 1 / (2√n) (FunnelPlotR `data_type = "PR"`).
    Arcsine,
    /// Proportions with exact binomial limits interpolated as in
    /// Spiegelhalter 2005 Appendix A.1.1; z-scores on the arcsine scale.
    ExactBinomial,
    /// Ratios O/E with exact Poisson limits (FunnelPlotR `data_type = "SR"`);
    /// z-scores on the square-root scale y = √(O/E), s = 1 / (2√E)
    /// (FunnelPlotR `sr_method = "CQC"`).
    ExactPoisson,
}

impl FunnelMethod {
    fn is_proportion(self) -> bool {
        !matches!(self, FunnelMethod::ExactPoisson)
    }

    /// Variance-stabilising transform of a value (p or O/E).
    fn transform(self, value: f64) -> f64 {
        if self.is_proportion() {
            value.sqrt().asin()
        } else {
            value.sqrt()
        }
    }

    /// Inverse of [`Self::transform`]. Angles are clamped to [0, π/2] and
    /// roots to ≥ 0, which reproduces FunnelPlotR's truncation of arcsine
    /// limits to [0, 1] (and keeps limits monotone in the denominator).
    fn back_transform(self, y: f64) -> f64 {
        if self.is_proportion() {
            y.clamp(0.0, FRAC_PI_2).sin().powi(2)
        } else {
            y.max(0.0).powi(2)
        }
    }
}

/// Standard error on the transformed scale, 1 / (2√denominator), for both
/// transforms (FunnelPlotR `transformed_zscore`).
fn standard_error(denominator: f64) -> f64 {
    1.0 / (2.0 * denominator.sqrt())
}

/// One unit. Proportions: events / n. Poisson: observed / expected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelUnit {
    pub numerator: f64,
    pub denominator: f64,
}

/// Funnel settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelOptions {
    pub method: FunnelMethod,
    pub direction: Direction,
    /// The value units are compared with; `None` uses the pooled value
    /// Σnumerator / Σdenominator. (FunnelPlotR always pools proportions and
    /// uses 1 for standardised ratios; pass `Some(1.0)` for the latter.)
    pub target: Option<f64>,
    /// Widen limits for over-dispersion when the data show it (phi > 1).
    pub adjust_for_overdispersion: bool,
}

/// Funnel limits at one denominator, on the value scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelLimits {
    /// 95 % lower limit.
    pub alert_low: f64,
    /// 95 % upper limit.
    pub alert_high: f64,
    /// 99.8 % lower limit.
    pub alarm_low: f64,
    /// 99.8 % upper limit.
    pub alarm_high: f64,
}

impl FunnelLimits {
    const UNDEFINED: FunnelLimits = FunnelLimits {
        alert_low: f64::NAN,
        alert_high: f64::NAN,
        alarm_low: f64::NAN,
        alarm_high: f64::NAN,
    };
}

/// Where a point falls, naming positive (better) and negative (worse) outliers by the
/// indicator's improvement direction; neutral indicators say high or low.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Names the band by the improvement direction (*Clinical audits and registries: a best practice
/// guide* §4.3: positive and negative outliers).
pub fn status(band: Band, direction: super::Direction) -> OutlierStatus {
    let high = matches!(band, Band::AlertHigh | Band::AlarmHigh);
    let alarm = matches!(band, Band::AlarmHigh | Band::AlarmLow);
    if band == Band::InControl {
        return OutlierStatus::WithinLimits;
    }
    let better = match direction {
        super::Direction::HigherIsBetter => Some(high),
        super::Direction::LowerIsBetter => Some(!high),
        super::Direction::Neutral => None,
    };
    match (better, alarm) {
        (Some(true), false) => OutlierStatus::PositiveAlert,
        (Some(true), true) => OutlierStatus::PositiveAlarm,
        (Some(false), false) => OutlierStatus::NegativeAlert,
        (Some(false), true) => OutlierStatus::NegativeAlarm,
        (None, false) if high => OutlierStatus::HighAlert,
        (None, true) if high => OutlierStatus::HighAlarm,
        (None, false) => OutlierStatus::LowAlert,
        (None, true) => OutlierStatus::LowAlarm,
    }
}

/// Where a unit sits relative to its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    InControl,
    /// Above the 95 % limit, within the 99.8 % limit.
    AlertHigh,
    /// Above the 99.8 % limit.
    AlarmHigh,
    AlertLow,
    AlarmLow,
}

/// An outlier named by the indicator's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlier {
    /// Beyond the alarm limit on the better side.
    Positive,
    /// Beyond the alarm limit on the worse side.
    Negative,
}

/// One plotted unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelPoint {
    /// p (proportions) or O/E (Poisson).
    pub value: f64,
    pub denominator: f64,
    /// (y − θ) / √(s² + τ²) on the transformed scale; τ² = 0 unless adjusted.
    pub z: f64,
    pub limits: FunnelLimits,
    pub band: Band,
    /// Set only for a unit beyond an alarm (99.8 %) limit with a
    /// non-neutral direction.
    pub outlier: Option<Outlier>,
}

/// A computed funnel plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub method: FunnelMethod,
    /// On the value scale.
    pub target: f64,
    /// Dispersion ratio from winsorised z-scores; reported whether or not the
    /// adjustment was applied.
    pub phi: f64,
    /// Between-unit variance on the transformed scale; 0 unless `adjusted`.
    pub tau2: f64,
    /// Whether over-dispersion-adjusted limits are in use.
    pub adjusted: bool,
    pub points: Vec<FunnelPoint>,
    /// `(denominator, limits)` from the smallest to the largest denominator.
    pub curve: Vec<(f64, FunnelLimits)>,
}

impl Funnel {
    /// Limits of this funnel at any denominator.
    pub fn limits_at(&self, denominator: f64) -> FunnelLimits {
        limits_at(
            denominator,
            self.method,
            self.target,
            self.adjusted.then_some(self.tau2),
        )
    }
}

/// Why a funnel could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum FunnelError {
    NoUnits,
    NonFinite {
        index: usize,
    },
    NonPositiveDenominator {
        index: usize,
    },
    NegativeNumerator {
        index: usize,
    },
    /// A proportion above 1.
    NumeratorExceedsDenominator {
        index: usize,
    },
    /// Exact binomial limits need whole-number denominators.
    NonIntegerDenominator {
        index: usize,
    },
    /// The target (given or pooled) must lie strictly inside (0, 1) for
    /// proportions and be positive for ratios.
    InvalidTarget {
        target: f64,
    },
}

impl fmt::Display for FunnelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FunnelError::NoUnits => write!(f, "a funnel plot needs at least one unit"),
            FunnelError::NonFinite { index } => write!(f, "unit {index} has a non-finite figure"),
            FunnelError::NonPositiveDenominator { index } => {
                write!(f, "unit {index} has a denominator of zero or less")
            }
            FunnelError::NegativeNumerator { index } => {
                write!(f, "unit {index} has a negative numerator")
            }
            FunnelError::NumeratorExceedsDenominator { index } => {
                write!(f, "unit {index} has more events than its denominator")
            }
            FunnelError::NonIntegerDenominator { index } => {
                write!(
                    f,
                    "unit {index} needs a whole-number denominator for exact binomial limits"
                )
            }
            FunnelError::InvalidTarget { target } => {
                write!(f, "target {target} is outside the range the method allows")
            }
        }
    }
}

impl std::error::Error for FunnelError {}

/// Limits at one denominator around `target` (value scale).
///
/// `tau2 = None` gives the method's own limits: arcsine, exact binomial or
/// exact Poisson. `Some(tau2)` gives over-dispersion-adjusted limits for any
/// method: θ ± z √(s² + τ²) on the transformed scale, back-transformed —
/// FunnelPlotR likewise replaces its exact limits with transformed-scale
/// ones once adjusted (`calculate_limits(draw_adjusted = TRUE)`). For the
/// square-root scale the limits are squared back to O/E; FunnelPlotR leaves
/// them on the root scale there, which its issue #33 reports as a bug.
///
/// A denominator that is not a positive finite number gives NaN limits.
pub fn limits_at(
    denominator: f64,
    method: FunnelMethod,
    target: f64,
    tau2: Option<f64>,
) -> FunnelLimits {
    if !(denominator.is_finite() && denominator > 0.0) {
        return FunnelLimits::UNDEFINED;
    }
    match (tau2, method) {
        (Some(tau2), _) => transformed_limits(method, target, denominator, tau2),
        (None, FunnelMethod::Arcsine) => transformed_limits(method, target, denominator, 0.0),
        (None, FunnelMethod::ExactBinomial) => binomial_limits(target, denominator),
        (None, FunnelMethod::ExactPoisson) => poisson_limits(target, denominator),
    }
}

fn transformed_limits(
    method: FunnelMethod,
    target: f64,
    denominator: f64,
    tau2: f64,
) -> FunnelLimits {
    let centre = method.transform(target);
    let sd = (standard_error(denominator).powi(2) + tau2).sqrt();
    let at = |z: f64| method.back_transform(centre + z * sd);
    FunnelLimits {
        alert_low: at(-ALERT_Z),
        alert_high: at(ALERT_Z),
        alarm_low: at(-ALARM_Z),
        alarm_high: at(ALARM_Z),
    }
}

/// Spiegelhalter 2005 Appendix A.1.1: with F the Binomial(n, θ) cdf, r_p is
/// the smallest r with F(r) ≥ p, α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)),
/// and the p-limit is (r_p − α) / n — a smooth interpolation of the discrete
/// quantile. Clamped to [0, 1] (the lower limit can dip below 0 when r_p = 0).
fn binomial_limits(target: f64, denominator: f64) -> FunnelLimits {
    let n = denominator.round();
    if n < 1.0 {
        return FunnelLimits::UNDEFINED;
    }
    let Ok(dist) = Binomial::new(target, n as u64) else {
        return FunnelLimits::UNDEFINED;
    };
    let limit = |p: f64| {
        let (mut lo, mut hi) = (0u64, n as u64);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if dist.cdf(mid) >= p {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let f_r = dist.cdf(lo);
        let f_below = if lo == 0 { 0.0 } else { dist.cdf(lo - 1) };
        let alpha = (f_r - p) / (f_r - f_below);
        ((lo as f64 - alpha) / n).clamp(0.0, 1.0)
    };
    FunnelLimits {
        alert_low: limit(ALERT_TAIL),
        alert_high: limit(1.0 - ALERT_TAIL),
        alarm_low: limit(ALARM_TAIL),
        alarm_high: limit(1.0 - ALARM_TAIL),
    }
}

/// Exact Poisson limits for O/E as FunnelPlotR `calculate_limits`
/// (`data_type = "SR"`, unadjusted): lower θ · χ²_p(2E) / 2E, upper
/// θ · χ²_{1−p}(2(E + 1)) / 2E. FunnelPlotR scales by the target rather
/// than using θE as the expected count; identical for the usual θ = 1.
fn poisson_limits(target: f64, expected: f64) -> FunnelLimits {
    let quantile = |p: f64, df: f64| ChiSquared::new(df).map_or(f64::NAN, |d| d.inverse_cdf(p));
    let lower = |p: f64| target * quantile(p, 2.0 * expected) / (2.0 * expected);
    let upper = |p: f64| target * quantile(1.0 - p, 2.0 * (expected + 1.0)) / (2.0 * expected);
    FunnelLimits {
        alert_low: lower(ALERT_TAIL),
        alert_high: upper(ALERT_TAIL),
        alarm_low: lower(ALARM_TAIL),
        alarm_high: upper(ALARM_TAIL),
    }
}

/// Builds a funnel plot.
///
/// Over-dispersion (Spiegelhalter 2005; FunnelPlotR
/// `winsorisation`, `phi_func`, `tau_func`): z-scores on the transformed
/// scale are winsorised at their 10th/90th percentiles (R type 7 quantiles),
/// phi = Σz_w² / N, and the additive between-unit variance is
/// τ² = max(0, (N·phi − (N − 1)) / (Σw − Σw²/Σw)) with w = 1/s² (0 when
/// N·phi < N − 1). Adjusted limits are used only when requested and
/// phi > 1 (FunnelPlotR switches `draw_adjusted` off for phi ≤ 1).
///
/// Bands compare each value with its limits (a value on a limit is inside,
/// as FunnelPlotR `outliers_func`); the outlier verdict uses the 99.8 %
/// limits, FunnelPlotR's default `limit = 99`.
pub fn funnel(units: &[FunnelUnit], options: &FunnelOptions) -> Result<Funnel, FunnelError> {
    let method = options.method;
    validate(units, method)?;
    let target = match options.target {
        Some(t) => t,
        None => {
            let num: f64 = units.iter().map(|u| u.numerator).sum();
            let den: f64 = units.iter().map(|u| u.denominator).sum();
            num / den
        }
    };
    let target_ok = if method.is_proportion() {
        target > 0.0 && target < 1.0
    } else {
        target.is_finite() && target > 0.0
    };
    if !target_ok {
        return Err(FunnelError::InvalidTarget { target });
    }
    let centre = method.transform(target);

    let transformed: Vec<(f64, f64)> = units
        .iter()
        .map(|u| {
            (
                method.transform(u.numerator / u.denominator),
                standard_error(u.denominator),
            )
        })
        .collect();
    let z_raw: Vec<f64> = transformed.iter().map(|&(y, s)| (y - centre) / s).collect();
    let phi = dispersion_ratio(&z_raw);
    let tau2_estimate = between_unit_variance(phi, transformed.iter().map(|&(_, s)| s));
    let adjusted = options.adjust_for_overdispersion && phi > 1.0 && tau2_estimate > 0.0;
    let tau2 = if adjusted { tau2_estimate } else { 0.0 };
    let adjustment = adjusted.then_some(tau2);

    let points = units
        .iter()
        .zip(&transformed)
        .map(|(u, &(y, s))| {
            let value = u.numerator / u.denominator;
            let limits = limits_at(u.denominator, method, target, adjustment);
            let band = band(value, &limits);
            FunnelPoint {
                value,
                denominator: u.denominator,
                z: (y - centre) / (s * s + tau2).sqrt(),
                limits,
                band,
                outlier: outlier(band, options.direction),
            }
        })
        .collect();

    let (min, max) = units.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), u| {
        (lo.min(u.denominator), hi.max(u.denominator))
    });
    let curve = curve_denominators(min, max, method)
        .into_iter()
        .map(|d| (d, limits_at(d, method, target, adjustment)))
        .collect();

    Ok(Funnel {
        method,
        target,
        phi,
        tau2,
        adjusted,
        points,
        curve,
    })
}

fn validate(units: &[FunnelUnit], method: FunnelMethod) -> Result<(), FunnelError> {
    if units.is_empty() {
        return Err(FunnelError::NoUnits);
    }
    for (index, u) in units.iter().enumerate() {
        if !(u.numerator.is_finite() && u.denominator.is_finite()) {
            return Err(FunnelError::NonFinite { index });
        }
        if u.denominator <= 0.0 {
            return Err(FunnelError::NonPositiveDenominator { index });
        }
        if u.numerator < 0.0 {
            return Err(FunnelError::NegativeNumerator { index });
        }
        if method.is_proportion() && u.numerator > u.denominator {
            return Err(FunnelError::NumeratorExceedsDenominator { index });
        }
        if method == FunnelMethod::ExactBinomial && u.denominator.fract() != 0.0 {
            return Err(FunnelError::NonIntegerDenominator { index });
        }
    }
    Ok(())
}

/// phi = mean of squared winsorised z-scores (FunnelPlotR `winsorisation` +
/// `phi_func`).
fn dispersion_ratio(z: &[f64]) -> f64 {
    let mut sorted = z.to_vec();
    sorted.sort_by(f64::total_cmp);
    let low = quantile_sorted(&sorted, WINSORISE_AT);
    let high = quantile_sorted(&sorted, 1.0 - WINSORISE_AT);
    let sum: f64 = z.iter().map(|&x| x.clamp(low, high).powi(2)).sum();
    sum / z.len() as f64
}

/// DerSimonian–Laird style τ² from phi (FunnelPlotR `tau_func`).
fn between_unit_variance(phi: f64, standard_errors: impl Iterator<Item = f64>) -> f64 {
    let (mut n, mut sum_w, mut sum_w2) = (0.0, 0.0, 0.0);
    for s in standard_errors {
        let w = 1.0 / (s * s);
        n += 1.0;
        sum_w += w;
        sum_w2 += w * w;
    }
    // One unit has no between-unit variance (Σw − Σw²/Σw is 0 up to
    // rounding).
    let excess = n * phi - (n - 1.0);
    let spread = sum_w - sum_w2 / sum_w;
    if n < 2.0 || excess < 0.0 || spread.is_nan() || spread <= 0.0 {
        return 0.0;
    }
    (excess / spread).max(0.0)
}

fn band(value: f64, limits: &FunnelLimits) -> Band {
    if value > limits.alarm_high {
        Band::AlarmHigh
    } else if value > limits.alert_high {
        Band::AlertHigh
    } else if value < limits.alarm_low {
        Band::AlarmLow
    } else if value < limits.alert_low {
        Band::AlertLow
    } else {
        Band::InControl
    }
}

fn outlier(band: Band, direction: Direction) -> Option<Outlier> {
    let side: i8 = match band {
        Band::AlarmHigh => 1,
        Band::AlarmLow => -1,
        _ => return None,
    };
    match side * direction.sign() {
        1 => Some(Outlier::Positive),
        -1 => Some(Outlier::Negative),
        _ => None,
    }
}

/// [`CURVE_POINTS`] denominators from `min` to `max`, evenly spaced on a log
/// scale so the curved narrow end of the funnel gets most of the points;
/// whole numbers only (deduplicated) for exact binomial limits.
fn curve_denominators(min: f64, max: f64, method: FunnelMethod) -> Vec<f64> {
    let mut ds: Vec<f64> = if max > min {
        let log_span = (max / min).ln();
        let steps = (CURVE_POINTS - 1) as f64;
        (0..CURVE_POINTS)
            .map(|i| match i {
                0 => min,
                i if i == CURVE_POINTS - 1 => max,
                i => min * (log_span * i as f64 / steps).exp(),
            })
            .collect()
    } else {
        vec![min]
    };
    if method == FunnelMethod::ExactBinomial {
        for d in &mut ds {
            *d = d.round();
        }
        ds.dedup();
    }
    ds
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn near(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn units(pairs: &[(f64, f64)]) -> Vec<FunnelUnit> {
        pairs
            .iter()
            .map(|&(numerator, denominator)| FunnelUnit {
                numerator,
                denominator,
            })
            .collect()
    }

    fn options(
        method: FunnelMethod,
        direction: Direction,
        target: Option<f64>,
        adjust: bool,
    ) -> FunnelOptions {
        FunnelOptions {
            method,
            direction,
            target,
            adjust_for_overdispersion: adjust,
        }
    }

    #[test]
    fn exact_poisson_limits_match_funnelplotr() {
        // FunnelPlotR tests/testthat/test-poisson_limits.R (target 1).
        let cases = [
            (15.0, 0.5596924, 1.649348, 0.3862650, 2.082907),
            (20.0, 0.6108260, 1.544419, 0.4479107, 1.902094),
            (30.0, 0.6746958, 1.427562, 0.5289724, 1.702771),
        ];
        for (e, l95, u95, l998, u998) in cases {
            let l = limits_at(e, FunnelMethod::ExactPoisson, 1.0, None);
            assert!(near(l.alert_low, l95, 1e-6), "E={e} {l:?}");
            assert!(near(l.alert_high, u95, 1e-6), "E={e} {l:?}");
            assert!(near(l.alarm_low, l998, 1e-6), "E={e} {l:?}");
            assert!(near(l.alarm_high, u998, 1e-6), "E={e} {l:?}");
        }
    }

    #[test]
    fn arcsine_limits_by_hand() {
        // θ = 0.1, n = 100: asin(√0.1) = 0.3217505544, s = 1/(2·10) = 0.05.
        // 95 %: sin²(0.3217506 ∓ 1.959964 × 0.05) = 0.0492351682, 0.1660815409
        // 99.8 %: sin²(0.3217506 ∓ 3.090232 × 0.05) = 0.0277090858, 0.2101860368
        let l = limits_at(100.0, FunnelMethod::Arcsine, 0.1, None);
        assert!(near(l.alert_low, 0.049235168203419846, 1e-12));
        assert!(near(l.alert_high, 0.16608154091041413, 1e-12));
        assert!(near(l.alarm_low, 0.027709085797919124, 1e-12));
        assert!(near(l.alarm_high, 0.21018603677367814, 1e-12));
        // Zero additive variance gives the same limits.
        assert_eq!(l, limits_at(100.0, FunnelMethod::Arcsine, 0.1, Some(0.0)));
    }

    #[test]
    fn exact_binomial_limits_by_hand() {
        // Binomial(100, 0.1), exact cdf F computed with rational arithmetic.
        // p = 0.025: r = 5, F(5) = 0.0575768865, F(4) = 0.0237110827,
        //   α = (0.0575768865 − 0.025) / (0.0575768865 − 0.0237110827)
        //     = 0.9619404476 -> (5 − α)/100 = 0.0403805955
        // p = 0.975: r = 16, F(16) = 0.9794011899, F(15) = 0.9601094729,
        //   α = 0.2281388361 -> (16 − α)/100 = 0.1577186116
        // p = 0.001: r = 2, F(2) = 0.0019448847, F(1) = 0.0003216881,
        //   α = 0.5821134992 -> 0.0141788650
        // p = 0.999: r = 20, F(20) = 0.9991924261, F(19) = 0.9980214391,
        //   α = 0.1643281497 -> 0.1983567185
        let l = limits_at(100.0, FunnelMethod::ExactBinomial, 0.1, None);
        assert!(near(l.alert_low, 0.04038059552439345, 1e-9), "{l:?}");
        assert!(near(l.alert_high, 0.15771861163912676, 1e-9), "{l:?}");
        assert!(near(l.alarm_low, 0.01417886500843477, 1e-9), "{l:?}");
        assert!(near(l.alarm_high, 0.1983567185028857, 1e-9), "{l:?}");
    }

    #[test]
    fn exact_binomial_lower_limit_clamped_at_zero() {
        // n = 10, θ = 0.01: F(0) = 0.99^10 = 0.904 ≥ 0.025, r = 0, the
        // interpolated limit (0 − α)/10 is negative and is clamped.
        let l = limits_at(10.0, FunnelMethod::ExactBinomial, 0.01, None);
        assert_eq!(l.alert_low, 0.0);
        assert_eq!(l.alarm_low, 0.0);
        assert!(l.alert_high > 0.0 && l.alert_high < 1.0);
    }

    #[test]
    fn invalid_denominator_gives_nan_limits() {
        assert!(
            limits_at(0.0, FunnelMethod::Arcsine, 0.1, None)
                .alert_low
                .is_nan()
        );
        assert!(
            limits_at(f64::NAN, FunnelMethod::ExactPoisson, 1.0, None)
                .alarm_high
                .is_nan()
        );
    }

    #[test]
    fn bands_and_outlier_naming_by_direction() {
        // θ = 0.1, n = 100 each; limits from `arcsine_limits_by_hand`:
        // 95 % 0.04924 .. 0.16608, 99.8 % 0.02771 .. 0.21019.
        let u = units(&[
            (10.0, 100.0),
            (18.0, 100.0),
            (30.0, 100.0),
            (4.0, 100.0),
            (1.0, 100.0),
        ]);
        let expected = [
            Band::InControl,
            Band::AlertHigh,
            Band::AlarmHigh,
            Band::AlertLow,
            Band::AlarmLow,
        ];
        let higher = funnel(
            &u,
            &options(
                FunnelMethod::Arcsine,
                Direction::HigherIsBetter,
                Some(0.1),
                false,
            ),
        )
        .unwrap();
        let bands: Vec<Band> = higher.points.iter().map(|p| p.band).collect();
        assert_eq!(bands, expected);
        let outliers: Vec<Option<Outlier>> = higher.points.iter().map(|p| p.outlier).collect();
        assert_eq!(
            outliers,
            [
                None,
                None,
                Some(Outlier::Positive),
                None,
                Some(Outlier::Negative)
            ]
        );

        let lower = funnel(
            &u,
            &options(
                FunnelMethod::Arcsine,
                Direction::LowerIsBetter,
                Some(0.1),
                false,
            ),
        )
        .unwrap();
        let outliers: Vec<Option<Outlier>> = lower.points.iter().map(|p| p.outlier).collect();
        assert_eq!(
            outliers,
            [
                None,
                None,
                Some(Outlier::Negative),
                None,
                Some(Outlier::Positive)
            ]
        );

        // Neutral: no verdict, but the side is still in the band.
        let neutral = funnel(
            &u,
            &options(FunnelMethod::Arcsine, Direction::Neutral, Some(0.1), false),
        )
        .unwrap();
        assert!(neutral.points.iter().all(|p| p.outlier.is_none()));
        assert_eq!(neutral.points[2].band, Band::AlarmHigh);

        // z for 30/100: (asin(√0.3) − asin(√0.1)) / 0.05
        let z = ((0.3f64).sqrt().asin() - (0.1f64).sqrt().asin()) / 0.05;
        assert!(near(higher.points[2].z, z, 1e-12));
    }

    #[test]
    fn exact_binomial_funnel_uses_exact_limits() {
        // 16/100 is above the exact 95 % limit 0.15772 (see
        // `exact_binomial_limits_by_hand`) but below the arcsine one 0.16608.
        let u = units(&[(16.0, 100.0), (10.0, 100.0)]);
        let exact = funnel(
            &u,
            &options(
                FunnelMethod::ExactBinomial,
                Direction::HigherIsBetter,
                Some(0.1),
                false,
            ),
        )
        .unwrap();
        let arcsine = funnel(
            &u,
            &options(
                FunnelMethod::Arcsine,
                Direction::HigherIsBetter,
                Some(0.1),
                false,
            ),
        )
        .unwrap();
        assert_eq!(exact.points[0].band, Band::AlertHigh);
        assert_eq!(arcsine.points[0].band, Band::InControl);
        // Same arcsine-scale z either way.
        assert!(near(exact.points[0].z, arcsine.points[0].z, 1e-12));
    }

    #[test]
    fn poisson_funnel_z_on_root_scale() {
        // O = 30, E = 20, θ = 1: z = (√1.5 − 1) × 2√20 = 2.0101792401, yet
        // 1.5 is inside the exact 95 % limit 1.544419: bands follow the
        // exact limits, as FunnelPlotR flags outliers from its limits.
        let u = units(&[(30.0, 20.0), (20.0, 20.0)]);
        let f = funnel(
            &u,
            &options(
                FunnelMethod::ExactPoisson,
                Direction::LowerIsBetter,
                Some(1.0),
                false,
            ),
        )
        .unwrap();
        assert!(near(f.points[0].z, 2.0101792401041627, 1e-12));
        assert!(near(f.points[0].value, 1.5, 1e-15));
        assert_eq!(f.points[0].band, Band::InControl);
        assert!(near(f.points[0].limits.alert_high, 1.544419, 1e-6));
    }

    #[test]
    fn pooled_target_when_none_given() {
        let u = units(&[(10.0, 100.0), (30.0, 200.0)]);
        let f = funnel(
            &u,
            &options(FunnelMethod::Arcsine, Direction::Neutral, None, false),
        )
        .unwrap();
        assert!(near(f.target, 40.0 / 300.0, 1e-15));
    }

    /// 20 units of n = 500 with 25, 35, ..., 215 events: proportions spread
    /// from 0.05 to 0.43 around the pooled 0.24, far more than binomial
    /// noise allows.
    fn spread_units() -> Vec<FunnelUnit> {
        (0..20)
            .map(|i| FunnelUnit {
                numerator: 25.0 + 10.0 * f64::from(i),
                denominator: 500.0,
            })
            .collect()
    }

    #[test]
    fn overdispersion_switches_on_for_spread_data() {
        // Reference values from an independent script of the same recipe:
        // arcsine z-scores, winsorised at R type-7 10/90 % quantiles,
        // phi = Σz_w²/20 = 34.454542046; w = 4n = 2000 for every unit, so
        // Σw = 40000, Σw²/Σw = 2000 and
        // τ² = (20 × 34.454542 − 19) / (40000 − 2000) = 0.0176339695.
        let u = spread_units();
        let plain = funnel(
            &u,
            &options(
                FunnelMethod::Arcsine,
                Direction::HigherIsBetter,
                None,
                false,
            ),
        )
        .unwrap();
        let adj = funnel(
            &u,
            &options(FunnelMethod::Arcsine, Direction::HigherIsBetter, None, true),
        )
        .unwrap();
        assert!(near(adj.target, 0.24, 1e-15));
        assert!(near(adj.phi, 34.45454204562461, 1e-9), "phi {}", adj.phi);
        assert!(
            near(adj.tau2, 0.017633969497697164, 1e-12),
            "tau2 {}",
            adj.tau2
        );
        assert!(adj.adjusted);
        assert!(!plain.adjusted);
        assert_eq!(plain.tau2, 0.0);
        assert!(
            near(plain.phi, adj.phi, 1e-12),
            "phi is reported either way"
        );
        let alarms = |f: &Funnel| {
            f.points
                .iter()
                .filter(|p| matches!(p.band, Band::AlarmHigh | Band::AlarmLow))
                .count()
        };
        // 14 units beyond 99.8 % before, none after.
        assert_eq!(alarms(&plain), 14);
        assert_eq!(alarms(&adj), 0);
        // Adjusted limits at n = 500: sin²(asin(√.24) ∓ z √(1/2000 + τ²)).
        let l = adj.points[0].limits;
        assert!(near(l.alert_low, 0.06027202705766115, 1e-9));
        assert!(near(l.alert_high, 0.4905086056836233, 1e-9));
        assert!(near(l.alarm_low, 0.009156177364167411, 1e-9));
        assert!(near(l.alarm_high, 0.6407828028815555, 1e-9));
        assert!(near(adj.points[0].z, -2.127239843669433, 1e-9));
        assert_eq!(adj.limits_at(500.0), l);
        // Exact binomial limits are replaced by the adjusted arcsine ones.
        let exact = funnel(
            &u,
            &options(
                FunnelMethod::ExactBinomial,
                Direction::HigherIsBetter,
                None,
                true,
            ),
        )
        .unwrap();
        assert!(exact.adjusted);
        assert_eq!(exact.points[0].limits, l);
    }

    #[test]
    fn overdispersion_stays_off_near_target() {
        // Ten units of n = 1000 with 98..102 events: phi = 0.0071 (python
        // reference), far below 1.
        let u = units(&[
            (100.0, 1000.0),
            (101.0, 1000.0),
            (99.0, 1000.0),
            (100.0, 1000.0),
            (102.0, 1000.0),
            (98.0, 1000.0),
            (100.0, 1000.0),
            (100.0, 1000.0),
            (101.0, 1000.0),
            (99.0, 1000.0),
        ]);
        let adj = funnel(
            &u,
            &options(
                FunnelMethod::ExactBinomial,
                Direction::LowerIsBetter,
                None,
                true,
            ),
        )
        .unwrap();
        let plain = funnel(
            &u,
            &options(
                FunnelMethod::ExactBinomial,
                Direction::LowerIsBetter,
                None,
                false,
            ),
        )
        .unwrap();
        assert!(near(adj.phi, 0.007133575575767622, 1e-9), "phi {}", adj.phi);
        assert!(adj.phi <= 1.0);
        assert!(!adj.adjusted);
        assert_eq!(adj.tau2, 0.0);
        assert_eq!(adj.points, plain.points);
        assert_eq!(adj.curve, plain.curve);
        assert_eq!(
            adj.points[0].limits,
            limits_at(1000.0, FunnelMethod::ExactBinomial, 0.1, None)
        );
    }

    #[test]
    fn overdispersion_poisson_uses_root_scale() {
        // Twelve O/E ratios 0.5, 0.6, ..., 1.6 at E = 20..200 and 30, 50:
        // python reference phi = 6.682426496, τ² = 0.0165269553.
        let es = [
            20.0, 40.0, 60.0, 80.0, 100.0, 120.0, 140.0, 160.0, 180.0, 200.0, 30.0, 50.0,
        ];
        let u: Vec<FunnelUnit> = es
            .iter()
            .enumerate()
            .map(|(i, &e)| FunnelUnit {
                numerator: e * (0.5 + 0.1 * i as f64),
                denominator: e,
            })
            .collect();
        let f = funnel(
            &u,
            &options(
                FunnelMethod::ExactPoisson,
                Direction::LowerIsBetter,
                Some(1.0),
                true,
            ),
        )
        .unwrap();
        assert!(near(f.phi, 6.682426495973838, 1e-9));
        assert!(near(f.tau2, 0.016526955300200312, 1e-12));
        assert!(f.adjusted);
        // Back-transformed by squaring: (1 ± z √(1/80 + τ²))² at E = 20.
        let sd = (1.0 / 80.0 + f.tau2).sqrt();
        let l = f.points[0].limits;
        assert!(near(l.alert_high, (1.0 + ALERT_Z * sd).powi(2), 1e-12));
        assert!(near(l.alert_low, (1.0 - ALERT_Z * sd).powi(2), 1e-12));
    }

    #[test]
    fn curve_spans_denominators() {
        let u = spread_units();
        let mut u2 = u.clone();
        u2[0].denominator = 50.0;
        u2[0].numerator = 5.0;
        let f = funnel(
            &u2,
            &options(FunnelMethod::Arcsine, Direction::Neutral, Some(0.2), false),
        )
        .unwrap();
        assert_eq!(f.curve.len(), CURVE_POINTS);
        assert_eq!(f.curve.first().map(|c| c.0), Some(50.0));
        assert_eq!(f.curve.last().map(|c| c.0), Some(500.0));
        assert!(f.curve.windows(2).all(|w| w[0].0 < w[1].0));
        // Funnel narrows as the denominator grows.
        assert!(
            f.curve
                .windows(2)
                .all(|w| w[0].1.alert_high >= w[1].1.alert_high)
        );
        assert_eq!(f.curve[0].1, f.limits_at(50.0));

        // Exact binomial: whole, distinct denominators.
        let small = units(&[(1.0, 5.0), (3.0, 12.0)]);
        let f = funnel(
            &small,
            &options(
                FunnelMethod::ExactBinomial,
                Direction::Neutral,
                Some(0.2),
                false,
            ),
        )
        .unwrap();
        assert!(f.curve.iter().all(|c| c.0.fract() == 0.0));
        assert!(f.curve.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(f.curve.len(), 8); // 5..=12

        // One denominator: one curve point.
        let same = units(&[(1.0, 10.0), (2.0, 10.0)]);
        let f = funnel(
            &same,
            &options(FunnelMethod::Arcsine, Direction::Neutral, None, false),
        )
        .unwrap();
        assert_eq!(f.curve.len(), 1);
    }

    #[test]
    fn single_unit_never_adjusts() {
        let u = units(&[(40.0, 100.0)]);
        let f = funnel(
            &u,
            &options(FunnelMethod::Arcsine, Direction::Neutral, Some(0.1), true),
        )
        .unwrap();
        assert!(f.phi > 1.0);
        assert!(!f.adjusted);
        assert_eq!(f.tau2, 0.0);
    }

    #[test]
    fn errors() {
        let o = options(FunnelMethod::Arcsine, Direction::Neutral, None, false);
        assert_eq!(funnel(&[], &o), Err(FunnelError::NoUnits));
        assert_eq!(
            funnel(&units(&[(1.0, 10.0), (1.0, 0.0)]), &o),
            Err(FunnelError::NonPositiveDenominator { index: 1 })
        );
        assert_eq!(
            funnel(&units(&[(-1.0, 10.0)]), &o),
            Err(FunnelError::NegativeNumerator { index: 0 })
        );
        assert_eq!(
            funnel(&units(&[(11.0, 10.0)]), &o),
            Err(FunnelError::NumeratorExceedsDenominator { index: 0 })
        );
        assert_eq!(
            funnel(&units(&[(f64::NAN, 10.0)]), &o),
            Err(FunnelError::NonFinite { index: 0 })
        );
        assert_eq!(
            funnel(&units(&[(0.0, 10.0)]), &o),
            Err(FunnelError::InvalidTarget { target: 0.0 })
        );
        let binom = options(FunnelMethod::ExactBinomial, Direction::Neutral, None, false);
        assert_eq!(
            funnel(&units(&[(1.0, 10.5)]), &binom),
            Err(FunnelError::NonIntegerDenominator { index: 0 })
        );
        let pois = options(
            FunnelMethod::ExactPoisson,
            Direction::Neutral,
            Some(-1.0),
            false,
        );
        assert_eq!(
            funnel(&units(&[(12.0, 10.0)]), &pois),
            Err(FunnelError::InvalidTarget { target: -1.0 })
        );
        // O > E is fine for ratios.
        let pois = options(FunnelMethod::ExactPoisson, Direction::Neutral, None, false);
        assert!(funnel(&units(&[(12.0, 10.0)]), &pois).is_ok());
    }
}
