//! Benchmark summaries: quartiles of a peer group and league-table ranks.

use super::Direction;

/// Lower quartile, median and upper quartile of a set of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quartiles {
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// Quartiles by R's default `quantile(type = 7)` (Hyndman & Fan 1996
/// definition 7), so figures match what analysts get from R and from
/// spreadsheet `QUARTILE.INC`.
///
/// Returns `None` for an empty slice or when any value is not finite (R
/// refuses `NA` without `na.rm`; silently dropping values would hide a data
/// problem).
pub fn quartiles(values: &[f64]) -> Option<Quartiles> {
    if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(Quartiles {
        q1: quantile_sorted(&sorted, 0.25),
        median: quantile_sorted(&sorted, 0.5),
        q3: quantile_sorted(&sorted, 0.75),
    })
}

/// R type 7 quantile of an ascending, non-empty, finite slice:
/// h = (n - 1) p, result = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
/// Shared with the funnel plot's winsorisation, which FunnelPlotR does with R's
/// default `quantile()`.
pub(crate) fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let Some(&first) = sorted.first() else {
        return f64::NAN;
    };
    let last_index = sorted.len() - 1;
    let h = last_index as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    if lo >= last_index {
        return sorted.get(last_index).copied().unwrap_or(first);
    }
    let (a, b) = (sorted[lo], sorted[lo + 1]);
    a + (h - lo as f64) * (b - a)
}

/// League-table rank of each value, 1 = best, in input order.
///
/// Ties share the best rank of their group and the next rank is skipped
/// (R's `rank(ties.method = "min")`, "1224" competition ranking), so two units
/// with the same figure are never shown as different. `Neutral` ranks the
/// highest value first. Non-finite values rank after every finite value.
pub fn rank(values: &[f64], direction: Direction) -> Vec<u32> {
    // Sort keys so that "better" comes first; then a value's rank is one plus
    // the number of finite values strictly better than it.
    let key = |v: f64| match direction {
        Direction::LowerIsBetter => v,
        Direction::HigherIsBetter | Direction::Neutral => -v,
    };
    let mut finite: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .map(key)
        .collect();
    finite.sort_by(f64::total_cmp);
    let worst = finite.len() + 1;
    values
        .iter()
        .map(|&v| {
            let r = if v.is_finite() {
                let k = key(v);
                finite.partition_point(|&x| x < k) + 1
            } else {
                worst
            };
            u32::try_from(r).unwrap_or(u32::MAX)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn quartiles_match_r_type7() {
        // R: quantile(1:10, c(.25, .5, .75)) -> 3.25 5.50 7.75
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let q = quartiles(&v);
        assert!(q.is_some_and(|q| close(q.q1, 3.25) && close(q.median, 5.5) && close(q.q3, 7.75)));

        // R: quantile(c(7, 1, 3, 15), c(.25, .5, .75)) -> 2.5 5.0 9.0
        // sorted 1 3 7 15; h = 3p: 0.75 -> 1 + .75*2; 1.5 -> 3 + .5*4; 2.25 -> 7 + .25*8
        let q = quartiles(&[7.0, 1.0, 3.0, 15.0]);
        assert!(q.is_some_and(|q| close(q.q1, 2.5) && close(q.median, 5.0) && close(q.q3, 9.0)));
    }

    #[test]
    fn quartiles_single_value_and_invalid_input() {
        let q = quartiles(&[4.0]);
        assert_eq!(
            q,
            Some(Quartiles {
                q1: 4.0,
                median: 4.0,
                q3: 4.0
            })
        );
        assert_eq!(quartiles(&[]), None);
        assert_eq!(quartiles(&[1.0, f64::NAN]), None);
        assert_eq!(quartiles(&[1.0, f64::INFINITY]), None);
    }

    #[test]
    fn quantile_sorted_extremes() {
        let s = [1.0, 2.0, 4.0];
        assert!(close(quantile_sorted(&s, 0.0), 1.0));
        assert!(close(quantile_sorted(&s, 1.0), 4.0));
        assert!(close(quantile_sorted(&s, 0.9), 3.6)); // h = 1.8 -> 2 + .8*2
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }

    #[test]
    fn rank_higher_is_better_with_min_ties() {
        // R: rank(-c(10, 30, 20, 30), ties.method = "min") -> 4 1 3 1
        assert_eq!(
            rank(&[10.0, 30.0, 20.0, 30.0], Direction::HigherIsBetter),
            vec![4, 1, 3, 1]
        );
    }

    #[test]
    fn rank_lower_is_better_with_min_ties() {
        // R: rank(c(10, 30, 20, 10), ties.method = "min") -> 1 4 3 1
        assert_eq!(
            rank(&[10.0, 30.0, 20.0, 10.0], Direction::LowerIsBetter),
            vec![1, 4, 3, 1]
        );
    }

    #[test]
    fn rank_neutral_ranks_highest_first() {
        assert_eq!(
            rank(&[1.0, 3.0, 2.0], Direction::Neutral),
            rank(&[1.0, 3.0, 2.0], Direction::HigherIsBetter)
        );
        assert_eq!(rank(&[1.0, 3.0, 2.0], Direction::Neutral), vec![3, 1, 2]);
    }

    #[test]
    fn rank_puts_non_finite_last_and_handles_empty() {
        assert_eq!(
            rank(&[f64::NAN, 5.0, 7.0], Direction::HigherIsBetter),
            vec![3, 2, 1]
        );
        assert!(rank(&[], Direction::LowerIsBetter).is_empty());
    }
}
