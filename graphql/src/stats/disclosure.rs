//! Small-number disclosure control, applied when an answer is built so that
//! stored figures stay exact.
//!
//! Rule: sub-national counts of 1 to 7 are suppressed; every other count is
//! rounded to the nearest 5 (0 stays 0). Ratios are recomputed from the
//! rounded figures so a published percentage can never be used to back out an
//! unrounded count.

/// A count after disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protected {
    /// The publishable figure; `None` when suppressed.
    pub value: Option<i64>,
    pub suppressed: bool,
}

/// A numerator/denominator pair after disclosure control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProtectedRatio {
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// 100 × rounded numerator / rounded denominator; `None` when either
    /// figure is suppressed or the rounded denominator is 0.
    pub percentage: Option<f64>,
    /// True when either figure is suppressed.
    pub suppressed: bool,
}

/// Largest count that is suppressed rather than rounded.
const SUPPRESS_UP_TO: u64 = 7;
/// Rounding base for published counts.
const BASE: u64 = 5;

/// Sub-national counts of 1–7 are suppressed; others rounded to the nearest 5
/// (0 stays 0). Rounding is half away from zero; with integers and base 5 a
/// tie cannot occur, so 8 → 10, 12 → 10, 13 → 15. Negative inputs (which a
/// count should never be) are treated symmetrically.
pub fn protect_count(count: i64) -> Protected {
    let magnitude = count.unsigned_abs();
    if (1..=SUPPRESS_UP_TO).contains(&magnitude) {
        return Protected {
            value: None,
            suppressed: true,
        };
    }
    let up = (magnitude + BASE / 2) / BASE * BASE;
    // Beyond i64 range (only near i64::MIN/MAX) fall back to rounding down.
    let rounded = i64::try_from(up)
        .or_else(|_| i64::try_from(up - BASE))
        .unwrap_or(i64::MAX);
    Protected {
        value: Some(if count < 0 { -rounded } else { rounded }),
        suppressed: false,
    }
}

/// Protects a numerator and denominator independently and derives the
/// percentage from the rounded figures only.
pub fn protect_proportion(numerator: i64, denominator: i64) -> ProtectedRatio {
    let num = protect_count(numerator);
    let den = protect_count(denominator);
    let percentage = match (num.value, den.value) {
        (Some(n), Some(d)) if d != 0 => Some(100.0 * n as f64 / d as f64),
        _ => None,
    };
    ProtectedRatio {
        numerator: num.value,
        denominator: den.value,
        percentage,
        suppressed: num.suppressed || den.suppressed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(v: i64) -> Protected {
        Protected {
            value: Some(v),
            suppressed: false,
        }
    }

    const HIDDEN: Protected = Protected {
        value: None,
        suppressed: true,
    };

    #[test]
    fn zero_stays_zero() {
        assert_eq!(protect_count(0), shown(0));
    }

    #[test]
    fn one_to_seven_suppressed() {
        for c in 1..=7 {
            assert_eq!(protect_count(c), HIDDEN, "count {c}");
        }
    }

    #[test]
    fn edge_values_round_to_nearest_five() {
        assert_eq!(protect_count(8), shown(10));
        assert_eq!(protect_count(12), shown(10));
        assert_eq!(protect_count(13), shown(15));
        assert_eq!(protect_count(15), shown(15));
        assert_eq!(protect_count(1_002), shown(1_000));
        assert_eq!(protect_count(1_003), shown(1_005));
    }

    #[test]
    fn extreme_values_do_not_panic() {
        assert!(protect_count(i64::MAX).value.is_some());
        assert!(protect_count(i64::MIN).value.is_some());
        assert_eq!(protect_count(-13), shown(-15));
    }

    #[test]
    fn percentage_comes_from_rounded_figures() {
        // 13 / 38: raw 34.21 %, rounded 15 / 40 = 37.5 %.
        let r = protect_proportion(13, 38);
        assert_eq!(r.numerator, Some(15));
        assert_eq!(r.denominator, Some(40));
        assert!(r.percentage.is_some_and(|p| (p - 37.5).abs() < 1e-12));
        assert!(!r.suppressed);
    }

    #[test]
    fn suppressed_numerator_suppresses_percentage() {
        let r = protect_proportion(3, 120);
        assert_eq!(r.numerator, None);
        assert_eq!(r.denominator, Some(120));
        assert_eq!(r.percentage, None);
        assert!(r.suppressed);
    }

    #[test]
    fn suppressed_denominator_flags_ratio() {
        let r = protect_proportion(0, 6);
        assert_eq!(r.numerator, Some(0));
        assert_eq!(r.denominator, None);
        assert_eq!(r.percentage, None);
        assert!(r.suppressed);
    }

    #[test]
    fn zero_denominator_gives_no_percentage() {
        let r = protect_proportion(0, 0);
        assert_eq!(r.percentage, None);
        assert!(!r.suppressed);
    }
}
