use async_graphql::{Context, Object, Result, SimpleObject};

use super::icb::Icb;
use super::network::Network;
use super::provider::Provider;
use crate::auth::{Grant, GrantScope, Role, ScopeKind, Viewer};
use crate::context::{registry, scope};

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
        let (scope, registry) = (scope(ctx).await?, registry(ctx).await?);
        Ok(in_scope(&registry.networks, &scope.networks, Network))
    }
    /// ICBs in the caller's scope today.
    async fn icbs(&self, ctx: &Context<'_>) -> Result<Vec<Icb>> {
        let (scope, registry) = (scope(ctx).await?, registry(ctx).await?);
        Ok(in_scope(&registry.icbs, &scope.icbs, Icb))
    }
    /// Providers in the caller's scope today.
    async fn providers(&self, ctx: &Context<'_>) -> Result<Vec<Provider>> {
        let (scope, registry) = (scope(ctx).await?, registry(ctx).await?);
        Ok(in_scope(&registry.providers, &scope.providers, Provider))
    }
}

/// The rows whose codes the scope holds, by code.
fn in_scope<M: Clone, T>(
    rows: &std::collections::BTreeMap<String, M>,
    codes: &std::collections::BTreeSet<String>,
    wrap: impl Fn(M) -> T,
) -> Vec<T> {
    codes
        .iter()
        .filter_map(|code| rows.get(code))
        .map(|row| wrap(row.clone()))
        .collect()
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
