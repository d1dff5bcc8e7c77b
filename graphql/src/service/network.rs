//! Networks: scoped reads and the administrator's corrections to hubs, host and footprint.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use entities::enums::{MembershipRole, Nation};
use entities::{network, network_footprint, network_membership};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde_json::{Value, json};

use super::audit::{Change, Subject};
use super::require_reason;
use super::unit_of_work::UnitOfWork;
use crate::auth::{Role, Viewer};
use crate::dated::in_force;
use crate::dated::in_force_on;
use crate::error::{AppError, AppResult};
use crate::events::OrganisationEntity;
use crate::registry::Registry;
use crate::state::AppState;

/// Hubs a network keeps (1 to 3 per network).
pub const MAX_HUBS: usize = 3;

/// Networks, by code; `region` keeps those led in it or whose footprint reaches into it on
/// `as_at`; `icb` those whose footprint includes it on `as_at`.
pub fn list(
    registry: &Registry,
    as_at: NaiveDate,
    region: Option<&str>,
    icb: Option<&str>,
) -> AppResult<Vec<network::Model>> {
    if let Some(icb) = icb
        && !registry.icbs.contains_key(icb)
    {
        return Err(super::icb::unknown(icb));
    }
    let region_icbs: Vec<String> = match region {
        Some(region) => super::icb::list(registry, as_at, Some(region))?
            .into_iter()
            .map(|i| i.code)
            .collect(),
        None => Vec::new(),
    };
    let serves = |network: &str, icb: &str| {
        registry
            .footprint_of_network(network)
            .iter()
            .any(|f| f.icb_code == icb && in_force(f.valid_from, f.valid_to, as_at))
    };
    Ok(registry
        .networks
        .values()
        .filter(|n| {
            icb.is_none_or(|icb| serves(&n.code, icb))
                && region.is_none_or(|region| {
                    n.lead_region_code == region || region_icbs.iter().any(|i| serves(&n.code, i))
                })
        })
        .cloned()
        .collect())
}

/// The ICBs in `network`'s footprint on `on`.
pub async fn footprint_icbs(
    db: &impl ConnectionTrait,
    network: &str,
    on: NaiveDate,
) -> AppResult<Vec<String>> {
    Ok(network_footprint::Entity::find()
        .filter(network_footprint::Column::NetworkCode.eq(network))
        .filter(in_force_on(
            network_footprint::Column::ValidFrom,
            network_footprint::Column::ValidTo,
            on,
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.icb_code)
        .collect())
}

pub async fn get(db: &impl ConnectionTrait, code: &str) -> AppResult<network::Model> {
    network::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("network", code))
}

/// Looks up a network named inside an input or a filter.
pub async fn referenced(db: &impl ConnectionTrait, code: &str) -> AppResult<network::Model> {
    network::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| unknown(code))
}

/// The error for an input naming a network that does not exist.
pub fn unknown(code: &str) -> AppError {
    AppError::bad_input(format!(
        "No network has the code \"{code}\"; networks are listed by `networks`."
    ))
}

/// A provider named as a hub.
pub struct HubChoice {
    pub ods_code: String,
    pub verified: bool,
}

/// Replaces the network's hubs from `effective_from`: hubs dropped from the list end the day
/// before, new hubs start that day (a partner of this network promoted to hub ends its partner
/// row). A hub that hosts the network stays until the commissioners determine another host.
pub async fn set_hubs(
    state: &AppState,
    actor: &Viewer,
    network_code: &str,
    hubs: Vec<HubChoice>,
    effective_from: NaiveDate,
    reason: &str,
) -> AppResult<network::Model> {
    actor.require_any(&[Role::NationalAdmin], "change a network's hubs")?;
    let reason = require_reason(reason)?;
    let codes: Vec<&str> = hubs.iter().map(|h| h.ods_code.as_str()).collect();
    let distinct: BTreeSet<&str> = codes.iter().copied().collect();
    if hubs.is_empty() || hubs.len() > MAX_HUBS {
        return Err(AppError::bad_input(format!(
            "A network keeps 1 to {MAX_HUBS} hubs; {} were given.",
            hubs.len()
        )));
    }
    if distinct.len() != codes.len() {
        return Err(AppError::bad_input(
            "A provider is listed as a hub more than once.",
        ));
    }
    let day_before = effective_from
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| AppError::bad_input("effectiveFrom is out of range."))?;

    let mut work = UnitOfWork::begin(state).await?;
    let txn = work.db();
    let network = get(txn, network_code).await?;
    for code in &codes {
        let provider = super::provider::referenced(txn, code).await?;
        // "Wales, Scotland, Northern Ireland & Crown Dependencies … referring services in these
        // geographies are not part of spinal services networks" (Spinal Services Clinical
        // Network Specification §3.2).
        if provider.nation == Nation::Wales {
            return Err(AppError::bad_input(format!(
                "{code} is in Wales; Welsh spinal services are not part of the networks (Spinal Services Clinical Network Specification §3.2)."
            )));
        }
    }
    let rows = network_membership::Entity::find()
        .filter(network_membership::Column::NetworkCode.eq(network_code))
        .all(txn)
        .await?;
    if let Some(later) = rows
        .iter()
        .filter(|m| m.valid_from > effective_from)
        .map(|m| m.valid_from)
        .max()
    {
        return Err(AppError::bad_input(format!(
            "A membership change is already scheduled for {later}; choose an effectiveFrom on or after it."
        )));
    }
    let before = hubs_snapshot(&rows, network.host_provider_ods.as_deref(), effective_from);
    if let Some(host) = &network.host_provider_ods {
        let hosting_hub = rows.iter().any(|m| {
            &m.provider_ods == host
                && m.role == MembershipRole::Hub
                && in_force(m.valid_from, m.valid_to, effective_from)
        });
        if hosting_hub && !distinct.contains(host.as_str()) {
            return Err(AppError::bad_input(format!(
                "{host} hosts {network_code} and would leave the network; its commissioners determine another host first (determineNetworkHost)."
            )));
        }
    }

    for row in rows.iter().filter(|m| {
        m.role == MembershipRole::Hub && in_force(m.valid_from, m.valid_to, effective_from)
    }) {
        match hubs.iter().find(|h| h.ods_code == row.provider_ods) {
            Some(kept) if kept.verified != row.verified => {
                let mut active = row.clone().into_active_model();
                active.verified = Set(kept.verified);
                active.update(txn).await?;
            }
            Some(_) => {}
            None => end_membership(txn, row, day_before, effective_from).await?,
        }
    }
    for hub in &hubs {
        let already_hub = rows.iter().any(|m| {
            m.provider_ods == hub.ods_code
                && m.role == MembershipRole::Hub
                && in_force(m.valid_from, m.valid_to, effective_from)
        });
        if already_hub {
            continue;
        }
        let current = network_membership::Entity::find()
            .filter(network_membership::Column::ProviderOds.eq(hub.ods_code.as_str()))
            .all(txn)
            .await?
            .into_iter()
            .filter(|m| {
                in_force(m.valid_from, m.valid_to, effective_from) || m.valid_from > effective_from
            });
        for other in current {
            if other.network_code != network_code || other.valid_from > effective_from {
                return Err(AppError::bad_input(format!(
                    "{} belongs to network {} from {} (as {:?}); a provider is in one network at a time, so end \
                     that membership first.",
                    hub.ods_code, other.network_code, other.valid_from, other.role
                )));
            }
            end_membership(txn, &other, day_before, effective_from).await?;
        }
        network_membership::ActiveModel {
            id: NotSet,
            network_code: Set(network_code.to_owned()),
            provider_ods: Set(hub.ods_code.clone()),
            role: Set(MembershipRole::Hub),
            valid_from: Set(effective_from),
            valid_to: Set(None),
            verified: Set(hub.verified),
            note: Set(None),
        }
        .insert(txn)
        .await?;
    }
    let rows = network_membership::Entity::find()
        .filter(network_membership::Column::NetworkCode.eq(network_code))
        .all(txn)
        .await?;
    let after = hubs_snapshot(&rows, network.host_provider_ods.as_deref(), effective_from);
    work.audit(
        actor,
        Change {
            action: "setNetworkHubs",
            subject: Subject::Organisation(OrganisationEntity::NetworkHubs),
            key: network_code,
            before: Some(before),
            after: Some(after),
            reason: &reason,
        },
    )
    .await?;
    work.commit().await?;
    Ok(network)
}

/// A footprint row to add (no `id`) or correct (`id`).
pub struct FootprintChoice {
    pub id: Option<i32>,
    pub network_code: String,
    pub icb_code: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// Adds or corrects one footprint row: dates ordered, within the ICB's own life, and not
/// overlapping another row for the same network and ICB.
pub async fn set_footprint_row(
    state: &AppState,
    actor: &Viewer,
    row: FootprintChoice,
    reason: &str,
) -> AppResult<network_footprint::Model> {
    actor.require_any(&[Role::NationalAdmin], "change a network's footprint")?;
    let reason = require_reason(reason)?;
    if let Some(to) = row.valid_to
        && to < row.valid_from
    {
        return Err(AppError::bad_input(format!(
            "validTo ({to}) is before validFrom ({}); a row ends on or after the day it starts.",
            row.valid_from
        )));
    }
    let mut work = UnitOfWork::begin(state).await?;
    let txn = work.db();
    get(txn, &row.network_code).await?;
    let icb = super::icb::referenced(txn, &row.icb_code).await?;
    if row.valid_from < icb.valid_from {
        return Err(AppError::bad_input(format!(
            "ICB {} begins on {}; a footprint row for it cannot start before then.",
            icb.code, icb.valid_from
        )));
    }
    if let Some(closed) = icb.valid_to
        && row.valid_to.is_none_or(|to| to > closed)
    {
        return Err(AppError::bad_input(format!(
            "ICB {} closed on {closed}; a footprint row for it must end by then (set validTo).",
            icb.code
        )));
    }
    let existing = match row.id {
        Some(id) => {
            let found = network_footprint::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or_else(|| AppError::not_found("footprint row", &id.to_string()))?;
            if found.network_code != row.network_code {
                return Err(AppError::bad_input(format!(
                    "Footprint row {id} belongs to {}, not {}; add a new row instead.",
                    found.network_code, row.network_code
                )));
            }
            Some(found)
        }
        None => None,
    };
    let siblings = network_footprint::Entity::find()
        .filter(network_footprint::Column::NetworkCode.eq(row.network_code.as_str()))
        .filter(network_footprint::Column::IcbCode.eq(row.icb_code.as_str()))
        .all(txn)
        .await?;
    if let Some(clash) = siblings.iter().find(|s| {
        Some(s.id) != row.id && overlaps(s.valid_from, s.valid_to, row.valid_from, row.valid_to)
    }) {
        return Err(AppError::bad_input(format!(
            "Footprint row {} already covers {} for {} from {}; correct that row instead of adding an overlapping one.",
            clash.id, row.icb_code, row.network_code, clash.valid_from
        )));
    }
    let before = existing.as_ref().map(footprint_json);
    let saved = match existing {
        Some(found) => {
            let mut active = found.into_active_model();
            active.icb_code = Set(row.icb_code.clone());
            active.valid_from = Set(row.valid_from);
            active.valid_to = Set(row.valid_to);
            active.update(txn).await?
        }
        None => {
            network_footprint::ActiveModel {
                id: NotSet,
                network_code: Set(row.network_code.clone()),
                icb_code: Set(row.icb_code.clone()),
                valid_from: Set(row.valid_from),
                valid_to: Set(row.valid_to),
            }
            .insert(txn)
            .await?
        }
    };
    work.audit(
        actor,
        Change {
            action: "setFootprintRow",
            subject: Subject::Organisation(OrganisationEntity::NetworkFootprint),
            key: &row.network_code,
            before,
            after: Some(footprint_json(&saved)),
            reason: &reason,
        },
    )
    .await?;
    work.commit().await?;
    Ok(saved)
}

/// Deletes a footprint row entered in error (the audit log keeps what it said).
pub async fn remove_footprint_row(
    state: &AppState,
    actor: &Viewer,
    id: i32,
    reason: &str,
) -> AppResult<network::Model> {
    actor.require_any(&[Role::NationalAdmin], "change a network's footprint")?;
    let reason = require_reason(reason)?;
    let mut work = UnitOfWork::begin(state).await?;
    let txn = work.db();
    let row = network_footprint::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("footprint row", &id.to_string()))?;
    network_footprint::Entity::delete_by_id(id)
        .exec(txn)
        .await?;
    let network = get(txn, &row.network_code).await?;
    work.audit(
        actor,
        Change {
            action: "removeFootprintRow",
            subject: Subject::Organisation(OrganisationEntity::NetworkFootprint),
            key: &row.network_code,
            before: Some(footprint_json(&row)),
            after: None,
            reason: &reason,
        },
    )
    .await?;
    work.commit().await?;
    Ok(network)
}

/// Ends a membership the day before `effective_from`; a row starting that very day is removed,
/// since it never took effect.
async fn end_membership(
    db: &impl ConnectionTrait,
    row: &network_membership::Model,
    day_before: NaiveDate,
    effective_from: NaiveDate,
) -> AppResult<()> {
    if row.valid_from >= effective_from {
        network_membership::Entity::delete_by_id(row.id)
            .exec(db)
            .await?;
    } else {
        let mut active = row.clone().into_active_model();
        active.valid_to = Set(Some(day_before));
        active.update(db).await?;
    }
    Ok(())
}

fn overlaps(
    a_from: NaiveDate,
    a_to: Option<NaiveDate>,
    b_from: NaiveDate,
    b_to: Option<NaiveDate>,
) -> bool {
    a_to.is_none_or(|a_to| b_from <= a_to) && b_to.is_none_or(|b_to| a_from <= b_to)
}

fn hubs_snapshot(rows: &[network_membership::Model], host: Option<&str>, on: NaiveDate) -> Value {
    let hubs: Vec<Value> = rows
        .iter()
        .filter(|m| m.role == MembershipRole::Hub && in_force(m.valid_from, m.valid_to, on))
        .map(|m| json!({ "provider": m.provider_ods, "verified": m.verified, "validFrom": m.valid_from }))
        .collect();
    json!({ "asAt": on, "hubs": hubs, "host": host })
}

fn footprint_json(row: &network_footprint::Model) -> Value {
    json!({ "id": row.id, "icb": row.icb_code, "validFrom": row.valid_from, "validTo": row.valid_to })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn rows_overlap_when_they_share_a_day() {
        assert!(overlaps(d("2022-07-01"), None, d("2026-04-01"), None));
        assert!(overlaps(
            d("2022-07-01"),
            Some(d("2026-03-31")),
            d("2026-03-31"),
            None
        ));
        assert!(!overlaps(
            d("2022-07-01"),
            Some(d("2026-03-31")),
            d("2026-04-01"),
            None
        ));
    }
}
