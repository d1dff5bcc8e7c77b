use sea_orm::entity::prelude::*;

use crate::enums::{DocumentKind, DocumentStatus};

/// A document on a network's register, with the parties that must agree it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "governance_documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_code: String,
    pub kind: DocumentKind,
    /// For a pathway: what it covers (e.g. "National Suspected Cauda Equina Syndrome Pathway").
    pub topic: Option<String>,
    pub title: String,
    pub version_label: String,
    pub link: Option<String>,
    pub effective_from: Date,
    pub review_on: Date,
    pub status: DocumentStatus,
    /// `[{"kind": "NETWORK"|"ICB"|"PROVIDER", "code"}]`, frozen when registered.
    pub parties: Json,
    pub in_force_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The clock has announced that its review date passed.
    pub review_due_announced: bool,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
