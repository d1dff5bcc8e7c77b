use async_graphql::InputObject;

use crate::scalar::Date;

#[derive(InputObject)]
pub struct AddBankHolidayInput {
    /// The weekday the holiday is observed on.
    pub date: Date,
    pub title: String,
    pub reason: String,
}
