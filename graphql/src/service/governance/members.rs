//! Seats on the network board (Spinal Services Clinical Network Specification §5.2: "clinical
//! representation from each trust undertaking spinal work in the region …, management support
//! from the hub centres, regional allied health professional representatives and other
//! specialties as required"; "including patient representatives and third sector
//! organisations"). Kept by the network team; a member leaves on a day, the row stays.

use chrono::NaiveDate;
use entities::board_member;
use entities::enums::{BoardSeat, BoardSpecialty, MembershipRole, Profession};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use serde_json::json;

use super::{announce, employer_named, memberships_on, require_team, within_reach};
use crate::auth::Viewer;
use crate::auth::scope::Scope;
use crate::dated::in_force;
use crate::error::{AppError, AppResult};
use crate::events::{GovernanceChange, GovernanceChangeKind};
use crate::service::unit_of_work::UnitOfWork;
use crate::service::{filled_in, require_reason};
use crate::state::AppState;

/// Most members seated on one board at a time.
pub const MAX_MEMBERS: u64 = 80;

pub struct NewMember {
    pub network: String,
    pub seat: BoardSeat,
    pub name: String,
    /// The provider represented (CLINICAL_REPRESENTATIVE, HUB_MANAGEMENT) or the ICB
    /// (COMMISSIONER).
    pub organisation: Option<String>,
    /// ODS code of the main employer; a charity or patient representative may give a short name.
    pub main_employer: String,
    pub profession: Option<Profession>,
    pub specialty: Option<BoardSpecialty>,
    pub from: NaiveDate,
}

/// Seats a member. Each seat names what it represents: a member provider (a hub for hub
/// management), a footprint ICB for a commissioner, the specialty for a specialty seat.
pub async fn add_member(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    new: NewMember,
) -> AppResult<board_member::Model> {
    let network = new.network.trim().to_owned();
    require_team(viewer, scope, &network, "keep its board register")?;
    let name = filled_in(&new.name, "name")?;
    let main_employer_text = filled_in(&new.main_employer, "mainEmployer")?;
    let map = state.org_map_today().await?;
    let main_employer = employer_named(&map, &main_employer_text);
    let organisation = new
        .organisation
        .map(|o| o.trim().to_uppercase())
        .filter(|o| !o.is_empty());
    if (new.seat == BoardSeat::Specialty) != new.specialty.is_some() {
        return Err(AppError::bad_input(
            "A SPECIALTY seat names its specialty (e.g. MAJOR_TRAUMA); other seats take none.",
        ));
    }

    let mut work = UnitOfWork::begin(state).await?;
    within_reach(new.from, work.today, "from")?;
    let members = memberships_on(work.db(), &network, new.from).await?;
    match new.seat {
        BoardSeat::ClinicalRepresentative | BoardSeat::HubManagement => {
            let hub_only = new.seat == BoardSeat::HubManagement;
            let Some(code) = &organisation else {
                return Err(AppError::bad_input(format!(
                    "A {:?} seat names the member provider it represents (`organisation`).",
                    new.seat
                )));
            };
            let member = members.iter().find(|m| &m.provider_ods == code);
            match member {
                Some(m) if !hub_only || m.role == MembershipRole::Hub => {}
                Some(_) => {
                    return Err(AppError::bad_input(format!(
                        "{code} is a partner of {network}; management support comes from the hub centres."
                    )));
                }
                None => {
                    return Err(AppError::bad_input(format!(
                        "{code} is not a member of {network} on {}; seats represent its member providers.",
                        new.from
                    )));
                }
            }
        }
        BoardSeat::Commissioner => {
            let footprint =
                crate::service::network::footprint_icbs(work.db(), &network, new.from).await?;
            match &organisation {
                Some(code) if footprint.contains(code) => {}
                _ => {
                    return Err(AppError::bad_input(format!(
                        "A COMMISSIONER seat names one of {network}'s footprint ICBs on {} (`organisation`): {}.",
                        new.from,
                        footprint.join(", ")
                    )));
                }
            }
        }
        _ => {
            if organisation.is_some() {
                return Err(AppError::bad_input(format!(
                    "A {:?} seat represents no member organisation; give the member's main employer only.",
                    new.seat
                )));
            }
        }
    }
    let seated = board_member::Entity::find()
        .filter(board_member::Column::NetworkCode.eq(network.as_str()))
        .filter(board_member::Column::ValidTo.is_null())
        .count(work.db())
        .await?;
    if seated >= MAX_MEMBERS {
        return Err(AppError::bad_input(format!(
            "{network}'s board has {seated} members; end past memberships before adding more."
        )));
    }
    let member = board_member::Entity::insert(board_member::ActiveModel {
        id: NotSet,
        network_code: Set(network.clone()),
        seat: Set(new.seat),
        name: Set(name),
        organisation_code: Set(organisation),
        main_employer: Set(main_employer),
        profession: Set(new.profession),
        specialty: Set(new.specialty),
        valid_from: Set(new.from),
        valid_to: Set(None),
        recorded_at: Set(work.now),
    })
    .exec_with_returning(work.db())
    .await?;
    let now = work.now;
    announce(
        &mut work,
        viewer,
        "BOARD_MEMBER_JOINED",
        &format!("{network} board member {}", member.id),
        json!({ "memberId": member.id, "seat": member.seat, "name": member.name, "organisation": member.organisation_code, "from": member.valid_from }),
        "board register",
        GovernanceChange {
            party: member.organisation_code.clone(),
            ..GovernanceChange::of(GovernanceChangeKind::MemberJoined, &network, now)
        },
    )
    .await?;
    work.commit().await?;
    Ok(member)
}

/// A member leaves the board after `last_day`.
pub async fn end_member(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    last_day: NaiveDate,
    reason: &str,
) -> AppResult<board_member::Model> {
    let reason = require_reason(reason)?;
    let mut work = UnitOfWork::begin(state).await?;
    let member = board_member::Entity::find_by_id(id)
        .one(work.db())
        .await?
        .filter(|m| scope.governance.contains(&m.network_code))
        .ok_or_else(|| AppError::not_found("board member", &id.to_string()))?;
    require_team(
        viewer,
        scope,
        &member.network_code,
        "keep its board register",
    )?;
    within_reach(last_day, work.today, "lastDay")?;
    if !in_force(member.valid_from, member.valid_to, last_day) {
        return Err(AppError::bad_input(format!(
            "The member sits from {} to {}; lastDay {last_day} is outside that.",
            member.valid_from,
            member.valid_to.map_or("now".to_owned(), |d| d.to_string())
        )));
    }
    let network = member.network_code.clone();
    let mut active: board_member::ActiveModel = member.into();
    active.valid_to = Set(Some(last_day));
    let member = active.update(work.db()).await?;
    let now = work.now;
    announce(
        &mut work,
        viewer,
        "BOARD_MEMBER_LEFT",
        &format!("{network} board member {}", member.id),
        json!({ "memberId": member.id, "lastDay": last_day }),
        &reason,
        GovernanceChange {
            party: member.organisation_code.clone(),
            ..GovernanceChange::of(GovernanceChangeKind::MemberLeft, &network, now)
        },
    )
    .await?;
    work.commit().await?;
    Ok(member)
}
