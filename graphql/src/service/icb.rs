use chrono::NaiveDate;
use entities::icb;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::dated::in_force_on;
use crate::error::{AppError, AppResult};

/// ICBs alive on `as_at`, optionally in one region, by code.
pub async fn list(
    db: &impl ConnectionTrait,
    as_at: NaiveDate,
    region: Option<&str>,
) -> AppResult<Vec<icb::Model>> {
    if let Some(region) = region {
        super::region::referenced(db, region).await?;
    }
    let mut query = icb::Entity::find().filter(in_force_on(
        icb::Column::ValidFrom,
        icb::Column::ValidTo,
        as_at,
    ));
    if let Some(region) = region {
        query = query.filter(icb::Column::RegionCode.eq(region));
    }
    Ok(query.order_by_asc(icb::Column::Code).all(db).await?)
}

pub async fn get(db: &impl ConnectionTrait, code: &str) -> AppResult<icb::Model> {
    icb::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("ICB", code))
}

/// Looks up an ICB named inside an input.
pub async fn referenced(db: &impl ConnectionTrait, code: &str) -> AppResult<icb::Model> {
    icb::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::bad_input(format!(
                "No ICB has the code \"{code}\"; ICBs are listed by `icbs`."
            ))
        })
}
