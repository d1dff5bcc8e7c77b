use async_graphql::{Context, Object, Result};

use crate::context::viewer;
use crate::context::{as_at, registry};
use crate::error::{Nullable, nullable};
use crate::object::provider::Provider;
use crate::object::{MembershipRole, Nation};
use crate::pagination::{Page, paginate};
use crate::scalar::Date;
use crate::service;
use crate::service::provider::ProviderFilter;

#[derive(Default)]
pub struct ProviderQuery;

#[Object]
impl ProviderQuery {
    /// Providers; `network` and `role` look at memberships in force on `asAt` (default: today).
    #[allow(clippy::too_many_arguments)]
    async fn providers(
        &self,
        ctx: &Context<'_>,
        network: Option<String>,
        role: Option<MembershipRole>,
        nation: Option<Nation>,
        as_at: Option<Date>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Provider>> {
        viewer(ctx)?;
        let filter = ProviderFilter {
            as_at: self::as_at(ctx, as_at)?,
            network: network.as_deref(),
            role: role.map(Into::into),
            nation: nation.map(Into::into),
        };
        let rows = service::provider::list(&*registry(ctx).await?, filter)?;
        Ok(paginate(
            rows,
            first,
            after,
            |p| p.ods_code.clone(),
            Provider,
        )?)
    }

    /// One provider by ODS code; null with NOT_FOUND when there is none.
    async fn provider(&self, ctx: &Context<'_>, ods_code: String) -> Nullable<Provider> {
        nullable(
            async {
                viewer(ctx)?;
                let registry = registry(ctx).await?;
                Ok(Some(Provider(registry.provider(&ods_code)?.clone())))
            }
            .await,
        )
    }
}
