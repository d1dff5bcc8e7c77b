//! The append-only audit log of changes to reference data.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEntries::Table)
                    .col(big_pk_auto(AuditEntries::Id))
                    .col(timestamp_with_time_zone(AuditEntries::At))
                    .col(string(AuditEntries::ActorSub))
                    .col(string(AuditEntries::ActorName))
                    .col(string_len(AuditEntries::Action, 64))
                    .col(string_len(AuditEntries::EntityType, 64))
                    .col(string(AuditEntries::EntityKey))
                    .col(json_null(AuditEntries::Before))
                    .col(json_null(AuditEntries::After))
                    .col(text_null(AuditEntries::Reason))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_entries_entity")
                    .table(AuditEntries::Table)
                    .col(AuditEntries::EntityType)
                    .col(AuditEntries::EntityKey)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEntries::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    Id,
    At,
    ActorSub,
    ActorName,
    Action,
    EntityType,
    EntityKey,
    Before,
    After,
    Reason,
}
