use async_graphql::{Context, Object, Result};

use crate::context::state;
use crate::context::viewer;
use crate::input::provider::SetProviderContactsInput;
use crate::object::provider::Provider;
use crate::service::provider::{self, ContactChoice};

#[derive(Default)]
pub struct ProviderMutation;

#[Object]
impl ProviderMutation {
    /// Replaces a provider's named contacts (national administrators).
    async fn set_provider_contacts(
        &self,
        ctx: &Context<'_>,
        input: SetProviderContactsInput,
    ) -> Result<Provider> {
        let contacts = input
            .contacts
            .into_iter()
            .map(|c| ContactChoice {
                role: c.role.into(),
                name: c.name,
                email: c.email,
                phone: c.phone,
            })
            .collect();
        let model = provider::set_contacts(
            state(ctx)?,
            viewer(ctx)?,
            &input.ods_code,
            contacts,
            &input.reason,
        )
        .await?;
        Ok(Provider(model))
    }
}
