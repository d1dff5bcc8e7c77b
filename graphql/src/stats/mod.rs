//! Pure statistics for indicator reporting: Making Data Count XmR charts
//! ([`spc`]), funnel plots ([`funnel`]), small-number disclosure control
//! ([`disclosure`]) and benchmark summaries ([`summary`]).
//!
//! Everything here is a pure function over plain data: no I/O, no async, no
//! database and no GraphQL types, so the rules can be tested against the
//! published reference implementations in isolation.

pub mod disclosure;
pub mod funnel;
pub mod spc;
pub mod summary;

/// Which way is better for an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
    Neutral,
}

impl Direction {
    /// +1 when higher is better, -1 when lower is better, 0 when neutral:
    /// the `improvement_direction` integer NHSRplotthedots 0.2 `ptd_spc`
    /// uses to orient special causes.
    pub(crate) fn sign(self) -> i8 {
        match self {
            Direction::HigherIsBetter => 1,
            Direction::LowerIsBetter => -1,
            Direction::Neutral => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Direction;

    #[test]
    fn direction_sign_matches_ptd_improvement_direction() {
        assert_eq!(Direction::HigherIsBetter.sign(), 1);
        assert_eq!(Direction::LowerIsBetter.sign(), -1);
        assert_eq!(Direction::Neutral.sign(), 0);
    }
}
