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

/// Checks a region code used as a filter or a reference.
pub async fn check_exists(db: &impl ConnectionTrait, code: &str) -> AppResult<()> {
    match region::Entity::find_by_id(code.to_owned()).one(db).await? {
        Some(_) => Ok(()),
        None => Err(AppError::bad_input(format!(
            "No region has the code \"{code}\"; regions are listed by `regions`."
        ))),
    }
}
