//! What a resolver reads from its async-graphql context, in one place. Each accessor answers an
//! error rather than panicking when the request lacks what it asks for (a schema run without
//! `Portal`, say): the viewer's absence is `UNAUTHENTICATED`, anything else an internal error.

use std::sync::Arc;

use async_graphql::Context;
use chrono::NaiveDate;

use crate::auth::Viewer;
use crate::auth::scope::{RequestScope, Scope};
use crate::error::{AppError, AppResult};
use crate::loader::Loaders;
use crate::registry::{Registry, RequestRegistry};
use crate::scalar::Date;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
#[error("the request context holds no {0}")]
struct Missing(&'static str);

fn data<'a, T: Send + Sync + 'static>(ctx: &Context<'a>, what: &'static str) -> AppResult<&'a T> {
    ctx.data_opt::<T>()
        .ok_or_else(|| AppError::internal(Missing(what)))
}

/// The long-lived things: database, clock, caches, event bus.
pub fn state<'a>(ctx: &Context<'a>) -> AppResult<&'a AppState> {
    data(ctx, "application state")
}

/// This request's batching loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> AppResult<&'a Loaders> {
    data(ctx, "loaders")
}

/// The caller; every operation requires one (the edge refuses requests without a token).
pub fn viewer<'a>(ctx: &Context<'a>) -> AppResult<&'a Viewer> {
    ctx.data_opt::<Viewer>()
        .ok_or_else(|| AppError::unauthenticated("A bearer token is required."))
}

/// The caller's scope as at today, resolved once per request.
pub async fn scope(ctx: &Context<'_>) -> AppResult<Arc<Scope>> {
    let viewer = viewer(ctx)?;
    let state = state(ctx)?;
    let cell: &RequestScope = data(ctx, "request scope")?;
    cell.0
        .get_or_try_init(|| async {
            let map = state.org_map_today().await?;
            Ok(Arc::new(Scope::resolve(viewer, &map)))
        })
        .await
        .cloned()
}

/// The organisation tables whole, one snapshot per request, from the shared cache.
pub async fn registry(ctx: &Context<'_>) -> AppResult<Arc<Registry>> {
    let state = state(ctx)?;
    let cell: &RequestRegistry = data(ctx, "request registry")?;
    cell.0
        .get_or_try_init(|| state.org_map.registry(&state.db))
        .await
        .cloned()
}

/// The date a question is asked about: the one given, or today in Europe/London.
pub fn as_at(ctx: &Context<'_>, date: Option<Date>) -> AppResult<NaiveDate> {
    match date {
        Some(date) => Ok(date.0),
        None => Ok(state(ctx)?.clock.today()),
    }
}
