use chrono::NaiveDate;
use entities::icb;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::dated::in_force;
use crate::error::{AppError, AppResult};
use crate::registry::Registry;

/// ICBs alive on `as_at`, optionally in one region, by code.
pub fn list(
    registry: &Registry,
    as_at: NaiveDate,
    region: Option<&str>,
) -> AppResult<Vec<icb::Model>> {
    if let Some(region) = region
        && !registry.regions.contains_key(region)
    {
        return Err(super::region::unknown(region));
    }
    Ok(registry
        .icbs
        .values()
        .filter(|i| {
            in_force(i.valid_from, i.valid_to, as_at) && region.is_none_or(|r| i.region_code == r)
        })
        .cloned()
        .collect())
}

/// Looks up an ICB named inside an input.
pub async fn referenced(db: &impl ConnectionTrait, code: &str) -> AppResult<icb::Model> {
    icb::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| unknown(code))
}

/// The error for an input or a filter naming an ICB that does not exist.
pub fn unknown(code: &str) -> AppError {
    AppError::bad_input(format!(
        "No ICB has the code \"{code}\"; ICBs are listed by `icbs`."
    ))
}
