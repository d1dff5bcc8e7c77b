//! Events between processes sharing one SQLite file (`serve` beside `portal tick` or `portal
//! import`): each write that publishes an event also appends it here, in its transaction, and
//! every serving process delivers the rows other processes appended. PostgreSQL carries events
//! with NOTIFY and never writes this table.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventRelay::Table)
                    .col(pk_auto(EventRelay::Id))
                    .col(string_len(EventRelay::Origin, 64))
                    .col(text(EventRelay::Payload))
                    .col(timestamp_with_time_zone(EventRelay::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("event_relay_at")
                    .table(EventRelay::Table)
                    .col(EventRelay::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventRelay::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum EventRelay {
    Table,
    Id,
    Origin,
    Payload,
    At,
}
