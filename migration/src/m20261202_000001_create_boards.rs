//! The network's board and its management (Spinal Services Clinical Network Specification §5.1
//! "hosted by a named lead provider from within the network determined by the network's
//! commissioners"; §5.2 "Members and stakeholders", "The Board"; §4.3 the network M&M reviews):
//! the posts of the management team and the chair, the board's members by seat, its meetings
//! (with the regional audit meeting and M&M reviews), and the commissioners' determinations of
//! the host (append-only). The generic indicator "management team in post" becomes derived, and
//! a document's review date is announced once.

use sea_orm_migration::{prelude::*, schema::*};

use crate::append_only::{protect, unprotect};

#[derive(DeriveMigrationName)]
pub struct Migration;

const MANAGEMENT_TEAM: (&str, &str) = ("GENERIC_MANAGEMENT_TEAM", "MANAGEMENT_TEAM_IN_POST");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NetworkPosts::Table)
                    .col(pk_auto(NetworkPosts::Id))
                    .col(string_len(NetworkPosts::NetworkCode, 32))
                    .col(string_len(NetworkPosts::Post, 16))
                    .col(string(NetworkPosts::HolderName))
                    .col(string_len(NetworkPosts::HolderEmail, 254))
                    .col(string_len_null(NetworkPosts::MainEmployer, 32))
                    .col(date(NetworkPosts::ValidFrom))
                    .col(date_null(NetworkPosts::ValidTo))
                    .col(text_null(NetworkPosts::Appointment))
                    .col(json(NetworkPosts::Warnings))
                    .col(timestamp_with_time_zone(NetworkPosts::RecordedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("network_posts_network_post")
                    .table(NetworkPosts::Table)
                    .col(NetworkPosts::NetworkCode)
                    .col(NetworkPosts::Post)
                    .to_owned(),
            )
            .await?;
        // One open holder per post: two appointments that slip past each other do not both land.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX network_posts_open_holder ON network_posts (network_code, post) WHERE valid_to IS NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BoardMembers::Table)
                    .col(pk_auto(BoardMembers::Id))
                    .col(string_len(BoardMembers::NetworkCode, 32))
                    .col(string_len(BoardMembers::Seat, 32))
                    .col(string(BoardMembers::Name))
                    .col(string_len_null(BoardMembers::OrganisationCode, 32))
                    .col(string(BoardMembers::MainEmployer))
                    .col(string_len_null(BoardMembers::Profession, 32))
                    .col(string_len_null(BoardMembers::Specialty, 32))
                    .col(date(BoardMembers::ValidFrom))
                    .col(date_null(BoardMembers::ValidTo))
                    .col(timestamp_with_time_zone(BoardMembers::RecordedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("board_members_network")
                    .table(BoardMembers::Table)
                    .col(BoardMembers::NetworkCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BoardMeetings::Table)
                    .col(pk_auto(BoardMeetings::Id))
                    .col(string_len(BoardMeetings::NetworkCode, 32))
                    .col(string_len(BoardMeetings::Kind, 16))
                    .col(date(BoardMeetings::HeldOn))
                    .col(string(BoardMeetings::Title))
                    .col(json(BoardMeetings::Attendees))
                    .col(json(BoardMeetings::Apologies))
                    .col(json(BoardMeetings::Declarations))
                    .col(json(BoardMeetings::Decisions))
                    .col(json(BoardMeetings::Actions))
                    .col(string_len_null(BoardMeetings::ProviderOds, 16))
                    .col(json_null(BoardMeetings::Outcomes))
                    .col(integer_null(BoardMeetings::RiskId))
                    .col(string_len_null(BoardMeetings::CaseReference, 16))
                    .col(integer_null(BoardMeetings::MinutesApprovedAt))
                    .col(timestamp_with_time_zone(BoardMeetings::RecordedAt))
                    .col(integer(BoardMeetings::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("board_meetings_network_held")
                    .table(BoardMeetings::Table)
                    .col(BoardMeetings::NetworkCode)
                    .col(BoardMeetings::HeldOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(HostDeterminations::Table)
                    .col(pk_auto(HostDeterminations::Id))
                    .col(string_len(HostDeterminations::NetworkCode, 32))
                    .col(string_len(HostDeterminations::ProviderOds, 16))
                    .col(date(HostDeterminations::DeterminedOn))
                    .col(json(HostDeterminations::Icbs))
                    .col(text(HostDeterminations::Citation))
                    .col(string(HostDeterminations::RecordedByName))
                    .col(timestamp_with_time_zone(HostDeterminations::RecordedAt))
                    .to_owned(),
            )
            .await?;
        protect(manager, "host_determinations").await?;
        manager
            .alter_table(
                Table::alter()
                    .table(GovernanceDocuments::Table)
                    .add_column(boolean(GovernanceDocuments::ReviewDueAnnounced).default(false))
                    .to_owned(),
            )
            .await?;
        let (code, derivation) = MANAGEMENT_TEAM;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE indicators SET source = 'PORTAL', derivation = '{derivation}' WHERE code = '{code}'"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let (code, _) = MANAGEMENT_TEAM;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE indicators SET source = 'NETWORK', derivation = NULL WHERE code = '{code}'"
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(GovernanceDocuments::Table)
                    .drop_column(GovernanceDocuments::ReviewDueAnnounced)
                    .to_owned(),
            )
            .await?;
        unprotect(manager, "host_determinations").await?;
        for table in [
            HostDeterminations::Table.into_iden(),
            BoardMeetings::Table.into_iden(),
            BoardMembers::Table.into_iden(),
            NetworkPosts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum NetworkPosts {
    Table,
    Id,
    NetworkCode,
    Post,
    HolderName,
    HolderEmail,
    MainEmployer,
    ValidFrom,
    ValidTo,
    Appointment,
    Warnings,
    RecordedAt,
}

#[derive(DeriveIden)]
enum BoardMembers {
    Table,
    Id,
    NetworkCode,
    Seat,
    Name,
    OrganisationCode,
    MainEmployer,
    Profession,
    Specialty,
    ValidFrom,
    ValidTo,
    RecordedAt,
}

#[derive(DeriveIden)]
enum BoardMeetings {
    Table,
    Id,
    NetworkCode,
    Kind,
    HeldOn,
    Title,
    Attendees,
    Apologies,
    Declarations,
    Decisions,
    Actions,
    ProviderOds,
    Outcomes,
    RiskId,
    CaseReference,
    MinutesApprovedAt,
    RecordedAt,
    Version,
}

#[derive(DeriveIden)]
enum HostDeterminations {
    Table,
    Id,
    NetworkCode,
    ProviderOds,
    DeterminedOn,
    Icbs,
    Citation,
    RecordedByName,
    RecordedAt,
}

#[derive(DeriveIden)]
enum GovernanceDocuments {
    Table,
    ReviewDueAnnounced,
}
