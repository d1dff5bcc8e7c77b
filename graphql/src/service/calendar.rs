//! The bank-holiday calendar: read by deadline arithmetic, extended by administrators when a
//! one-off holiday is announced.

use chrono::{Datelike, NaiveDate, Weekday};
use entities::bank_holiday;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::audit::{Change, Subject};
use super::require_reason;
use super::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::auth::{Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The calendar with every bank holiday on record (about ten a year: one small statement).
pub async fn bank_holidays(
    db: &impl ConnectionTrait,
    year: i32,
) -> AppResult<Vec<bank_holiday::Model>> {
    let (first, last) = year_bounds(year)?;
    Ok(bank_holiday::Entity::find()
        .filter(bank_holiday::Column::Date.between(first, last))
        .order_by_asc(bank_holiday::Column::Date)
        .all(db)
        .await?)
}

/// Years the calendar answers for.
pub fn year_bounds(year: i32) -> AppResult<(NaiveDate, NaiveDate)> {
    let bounds = (2000..=2100)
        .contains(&year)
        .then(|| NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31)))
        .flatten();
    bounds.ok_or_else(|| {
        AppError::bad_input(format!("year must be between 2000 and 2100; got {year}."))
    })
}

/// Adds a one-off bank holiday (national administrators).
pub async fn add_bank_holiday(
    state: &AppState,
    actor: &Viewer,
    date: NaiveDate,
    title: &str,
    reason: &str,
) -> AppResult<bank_holiday::Model> {
    actor.require_any(&[Role::NationalAdmin], "change the bank-holiday calendar")?;
    let reason = require_reason(reason)?;
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::bad_input(
            "title must be 1 to 200 characters, e.g. \"Coronation of King Charles III\".",
        ));
    }
    year_bounds(date.year())?;
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return Err(AppError::bad_input(format!(
            "{date} is a {:?}: weekends are never working days; record the weekday the holiday is observed on.",
            date.weekday()
        )));
    }
    let mut work = UnitOfWork::begin(state).await?;
    let txn = work.db();
    if let Some(existing) = bank_holiday::Entity::find_by_id(date).one(txn).await? {
        return Err(AppError::conflict(format!(
            "{date} is already a bank holiday ({}).",
            existing.title
        )));
    }
    let saved = bank_holiday::ActiveModel {
        date: Set(date),
        title: Set(title.to_owned()),
        source: Set(format!("added by {}", actor.sub)),
    }
    .insert(txn)
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            format!("{date} was added as a bank holiday just now.")
        })
    })?;
    let key = date.to_string();
    let change = Change {
        action: "addBankHoliday",
        subject: Subject::BankHoliday,
        key: &key,
        before: None,
        after: Some(json!({ "date": date, "title": title })),
        reason: &reason,
    };
    work.audit(actor, change).await?;
    work.commit().await?;
    Ok(saved)
}
