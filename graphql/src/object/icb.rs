use async_graphql::{Context, Object, Result};
use entities::icb;

use super::network::Network;
use super::region::Region;
use crate::context::{as_at, registry};
use crate::dated::in_force;
use crate::registry::Registry;
use crate::scalar::Date;

/// An Integrated Care Board, effective-dated: ICBs close and merge (twelve closed on 2026-04-01).
pub struct Icb(pub icb::Model);

#[Object]
impl Icb {
    /// ODS code, e.g. `QRL`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// ONS (GSS) code; not yet known for ICBs formed in 2026.
    async fn gss_code(&self) -> Option<&str> {
        self.0.gss_code.as_deref()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Region> {
        let registry = registry(ctx).await?;
        Ok(Region(registry.region(&self.0.region_code)?.clone()))
    }
    /// First day the ICB exists.
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }
    /// Last day the ICB exists; null while it is open.
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }
    /// Whether the ICB exists on `asAt` (default: today).
    async fn active(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Result<bool> {
        Ok(in_force(
            self.0.valid_from,
            self.0.valid_to,
            self::as_at(ctx, as_at)?,
        ))
    }
    /// ICBs that took over (part of) this ICB's population when it closed.
    async fn successors(&self, ctx: &Context<'_>) -> Result<Vec<Icb>> {
        let registry = registry(ctx).await?;
        Ok(icbs(&registry, registry.successors(&self.0.code)))
    }
    /// ICBs whose population (in part) this ICB took over.
    async fn predecessors(&self, ctx: &Context<'_>) -> Result<Vec<Icb>> {
        let registry = registry(ctx).await?;
        Ok(icbs(&registry, registry.predecessors(&self.0.code)))
    }
    /// Networks whose footprint includes this ICB on `asAt` (default: today).
    async fn networks(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Result<Vec<Network>> {
        let date = self::as_at(ctx, as_at)?;
        let registry = registry(ctx).await?;
        // By network already: one network serving the ICB under two rows is listed once.
        let mut networks: Vec<Network> = registry
            .footprint_of_icb(&self.0.code)
            .iter()
            .filter(|r| in_force(r.valid_from, r.valid_to, date))
            .filter_map(|r| registry.networks.get(&r.network_code).cloned())
            .map(Network)
            .collect();
        networks.dedup_by(|a, b| a.0.code == b.0.code);
        Ok(networks)
    }
}

fn icbs(registry: &Registry, codes: &[String]) -> Vec<Icb> {
    codes
        .iter()
        .filter_map(|c| registry.icbs.get(c).cloned())
        .map(Icb)
        .collect()
}
