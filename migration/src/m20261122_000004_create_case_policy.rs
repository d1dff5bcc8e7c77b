//! The cause-for-concern policy as versioned data (stages, mail rules) and the directory of
//! bodies its letters go to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CaseStages::Table)
                    .col(string_len(CaseStages::Jurisdiction, 16))
                    .col(integer(CaseStages::Version))
                    .col(integer(CaseStages::Stage))
                    .col(text(CaseStages::Action))
                    .col(string_len(CaseStages::ActorRole, 32))
                    .col(integer(CaseStages::LimitWorkingDays))
                    .col(string(CaseStages::Source))
                    .primary_key(
                        Index::create()
                            .col(CaseStages::Jurisdiction)
                            .col(CaseStages::Version)
                            .col(CaseStages::Stage),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseMailRules::Table)
                    .col(pk_auto(CaseMailRules::Id))
                    .col(string_len(CaseMailRules::Jurisdiction, 16))
                    .col(integer(CaseMailRules::Version))
                    .col(integer(CaseMailRules::Stage))
                    .col(string_len(CaseMailRules::Event, 32))
                    .col(json(CaseMailRules::ToParties))
                    .col(json(CaseMailRules::CcParties))
                    .col(string_len(CaseMailRules::Condition, 32))
                    .col(string(CaseMailRules::Source))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("case_mail_rules_stage")
                    .table(CaseMailRules::Table)
                    .col(CaseMailRules::Jurisdiction)
                    .col(CaseMailRules::Version)
                    .col(CaseMailRules::Stage)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Recipients::Table)
                    .col(string_len(Recipients::Key, 24).primary_key())
                    .col(string(Recipients::Name))
                    .col(string_null(Recipients::Email))
                    .col(string(Recipients::Source))
                    .col(timestamp_with_time_zone(Recipients::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Recipients::Table.into_iden(),
            CaseMailRules::Table.into_iden(),
            CaseStages::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum CaseStages {
    Table,
    Jurisdiction,
    Version,
    Stage,
    Action,
    ActorRole,
    LimitWorkingDays,
    Source,
}

#[derive(DeriveIden)]
enum CaseMailRules {
    Table,
    Id,
    Jurisdiction,
    Version,
    Stage,
    Event,
    ToParties,
    CcParties,
    Condition,
    Source,
}

#[derive(DeriveIden)]
enum Recipients {
    Table,
    Key,
    Name,
    Email,
    Source,
    UpdatedAt,
}
