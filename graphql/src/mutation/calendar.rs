use async_graphql::{Context, Object, Result};

use crate::context::state;
use crate::context::viewer;
use crate::input::calendar::AddBankHolidayInput;
use crate::object::calendar::BankHoliday;
use crate::service::calendar;

#[derive(Default)]
pub struct CalendarMutation;

#[Object]
impl CalendarMutation {
    /// Adds a one-off bank holiday announced at short notice (national administrators).
    async fn add_bank_holiday(
        &self,
        ctx: &Context<'_>,
        input: AddBankHolidayInput,
    ) -> Result<BankHoliday> {
        let saved = calendar::add_bank_holiday(
            state(ctx)?,
            viewer(ctx)?,
            input.date.0,
            &input.title,
            &input.reason,
        )
        .await?;
        Ok(BankHoliday(saved))
    }
}
