use async_graphql::{Context, Object, Result};
use entities::region;

use super::icb::Icb;
use crate::context::{as_at, registry};
use crate::dated::in_force;
use crate::scalar::Date;

/// An NHS England region.
pub struct Region(pub region::Model);

#[Object]
impl Region {
    /// ODS code, e.g. `Y56`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// ONS (GSS) code, e.g. `E40000003`.
    async fn gss_code(&self) -> &str {
        &self.0.gss_code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ICBs of the region alive on `asAt` (default: today, Europe/London).
    async fn icbs(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Result<Vec<Icb>> {
        let date = self::as_at(ctx, as_at)?;
        let registry = registry(ctx).await?;
        Ok(registry
            .icbs_of_region(&self.0.code)
            .filter(|i| in_force(i.valid_from, i.valid_to, date))
            .cloned()
            .map(Icb)
            .collect())
    }
}
