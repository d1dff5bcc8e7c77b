//! Relay cursor connections over lists already fetched in scope and in order.
//!
//! Organisation lists are small (tens to hundreds of rows), so a page is sliced from the scoped,
//! ordered result; the cursor is the row's natural key, so it stays valid while rows are added.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{OutputType, SimpleObject};

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: i32 = 50;
pub const MAX_PAGE_SIZE: i32 = 100;

/// Extra fields on every connection.
#[derive(SimpleObject)]
pub struct ConnectionInfo {
    /// Rows in the whole list (all pages) for this caller and these filters.
    pub total_count: i32,
}

pub type Page<N> = Connection<String, N, ConnectionInfo>;

/// Checks `first` against the page-size bounds.
pub fn page_size(first: Option<i32>) -> AppResult<usize> {
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&first) {
        return Err(AppError::bad_input(format!(
            "`first` must be between 1 and {MAX_PAGE_SIZE}; got {first}. Page through longer lists with `after`."
        )));
    }
    // In range 1..=100, so the cast is lossless.
    Ok(first.unsigned_abs() as usize)
}

/// One page of `items` (sorted by `key`), starting after the row whose key is `after`.
pub fn paginate<T, N: OutputType>(
    items: Vec<T>,
    first: Option<i32>,
    after: Option<String>,
    key: impl Fn(&T) -> String,
    node: impl Fn(T) -> N,
) -> AppResult<Page<N>> {
    let size = page_size(first)?;
    let total_count = i32::try_from(items.len()).unwrap_or(i32::MAX);
    let start = match after {
        None => 0,
        Some(cursor) => items
            .iter()
            .position(|item| key(item) == cursor)
            .map(|i| i + 1)
            .ok_or_else(|| {
                AppError::bad_input(format!(
                    "The cursor \"{cursor}\" is not in this list; start again without `after`."
                ))
            })?,
    };
    let has_next = items.len() > start + size;
    let mut connection =
        Connection::with_additional_fields(start > 0, has_next, ConnectionInfo { total_count });
    connection.edges.extend(
        items
            .into_iter()
            .skip(start)
            .take(size)
            .map(|item| Edge::new(key(&item), node(item))),
    );
    Ok(connection)
}
