use async_graphql::{Context, Object, Result};
use entities::bank_holiday;

use crate::context::viewer;
use tokio::sync::OnceCell;

use crate::calendar::WorkingCalendar;
use crate::context::state;
use crate::error::{AppError, AppResult};
use crate::scalar::Date;
use crate::service::calendar;

/// The longest limit the calendar computes, in working days (every stage limit is at most 25).
pub const MAX_WORKING_DAYS: i32 = 260;

/// Working days in England and Wales, as case deadlines count them. The holidays are read once
/// per `calendar` selection, however many of its fields are asked for.
#[derive(Default)]
pub struct Calendar {
    holidays: OnceCell<WorkingCalendar>,
}

impl Calendar {
    async fn working(&self, ctx: &Context<'_>) -> AppResult<&WorkingCalendar> {
        self.holidays
            .get_or_try_init(|| async { WorkingCalendar::load(&state(ctx)?.db).await })
            .await
    }
}

#[Object]
impl Calendar {
    /// Monday to Friday and not a bank holiday.
    async fn is_working_day(&self, ctx: &Context<'_>, date: Date) -> Result<bool> {
        viewer(ctx)?;
        Ok(self.working(ctx).await?.is_working_day(date.0))
    }

    /// The due date of a limit of `days` working days for something starting on `from`: `from` is
    /// day 0, the due date the `days`th following working day.
    async fn add_working_days(&self, ctx: &Context<'_>, from: Date, days: i32) -> Result<Date> {
        viewer(ctx)?;
        let days = u32::try_from(days)
            .ok()
            .filter(|d| i64::from(*d) <= i64::from(MAX_WORKING_DAYS))
            .ok_or_else(|| {
                AppError::bad_input(format!(
                    "days must be between 0 and {MAX_WORKING_DAYS}; got {days}."
                ))
            })?;
        let due = self
            .working(ctx)
            .await?
            .add_working_days(from.0, days)
            .and_then(Date::in_range)
            .ok_or_else(|| {
                AppError::bad_input(format!(
                    "{days} working days after {} falls after 9999-12-31, the last date the portal handles.",
                    from.0
                ))
            })?;
        Ok(due)
    }

    /// The bank holidays of a year (weekday dates, substitute days included).
    async fn bank_holidays(&self, ctx: &Context<'_>, year: i32) -> Result<Vec<BankHoliday>> {
        viewer(ctx)?;
        Ok(calendar::bank_holidays(&state(ctx)?.db, year)
            .await?
            .into_iter()
            .map(BankHoliday)
            .collect())
    }
}

pub struct BankHoliday(pub bank_holiday::Model);

#[Object]
impl BankHoliday {
    async fn date(&self) -> Date {
        Date(self.0.date)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Where the date comes from: `gov.uk`, `rules` (not yet announced), or who added it.
    async fn source(&self) -> &str {
        &self.0.source
    }
}
