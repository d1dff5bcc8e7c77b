//! The network's posts: the clinical lead and the manager (the management team of §7.1) and
//! the board's chair (Spinal Services Clinical Network Specification §5.2: "appointed through a
//! fair and open process"; "The chair should not be the network clinical lead, and ideally
//! should not have the same main employer as the Network Clinical Lead"; "ideally not the
//! host").
//!
//! A new holder ends the current one the day before; one person is one work address.

use chrono::{Days, NaiveDate};
use entities::enums::NetworkPost;
use entities::network_post;
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{announce, employer, hold_network, holds_for_region, within_reach};
use crate::auth::scope::Scope;
use crate::auth::{Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::{GovernanceChange, GovernanceChangeKind};
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::service::workplan::FinancialYear;
use crate::service::{filled_in, require_reason};
use crate::state::AppState;

/// What the specification asks "ideally" of a chair and this one does not meet: accepted, and
/// kept with the appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChairWarning {
    /// "ideally should not have the same main employer as the Network Clinical Lead"
    SameEmployerAsClinicalLead,
    /// "ideally not the host"
    FromTheHost,
}

pub struct Appointment {
    pub network: String,
    pub post: NetworkPost,
    pub holder_name: String,
    pub holder_email: String,
    pub main_employer: Option<String>,
    pub from: NaiveDate,
    /// For the chair: how the fair and open process ran (advertised where, panel, date).
    pub appointment: Option<String>,
}

/// Recorded by the network's NETWORK_MANAGER, a REGIONAL_LEAD of its lead region or a
/// NATIONAL_ADMIN.
fn require_appointer(
    viewer: &Viewer,
    network: &entities::network::Model,
    to_do: &str,
) -> AppResult<()> {
    if viewer.has_role(Role::NationalAdmin)
        || holds_for_region(viewer, Role::RegionalLead, network)
        || viewer.holds(
            Role::NetworkManager,
            &crate::auth::GrantScope::Network(network.code.clone()),
        )
    {
        return Ok(());
    }
    Err(AppError::forbidden(format!(
        "Only {}'s NETWORK_MANAGER, a REGIONAL_LEAD of its lead region or a NATIONAL_ADMIN may {to_do}.",
        network.code
    )))
}

fn overlaps_from(row: &network_post::Model, from: NaiveDate) -> bool {
    row.valid_to.is_none_or(|to| to >= from)
}

/// Appoints a holder to a post from a day. Refused: a chair who holds the clinical lead post
/// in any part of the term (or a clinical lead who is the chair), a chair without the record of
/// the open process. Warned and accepted: a chair with the clinical lead's main employer, or
/// from the host.
pub async fn appoint(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    a: Appointment,
) -> AppResult<network_post::Model> {
    let network_code = a.network.trim().to_owned();
    if !scope.governance.contains(&network_code) {
        return Err(AppError::not_found("network", &network_code));
    }
    let map = state.org_map_today().await?;
    let mut work = UnitOfWork::begin(state).await?;
    let network = crate::service::network::get(work.db(), &network_code).await?;
    require_appointer(viewer, &network, "appoint to its posts")?;
    let network = hold_network(work.db(), &network_code).await?;
    let name = filled_in(&a.holder_name, "holderName")?;
    let email = a.holder_email.trim().to_lowercase();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return Err(AppError::bad_input(format!(
            "holderEmail \"{email}\" is not a work address; it tells one person apart across posts."
        )));
    }
    let appointment = a
        .appointment
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if a.post == NetworkPost::Chair && appointment.is_none() {
        return Err(AppError::bad_input(
            "Record how the chair was appointed (`appointment`: where it was advertised, the panel, the date): the specification asks for a fair and open process.",
        ));
    }
    let main_employer = employer(&map, a.main_employer)?;
    within_reach(a.from, work.today, "from")?;
    let rows = network_post::Entity::find()
        .filter(network_post::Column::NetworkCode.eq(network_code.as_str()))
        .all(work.db())
        .await?;
    let of = |post: NetworkPost| {
        rows.iter()
            .filter(move |r| r.post == post && overlaps_from(r, a.from))
    };
    if let Some(later) = of(a.post).find(|r| r.valid_from >= a.from) {
        return Err(AppError::bad_input(format!(
            "{network_code}'s {:?} post has a holder recorded from {}; void that appointment first (vacateNetworkPost with a lastDay before it) to record an earlier one.",
            a.post, later.valid_from
        )));
    }
    // "The chair should not be the network clinical lead" (§5.2), either way round.
    let other = match a.post {
        NetworkPost::Chair => Some(NetworkPost::ClinicalLead),
        NetworkPost::ClinicalLead => Some(NetworkPost::Chair),
        NetworkPost::Manager => None,
    };
    if let Some(clash) = other.and_then(|other| of(other).find(|r| r.holder_email == email)) {
        return Err(AppError::bad_input(format!(
            "{name} holds {network_code}'s {:?} post from {}; the chair should not be the network clinical lead (Spinal Services Clinical Network Specification §5.2).",
            clash.post, clash.valid_from
        )));
    }
    let mut warnings = Vec::new();
    if a.post == NetworkPost::Chair {
        let mut lead_employers =
            of(NetworkPost::ClinicalLead).filter_map(|r| r.main_employer.as_ref());
        if let Some(employer) = &main_employer {
            if lead_employers.any(|e| e == employer) {
                warnings.push(ChairWarning::SameEmployerAsClinicalLead);
            }
            if network.host_provider_ods.as_ref() == Some(employer) {
                warnings.push(ChairWarning::FromTheHost);
            }
        }
    }
    let current: Vec<network_post::Model> = of(a.post).cloned().collect();
    let day_before = a
        .from
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| AppError::bad_input("from is out of range."))?;
    for row in current {
        let mut active: network_post::ActiveModel = row.into();
        active.valid_to = Set(Some(day_before));
        active.update(work.db()).await?;
    }
    let holder = network_post::Entity::insert(network_post::ActiveModel {
        id: NotSet,
        network_code: Set(network_code.clone()),
        post: Set(a.post),
        holder_name: Set(name),
        holder_email: Set(email),
        main_employer: Set(main_employer),
        valid_from: Set(a.from),
        valid_to: Set(None),
        appointment: Set(appointment),
        warnings: Set(serde_json::to_value(&warnings).map_err(AppError::internal)?),
        recorded_at: Set(work.now),
    })
    .exec_with_returning(work.db())
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            format!(
                "{network_code}'s {:?} post was filled at the same moment; read it again.",
                a.post
            )
        })
    })?;
    let key = format!("{network_code} {:?}", a.post);
    let change = GovernanceChange {
        post: Some(a.post),
        ..GovernanceChange::of(GovernanceChangeKind::PostFilled, &network_code, work.now)
    };
    announce(
        &mut work,
        viewer,
        "POST_FILLED",
        &key,
        json!({ "postId": holder.id, "holder": holder.holder_name, "mainEmployer": holder.main_employer, "from": holder.valid_from, "appointment": holder.appointment, "warnings": warnings }),
        "appointment",
        change,
    )
    .await?;
    rederive_years(&mut work, &network_code, a.post, [a.from, a.from]).await?;
    work.commit().await?;
    Ok(holder)
}

/// Ends the current holder's term on `last_day`; a `last_day` before the holder's first day
/// voids an appointment not taken up.
pub async fn vacate(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    network_code: &str,
    post: NetworkPost,
    last_day: NaiveDate,
    reason: &str,
) -> AppResult<network_post::Model> {
    let network_code = network_code.trim();
    if !scope.governance.contains(network_code) {
        return Err(AppError::not_found("network", network_code));
    }
    let reason = require_reason(reason)?;
    let mut work = UnitOfWork::begin(state).await?;
    let network = crate::service::network::get(work.db(), network_code).await?;
    require_appointer(viewer, &network, "vacate its posts")?;
    hold_network(work.db(), network_code).await?;
    let holder = network_post::Entity::find()
        .filter(network_post::Column::NetworkCode.eq(network_code))
        .filter(network_post::Column::Post.eq(post))
        .filter(network_post::Column::ValidTo.is_null())
        .one(work.db())
        .await?
        .ok_or_else(|| {
            AppError::bad_input(format!(
                "{network_code}'s {post:?} post has no holder to end."
            ))
        })?;
    within_reach(last_day, work.today, "lastDay")?;
    // A lastDay before the first day voids an appointment never taken up: it ends the day
    // before it began, and no day counts as held.
    let first_day = holder.valid_from;
    let last_day = if last_day < first_day {
        first_day
            .checked_sub_days(Days::new(1))
            .ok_or_else(|| AppError::bad_input("lastDay is out of range."))?
    } else {
        last_day
    };
    let mut active: network_post::ActiveModel = holder.into();
    active.valid_to = Set(Some(last_day));
    let holder = active.update(work.db()).await?;
    let change = GovernanceChange {
        post: Some(post),
        ..GovernanceChange::of(GovernanceChangeKind::PostVacated, network_code, work.now)
    };
    announce(
        &mut work,
        viewer,
        "POST_VACATED",
        &format!("{network_code} {post:?}"),
        json!({ "postId": holder.id, "lastDay": last_day }),
        &reason,
        change,
    )
    .await?;
    rederive_years(&mut work, network_code, post, [last_day, first_day]).await?;
    work.commit().await?;
    Ok(holder)
}

/// The management team's posts prove a generic indicator: re-derive each year between the days
/// the change touched and today (all within `within_reach`, so a handful of years).
async fn rederive_years(
    work: &mut UnitOfWork<'_>,
    network: &str,
    post: NetworkPost,
    days: [NaiveDate; 2],
) -> AppResult<()> {
    if post == NetworkPost::Chair {
        return Ok(());
    }
    let years = [days[0], days[1], work.today].map(|d| FinancialYear::of(d).0);
    let (first, last) = (
        years.iter().min().copied().unwrap_or_default(),
        years.iter().max().copied().unwrap_or_default(),
    );
    for year in first..=last {
        crate::service::workplan::rederive(work, network, FinancialYear(year)).await?;
    }
    Ok(())
}
