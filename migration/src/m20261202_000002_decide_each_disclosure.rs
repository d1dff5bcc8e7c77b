//! The whole stage-5 decision, the commissioners' view by the CEO's record, and the allocated
//! HQIP Associate Director (BSR Cause for Concern Policy, January 2026, Tables 1-2, stages 1
//! and 5).
//!
//! - `case_disclosure_rules`: which parts of the joint stage-5 decision each policy version
//!   decides (policy data, loaded from `case_disclosure_rules.csv`).
//! - `case_disclosure_decisions` replaces `case_decisions`: one row per decider and part, each
//!   with its justification and, for a college part, the colleges it names. An existing half
//!   becomes the `REGISTRY_INFORMS_REGULATOR` part it was.
//! - `cases` gains when the CEO recorded informing the commissioners, and the allocated AD.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CaseDisclosureRules::Table)
                    .col(string_len(CaseDisclosureRules::Jurisdiction, 16))
                    .col(integer(CaseDisclosureRules::Version))
                    .col(string_len(CaseDisclosureRules::Part, 40))
                    .col(text(CaseDisclosureRules::Source))
                    .primary_key(
                        Index::create()
                            .col(CaseDisclosureRules::Jurisdiction)
                            .col(CaseDisclosureRules::Version)
                            .col(CaseDisclosureRules::Part),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseDisclosureDecisions::Table)
                    .col(integer(CaseDisclosureDecisions::CaseId))
                    .col(string_len(CaseDisclosureDecisions::DeciderRole, 32))
                    .col(string_len(CaseDisclosureDecisions::Part, 40))
                    .col(string(CaseDisclosureDecisions::DeciderSub))
                    .col(string(CaseDisclosureDecisions::DeciderName))
                    .col(boolean(CaseDisclosureDecisions::Inform))
                    .col(json(CaseDisclosureDecisions::RoyalColleges))
                    .col(text(CaseDisclosureDecisions::Justification))
                    .col(timestamp_with_time_zone(CaseDisclosureDecisions::DecidedAt))
                    .primary_key(
                        Index::create()
                            .col(CaseDisclosureDecisions::CaseId)
                            .col(CaseDisclosureDecisions::DeciderRole)
                            .col(CaseDisclosureDecisions::Part),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                CaseDisclosureDecisions::Table,
                                CaseDisclosureDecisions::CaseId,
                            )
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO case_disclosure_decisions (case_id, decider_role, part, decider_sub, \
             decider_name, inform, royal_colleges, justification, decided_at) \
             SELECT case_id, decider_role, 'REGISTRY_INFORMS_REGULATOR', decider_sub, \
             decider_name, inform_regulator, '[]', rationale, decided_at FROM case_decisions",
        )
        .await?;
        manager
            .drop_table(Table::drop().table(CaseDecisions::Table).to_owned())
            .await?;
        for column in [
            timestamp_with_time_zone_null(Cases::CommissionersInformedAt),
            string_null(Cases::AssociateDirectorSub),
            string_null(Cases::AssociateDirectorName),
            string_len_null(Cases::AssociateDirectorEmail, 254),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Cases::AssociateDirectorEmail,
            Cases::AssociateDirectorName,
            Cases::AssociateDirectorSub,
            Cases::CommissionersInformedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(CaseDecisions::Table)
                    .col(integer(CaseDecisions::CaseId))
                    .col(string_len(CaseDecisions::DeciderRole, 32))
                    .col(string(CaseDecisions::DeciderSub))
                    .col(string(CaseDecisions::DeciderName))
                    .col(boolean(CaseDecisions::InformRegulator))
                    .col(text(CaseDecisions::Rationale))
                    .col(timestamp_with_time_zone(CaseDecisions::DecidedAt))
                    .primary_key(
                        Index::create()
                            .col(CaseDecisions::CaseId)
                            .col(CaseDecisions::DeciderRole),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseDecisions::Table, CaseDecisions::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO case_decisions (case_id, decider_role, decider_sub, decider_name, \
                 inform_regulator, rationale, decided_at) SELECT case_id, decider_role, \
                 decider_sub, decider_name, inform, justification, decided_at FROM \
                 case_disclosure_decisions WHERE part = 'REGISTRY_INFORMS_REGULATOR'",
            )
            .await?;
        // Version 2 of the policy needs these tables: it goes with them (its cases fall back to
        // version 1, whose stages are the same), and migrating up again loads it afresh.
        for statement in [
            "UPDATE cases SET policy_version = 1 WHERE policy_version = 2",
            "DELETE FROM case_stages WHERE version = 2",
            "DELETE FROM case_mail_rules WHERE version = 2",
            "DELETE FROM recipients WHERE key IN ('RCS_ENGLAND', 'RCS_EDINBURGH', 'RCP_LONDON', 'RCR', 'RCOA')",
            "DELETE FROM reference_loads WHERE dataset IN ('policy/case_stages@2', \
             'policy/case_mail_rules@2', 'policy/recipients@2', 'policy/case_disclosure_rules@1')",
        ] {
            manager
                .get_connection()
                .execute_unprepared(statement)
                .await?;
        }
        for table in [
            CaseDisclosureDecisions::Table.into_iden(),
            CaseDisclosureRules::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    CommissionersInformedAt,
    AssociateDirectorSub,
    AssociateDirectorName,
    AssociateDirectorEmail,
}

#[derive(DeriveIden)]
enum CaseDecisions {
    Table,
    CaseId,
    DeciderRole,
    DeciderSub,
    DeciderName,
    InformRegulator,
    Rationale,
    DecidedAt,
}

#[derive(DeriveIden)]
enum CaseDisclosureDecisions {
    Table,
    CaseId,
    DeciderRole,
    Part,
    DeciderSub,
    DeciderName,
    Inform,
    RoyalColleges,
    Justification,
    DecidedAt,
}

#[derive(DeriveIden)]
enum CaseDisclosureRules {
    Table,
    Jurisdiction,
    Version,
    Part,
    Source,
}
