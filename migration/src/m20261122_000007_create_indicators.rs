//! Indicators (Spinal Services Clinical Network Specification §7 and Appendix 1): the catalogue,
//! the current value of each indicator × organisation × period × segment, the superseded
//! revisions of those values, and the batches that wrote them (who, when, from where, why).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Indicators::Table)
                    .col(string_len(Indicators::Code, 48).primary_key())
                    .col(string(Indicators::Name))
                    .col(string_len(Indicators::IndicatorGroup, 32))
                    .col(string_len(Indicators::Kind, 16))
                    .col(string_len(Indicators::Unit, 32))
                    .col(string_len(Indicators::Direction, 24))
                    .col(double_null(Indicators::Target))
                    .col(string_len(Indicators::Source, 24))
                    .col(string_len(Indicators::Frequency, 16))
                    .col(string_len(Indicators::Level, 16))
                    .col(string_len_null(Indicators::FunnelMethod, 24))
                    .col(integer(Indicators::SpcTrendLength))
                    .col(integer(Indicators::SpcShiftLength))
                    .col(boolean(Indicators::SpcScreenMovingRanges))
                    .col(json(Indicators::SpcRebaseOn))
                    .col(string_len_null(Indicators::Derivation, 32))
                    .col(string_len_null(Indicators::NetworkCode, 32))
                    .col(integer(Indicators::Version))
                    .col(timestamp_with_time_zone(Indicators::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndicatorBatches::Table)
                    .col(pk_auto(IndicatorBatches::Id))
                    .col(string(IndicatorBatches::SubmittedBySub))
                    .col(string(IndicatorBatches::SubmittedByName))
                    .col(timestamp_with_time_zone(IndicatorBatches::SubmittedAt))
                    .col(string(IndicatorBatches::Origin))
                    .col(text_null(IndicatorBatches::Reason))
                    .col(integer(IndicatorBatches::Rows))
                    .col(integer(IndicatorBatches::Created))
                    .col(integer(IndicatorBatches::Revised))
                    .col(integer(IndicatorBatches::Unchanged))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(value_columns(
                Table::create().table(IndicatorValues::Table).to_owned(),
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("indicator_values_key")
                    .table(IndicatorValues::Table)
                    .col(IndicatorValues::IndicatorCode)
                    .col(IndicatorValues::Organisation)
                    .col(IndicatorValues::PeriodStart)
                    .col(IndicatorValues::SegmentKind)
                    .col(IndicatorValues::SegmentValue)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Dashboards read one organisation's TOTAL series of many indicators at once.
        manager
            .create_index(
                Index::create()
                    .name("indicator_values_series")
                    .table(IndicatorValues::Table)
                    .col(IndicatorValues::Organisation)
                    .col(IndicatorValues::SegmentKind)
                    .col(IndicatorValues::IndicatorCode)
                    .col(IndicatorValues::PeriodStart)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                value_columns(
                    Table::create()
                        .table(IndicatorValueRevisions::Table)
                        .to_owned(),
                )
                .col(timestamp_with_time_zone(
                    IndicatorValueRevisions::SupersededAt,
                ))
                .col(integer(IndicatorValueRevisions::SupersededByBatch))
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("indicator_value_revisions_key")
                    .table(IndicatorValueRevisions::Table)
                    .col(IndicatorValues::IndicatorCode)
                    .col(IndicatorValues::Organisation)
                    .col(IndicatorValues::PeriodStart)
                    .to_owned(),
            )
            .await?;
        // Superseded revisions and the batches that wrote values are history.
        for table in HISTORY {
            crate::append_only::protect(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in HISTORY {
            crate::append_only::unprotect(manager, table).await?;
        }
        for table in [
            IndicatorValueRevisions::Table.into_iden(),
            IndicatorValues::Table.into_iden(),
            IndicatorBatches::Table.into_iden(),
            Indicators::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

const HISTORY: [&str; 2] = ["indicator_value_revisions", "indicator_batches"];

/// The columns a value and a superseded revision of it share.
fn value_columns(mut table: TableCreateStatement) -> TableCreateStatement {
    table
        .col(pk_auto(IndicatorValues::Id))
        .col(string_len(IndicatorValues::IndicatorCode, 48))
        .col(string_len(IndicatorValues::Organisation, 32))
        .col(date(IndicatorValues::PeriodStart))
        .col(string_len(IndicatorValues::SegmentKind, 24))
        .col(string_len(IndicatorValues::SegmentValue, 24))
        .col(double_null(IndicatorValues::Numerator))
        .col(double_null(IndicatorValues::Denominator))
        .col(double_null(IndicatorValues::Value))
        .col(string_len(IndicatorValues::Status, 16))
        .col(integer(IndicatorValues::Revision))
        .col(integer(IndicatorValues::BatchId))
        .col(string(IndicatorValues::SubmittedBySub))
        .col(string(IndicatorValues::SubmittedByName))
        .col(timestamp_with_time_zone(IndicatorValues::SubmittedAt));
    table
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Code,
    Name,
    IndicatorGroup,
    Kind,
    Unit,
    Direction,
    Target,
    Source,
    Frequency,
    Level,
    FunnelMethod,
    SpcTrendLength,
    SpcShiftLength,
    SpcScreenMovingRanges,
    SpcRebaseOn,
    Derivation,
    NetworkCode,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IndicatorBatches {
    Table,
    Id,
    SubmittedBySub,
    SubmittedByName,
    SubmittedAt,
    Origin,
    Reason,
    Rows,
    Created,
    Revised,
    Unchanged,
}

#[derive(DeriveIden)]
enum IndicatorValues {
    Table,
    Id,
    IndicatorCode,
    Organisation,
    PeriodStart,
    SegmentKind,
    SegmentValue,
    Numerator,
    Denominator,
    Value,
    Status,
    Revision,
    BatchId,
    SubmittedBySub,
    SubmittedByName,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum IndicatorValueRevisions {
    Table,
    SupersededAt,
    SupersededByBatch,
}
