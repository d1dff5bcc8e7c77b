use async_graphql::{Context, Object, Result};
use entities::enums::MembershipRole as Role;
use entities::{network, network_footprint, network_membership};

use super::MembershipRole;
use super::icb::Icb;
use super::indicator::{IndicatorSeries, load_series};
use super::provider::Provider;
use super::region::Region;
use crate::context::{as_at, loaders};
use crate::dated::in_force;
use crate::error::{Nullable, nullable};
use crate::loader::{
    FootprintOfNetwork, IcbByCode, MembershipsOfNetwork, NetworkByCode, ProviderByOds, RegionByCode,
};
use crate::scalar::Date;

/// A Spinal Services Clinical Network (network specification §3.2).
pub struct Network(pub network::Model);

#[Object]
impl Network {
    /// Stable short code, e.g. `WESSEX`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The NHS England region that leads the network and signs off its workplan.
    async fn lead_region(&self, ctx: &Context<'_>) -> Result<Region> {
        let region = loaders(ctx)?
            .load_required(RegionByCode(self.0.lead_region_code.clone()), "region")
            .await?;
        Ok(Region(region))
    }
    /// The provider hosting the network team: a member determined by its commissioners
    /// (`networkBoard.hostDeterminations`).
    async fn host(&self, ctx: &Context<'_>) -> Nullable<Provider> {
        nullable(Provider::of(ctx, self.0.host_provider_ods.as_deref()).await)
    }
    /// The network this one is a sub-network of.
    async fn parent(&self, ctx: &Context<'_>) -> Nullable<Network> {
        nullable(
            async {
                let Some(code) = &self.0.parent_code else {
                    return Ok(None);
                };
                Ok(loaders(ctx)?
                    .load_one(NetworkByCode(code.clone()))
                    .await?
                    .map(Network))
            }
            .await,
        )
    }
    /// Hub memberships in force on `asAt` (default: today): 1 to 3 per network.
    async fn hubs(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Result<Vec<Membership>> {
        self.memberships_in_force(ctx, Role::Hub, self::as_at(ctx, as_at)?)
            .await
    }
    /// Partner memberships in force on `asAt` (default: today).
    async fn partners(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Result<Vec<Membership>> {
        self.memberships_in_force(ctx, Role::Partner, self::as_at(ctx, as_at)?)
            .await
    }
    /// The network's TOTAL-segment series of network-level indicators (attestations, local
    /// indicators) over a window; null with FORBIDDEN outside your scope.
    async fn indicator_series(
        &self,
        ctx: &Context<'_>,
        codes: Vec<String>,
        from: Date,
        to: Date,
    ) -> Nullable<Vec<IndicatorSeries>> {
        nullable(
            async {
                let scope = crate::context::scope(ctx).await?;
                if !(scope.everything || scope.networks.contains(&self.0.code)) {
                    return Err(crate::error::AppError::forbidden(
                        "Your grants do not reach this network's own values; use indicatorAggregate or \
                         indicatorBenchmark.",
                    )
                    .into());
                }
                Ok(Some(
                    load_series(ctx, self.0.code.clone(), codes, from, to).await?,
                ))
            }
            .await,
        )
    }
    /// Every membership row, past, present and scheduled.
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Vec<Membership>> {
        let rows = loaders(ctx)?
            .load_one(MembershipsOfNetwork(self.0.code.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Membership).collect())
    }
    /// The ICBs whose populations the network serves on `asAt` (default: today).
    async fn footprint(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Result<Vec<FootprintRow>> {
        let date = self::as_at(ctx, as_at)?;
        let rows = loaders(ctx)?
            .load_one(FootprintOfNetwork(self.0.code.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .filter(|r| in_force(r.valid_from, r.valid_to, date))
            .map(FootprintRow)
            .collect())
    }
    /// Every footprint row, past, present and scheduled.
    async fn footprint_history(&self, ctx: &Context<'_>) -> Result<Vec<FootprintRow>> {
        let rows = loaders(ctx)?
            .load_one(FootprintOfNetwork(self.0.code.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(FootprintRow).collect())
    }
}

impl Network {
    async fn memberships_in_force(
        &self,
        ctx: &Context<'_>,
        role: Role,
        date: chrono::NaiveDate,
    ) -> Result<Vec<Membership>> {
        let rows = loaders(ctx)?
            .load_one(MembershipsOfNetwork(self.0.code.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .filter(|m| m.role == role && in_force(m.valid_from, m.valid_to, date))
            .map(Membership)
            .collect())
    }
}

/// A provider's membership of a network, as hub or partner, from one date to another.
pub struct Membership(pub network_membership::Model);

#[Object]
impl Membership {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn role(&self) -> MembershipRole {
        self.0.role.into()
    }
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }
    /// Last day of membership; null while open.
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }
    /// Confirmed by a published source; reference hubs marked "likely" are not.
    async fn verified(&self) -> bool {
        self.0.verified
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn provider(&self, ctx: &Context<'_>) -> Result<Provider> {
        let provider = loaders(ctx)?
            .load_required(ProviderByOds(self.0.provider_ods.clone()), "provider")
            .await?;
        Ok(Provider(provider))
    }
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        let network = loaders(ctx)?
            .load_required(NetworkByCode(self.0.network_code.clone()), "network")
            .await?;
        Ok(Network(network))
    }
}

/// The network serves the ICB's population from one date to another.
pub struct FootprintRow(pub network_footprint::Model);

#[Object]
impl FootprintRow {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }
    async fn icb(&self, ctx: &Context<'_>) -> Result<Icb> {
        let icb = loaders(ctx)?
            .load_required(IcbByCode(self.0.icb_code.clone()), "ICB")
            .await?;
        Ok(Icb(icb))
    }
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        let network = loaders(ctx)?
            .load_required(NetworkByCode(self.0.network_code.clone()), "network")
            .await?;
        Ok(Network(network))
    }
}
