//! Annual workplans and annual reports (Spinal Services Clinical Network Specification §4.4
//! "Annual workplan", §5.1 "Accountability", §6 "Resources", §7.1): each version of a network's
//! plan for a financial year with its objectives and deliverables, the deliverables' linked
//! indicators and dated progress, the append-only chain of decisions (board, submission, each
//! ICB, the region), quarterly progress reports, and the annual report with its financial
//! statement.

use sea_orm_migration::{prelude::*, schema::*};

use crate::append_only::{protect, unprotect};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows are history once written.
const APPEND_ONLY: [&str; 2] = ["workplan_decisions", "workplan_deliverable_updates"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Workplans::Table)
                    .col(pk_auto(Workplans::Id))
                    .col(string_len(Workplans::NetworkCode, 32))
                    .col(integer(Workplans::FinancialYear))
                    .col(integer(Workplans::VersionNo))
                    .col(string_len(Workplans::Status, 24))
                    // 1 while the version is being prepared or agreed, NULL once signed off or
                    // superseded: the unique index below allows one such version per network
                    // and year on both databases (NULLs are distinct).
                    .col(integer_null(Workplans::OpenSlot))
                    .col(json(Workplans::Priorities))
                    .col(json(Workplans::Resources))
                    .col(integer(Workplans::SubmissionRound))
                    .col(json(Workplans::FrozenIcbs))
                    .col(date_null(Workplans::FrozenOn))
                    .col(text_null(Workplans::ReturnedComments))
                    .col(integer_null(Workplans::SupersedesId))
                    .col(text_null(Workplans::ChangeReason))
                    .col(string(Workplans::CreatedBySub))
                    .col(timestamp_with_time_zone(Workplans::CreatedAt))
                    .col(timestamp_with_time_zone(Workplans::UpdatedAt))
                    .col(integer(Workplans::Version))
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            (
                "workplans_network_year_version",
                vec![
                    Workplans::NetworkCode,
                    Workplans::FinancialYear,
                    Workplans::VersionNo,
                ],
                true,
            ),
            (
                "workplans_one_open_version",
                vec![
                    Workplans::NetworkCode,
                    Workplans::FinancialYear,
                    Workplans::OpenSlot,
                ],
                true,
            ),
            ("workplans_year", vec![Workplans::FinancialYear], false),
        ] {
            let mut index = Index::create();
            index.name(name).table(Workplans::Table);
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(WorkplanObjectives::Table)
                    .col(pk_auto(WorkplanObjectives::Id))
                    .col(integer(WorkplanObjectives::WorkplanId))
                    .col(string_len(WorkplanObjectives::Function, 24))
                    .col(string(WorkplanObjectives::Title))
                    .col(integer(WorkplanObjectives::Position))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WorkplanObjectives::Table, WorkplanObjectives::WorkplanId)
                            .to(Workplans::Table, Workplans::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkplanDeliverables::Table)
                    .col(pk_auto(WorkplanDeliverables::Id))
                    .col(integer(WorkplanDeliverables::WorkplanId))
                    .col(integer(WorkplanDeliverables::ObjectiveId))
                    .col(string_len(WorkplanDeliverables::Reference, 16))
                    .col(string(WorkplanDeliverables::Title))
                    .col(text(WorkplanDeliverables::ExpectedBenefits))
                    .col(string(WorkplanDeliverables::Owner))
                    .col(date(WorkplanDeliverables::DueOn))
                    .col(boolean(WorkplanDeliverables::QualityImprovement))
                    .col(string_len(WorkplanDeliverables::Status, 8))
                    .col(boolean(WorkplanDeliverables::PastDueFlagged))
                    .col(integer(WorkplanDeliverables::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                WorkplanDeliverables::Table,
                                WorkplanDeliverables::WorkplanId,
                            )
                            .to(Workplans::Table, Workplans::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                WorkplanDeliverables::Table,
                                WorkplanDeliverables::ObjectiveId,
                            )
                            .to(WorkplanObjectives::Table, WorkplanObjectives::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("workplan_deliverables_reference")
                    .table(WorkplanDeliverables::Table)
                    .col(WorkplanDeliverables::WorkplanId)
                    .col(WorkplanDeliverables::Reference)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkplanDeliverableIndicators::Table)
                    .col(pk_auto(WorkplanDeliverableIndicators::Id))
                    .col(integer(WorkplanDeliverableIndicators::DeliverableId))
                    .col(string_len(WorkplanDeliverableIndicators::IndicatorCode, 48))
                    .col(double_null(WorkplanDeliverableIndicators::Baseline))
                    .col(double_null(WorkplanDeliverableIndicators::Target))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                WorkplanDeliverableIndicators::Table,
                                WorkplanDeliverableIndicators::DeliverableId,
                            )
                            .to(WorkplanDeliverables::Table, WorkplanDeliverables::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("workplan_deliverable_indicators_deliverable")
                    .table(WorkplanDeliverableIndicators::Table)
                    .col(WorkplanDeliverableIndicators::DeliverableId)
                    .col(WorkplanDeliverableIndicators::IndicatorCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkplanDeliverableUpdates::Table)
                    .col(pk_auto(WorkplanDeliverableUpdates::Id))
                    .col(integer(WorkplanDeliverableUpdates::DeliverableId))
                    .col(string_len(WorkplanDeliverableUpdates::Status, 8))
                    .col(text(WorkplanDeliverableUpdates::Note))
                    .col(string(WorkplanDeliverableUpdates::RecordedBySub))
                    .col(string(WorkplanDeliverableUpdates::RecordedByName))
                    .col(timestamp_with_time_zone(
                        WorkplanDeliverableUpdates::RecordedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                WorkplanDeliverableUpdates::Table,
                                WorkplanDeliverableUpdates::DeliverableId,
                            )
                            .to(WorkplanDeliverables::Table, WorkplanDeliverables::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("workplan_deliverable_updates_deliverable")
                    .table(WorkplanDeliverableUpdates::Table)
                    .col(WorkplanDeliverableUpdates::DeliverableId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkplanDecisions::Table)
                    .col(pk_auto(WorkplanDecisions::Id))
                    .col(integer(WorkplanDecisions::WorkplanId))
                    .col(integer(WorkplanDecisions::Round))
                    .col(string_len(WorkplanDecisions::Kind, 24))
                    .col(string_len_null(WorkplanDecisions::IcbCode, 16))
                    .col(text_null(WorkplanDecisions::Citation))
                    .col(text_null(WorkplanDecisions::Comments))
                    .col(string(WorkplanDecisions::DecidedBySub))
                    .col(string(WorkplanDecisions::DecidedByName))
                    .col(timestamp_with_time_zone(WorkplanDecisions::DecidedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WorkplanDecisions::Table, WorkplanDecisions::WorkplanId)
                            .to(Workplans::Table, Workplans::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One decision per ICB per submission: a second agreement by the same ICB loses here
        // even when two arrive at once.
        manager
            .create_index(
                Index::create()
                    .name("workplan_decisions_one_per_icb")
                    .table(WorkplanDecisions::Table)
                    .col(WorkplanDecisions::WorkplanId)
                    .col(WorkplanDecisions::Round)
                    .col(WorkplanDecisions::IcbCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkplanProgressReports::Table)
                    .col(pk_auto(WorkplanProgressReports::Id))
                    .col(integer(WorkplanProgressReports::WorkplanId))
                    .col(string_len(WorkplanProgressReports::NetworkCode, 32))
                    .col(integer(WorkplanProgressReports::FinancialYear))
                    .col(integer(WorkplanProgressReports::Quarter))
                    .col(text(WorkplanProgressReports::Narrative))
                    .col(json(WorkplanProgressReports::Snapshot))
                    .col(string(WorkplanProgressReports::SubmittedBySub))
                    .col(string(WorkplanProgressReports::SubmittedByName))
                    .col(timestamp_with_time_zone(
                        WorkplanProgressReports::SubmittedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                WorkplanProgressReports::Table,
                                WorkplanProgressReports::WorkplanId,
                            )
                            .to(Workplans::Table, Workplans::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("workplan_progress_reports_quarter")
                    .table(WorkplanProgressReports::Table)
                    .col(WorkplanProgressReports::NetworkCode)
                    .col(WorkplanProgressReports::FinancialYear)
                    .col(WorkplanProgressReports::Quarter)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AnnualReports::Table)
                    .col(pk_auto(AnnualReports::Id))
                    .col(string_len(AnnualReports::NetworkCode, 32))
                    .col(integer(AnnualReports::FinancialYear))
                    .col(integer_null(AnnualReports::WorkplanId))
                    .col(string_len(AnnualReports::Status, 16))
                    .col(text(AnnualReports::Activities))
                    .col(json(AnnualReports::Delivery))
                    .col(json_null(AnnualReports::Outcomes))
                    .col(json_null(AnnualReports::FinancialStatement))
                    .col(text_null(AnnualReports::BoardMeeting))
                    .col(string_null(AnnualReports::ApprovedByName))
                    .col(timestamp_with_time_zone_null(AnnualReports::ApprovedAt))
                    .col(string_null(AnnualReports::PublishedByName))
                    .col(timestamp_with_time_zone_null(AnnualReports::PublishedAt))
                    .col(timestamp_with_time_zone(AnnualReports::CreatedAt))
                    .col(timestamp_with_time_zone(AnnualReports::UpdatedAt))
                    .col(integer(AnnualReports::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("annual_reports_network_year")
                    .table(AnnualReports::Table)
                    .col(AnnualReports::NetworkCode)
                    .col(AnnualReports::FinancialYear)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for table in APPEND_ONLY {
            protect(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in APPEND_ONLY {
            unprotect(manager, table).await?;
        }
        for table in [
            AnnualReports::Table.into_iden(),
            WorkplanProgressReports::Table.into_iden(),
            WorkplanDecisions::Table.into_iden(),
            WorkplanDeliverableUpdates::Table.into_iden(),
            WorkplanDeliverableIndicators::Table.into_iden(),
            WorkplanDeliverables::Table.into_iden(),
            WorkplanObjectives::Table.into_iden(),
            Workplans::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Workplans {
    Table,
    Id,
    NetworkCode,
    FinancialYear,
    VersionNo,
    Status,
    OpenSlot,
    Priorities,
    Resources,
    SubmissionRound,
    FrozenIcbs,
    FrozenOn,
    ReturnedComments,
    SupersedesId,
    ChangeReason,
    CreatedBySub,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum WorkplanObjectives {
    Table,
    Id,
    WorkplanId,
    Function,
    Title,
    Position,
}

#[derive(DeriveIden)]
enum WorkplanDeliverables {
    Table,
    Id,
    WorkplanId,
    ObjectiveId,
    Reference,
    Title,
    ExpectedBenefits,
    Owner,
    DueOn,
    QualityImprovement,
    Status,
    PastDueFlagged,
    Version,
}

#[derive(DeriveIden)]
enum WorkplanDeliverableIndicators {
    Table,
    Id,
    DeliverableId,
    IndicatorCode,
    Baseline,
    Target,
}

#[derive(DeriveIden)]
enum WorkplanDeliverableUpdates {
    Table,
    Id,
    DeliverableId,
    Status,
    Note,
    RecordedBySub,
    RecordedByName,
    RecordedAt,
}

#[derive(DeriveIden)]
enum WorkplanDecisions {
    Table,
    Id,
    WorkplanId,
    Round,
    Kind,
    IcbCode,
    Citation,
    Comments,
    DecidedBySub,
    DecidedByName,
    DecidedAt,
}

#[derive(DeriveIden)]
enum WorkplanProgressReports {
    Table,
    Id,
    WorkplanId,
    NetworkCode,
    FinancialYear,
    Quarter,
    Narrative,
    Snapshot,
    SubmittedBySub,
    SubmittedByName,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum AnnualReports {
    Table,
    Id,
    NetworkCode,
    FinancialYear,
    WorkplanId,
    Status,
    Activities,
    Delivery,
    Outcomes,
    FinancialStatement,
    BoardMeeting,
    ApprovedByName,
    ApprovedAt,
    PublishedByName,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}
