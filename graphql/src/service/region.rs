use entities::region;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::error::{AppError, AppResult};

pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<region::Model>> {
    Ok(region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?)
}

pub async fn get(db: &impl ConnectionTrait, code: &str) -> AppResult<region::Model> {
    region::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("region", code))
}

/// Looks up a region named inside an input or a filter.
pub async fn referenced(db: &impl ConnectionTrait, code: &str) -> AppResult<region::Model> {
    region::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::bad_input(format!(
                "No region has the code \"{code}\"; regions are listed by `regions`."
            ))
        })
}
