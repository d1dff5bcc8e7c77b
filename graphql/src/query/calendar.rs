use async_graphql::{Context, Object, Result};

use crate::context::viewer;
use crate::object::calendar::Calendar;

#[derive(Default)]
pub struct CalendarQuery;

#[Object]
impl CalendarQuery {
    /// Working days and bank holidays in England and Wales.
    async fn calendar(&self, ctx: &Context<'_>) -> Result<Calendar> {
        viewer(ctx)?;
        Ok(Calendar::default())
    }
}
