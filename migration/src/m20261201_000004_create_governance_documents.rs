//! The register of a network's agreed documents (Spinal Services Clinical Network
//! Specification §5.1: "memoranda of understanding between ICBs, providers and the network";
//! §5.3 escalation; §7.1 the generic indicators "There is an agreed plan for patient and public
//! voice engagement" … "a network agreed research strategy"): each document's version, dates,
//! the parties that must agree it, and their signatures (append-only). The eight generic
//! indicators that such a document proves become derived by the portal.

use sea_orm_migration::{prelude::*, schema::*};

use crate::append_only::{protect, unprotect};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The generic indicators a document in force proves, and the derivation naming its kind.
const DERIVED: [(&str, &str); 8] = [
    ("GENERIC_PATIENT_PUBLIC_VOICE", "DOCUMENT_PPV_PLAN"),
    ("GENERIC_NEEDS_GAP_ANALYSIS", "DOCUMENT_NEEDS_GAP_ANALYSIS"),
    ("GENERIC_AGREED_PATHWAYS", "DOCUMENT_PATHWAYS"),
    ("GENERIC_WORKFORCE_PLAN", "DOCUMENT_WORKFORCE_PLAN"),
    ("GENERIC_TRAINING_PLAN", "DOCUMENT_TRAINING_PLAN"),
    (
        "GENERIC_DATA_SHARING_AGREEMENTS",
        "DOCUMENT_DATA_SHARING_AGREEMENT",
    ),
    ("GENERIC_DATA_NEEDS_PLAN", "DOCUMENT_DATA_NEEDS_PLAN"),
    ("GENERIC_RESEARCH_STRATEGY", "DOCUMENT_RESEARCH_STRATEGY"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(GovernanceDocuments::Table)
                    .col(pk_auto(GovernanceDocuments::Id))
                    .col(string_len(GovernanceDocuments::NetworkCode, 32))
                    .col(string_len(GovernanceDocuments::Kind, 32))
                    .col(string_null(GovernanceDocuments::Topic))
                    .col(string(GovernanceDocuments::Title))
                    .col(string_len(GovernanceDocuments::VersionLabel, 32))
                    .col(string_len_null(GovernanceDocuments::Link, 2000))
                    .col(date(GovernanceDocuments::EffectiveFrom))
                    .col(date(GovernanceDocuments::ReviewOn))
                    .col(string_len(GovernanceDocuments::Status, 16))
                    .col(json(GovernanceDocuments::Parties))
                    .col(timestamp_with_time_zone_null(
                        GovernanceDocuments::InForceAt,
                    ))
                    .col(timestamp_with_time_zone(GovernanceDocuments::CreatedAt))
                    .col(integer(GovernanceDocuments::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("governance_documents_network_kind")
                    .table(GovernanceDocuments::Table)
                    .col(GovernanceDocuments::NetworkCode)
                    .col(GovernanceDocuments::Kind)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DocumentSignatures::Table)
                    .col(pk_auto(DocumentSignatures::Id))
                    .col(integer(DocumentSignatures::DocumentId))
                    .col(string_len(DocumentSignatures::PartyKind, 16))
                    .col(string_len(DocumentSignatures::PartyCode, 32))
                    .col(string(DocumentSignatures::SignerSub))
                    .col(string(DocumentSignatures::SignerName))
                    .col(timestamp_with_time_zone(DocumentSignatures::SignedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DocumentSignatures::Table, DocumentSignatures::DocumentId)
                            .to(GovernanceDocuments::Table, GovernanceDocuments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One signature per party: two signing for the same party at once do not both land.
        manager
            .create_index(
                Index::create()
                    .name("document_signatures_party")
                    .table(DocumentSignatures::Table)
                    .col(DocumentSignatures::DocumentId)
                    .col(DocumentSignatures::PartyKind)
                    .col(DocumentSignatures::PartyCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        protect(manager, "document_signatures").await?;
        for (code, derivation) in DERIVED {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "UPDATE indicators SET source = 'PORTAL', derivation = '{derivation}' WHERE code = '{code}'"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (code, _) in DERIVED {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "UPDATE indicators SET source = 'NETWORK', derivation = NULL WHERE code = '{code}'"
                ))
                .await?;
        }
        unprotect(manager, "document_signatures").await?;
        for table in [
            DocumentSignatures::Table.into_iden(),
            GovernanceDocuments::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum GovernanceDocuments {
    Table,
    Id,
    NetworkCode,
    Kind,
    Topic,
    Title,
    VersionLabel,
    Link,
    EffectiveFrom,
    ReviewOn,
    Status,
    Parties,
    InForceAt,
    CreatedAt,
    Version,
}

#[derive(DeriveIden)]
enum DocumentSignatures {
    Table,
    Id,
    DocumentId,
    PartyKind,
    PartyCode,
    SignerSub,
    SignerName,
    SignedAt,
}
