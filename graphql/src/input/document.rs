use async_graphql::InputObject;

use crate::object::document::DocumentKind;
use crate::scalar::Date;

#[derive(InputObject)]
pub struct RegisterGovernanceDocumentInput {
    pub network: String,
    pub kind: DocumentKind,
    /// For a PATHWAY only: what it covers.
    pub topic: Option<String>,
    pub title: String,
    pub version_label: String,
    pub link: Option<String>,
    pub effective_from: Date,
    pub review_on: Date,
}
