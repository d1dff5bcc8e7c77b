use async_graphql::{Context, Object, Result};
use entities::enums::MembershipRole as Role;
use entities::{network, network_footprint, network_membership};

use super::MembershipRole;
use super::icb::Icb;
use super::indicator::{IndicatorSeries, load_series};
use super::provider::Provider;
use super::region::Region;
use crate::context::{as_at, registry};
use crate::dated::in_force;
use crate::error::{Nullable, nullable};
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
        let registry = registry(ctx).await?;
        Ok(Region(registry.region(&self.0.lead_region_code)?.clone()))
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
                Ok(registry(ctx)
                    .await?
                    .networks
                    .get(code)
                    .cloned()
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
        let registry = registry(ctx).await?;
        Ok(registry
            .memberships_of_network(&self.0.code)
            .iter()
            .cloned()
            .map(Membership)
            .collect())
    }
    /// The ICBs whose populations the network serves on `asAt` (default: today).
    async fn footprint(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Result<Vec<FootprintRow>> {
        let date = self::as_at(ctx, as_at)?;
        let registry = registry(ctx).await?;
        Ok(registry
            .footprint_of_network(&self.0.code)
            .iter()
            .filter(|r| in_force(r.valid_from, r.valid_to, date))
            .cloned()
            .map(FootprintRow)
            .collect())
    }
    /// Every footprint row, past, present and scheduled.
    async fn footprint_history(&self, ctx: &Context<'_>) -> Result<Vec<FootprintRow>> {
        let registry = registry(ctx).await?;
        Ok(registry
            .footprint_of_network(&self.0.code)
            .iter()
            .cloned()
            .map(FootprintRow)
            .collect())
    }
}

impl Network {
    /// The network `code`, which a row refers to: `NOT_FOUND` when there is none.
    pub async fn of(ctx: &Context<'_>, code: &str) -> Result<Network> {
        Ok(Network(registry(ctx).await?.network(code)?.clone()))
    }

    async fn memberships_in_force(
        &self,
        ctx: &Context<'_>,
        role: Role,
        date: chrono::NaiveDate,
    ) -> Result<Vec<Membership>> {
        let registry = registry(ctx).await?;
        Ok(registry
            .memberships_of_network(&self.0.code)
            .iter()
            .filter(|m| m.role == role && in_force(m.valid_from, m.valid_to, date))
            .cloned()
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
        let registry = registry(ctx).await?;
        Ok(Provider(registry.provider(&self.0.provider_ods)?.clone()))
    }
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        Network::of(ctx, &self.0.network_code).await
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
        let registry = registry(ctx).await?;
        Ok(Icb(registry.icb(&self.0.icb_code)?.clone()))
    }
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        Network::of(ctx, &self.0.network_code).await
    }
}
