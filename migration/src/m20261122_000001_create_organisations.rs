//! Regions, ICBs (effective-dated, with successions), networks, providers, memberships,
//! footprints, provider contacts, and the ledger of loaded datasets.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Regions::Table)
                    .col(string_len(Regions::Code, 8).primary_key())
                    .col(string_len(Regions::GssCode, 16))
                    .col(string(Regions::Name))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Icbs::Table)
                    .col(string_len(Icbs::Code, 8).primary_key())
                    .col(string_len_null(Icbs::GssCode, 16))
                    .col(string(Icbs::Name))
                    .col(string_len(Icbs::RegionCode, 8))
                    .col(date(Icbs::ValidFrom))
                    .col(date_null(Icbs::ValidTo))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Icbs::Table, Icbs::RegionCode)
                            .to(Regions::Table, Regions::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("icbs_region")
                    .table(Icbs::Table)
                    .col(Icbs::RegionCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IcbSuccessions::Table)
                    .col(string_len(IcbSuccessions::PredecessorCode, 8))
                    .col(string_len(IcbSuccessions::SuccessorCode, 8))
                    .primary_key(
                        Index::create()
                            .col(IcbSuccessions::PredecessorCode)
                            .col(IcbSuccessions::SuccessorCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IcbSuccessions::Table, IcbSuccessions::PredecessorCode)
                            .to(Icbs::Table, Icbs::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IcbSuccessions::Table, IcbSuccessions::SuccessorCode)
                            .to(Icbs::Table, Icbs::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Providers::Table)
                    .col(string_len(Providers::OdsCode, 16).primary_key())
                    .col(string(Providers::Name))
                    .col(string_len(Providers::Nation, 16))
                    .col(boolean(Providers::Synthetic).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Networks::Table)
                    .col(string_len(Networks::Code, 16).primary_key())
                    .col(string(Networks::Name))
                    .col(string_len(Networks::LeadRegionCode, 8))
                    .col(string_len_null(Networks::HostProviderOds, 16))
                    .col(string_len_null(Networks::ParentCode, 16))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Networks::Table, Networks::LeadRegionCode)
                            .to(Regions::Table, Regions::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Networks::Table, Networks::HostProviderOds)
                            .to(Providers::Table, Providers::OdsCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Networks::Table, Networks::ParentCode)
                            .to(Networks::Table, Networks::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NetworkMemberships::Table)
                    .col(pk_auto(NetworkMemberships::Id))
                    .col(string_len(NetworkMemberships::NetworkCode, 16))
                    .col(string_len(NetworkMemberships::ProviderOds, 16))
                    .col(string_len(NetworkMemberships::Role, 16))
                    .col(date(NetworkMemberships::ValidFrom))
                    .col(date_null(NetworkMemberships::ValidTo))
                    .col(boolean(NetworkMemberships::Verified).default(false))
                    .col(text_null(NetworkMemberships::Note))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NetworkMemberships::Table, NetworkMemberships::NetworkCode)
                            .to(Networks::Table, Networks::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NetworkMemberships::Table, NetworkMemberships::ProviderOds)
                            .to(Providers::Table, Providers::OdsCode),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("network_memberships_network")
                    .table(NetworkMemberships::Table)
                    .col(NetworkMemberships::NetworkCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("network_memberships_provider")
                    .table(NetworkMemberships::Table)
                    .col(NetworkMemberships::ProviderOds)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NetworkFootprints::Table)
                    .col(pk_auto(NetworkFootprints::Id))
                    .col(string_len(NetworkFootprints::NetworkCode, 16))
                    .col(string_len(NetworkFootprints::IcbCode, 8))
                    .col(date(NetworkFootprints::ValidFrom))
                    .col(date_null(NetworkFootprints::ValidTo))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NetworkFootprints::Table, NetworkFootprints::NetworkCode)
                            .to(Networks::Table, Networks::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NetworkFootprints::Table, NetworkFootprints::IcbCode)
                            .to(Icbs::Table, Icbs::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("network_footprints_network")
                    .table(NetworkFootprints::Table)
                    .col(NetworkFootprints::NetworkCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("network_footprints_icb")
                    .table(NetworkFootprints::Table)
                    .col(NetworkFootprints::IcbCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProviderContacts::Table)
                    .col(string_len(ProviderContacts::ProviderOds, 16))
                    .col(string_len(ProviderContacts::Role, 24))
                    .col(string(ProviderContacts::Name))
                    .col(string(ProviderContacts::Email))
                    .col(string_null(ProviderContacts::Phone))
                    .col(timestamp_with_time_zone(ProviderContacts::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProviderContacts::ProviderOds)
                            .col(ProviderContacts::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderContacts::Table, ProviderContacts::ProviderOds)
                            .to(Providers::Table, Providers::OdsCode),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReferenceLoads::Table)
                    .col(string_len(ReferenceLoads::Dataset, 64).primary_key())
                    .col(integer(ReferenceLoads::Rows))
                    .col(timestamp_with_time_zone(ReferenceLoads::LoadedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReferenceLoads::Table.into_iden(),
            ProviderContacts::Table.into_iden(),
            NetworkFootprints::Table.into_iden(),
            NetworkMemberships::Table.into_iden(),
            Networks::Table.into_iden(),
            Providers::Table.into_iden(),
            IcbSuccessions::Table.into_iden(),
            Icbs::Table.into_iden(),
            Regions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Code,
    GssCode,
    Name,
}

#[derive(DeriveIden)]
enum Icbs {
    Table,
    Code,
    GssCode,
    Name,
    RegionCode,
    ValidFrom,
    ValidTo,
}

#[derive(DeriveIden)]
enum IcbSuccessions {
    Table,
    PredecessorCode,
    SuccessorCode,
}

#[derive(DeriveIden)]
enum Providers {
    Table,
    OdsCode,
    Name,
    Nation,
    Synthetic,
}

#[derive(DeriveIden)]
enum Networks {
    Table,
    Code,
    Name,
    LeadRegionCode,
    HostProviderOds,
    ParentCode,
}

#[derive(DeriveIden)]
enum NetworkMemberships {
    Table,
    Id,
    NetworkCode,
    ProviderOds,
    Role,
    ValidFrom,
    ValidTo,
    Verified,
    Note,
}

#[derive(DeriveIden)]
enum NetworkFootprints {
    Table,
    Id,
    NetworkCode,
    IcbCode,
    ValidFrom,
    ValidTo,
}

#[derive(DeriveIden)]
enum ProviderContacts {
    Table,
    ProviderOds,
    Role,
    Name,
    Email,
    Phone,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReferenceLoads {
    Table,
    Dataset,
    Rows,
    LoadedAt,
}
