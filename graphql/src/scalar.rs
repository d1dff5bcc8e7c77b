//! Custom scalars with messages a person can act on.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date, `YYYY-MM-DD` (ISO 8601), in Europe/London where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => parse_date(s).map(Date).map_err(InputValueError::custom),
            other => Err(InputValueError::custom(format!(
                "expected a date string like \"2026-04-01\", got {other}"
            ))),
        }
    }

    /// Any string passes validation so that a malformed one fails in `parse`, whose message
    /// names the value and the expected form.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(_))
    }

    /// `NaiveDate`'s `Display` is ISO 8601 (`YYYY-MM-DD`) and, unlike `format`, parses no
    /// pattern: dashboards render tens of thousands of dates per answer.
    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    if s.len() != 10 {
        return Err(format!(
            "\"{s}\" is not a date: expected YYYY-MM-DD, e.g. \"2026-04-01\""
        ));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        format!("\"{s}\" is not a valid calendar date: expected YYYY-MM-DD, e.g. \"2026-04-01\"")
    })
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_in_iso_form() {
        let date = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
        assert_eq!(Date(date).to_value(), Value::String("2026-04-01".into()));
    }

    #[test]
    fn dates_parse_only_in_iso_form() {
        assert!(parse_date("2026-04-01").is_ok());
        assert!(parse_date("2026-4-1").is_err());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("01/04/2026").is_err());
    }
}
