use async_graphql::{Context, Object, Result};

use crate::context::state;
use crate::context::viewer;
use crate::input::policy::SetRecipientAddressInput;
use crate::object::policy::Recipient;
use crate::service::policy;

#[derive(Default)]
pub struct PolicyMutation;

#[Object]
impl PolicyMutation {
    /// Sets a body's address in the recipient directory (national administrators).
    async fn set_recipient_address(
        &self,
        ctx: &Context<'_>,
        input: SetRecipientAddressInput,
    ) -> Result<Recipient> {
        let saved = policy::set_recipient_address(
            state(ctx)?,
            viewer(ctx)?,
            input.key.into(),
            input.email.as_deref(),
            &input.reason,
        )
        .await?;
        Ok(Recipient(saved))
    }
}
