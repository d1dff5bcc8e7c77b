//! A network's board and its management (Spinal Services Clinical Network Specification §5.1
//! Hosting; §5.2 "Members and stakeholders" and "The Board"; §4.3 the network M&M reviews;
//! Regional Spinal Networks: the regional meeting as the base of network governance).
//!
//! - this module: the board as read on a day (posts, members by seat, composition gaps, the
//!   last meeting) and the one way a governance change is recorded (`announce`: audit and
//!   `governanceChanged`, no names in the event);
//! - `posts`: the chair, the clinical lead and the manager, with the chair rule;
//! - `members`: seats on the board;
//! - `meetings`: board meetings, regional audit meetings and M&M reviews, their minutes;
//! - `host`: the commissioners' determination of the host.

mod host;
mod meetings;
mod members;
mod posts;

pub use host::{HostChoice, determine_host};
pub use meetings::{
    Action, Decision, Declaration, NewMeeting, Outcome, approve_minutes, record_meeting,
};
pub use members::{NewMember, add_member, end_member};
pub use posts::{Appointment, ChairWarning, appoint, vacate};

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate};
use entities::enums::{BoardSeat, MeetingKind, MembershipRole, NetworkPost, Profession};
use entities::{
    board_meeting, board_member, host_determination, network, network_membership, network_post,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;

use crate::auth::scope::Scope;
use crate::auth::{GrantScope, Role, Viewer};
use crate::dated::in_force_on;
use crate::error::{AppError, AppResult};
use crate::events::{Event, GovernanceChange};
use crate::service::audit::{Change, Subject};
use crate::service::unit_of_work::UnitOfWork;
use crate::state::AppState;

/// The professions a board's clinical representation must include to "cover the whole
/// multi-disciplinary team and pathway of care" (§5.2). The specification names no list: these
/// are the professions of the spinal pathway from assessment to rehabilitation (a choice).
pub const MDT_PROFESSIONS: [Profession; 4] = [
    Profession::SpinalSurgeon,
    Profession::Nurse,
    Profession::Physiotherapist,
    Profession::Radiologist,
];

/// Most meetings (and host determinations) a board read lists, the latest first.
pub const MEETINGS_LISTED: u64 = 50;

/// Something the board lacks that §5.2 asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GapKind {
    /// "clinical representation from each trust undertaking spinal work in the region"
    MemberWithoutClinicalRepresentative,
    /// "management support from the hub centres"
    HubWithoutManagement,
    NoRegionalAhp,
    /// "including patient representatives and third sector organisations"
    NoPatientRepresentative,
    NoThirdSector,
    /// "accountable to the network's commissioners"
    NoCommissioner,
    /// "Clinical representation should cover the whole multi-disciplinary team"
    MdtProfessionMissing,
    /// "operate under the oversight of a suitable chair"
    NoChair,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Gap {
    pub kind: GapKind,
    /// The provider without a representative or management seat, or the missing profession.
    pub code: Option<String>,
}

/// The board of a network as it stood on a day.
pub struct Board {
    pub network: network::Model,
    pub as_at: NaiveDate,
    /// Holders of the posts on the day.
    pub posts: Vec<network_post::Model>,
    /// Members in their seats on the day.
    pub members: Vec<board_member::Model>,
    pub gaps: Vec<Gap>,
    /// The latest meetings of every kind, latest first.
    pub meetings: Vec<board_meeting::Model>,
    pub last_board_meeting: Option<NaiveDate>,
    /// No board meeting within the interval asked for, up to the day.
    pub not_met: bool,
    /// The latest determinations of the host (at most `MEETINGS_LISTED`), latest first.
    pub host_determinations: Vec<host_determination::Model>,
}

/// The board of `network` on `as_at`, for a caller who reaches its governance; a board that
/// has not met for `interval_months` is flagged.
pub async fn board(
    state: &AppState,
    scope: &Scope,
    network_code: &str,
    as_at: NaiveDate,
    interval_months: u32,
) -> AppResult<Board> {
    let network_code = network_code.trim();
    if !scope.governance.contains(network_code) {
        return Err(AppError::not_found("network", network_code));
    }
    let db = &state.db;
    let network = super::network::get(db, network_code).await?;
    let posts: Vec<network_post::Model> = network_post::Entity::find()
        .filter(network_post::Column::NetworkCode.eq(network_code))
        .filter(in_force_on(
            network_post::Column::ValidFrom,
            network_post::Column::ValidTo,
            as_at,
        ))
        .order_by_asc(network_post::Column::Post)
        .all(db)
        .await?;
    let members: Vec<board_member::Model> = board_member::Entity::find()
        .filter(board_member::Column::NetworkCode.eq(network_code))
        .filter(in_force_on(
            board_member::Column::ValidFrom,
            board_member::Column::ValidTo,
            as_at,
        ))
        .order_by_asc(board_member::Column::Seat)
        .order_by_asc(board_member::Column::Id)
        .all(db)
        .await?;
    let memberships = memberships_on(db, network_code, as_at).await?;
    let meetings = board_meeting::Entity::find()
        .filter(board_meeting::Column::NetworkCode.eq(network_code))
        .filter(board_meeting::Column::HeldOn.lte(as_at))
        .order_by_desc(board_meeting::Column::HeldOn)
        .order_by_desc(board_meeting::Column::Id)
        .limit(MEETINGS_LISTED)
        .all(db)
        .await?;
    let last_board_meeting: Option<NaiveDate> = board_meeting::Entity::find()
        .select_only()
        .column_as(board_meeting::Column::HeldOn.max(), "held_on")
        .filter(board_meeting::Column::NetworkCode.eq(network_code))
        .filter(board_meeting::Column::Kind.eq(MeetingKind::Board))
        .filter(board_meeting::Column::HeldOn.lte(as_at))
        .into_tuple::<Option<NaiveDate>>()
        .one(db)
        .await?
        .flatten();
    let host_determinations = host_determination::Entity::find()
        .filter(host_determination::Column::NetworkCode.eq(network_code))
        .order_by_desc(host_determination::Column::DeterminedOn)
        .order_by_desc(host_determination::Column::Id)
        .limit(MEETINGS_LISTED)
        .all(db)
        .await?;
    let since = as_at
        .checked_sub_months(Months::new(interval_months))
        .unwrap_or(NaiveDate::MIN);
    let not_met = last_board_meeting.is_none_or(|held| held < since);
    let gaps = gaps(&posts, &members, &memberships);
    Ok(Board {
        network,
        as_at,
        posts,
        members,
        gaps,
        meetings,
        last_board_meeting,
        not_met,
        host_determinations,
    })
}

/// What the board lacks that §5.2 asks for, given those in post, the members in their seats and
/// the network's memberships on the same day.
pub fn gaps(
    posts: &[network_post::Model],
    members: &[board_member::Model],
    memberships: &[network_membership::Model],
) -> Vec<Gap> {
    let seated = |seat: BoardSeat| members.iter().filter(move |m| m.seat == seat);
    let represented = |seat: BoardSeat, provider: &str| {
        seated(seat).any(|m| m.organisation_code.as_deref() == Some(provider))
    };
    let mut gaps = BTreeSet::new();
    let mut gap = |kind: GapKind, code: Option<String>| {
        gaps.insert(Gap { kind, code });
    };
    for membership in memberships {
        let provider = membership.provider_ods.as_str();
        if !represented(BoardSeat::ClinicalRepresentative, provider) {
            gap(
                GapKind::MemberWithoutClinicalRepresentative,
                Some(provider.to_owned()),
            );
        }
        if membership.role == MembershipRole::Hub
            && !represented(BoardSeat::HubManagement, provider)
        {
            gap(GapKind::HubWithoutManagement, Some(provider.to_owned()));
        }
    }
    for (seat, kind) in [
        (BoardSeat::RegionalAhp, GapKind::NoRegionalAhp),
        (
            BoardSeat::PatientRepresentative,
            GapKind::NoPatientRepresentative,
        ),
        (BoardSeat::ThirdSector, GapKind::NoThirdSector),
        (BoardSeat::Commissioner, GapKind::NoCommissioner),
    ] {
        if seated(seat).next().is_none() {
            gap(kind, None);
        }
    }
    let professions: Vec<Profession> = seated(BoardSeat::ClinicalRepresentative)
        .chain(seated(BoardSeat::RegionalAhp))
        .chain(seated(BoardSeat::Specialty))
        .filter_map(|m| m.profession)
        .collect();
    for profession in MDT_PROFESSIONS {
        if !professions.contains(&profession) {
            gap(
                GapKind::MdtProfessionMissing,
                Some(profession_code(profession)),
            );
        }
    }
    if !posts.iter().any(|p| p.post == NetworkPost::Chair) {
        gap(GapKind::NoChair, None);
    }
    gaps.into_iter().collect()
}

fn profession_code(profession: Profession) -> String {
    serde_json::to_value(profession)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Those who keep a network's board register: its NETWORK_MANAGER or NETWORK_CLINICAL_LEAD.
fn require_team(viewer: &Viewer, scope: &Scope, network: &str, to_do: &str) -> AppResult<()> {
    if !scope.governance.contains(network) {
        return Err(AppError::not_found("network", network));
    }
    crate::service::workplan::require_network_role(
        viewer,
        &crate::service::workplan::TEAM,
        network,
        to_do,
    )
}

/// Records a governance change: the audit entry (who, when, why, with the details) and the
/// event subscribers hear (no names).
async fn announce(
    work: &mut UnitOfWork<'_>,
    actor: &Viewer,
    action: &str,
    key: &str,
    after: Value,
    reason: &str,
    change: GovernanceChange,
) -> AppResult<()> {
    work.audit(
        actor,
        Change {
            action,
            subject: Subject::Governance,
            key,
            before: None,
            after: Some(after),
            reason,
        },
    )
    .await?;
    work.publish(Event::GovernanceChanged(change)).await
}

/// Whether `viewer` holds `role` for the network's lead region.
fn holds_for_region(viewer: &Viewer, role: Role, network: &network::Model) -> bool {
    viewer.holds(role, &GrantScope::Region(network.lead_region_code.clone()))
}

/// `text` as the ODS code of a provider or ICB the map knows, upper-cased.
fn known_code(map: &crate::org_map::OrgSnapshot, text: &str) -> Option<String> {
    let code = text.trim().to_uppercase();
    (map.providers.contains_key(&code) || map.icbs.iter().any(|(icb, _)| *icb == code))
        .then_some(code)
}

/// A post holder's main employer: a known provider or ICB code, or none.
fn employer(map: &crate::org_map::OrgSnapshot, code: Option<String>) -> AppResult<Option<String>> {
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Ok(None);
    };
    known_code(map, &code).map(Some).ok_or_else(|| {
        AppError::bad_input(format!(
            "No provider or ICB has the code \"{}\"; give the main employer's ODS code.",
            code.trim().to_uppercase()
        ))
    })
}

/// Takes the network's row (after the caller's role is checked) for the rest of the unit of work: on PostgreSQL later writers of the
/// same network's board (two appointments to one post, a chair and a clinical lead at once, two
/// host determinations) wait here and then see this one's rows; SQLite writes one at a time.
async fn hold_network(db: &impl ConnectionTrait, code: &str) -> AppResult<network::Model> {
    network::Entity::update_many()
        .col_expr(network::Column::Code, Expr::col(network::Column::Code))
        .filter(network::Column::Code.eq(code))
        .exec(db)
        .await?;
    super::network::get(db, code).await
}

/// A main employer as given: an NHS organisation by its ODS code (upper-cased when the map knows
/// it), anyone else (a charity, "independent") by the text given.
fn employer_named(map: &crate::org_map::OrgSnapshot, text: &str) -> String {
    known_code(map, text).unwrap_or_else(|| text.trim().to_owned())
}

/// Governance dates are within ten years back and a year ahead of today: older history is not
/// recorded here, and nothing further ahead is known.
fn within_reach(date: NaiveDate, today: NaiveDate, what: &str) -> AppResult<()> {
    let earliest = today.checked_sub_months(Months::new(120));
    let latest = today.checked_add_months(Months::new(12));
    if earliest.is_some_and(|e| date < e) || latest.is_some_and(|l| date > l) {
        return Err(AppError::bad_input(format!(
            "{what} {date} is more than ten years back or a year ahead; give a date between."
        )));
    }
    Ok(())
}

/// Members of `network` on `on`, with their roles.
async fn memberships_on(
    db: &impl ConnectionTrait,
    network: &str,
    on: NaiveDate,
) -> AppResult<Vec<network_membership::Model>> {
    Ok(network_membership::Entity::find()
        .filter(network_membership::Column::NetworkCode.eq(network))
        .filter(in_force_on(
            network_membership::Column::ValidFrom,
            network_membership::Column::ValidTo,
            on,
        ))
        .all(db)
        .await?)
}
