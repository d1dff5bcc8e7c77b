//! A network's governance documents as read.

use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};
use entities::governance_document;

use super::risk::Party;
use crate::context::{loaders, state};
use crate::loader::SignaturesOfDocument;
use crate::scalar::Date;
use crate::service::document as service;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::DocumentKind")]
pub enum DocumentKind {
    TermsOfReference,
    Mou,
    EscalationSop,
    PpvPlan,
    NeedsGapAnalysis,
    WorkforcePlan,
    TrainingPlan,
    DataSharingAgreement,
    DataNeedsPlan,
    ResearchStrategy,
    Pathway,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::DocumentStatus")]
pub enum DocumentStatus {
    InSignature,
    InForce,
    Superseded,
}

pub struct GovernanceDocument(pub governance_document::Model);

#[Object]
impl GovernanceDocument {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn kind(&self) -> DocumentKind {
        self.0.kind.into()
    }
    async fn topic(&self) -> Option<&str> {
        self.0.topic.as_deref()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn version_label(&self) -> &str {
        &self.0.version_label
    }
    async fn link(&self) -> Option<&str> {
        self.0.link.as_deref()
    }
    async fn effective_from(&self) -> Date {
        self.0.effective_from.into()
    }
    async fn review_on(&self) -> Date {
        self.0.review_on.into()
    }
    /// In force and past its review date (Europe/London today).
    async fn review_overdue(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.0.status == entities::enums::DocumentStatus::InForce
            && self.0.review_on < state(ctx)?.clock.today())
    }
    async fn status(&self) -> DocumentStatus {
        self.0.status.into()
    }
    async fn in_force_at(&self) -> Option<DateTime<Utc>> {
        self.0.in_force_at
    }
    /// Each party that must agree it, as the specification names them for its kind, and its
    /// signature.
    async fn parties(&self, ctx: &Context<'_>) -> Result<Vec<DocumentParty>> {
        let signatures = loaders(ctx)?
            .load_one(SignaturesOfDocument(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(service::parties(&self.0)?
            .into_iter()
            .map(|p| {
                let signature = signatures
                    .iter()
                    .find(|s| s.party_kind == p.kind && s.party_code == p.code);
                DocumentParty {
                    kind: p.kind.into(),
                    code: p.code,
                    signed_by_name: signature.map(|s| s.signer_name.clone()),
                    signed_at: signature.map(|s| s.signed_at),
                }
            })
            .collect())
    }
}

#[derive(async_graphql::SimpleObject)]
pub struct DocumentParty {
    kind: Party,
    code: String,
    signed_by_name: Option<String>,
    signed_at: Option<DateTime<Utc>>,
}
