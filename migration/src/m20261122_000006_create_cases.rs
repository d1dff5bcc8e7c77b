//! Cause-for-concern cases (BSR Cause for Concern Policy, January 2026, Tables 1-2;
//! NHS Resolution, Guidance on the identification and management of significant concerns,
//! §16-§32): the case, its append-only history, the joint stage-5 decision, declared conflicts,
//! agreed actions, and the mail outbox written in the same transaction as each transition.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .col(pk_auto(Cases::Id))
                    .col(string_len_uniq(Cases::Reference, 16))
                    .col(integer(Cases::Year))
                    .col(integer(Cases::Seq))
                    .col(integer(Cases::Category))
                    .col(string_len_null(Cases::ProviderOds, 16))
                    .col(string_null(Cases::Implant))
                    .col(string_len_null(Cases::NetworkCode, 32))
                    .col(string_len(Cases::Jurisdiction, 16))
                    .col(integer(Cases::PolicyVersion))
                    .col(string_len(Cases::Step, 32))
                    .col(integer_null(Cases::Stage))
                    .col(integer(Cases::ReachedStage))
                    .col(date(Cases::StageStartedOn))
                    .col(date_null(Cases::DueOn))
                    .col(boolean(Cases::OverdueFlagged))
                    .col(json(Cases::Plan))
                    .col(text(Cases::Summary))
                    .col(json(Cases::Evidence))
                    .col(text_null(Cases::Response))
                    .col(boolean(Cases::NoResponse))
                    .col(string_len_null(Cases::Ground, 32))
                    .col(timestamp_with_time_zone_null(Cases::CallRecordedAt))
                    .col(boolean_null(Cases::RegulatorInformed))
                    .col(string_len_null(Cases::Outcome, 32))
                    .col(boolean(Cases::Urgent))
                    .col(string_null(Cases::LeadSub))
                    .col(string_null(Cases::LeadName))
                    .col(string_null(Cases::LeadEmail))
                    .col(timestamp_with_time_zone(Cases::OpenedAt))
                    .col(timestamp_with_time_zone_null(Cases::ClosedAt))
                    .col(integer(Cases::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cases_year_seq")
                    .table(Cases::Table)
                    .col(Cases::Year)
                    .col(Cases::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cases_open_due")
                    .table(Cases::Table)
                    .col(Cases::Step)
                    .col(Cases::DueOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseEvents::Table)
                    .col(pk_auto(CaseEvents::Id))
                    .col(integer(CaseEvents::CaseId))
                    .col(timestamp_with_time_zone(CaseEvents::At))
                    .col(string(CaseEvents::ActorSub))
                    .col(string(CaseEvents::ActorName))
                    .col(string_len(CaseEvents::Action, 40))
                    .col(integer_null(CaseEvents::FromStage))
                    .col(integer_null(CaseEvents::ToStage))
                    .col(text_null(CaseEvents::Rationale))
                    .col(json_null(CaseEvents::Detail))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseEvents::Table, CaseEvents::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("case_events_case")
                    .table(CaseEvents::Table)
                    .col(CaseEvents::CaseId)
                    .to_owned(),
            )
            .await?;
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
            .create_table(
                Table::create()
                    .table(CaseConflicts::Table)
                    .col(integer(CaseConflicts::CaseId))
                    .col(string(CaseConflicts::UserSub))
                    .col(string(CaseConflicts::UserName))
                    .col(text(CaseConflicts::Statement))
                    .col(timestamp_with_time_zone(CaseConflicts::DeclaredAt))
                    .primary_key(
                        Index::create()
                            .col(CaseConflicts::CaseId)
                            .col(CaseConflicts::UserSub),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseConflicts::Table, CaseConflicts::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseActions::Table)
                    .col(pk_auto(CaseActions::Id))
                    .col(integer(CaseActions::CaseId))
                    .col(text(CaseActions::Description))
                    .col(string(CaseActions::OwnerName))
                    .col(date(CaseActions::DueOn))
                    .col(json(CaseActions::Updates))
                    .col(text_null(CaseActions::ClosingConfirmation))
                    .col(timestamp_with_time_zone_null(CaseActions::ClosedAt))
                    .col(timestamp_with_time_zone(CaseActions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseActions::Table, CaseActions::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(pk_auto(MailOutbox::Id))
                    .col(integer(MailOutbox::CaseId))
                    .col(string_uniq(MailOutbox::MessageId))
                    .col(integer_null(MailOutbox::Stage))
                    .col(string_len(MailOutbox::Event, 32))
                    .col(string(MailOutbox::Subject))
                    .col(text(MailOutbox::Body))
                    .col(json(MailOutbox::Recipients))
                    .col(text_null(MailOutbox::Justification))
                    .col(string_len(MailOutbox::State, 16))
                    .col(integer(MailOutbox::Attempts))
                    .col(text_null(MailOutbox::LastError))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::ClaimedUntil))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MailOutbox::Table, MailOutbox::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "mail_outbox_pending",
                MailOutbox::Table.into_iden(),
                vec![
                    MailOutbox::State.into_iden(),
                    MailOutbox::NextAttemptAt.into_iden(),
                ],
            ),
            (
                "mail_outbox_case",
                MailOutbox::Table.into_iden(),
                vec![MailOutbox::CaseId.into_iden()],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        append_only(manager, "case_events", true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        append_only(manager, "case_events", false).await?;
        for table in [
            MailOutbox::Table.into_iden(),
            CaseActions::Table.into_iden(),
            CaseConflicts::Table.into_iden(),
            CaseDecisions::Table.into_iden(),
            CaseEvents::Table.into_iden(),
            Cases::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A case's history is append-only in the database itself, like the audit log (migration 5).
async fn append_only(manager: &SchemaManager<'_>, table: &str, create: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let statements = match (manager.get_database_backend(), create) {
        (DatabaseBackend::Postgres, true) => vec![
            format!(
                "CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
            ),
            format!(
                "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            ),
        ],
        (DatabaseBackend::Postgres, false) => vec![
            format!("DROP TRIGGER {table}_append_only ON {table}"),
            format!("DROP FUNCTION {table}_append_only()"),
        ],
        (_, true) => ["UPDATE", "DELETE"]
            .iter()
            .map(|action| {
                format!(
                    "CREATE TRIGGER {table}_no_{} BEFORE {action} ON {table} \
                     BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
                    action.to_lowercase()
                )
            })
            .collect(),
        (_, false) => vec![
            format!("DROP TRIGGER {table}_no_update"),
            format!("DROP TRIGGER {table}_no_delete"),
        ],
    };
    for statement in statements {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Reference,
    Year,
    Seq,
    Category,
    ProviderOds,
    Implant,
    NetworkCode,
    Jurisdiction,
    PolicyVersion,
    Step,
    Stage,
    ReachedStage,
    StageStartedOn,
    DueOn,
    OverdueFlagged,
    Plan,
    Summary,
    Evidence,
    Response,
    NoResponse,
    Ground,
    CallRecordedAt,
    RegulatorInformed,
    Outcome,
    Urgent,
    LeadSub,
    LeadName,
    LeadEmail,
    OpenedAt,
    ClosedAt,
    Version,
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    Id,
    CaseId,
    At,
    ActorSub,
    ActorName,
    Action,
    FromStage,
    ToStage,
    Rationale,
    Detail,
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
enum CaseConflicts {
    Table,
    CaseId,
    UserSub,
    UserName,
    Statement,
    DeclaredAt,
}

#[derive(DeriveIden)]
enum CaseActions {
    Table,
    Id,
    CaseId,
    Description,
    OwnerName,
    DueOn,
    Updates,
    ClosingConfirmation,
    ClosedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    CaseId,
    MessageId,
    Stage,
    Event,
    Subject,
    Body,
    Recipients,
    Justification,
    State,
    Attempts,
    LastError,
    NextAttemptAt,
    ClaimedUntil,
    CreatedAt,
    SentAt,
}
