use async_graphql::InputObject;

use crate::object::policy::MailParty;

#[derive(InputObject)]
pub struct SetRecipientAddressInput {
    pub key: MailParty,
    /// Null (or empty) clears the address.
    pub email: Option<String>,
    pub reason: String,
}
