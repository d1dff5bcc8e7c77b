//! Custom scalars with messages a person can act on, and columns of them.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{
    ContextSelectionSet, InputValueError, InputValueResult, OutputType, Positioned, Scalar,
    ScalarType, ServerResult, Value,
};
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

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    if s.len() != 10 {
        return Err(format!(
            "\"{s}\" is not a date: expected YYYY-MM-DD, e.g. \"2026-04-01\""
        ));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(Date::in_range)
        .map(|d| d.0)
        .ok_or_else(|| {
            format!(
                "\"{s}\" is not a valid calendar date from year 1 to 9999: expected YYYY-MM-DD, e.g. \"2026-04-01\""
            )
        })
}

impl Date {
    /// The dates the scalar reads and writes: years 1 to 9999, four digits each.
    pub fn in_range(date: NaiveDate) -> Option<Date> {
        (1..=9999)
            .contains(&chrono::Datelike::year(&date))
            .then_some(Date(date))
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

/// A list of scalars answered in one step. async-graphql resolves a `Vec<T>` as one future per
/// element, which profiling showed to be most of the CPU of a dashboard series (31 indicators ×
/// 36 months); scalars need no resolution, so a column becomes a value at once. Its schema type
/// is exactly `Vec<T>`'s.
pub struct Column<T>(pub Vec<T>);

/// A scalar, or a nullable one, as a value.
pub trait Leaf: OutputType {
    fn leaf(&self) -> Value;
}

impl Leaf for f64 {
    fn leaf(&self) -> Value {
        self.to_value()
    }
}

impl Leaf for Date {
    fn leaf(&self) -> Value {
        self.to_value()
    }
}

impl<T: Leaf> Leaf for Option<T> {
    fn leaf(&self) -> Value {
        self.as_ref().map_or(Value::Null, Leaf::leaf)
    }
}

impl<T: Leaf> OutputType for Column<T> {
    fn type_name() -> Cow<'static, str> {
        <Vec<T> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<T> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<T> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        _ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        Ok(Value::List(self.0.iter().map(Leaf::leaf).collect()))
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
