//! The England-and-Wales bank holiday calendar: data, so an administrator can add a one-off
//! holiday announced at short notice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BankHolidays::Table)
                    .col(date(BankHolidays::Date).primary_key())
                    .col(string(BankHolidays::Title))
                    .col(string(BankHolidays::Source))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BankHolidays::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum BankHolidays {
    Table,
    Date,
    Title,
    Source,
}
