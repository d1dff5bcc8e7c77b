//! The network risk register (Spinal Services Clinical Network Specification §4.3 "Manage risks
//! to the delivery of the network's annual work programme"; "providers and commissioners remain
//! accountable for their services' risks"; §5.3 "Risk Management and risk sharing"): each risk
//! with its score on the NHS 5×5 matrix, its mitigating actions, its escalations to an ICB or the
//! region with their responses (NHS Resolution, Guidance on the identification and management
//! of significant concerns, ¶21), and its append-only history.

use sea_orm_migration::{prelude::*, schema::*};

use crate::append_only::{protect, unprotect};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Risks::Table)
                    .col(pk_auto(Risks::Id))
                    .col(string_len_uniq(Risks::Reference, 40))
                    .col(string_len(Risks::NetworkCode, 32))
                    .col(integer(Risks::Year))
                    .col(integer(Risks::Seq))
                    .col(string_len(Risks::Kind, 16))
                    .col(string(Risks::Title))
                    .col(text(Risks::Cause))
                    .col(text(Risks::Effect))
                    .col(string_len(Risks::AccountableKind, 16))
                    .col(string_len(Risks::AccountableCode, 32))
                    .col(string(Risks::Owner))
                    .col(integer(Risks::Likelihood))
                    .col(integer(Risks::Consequence))
                    .col(integer(Risks::TargetScore))
                    .col(text(Risks::Controls))
                    .col(date(Risks::ReviewOn))
                    .col(boolean(Risks::QualityConcern))
                    .col(integer_null(Risks::DeliverableId))
                    .col(string_len_null(Risks::CaseReference, 16))
                    .col(string_len(Risks::Status, 16))
                    .col(timestamp_with_time_zone_null(Risks::ClosedAt))
                    .col(timestamp_with_time_zone(Risks::RaisedAt))
                    .col(timestamp_with_time_zone(Risks::UpdatedAt))
                    .col(integer(Risks::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("risks_network_year_seq")
                    .table(Risks::Table)
                    .col(Risks::NetworkCode)
                    .col(Risks::Year)
                    .col(Risks::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RiskEvents::Table)
                    .col(pk_auto(RiskEvents::Id))
                    .col(integer(RiskEvents::RiskId))
                    .col(timestamp_with_time_zone(RiskEvents::At))
                    .col(string(RiskEvents::ActorSub))
                    .col(string(RiskEvents::ActorName))
                    .col(string_len(RiskEvents::Action, 32))
                    .col(integer(RiskEvents::Likelihood))
                    .col(integer(RiskEvents::Consequence))
                    .col(text_null(RiskEvents::Rationale))
                    .col(json_null(RiskEvents::Detail))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RiskEvents::Table, RiskEvents::RiskId)
                            .to(Risks::Table, Risks::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RiskActions::Table)
                    .col(pk_auto(RiskActions::Id))
                    .col(integer(RiskActions::RiskId))
                    .col(text(RiskActions::Description))
                    .col(string(RiskActions::Owner))
                    .col(date(RiskActions::DueOn))
                    .col(text_null(RiskActions::Progress))
                    .col(timestamp_with_time_zone_null(RiskActions::CompletedAt))
                    .col(text_null(RiskActions::Confirmation))
                    .col(integer(RiskActions::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RiskActions::Table, RiskActions::RiskId)
                            .to(Risks::Table, Risks::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RiskEscalations::Table)
                    .col(pk_auto(RiskEscalations::Id))
                    .col(integer(RiskEscalations::RiskId))
                    .col(integer(RiskEscalations::Step))
                    .col(string_len(RiskEscalations::ToKind, 16))
                    .col(string_len(RiskEscalations::ToCode, 16))
                    .col(text(RiskEscalations::Route))
                    .col(text(RiskEscalations::Rationale))
                    .col(text(RiskEscalations::AssuranceRequested))
                    .col(date(RiskEscalations::RespondBy))
                    .col(string(RiskEscalations::EscalatedByName))
                    .col(timestamp_with_time_zone(RiskEscalations::EscalatedAt))
                    .col(boolean_null(RiskEscalations::Accepted))
                    .col(text_null(RiskEscalations::Response))
                    .col(string_null(RiskEscalations::RespondedByName))
                    .col(timestamp_with_time_zone_null(RiskEscalations::RespondedAt))
                    .col(boolean(RiskEscalations::OverdueFlagged))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RiskEscalations::Table, RiskEscalations::RiskId)
                            .to(Risks::Table, Risks::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One escalation per step of a risk: two escalating at once do not both land.
        manager
            .create_index(
                Index::create()
                    .name("risk_escalations_step")
                    .table(RiskEscalations::Table)
                    .col(RiskEscalations::RiskId)
                    .col(RiskEscalations::Step)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (
                "risk_events_risk",
                RiskEvents::Table.into_iden(),
                RiskEvents::RiskId.into_iden(),
            ),
            (
                "risk_actions_risk",
                RiskActions::Table.into_iden(),
                RiskActions::RiskId.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        protect(manager, "risk_events").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        unprotect(manager, "risk_events").await?;
        for table in [
            RiskEscalations::Table.into_iden(),
            RiskActions::Table.into_iden(),
            RiskEvents::Table.into_iden(),
            Risks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Risks {
    Table,
    Id,
    Reference,
    NetworkCode,
    Year,
    Seq,
    Kind,
    Title,
    Cause,
    Effect,
    AccountableKind,
    AccountableCode,
    Owner,
    Likelihood,
    Consequence,
    TargetScore,
    Controls,
    ReviewOn,
    QualityConcern,
    DeliverableId,
    CaseReference,
    Status,
    ClosedAt,
    RaisedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum RiskEvents {
    Table,
    Id,
    RiskId,
    At,
    ActorSub,
    ActorName,
    Action,
    Likelihood,
    Consequence,
    Rationale,
    Detail,
}

#[derive(DeriveIden)]
enum RiskActions {
    Table,
    Id,
    RiskId,
    Description,
    Owner,
    DueOn,
    Progress,
    CompletedAt,
    Confirmation,
    Version,
}

#[derive(DeriveIden)]
enum RiskEscalations {
    Table,
    Id,
    RiskId,
    Step,
    ToKind,
    ToCode,
    Route,
    Rationale,
    AssuranceRequested,
    RespondBy,
    EscalatedByName,
    EscalatedAt,
    Accepted,
    Response,
    RespondedByName,
    RespondedAt,
    OverdueFlagged,
}
