use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entities::{provider, provider_contact};

use super::network::{Membership, Network};
use super::{ContactRole, MembershipRole, Nation};
use crate::context::scope;
use crate::context::{as_at, loaders, registry};
use crate::dated::in_force;
use crate::error::{AppError, Nullable, nullable};
use crate::loader::ContactsOfProvider;
use crate::object::indicator::{IndicatorSeries, load_series};
use crate::scalar::Date;

/// An organisation delivering spinal care.
pub struct Provider(pub provider::Model);

#[Object]
impl Provider {
    /// ODS code, e.g. `RHM`.
    async fn ods_code(&self) -> &str {
        &self.0.ods_code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// England or Wales: the cause-for-concern process differs (BSR Cause for Concern Policy,
    /// January 2026, Tables 1 and 2).
    async fn nation(&self) -> Nation {
        self.0.nation.into()
    }
    /// Part of the synthetic demo layer: not a real organisation.
    async fn synthetic(&self) -> bool {
        self.0.synthetic
    }
    /// The network the provider belongs to on `asAt` (default: today).
    async fn network(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Nullable<Network> {
        nullable(
            async {
                let Some(membership) = self.membership_on(ctx, self::as_at(ctx, as_at)?).await?
                else {
                    return Ok(None);
                };
                let registry = registry(ctx).await?;
                Ok(registry
                    .networks
                    .get(&membership.0.network_code)
                    .cloned()
                    .map(Network))
            }
            .await,
        )
    }
    /// Hub or partner on `asAt` (default: today); null when in no network.
    async fn role(&self, ctx: &Context<'_>, as_at: Option<Date>) -> Nullable<MembershipRole> {
        nullable(
            async {
                Ok(self
                    .membership_on(ctx, self::as_at(ctx, as_at)?)
                    .await?
                    .map(|m| m.0.role.into()))
            }
            .await,
        )
    }
    /// Every membership row of the provider.
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Vec<Membership>> {
        let registry = registry(ctx).await?;
        Ok(registry
            .memberships_of_provider(&self.0.ods_code)
            .iter()
            .cloned()
            .map(Membership)
            .collect())
    }
    /// Lead Clinician, CEO and Medical Director. Personal data: national administrators, the
    /// registry, HQIP, the provider's own staff and its network's managers see them; anyone else
    /// gets null with FORBIDDEN.
    async fn contacts(&self, ctx: &Context<'_>) -> Nullable<Vec<ProviderContact>> {
        nullable(
            async {
                if !scope(ctx).await?.may_read_contacts_of(&self.0.ods_code) {
                    return Err(AppError::forbidden(
                        "Provider contacts are personal data: only national administrators, the registry, \
                         HQIP, the provider's own staff and its network's managers may read them.",
                    )
                    .into());
                }
                let rows = loaders(ctx)?
                    .load_one(ContactsOfProvider(self.0.ods_code.clone()))
                    .await?
                    .unwrap_or_default();
                Ok(Some(rows.into_iter().map(ProviderContact).collect()))
            }
            .await,
        )
    }
    /// The provider's TOTAL-segment series of up to 60 indicators over a window of period
    /// starts, for dashboards: one statement per request level however many providers ask.
    /// Null with FORBIDDEN outside your scope.
    async fn indicator_series(
        &self,
        ctx: &Context<'_>,
        codes: Vec<String>,
        from: Date,
        to: Date,
    ) -> Nullable<Vec<IndicatorSeries>> {
        nullable(
            async {
                if !scope(ctx).await?.reaches_provider(&self.0.ods_code) {
                    return Err(AppError::forbidden(
                        "Your grants do not reach this provider's own values; use indicatorAggregate or \
                         indicatorBenchmark.",
                    )
                    .into());
                }
                Ok(Some(
                    load_series(ctx, self.0.ods_code.clone(), codes, from, to).await?,
                ))
            }
            .await,
        )
    }
}

impl Provider {
    /// The provider a nullable reference names, when it names one.
    pub async fn of(ctx: &Context<'_>, ods: Option<&str>) -> Result<Option<Provider>> {
        let Some(ods) = ods else {
            return Ok(None);
        };
        let registry = registry(ctx).await?;
        Ok(registry.providers.get(ods).cloned().map(Provider))
    }

    async fn membership_on(
        &self,
        ctx: &Context<'_>,
        date: chrono::NaiveDate,
    ) -> Result<Option<Membership>> {
        let registry = registry(ctx).await?;
        Ok(registry
            .memberships_of_provider(&self.0.ods_code)
            .iter()
            .find(|m| in_force(m.valid_from, m.valid_to, date))
            .cloned()
            .map(Membership))
    }
}

/// A named person at a provider.
pub struct ProviderContact(pub provider_contact::Model);

#[Object]
impl ProviderContact {
    async fn role(&self) -> ContactRole {
        self.0.role.into()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
