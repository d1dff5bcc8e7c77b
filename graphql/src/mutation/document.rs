use async_graphql::{Context, Object, Result};

use crate::context::{scope, state, viewer};
use crate::input::document::RegisterGovernanceDocumentInput;
use crate::input::risk::PartyInput;
use crate::object::document::GovernanceDocument;
use crate::service::document::{self, NewDocument, Signatory};

#[derive(Default)]
pub struct DocumentMutation;

#[Object]
impl DocumentMutation {
    /// Registers a document on a network's register (its NETWORK_MANAGER or
    /// NETWORK_CLINICAL_LEAD); the parties that must agree it are frozen now.
    async fn register_governance_document(
        &self,
        ctx: &Context<'_>,
        input: RegisterGovernanceDocumentInput,
    ) -> Result<GovernanceDocument> {
        let scope = scope(ctx).await?;
        let new = NewDocument {
            network: input.network,
            kind: input.kind.into(),
            topic: input.topic,
            title: input.title,
            version_label: input.version_label,
            link: input.link,
            effective_from: input.effective_from.0,
            review_on: input.review_on.0,
        };
        Ok(GovernanceDocument(
            document::register(state(ctx)?, viewer(ctx)?, &scope, new).await?,
        ))
    }

    /// Signs a document for one of its parties: the network by its NETWORK_CHAIR, an ICB by its
    /// ICB_COMMISSIONER, a provider by its PROVIDER_CEO. The last signature puts it in force.
    async fn sign_governance_document(
        &self,
        ctx: &Context<'_>,
        id: i32,
        party: PartyInput,
    ) -> Result<GovernanceDocument> {
        let scope = scope(ctx).await?;
        let party = Signatory {
            kind: party.kind.into(),
            code: party.code.trim().to_owned(),
        };
        Ok(GovernanceDocument(
            document::sign(state(ctx)?, viewer(ctx)?, &scope, id, party).await?,
        ))
    }
}
