use async_graphql::{Context, Object, Result, SimpleObject};

use super::icb::Icb;
use super::network::Network;
use super::provider::Provider;
use crate::auth::{Grant, GrantScope, Role, ScopeKind, Viewer};
use crate::context::loaders;
use crate::context::scope;
use crate::loader::{IcbByCode, NetworkByCode, ProviderByOds};

/// The caller: who the token says it is, its grants, and what they reach today.
pub struct Me(pub Viewer);

#[Object]
impl Me {
    /// The token's subject.
    async fn sub(&self) -> &str {
        &self.0.sub
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn grants(&self) -> Vec<GrantInfo> {
        self.0.grants.iter().map(GrantInfo::from).collect()
    }
    /// Networks in the caller's scope today.
    async fn networks(&self, ctx: &Context<'_>) -> Result<Vec<Network>> {
        let scope = scope(ctx).await?;
        let rows = loaders(ctx)?
            .load_many(scope.networks.iter().cloned().map(NetworkByCode))
            .await?;
        Ok(sorted(rows.into_values().map(Network).collect(), |n| {
            n.0.code.clone()
        }))
    }
    /// ICBs in the caller's scope today.
    async fn icbs(&self, ctx: &Context<'_>) -> Result<Vec<Icb>> {
        let scope = scope(ctx).await?;
        let rows = loaders(ctx)?
            .load_many(scope.icbs.iter().cloned().map(IcbByCode))
            .await?;
        Ok(sorted(rows.into_values().map(Icb).collect(), |i| {
            i.0.code.clone()
        }))
    }
    /// Providers in the caller's scope today.
    async fn providers(&self, ctx: &Context<'_>) -> Result<Vec<Provider>> {
        let scope = scope(ctx).await?;
        let rows = loaders(ctx)?
            .load_many(scope.providers.iter().cloned().map(ProviderByOds))
            .await?;
        Ok(sorted(rows.into_values().map(Provider).collect(), |p| {
            p.0.ods_code.clone()
        }))
    }
}

fn sorted<T>(mut items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    items.sort_by_key(|i| key(i));
    items
}

/// One grant of the caller.
#[derive(SimpleObject)]
pub struct GrantInfo {
    pub role: Role,
    pub scope: ScopeKind,
    /// The organisation code the grant is scoped to; null for national grants.
    pub code: Option<String>,
}

impl From<&Grant> for GrantInfo {
    fn from(g: &Grant) -> Self {
        let code = match &g.scope {
            GrantScope::All => None,
            GrantScope::Region(c)
            | GrantScope::Icb(c)
            | GrantScope::Network(c)
            | GrantScope::Provider(c) => Some(c.clone()),
        };
        GrantInfo {
            role: g.role,
            scope: g.scope.kind(),
            code,
        }
    }
}
