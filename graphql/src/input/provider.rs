use async_graphql::InputObject;

use crate::object::ContactRole;

#[derive(InputObject)]
pub struct ContactInput {
    pub role: ContactRole,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

#[derive(InputObject)]
pub struct SetProviderContactsInput {
    pub ods_code: String,
    /// The complete set, at most one per role; an empty list removes them all.
    pub contacts: Vec<ContactInput>,
    pub reason: String,
}
