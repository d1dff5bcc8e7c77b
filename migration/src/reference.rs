//! Loads the reference data carried in `migration/reference/*.csv` (a copy of the shared reference
//! set; see its README for how sure each file is).
//!
//! Each dataset is loaded once and recorded in `reference_loads`: a second start changes nothing,
//! and an administrator's later corrections are never overwritten. A new edition of a file gets a
//! new dataset name (`…@2`) that inserts what is missing.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entities::enums::{
    DisclosurePart, Frequency, FunnelMethod, ImprovementDirection, IndicatorKind, IndicatorLevel,
    IndicatorSource, MailCondition, MailParty, MembershipRole, Nation,
};
use entities::{
    bank_holiday, case_disclosure_rule, case_mail_rule, case_stage, icb, icb_succession, indicator,
    network, network_footprint, network_membership, provider, recipient, reference_load, region,
};
use sea_orm_migration::sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, TransactionTrait,
};
use serde::Deserialize;

/// Start of the membership rows taken from `hubs.csv`, which carries no dates: the start of the
/// organisation map the reference set describes (the ICBs' own start).
const MEMBERSHIPS_FROM: (i32, u32, u32) = (2022, 7, 1);

/// Key of the PostgreSQL advisory lock that serialises dataset loads across instances.
const LOAD_LOCK_KEY: i64 = 0x5350_494e_4c4f_4144; // "SPINLOAD"

/// What a load did: datasets inserted (with row counts) and datasets already present.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub loaded: Vec<(String, usize)>,
    pub already_loaded: Vec<String>,
}

/// Loads every reference dataset not yet loaded, in one transaction.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<LoadReport, DbErr> {
    let txn = db.begin().await?;
    lock_datasets(&txn).await?;
    let mut report = LoadReport::default();
    for (dataset, insert) in DATASETS {
        if is_loaded(&txn, dataset).await? {
            report.already_loaded.push((*dataset).to_owned());
            continue;
        }
        let rows = insert(&txn).await?;
        record_loaded(&txn, dataset, rows, now).await?;
        report.loaded.push(((*dataset).to_owned(), rows));
    }
    txn.commit().await?;
    Ok(report)
}

type InsertFn =
    for<'a> fn(
        &'a sea_orm_migration::sea_orm::DatabaseTransaction,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<usize, DbErr>> + Send + 'a>>;

/// In dependency order.
const DATASETS: &[(&str, InsertFn)] = &[
    ("reference/regions@1", |c| Box::pin(insert_regions(c))),
    ("reference/icbs@1", |c| Box::pin(insert_icbs(c))),
    ("reference/networks@1", |c| Box::pin(insert_networks(c))),
    ("reference/network_footprints@1", |c| {
        Box::pin(insert_footprints(c))
    }),
    ("reference/bank_holidays_england_wales@1", |c| {
        Box::pin(insert_bank_holidays(c))
    }),
    ("policy/case_stages@1", |c| {
        Box::pin(insert_case_stages(c, 1))
    }),
    ("policy/case_mail_rules@1", |c| {
        Box::pin(insert_case_mail_rules(c, 1))
    }),
    ("policy/recipients@1", |c| Box::pin(insert_recipients(c, 1))),
    // Version 2: the whole stage-5 decision and the allocated HQIP Associate Director.
    ("policy/case_stages@2", |c| {
        Box::pin(insert_case_stages(c, 2))
    }),
    ("policy/case_mail_rules@2", |c| {
        Box::pin(insert_case_mail_rules(c, 2))
    }),
    ("policy/recipients@2", |c| Box::pin(insert_recipients(c, 2))),
    ("policy/case_disclosure_rules@1", |c| {
        Box::pin(insert_case_disclosure_rules(c))
    }),
    ("catalogue/indicators@1", |c| Box::pin(insert_indicators(c))),
];

/// Serialises loaders across instances sharing one PostgreSQL (held until the transaction ends).
/// SQLite serialises writers by itself.
pub async fn lock_datasets<C: ConnectionTrait>(txn: &C) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({LOAD_LOCK_KEY})"))
            .await?;
    }
    Ok(())
}

pub async fn is_loaded<C: ConnectionTrait>(conn: &C, dataset: &str) -> Result<bool, DbErr> {
    Ok(reference_load::Entity::find_by_id(dataset.to_owned())
        .one(conn)
        .await?
        .is_some())
}

pub async fn record_loaded<C: ConnectionTrait>(
    conn: &C,
    dataset: &str,
    rows: usize,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    reference_load::Entity::insert(reference_load::ActiveModel {
        dataset: Set(dataset.to_owned()),
        rows: Set(i32::try_from(rows).unwrap_or(i32::MAX)),
        loaded_at: Set(now),
    })
    .exec(conn)
    .await?;
    Ok(())
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>, DbErr> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| DbErr::Custom(format!("reference file {name} is malformed: {e}")))
}

async fn insert_all<C, A>(conn: &C, rows: Vec<A>) -> Result<usize, DbErr>
where
    C: ConnectionTrait,
    A: sea_orm_migration::sea_orm::ActiveModelTrait,
{
    let count = rows.len();
    if count > 0 {
        <A::Entity as EntityTrait>::insert_many(rows)
            .exec(conn)
            .await?;
    }
    Ok(count)
}

#[derive(Deserialize)]
struct RegionRow {
    ods_code: String,
    gss_code: String,
    name: String,
}

async fn insert_regions<C: ConnectionTrait>(conn: &C) -> Result<usize, DbErr> {
    let rows: Vec<RegionRow> = parse("regions.csv", include_str!("../reference/regions.csv"))?;
    insert_all(
        conn,
        rows.into_iter()
            .map(|r| region::ActiveModel {
                code: Set(r.ods_code),
                gss_code: Set(r.gss_code),
                name: Set(r.name),
            })
            .collect(),
    )
    .await
}

#[derive(Deserialize)]
struct IcbRow {
    ods_code: String,
    gss_code: Option<String>,
    name: String,
    region_ods: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    /// Space-separated successor codes.
    successors: Option<String>,
}

async fn insert_icbs<C: ConnectionTrait>(conn: &C) -> Result<usize, DbErr> {
    let rows: Vec<IcbRow> = parse("icbs.csv", include_str!("../reference/icbs.csv"))?;
    let successions: Vec<icb_succession::ActiveModel> = rows
        .iter()
        .flat_map(|r| {
            r.successors
                .iter()
                .flat_map(|s| s.split_whitespace())
                .map(|successor| icb_succession::ActiveModel {
                    predecessor_code: Set(r.ods_code.clone()),
                    successor_code: Set(successor.to_owned()),
                })
        })
        .collect();
    let count = insert_all(
        conn,
        rows.into_iter()
            .map(|r| icb::ActiveModel {
                code: Set(r.ods_code),
                gss_code: Set(r.gss_code.filter(|g| !g.is_empty())),
                name: Set(r.name),
                region_code: Set(r.region_ods),
                valid_from: Set(r.valid_from),
                valid_to: Set(r.valid_to),
            })
            .collect(),
    )
    .await?;
    insert_all(conn, successions).await?;
    Ok(count)
}

#[derive(Deserialize)]
struct NetworkRow {
    code: String,
    name: String,
    lead_region_ods: String,
}

#[derive(Deserialize)]
struct HubRow {
    network_code: String,
    provider_ods: String,
    provider_name: String,
    role: String,
    is_host: String,
    verified: String,
    note: Option<String>,
}

/// Networks with their hub providers, hub memberships and host (`networks.csv` + `hubs.csv`).
async fn insert_networks<C: ConnectionTrait>(conn: &C) -> Result<usize, DbErr> {
    let networks: Vec<NetworkRow> =
        parse("networks.csv", include_str!("../reference/networks.csv"))?;
    let hubs: Vec<HubRow> = parse("hubs.csv", include_str!("../reference/hubs.csv"))?;
    let from = NaiveDate::from_ymd_opt(MEMBERSHIPS_FROM.0, MEMBERSHIPS_FROM.1, MEMBERSHIPS_FROM.2)
        .ok_or_else(|| DbErr::Custom("invalid membership start".into()))?;
    if let Some(bad) = hubs.iter().find(|h| h.role != "HUB") {
        return Err(DbErr::Custom(format!(
            "hubs.csv: unexpected role {} for {}",
            bad.role, bad.provider_ods
        )));
    }
    insert_all(
        conn,
        hubs.iter()
            .map(|h| provider::ActiveModel {
                ods_code: Set(h.provider_ods.clone()),
                name: Set(h.provider_name.clone()),
                nation: Set(Nation::England),
                synthetic: Set(false),
            })
            .collect(),
    )
    .await?;
    let count = insert_all(
        conn,
        networks
            .into_iter()
            .map(|n| {
                let host = hubs
                    .iter()
                    .find(|h| h.network_code == n.code && h.is_host == "yes");
                network::ActiveModel {
                    host_provider_ods: Set(host.map(|h| h.provider_ods.clone())),
                    code: Set(n.code),
                    name: Set(n.name),
                    lead_region_code: Set(n.lead_region_ods),
                    parent_code: Set(None),
                }
            })
            .collect(),
    )
    .await?;
    insert_all(
        conn,
        hubs.into_iter()
            .map(|h| network_membership::ActiveModel {
                id: NotSet,
                network_code: Set(h.network_code),
                provider_ods: Set(h.provider_ods),
                role: Set(MembershipRole::Hub),
                valid_from: Set(from),
                valid_to: Set(None),
                verified: Set(h.verified == "yes"),
                note: Set(h.note.filter(|n| !n.is_empty())),
            })
            .collect(),
    )
    .await?;
    Ok(count)
}

#[derive(Deserialize)]
struct FootprintRow {
    network_code: String,
    icb_ods: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

async fn insert_footprints<C: ConnectionTrait>(conn: &C) -> Result<usize, DbErr> {
    let rows: Vec<FootprintRow> = parse(
        "network_footprints.csv",
        include_str!("../reference/network_footprints.csv"),
    )?;
    insert_all(
        conn,
        rows.into_iter()
            .map(|r| network_footprint::ActiveModel {
                id: NotSet,
                network_code: Set(r.network_code),
                icb_code: Set(r.icb_ods),
                valid_from: Set(r.valid_from),
                valid_to: Set(r.valid_to),
            })
            .collect(),
    )
    .await
}

#[derive(Deserialize)]
struct BankHolidayRow {
    date: NaiveDate,
    title: String,
    source: String,
}

async fn insert_bank_holidays<C: ConnectionTrait>(conn: &C) -> Result<usize, DbErr> {
    let rows: Vec<BankHolidayRow> = parse(
        "bank_holidays_england_wales.csv",
        include_str!("../reference/bank_holidays_england_wales.csv"),
    )?;
    insert_all(
        conn,
        rows.into_iter()
            .map(|r| bank_holiday::ActiveModel {
                date: Set(r.date),
                title: Set(r.title),
                source: Set(r.source),
            })
            .collect(),
    )
    .await
}

/// The BSR Cause for Concern Policy, January 2026 escalation tables as versions of the policy (see
/// `case_stages.csv`, whose `source` column cites the table and stage of each row). Version 2
/// reads stage 1's allocated Associate Director and stage 5's whole decision.
#[derive(Deserialize)]
struct CaseStageRow {
    jurisdiction: Nation,
    version: i32,
    stage: i32,
    action: String,
    actor_role: String,
    limit_working_days: i32,
    source: String,
}

async fn insert_case_stages<C: ConnectionTrait>(conn: &C, version: i32) -> Result<usize, DbErr> {
    let rows: Vec<CaseStageRow> = parse(
        "case_stages.csv",
        include_str!("../reference/case_stages.csv"),
    )?;
    insert_all(
        conn,
        rows.into_iter()
            .filter(|r| r.version == version)
            .map(|r| case_stage::ActiveModel {
                jurisdiction: Set(r.jurisdiction),
                version: Set(r.version),
                stage: Set(r.stage),
                action: Set(r.action),
                actor_role: Set(r.actor_role),
                limit_working_days: Set(r.limit_working_days),
                source: Set(r.source),
            })
            .collect(),
    )
    .await
}

/// Who each letter of the BSR Cause for Concern Policy, January 2026 tables goes to (see
/// `case_mail_rules.csv`).
#[derive(Deserialize)]
struct CaseMailRuleRow {
    jurisdiction: Nation,
    version: i32,
    stage: i32,
    event: String,
    /// Space-separated `MailParty` values (empty where the condition names them: the colleges a
    /// stage-5 decision names).
    to_recipients: Option<String>,
    cc_recipients: Option<String>,
    condition: MailCondition,
    source: String,
}

fn parties(list: &str) -> Result<serde_json::Value, DbErr> {
    let parsed = list
        .split_whitespace()
        .map(|p| serde_json::from_value::<MailParty>(serde_json::Value::String(p.to_owned())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            DbErr::Custom(format!(
                "case_mail_rules.csv: unknown recipient in \"{list}\": {e}"
            ))
        })?;
    serde_json::to_value(parsed).map_err(|e| DbErr::Custom(e.to_string()))
}

async fn insert_case_mail_rules<C: ConnectionTrait>(
    conn: &C,
    version: i32,
) -> Result<usize, DbErr> {
    let rows: Vec<CaseMailRuleRow> = parse(
        "case_mail_rules.csv",
        include_str!("../reference/case_mail_rules.csv"),
    )?;
    let mut models = Vec::new();
    for r in rows.into_iter().filter(|r| r.version == version) {
        models.push(case_mail_rule::ActiveModel {
            id: NotSet,
            jurisdiction: Set(r.jurisdiction),
            version: Set(r.version),
            stage: Set(r.stage),
            event: Set(r.event),
            to_parties: Set(parties(r.to_recipients.as_deref().unwrap_or(""))?),
            cc_parties: Set(parties(r.cc_recipients.as_deref().unwrap_or(""))?),
            condition: Set(r.condition),
            source: Set(r.source),
        });
    }
    insert_all(conn, models).await
}

/// The bodies of the BSR Cause for Concern Policy, January 2026 footnotes, with the addresses the
/// policy gives; edition 2 adds the royal colleges stage 5 may name.
#[derive(Deserialize)]
struct RecipientRow {
    key: MailParty,
    name: String,
    email: Option<String>,
    edition: i32,
    source: String,
}

async fn insert_recipients<C: ConnectionTrait>(conn: &C, edition: i32) -> Result<usize, DbErr> {
    let rows: Vec<RecipientRow> = parse(
        "recipients.csv",
        include_str!("../reference/recipients.csv"),
    )?;
    // The policy's date (January 2026) rather than the load time: the addresses are the policy's.
    let policy_date = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .ok_or_else(|| DbErr::Custom("bad date".into()))?;
    insert_all(
        conn,
        rows.into_iter()
            .filter(|r| r.edition == edition)
            .map(|r| recipient::ActiveModel {
                key: Set(r.key),
                name: Set(r.name),
                email: Set(r.email.filter(|e| !e.is_empty())),
                source: Set(r.source),
                updated_at: Set(policy_date),
            })
            .collect(),
    )
    .await
}

/// The parts of the joint stage-5 decision each policy version decides (see
/// `case_disclosure_rules.csv`, citing the table, stage and footnote of each).
#[derive(Deserialize)]
struct CaseDisclosureRuleRow {
    jurisdiction: Nation,
    version: i32,
    part: DisclosurePart,
    source: String,
}

async fn insert_case_disclosure_rules<C: ConnectionTrait>(conn: &C) -> Result<usize, DbErr> {
    let rows: Vec<CaseDisclosureRuleRow> = parse(
        "case_disclosure_rules.csv",
        include_str!("../reference/case_disclosure_rules.csv"),
    )?;
    insert_all(
        conn,
        rows.into_iter()
            .map(|r| case_disclosure_rule::ActiveModel {
                jurisdiction: Set(r.jurisdiction),
                version: Set(r.version),
                part: Set(r.part),
                source: Set(r.source),
            })
            .collect(),
    )
    .await
}

#[derive(Deserialize)]
struct IndicatorRow {
    code: String,
    name: String,
    group: String,
    kind: IndicatorKind,
    unit: String,
    direction: ImprovementDirection,
    target: Option<f64>,
    source: IndicatorSource,
    frequency: Frequency,
    level: IndicatorLevel,
    funnel_method: Option<FunnelMethod>,
    derivation: Option<String>,
}

/// The national catalogue: Appendix 1 of the network specification and the 15 generic network
/// indicators of its §7.1. SPC options start at Making Data Count's defaults (runs of 7,
/// no moving-range screening, no rebasing).
async fn insert_indicators<C: ConnectionTrait>(conn: &C) -> Result<usize, DbErr> {
    let rows: Vec<IndicatorRow> = parse(
        "indicators.csv",
        include_str!("../reference/indicators.csv"),
    )?;
    let published = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .ok_or_else(|| DbErr::Custom("bad date".into()))?;
    insert_all(
        conn,
        rows.into_iter()
            .map(|r| indicator::ActiveModel {
                code: Set(r.code),
                name: Set(r.name),
                indicator_group: Set(r.group),
                kind: Set(r.kind),
                unit: Set(r.unit),
                direction: Set(r.direction),
                target: Set(r.target),
                source: Set(r.source),
                frequency: Set(r.frequency),
                level: Set(r.level),
                funnel_method: Set(r.funnel_method),
                spc_trend_length: Set(7),
                spc_shift_length: Set(7),
                spc_screen_moving_ranges: Set(false),
                spc_rebase_on: Set(serde_json::json!([])),
                derivation: Set(r.derivation.filter(|d| !d.is_empty())),
                network_code: Set(None),
                version: Set(1),
                updated_at: Set(published),
            })
            .collect(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_file_parses_with_the_expected_row_count() -> Result<(), DbErr> {
        assert_eq!(
            parse::<RegionRow>("r", include_str!("../reference/regions.csv"))?.len(),
            7
        );
        let indicators = parse::<IndicatorRow>("x", include_str!("../reference/indicators.csv"))?;
        assert_eq!(indicators.len(), 31 + 15);
        assert_eq!(
            indicators.iter().filter(|i| i.group == "GENERIC").count(),
            15
        );
        let icbs = parse::<IcbRow>("i", include_str!("../reference/icbs.csv"))?;
        assert_eq!(icbs.len(), 48);
        assert_eq!(icbs.iter().filter(|i| i.valid_to.is_none()).count(), 36);
        assert_eq!(
            parse::<NetworkRow>("n", include_str!("../reference/networks.csv"))?.len(),
            14
        );
        assert_eq!(
            parse::<HubRow>("h", include_str!("../reference/hubs.csv"))?.len(),
            30
        );
        assert_eq!(
            parse::<FootprintRow>("f", include_str!("../reference/network_footprints.csv"))?.len(),
            49
        );
        assert_eq!(
            parse::<BankHolidayRow>(
                "b",
                include_str!("../reference/bank_holidays_england_wales.csv")
            )?
            .len(),
            107
        );
        Ok(())
    }
}
