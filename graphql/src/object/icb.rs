use async_graphql::{Context, Object, Result};
use entities::icb;

use super::network::Network;
use super::region::Region;
use crate::context::{as_at, loaders};
use crate::dated::in_force;
use crate::loader::{
    FootprintOfIcb, IcbByCode, NetworkByCode, PredecessorsOfIcb, RegionByCode, SuccessorsOfIcb,
};
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
        let region = loaders(ctx)?
            .load_required(RegionByCode(self.0.region_code.clone()), "region")
            .await?;
        Ok(Region(region))
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
        let codes = loaders(ctx)?
            .load_one(SuccessorsOfIcb(self.0.code.clone()))
            .await?
            .unwrap_or_default();
        icbs(ctx, codes).await
    }
    /// ICBs whose population (in part) this ICB took over.
    async fn predecessors(&self, ctx: &Context<'_>) -> Result<Vec<Icb>> {
        let codes = loaders(ctx)?
            .load_one(PredecessorsOfIcb(self.0.code.clone()))
            .await?
            .unwrap_or_default();
        icbs(ctx, codes).await
    }
    /// Networks whose footprint includes this ICB on `asAt` (default: today).
    async fn networks(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Result<Vec<Network>> {
        let date = self::as_at(ctx, as_at)?;
        let rows = loaders(ctx)?
            .load_one(FootprintOfIcb(self.0.code.clone()))
            .await?
            .unwrap_or_default();
        let codes = rows
            .into_iter()
            .filter(|r| in_force(r.valid_from, r.valid_to, date))
            .map(|r| r.network_code);
        let mut networks: Vec<Network> = loaders(ctx)?
            .load_many(codes.map(NetworkByCode))
            .await?
            .into_values()
            .map(Network)
            .collect();
        networks.sort_by(|a, b| a.0.code.cmp(&b.0.code));
        networks.dedup_by(|a, b| a.0.code == b.0.code);
        Ok(networks)
    }
}

async fn icbs(ctx: &Context<'_>, codes: Vec<String>) -> Result<Vec<Icb>> {
    let loaded = loaders(ctx)?
        .load_many(codes.iter().cloned().map(IcbByCode))
        .await?;
    Ok(codes
        .into_iter()
        .filter_map(|c| loaded.get(&IcbByCode(c)).cloned())
        .map(Icb)
        .collect())
}
