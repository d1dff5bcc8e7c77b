use entities::region;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::{AppError, AppResult};

/// Looks up a region named inside an input or a filter.
pub async fn referenced(db: &impl ConnectionTrait, code: &str) -> AppResult<region::Model> {
    region::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| unknown(code))
}

/// The error for an input or a filter naming a region that does not exist.
pub fn unknown(code: &str) -> AppError {
    AppError::bad_input(format!(
        "No region has the code \"{code}\"; regions are listed by `regions`."
    ))
}
