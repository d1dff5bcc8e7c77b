//! Long-lived things every resolver may use: schema data, built once.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::events::EventBus;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub events: EventBus,
}

use async_graphql::Context;
use chrono::NaiveDate;

use crate::loader::Loaders;
use crate::scalar::Date;

pub fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

pub fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// The date a question is asked about: the one given, or today in Europe/London.
pub fn as_at(ctx: &Context<'_>, date: Option<Date>) -> NaiveDate {
    date.map(|d| d.0)
        .unwrap_or_else(|| state(ctx).clock.today())
}
