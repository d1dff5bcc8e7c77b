//! A network's board and management as read, and the governance events subscribers hear.

use async_graphql::{Enum, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{board_meeting, board_member, host_determination, network_post};

use super::document::DocumentKind;
use super::network::Network;
use crate::events::{GovernanceChange, GovernanceChangeKind};
use crate::scalar::Date;
use crate::service::governance::{self as service, ChairWarning as Warning};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::NetworkPost")]
pub enum NetworkPost {
    ClinicalLead,
    Manager,
    Chair,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::BoardSeat")]
pub enum BoardSeat {
    ClinicalRepresentative,
    HubManagement,
    RegionalAhp,
    PatientRepresentative,
    ThirdSector,
    Commissioner,
    Specialty,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::BoardSpecialty")]
pub enum BoardSpecialty {
    MajorTrauma,
    SpinalCordInjury,
    Rehabilitation,
    Oncology,
    Radiology,
    Other,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::Profession")]
pub enum Profession {
    SpinalSurgeon,
    Anaesthetist,
    Nurse,
    Physiotherapist,
    OccupationalTherapist,
    Radiologist,
    PainMedicine,
    RehabilitationMedicine,
    Psychologist,
    Manager,
    Other,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::MeetingKind")]
pub enum MeetingKind {
    Board,
    RegionalAudit,
    MmReview,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::MmCategory")]
pub enum MmCategory {
    OperativeDeath,
    Complication,
    ReturnToTheatre,
    NegligenceCase,
    DutyOfCandour,
    SeriousIncident,
    NeverEvent,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::governance::ChairWarning")]
pub enum ChairWarning {
    SameEmployerAsClinicalLead,
    FromTheHost,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::governance::GapKind")]
pub enum GapKind {
    MemberWithoutClinicalRepresentative,
    HubWithoutManagement,
    NoRegionalAhp,
    NoPatientRepresentative,
    NoThirdSector,
    NoCommissioner,
    MdtProfessionMissing,
    NoChair,
}

/// What the board lacks that the specification (§5.2) asks for.
#[derive(SimpleObject)]
pub struct CompositionGap {
    kind: GapKind,
    /// The provider without a representative or management seat, or the missing profession.
    code: Option<String>,
}

/// The board of a network on a day.
pub struct NetworkBoard(pub service::Board);

#[Object]
impl NetworkBoard {
    async fn network(&self) -> Network {
        Network(self.0.network.clone())
    }
    async fn as_at(&self) -> Date {
        self.0.as_at.into()
    }
    /// The holders of the chair, clinical lead and manager posts on the day.
    async fn posts(&self) -> Vec<PostHolder> {
        self.0.posts.iter().cloned().map(PostHolder).collect()
    }
    async fn chair(&self) -> Option<PostHolder> {
        self.holder(entities::enums::NetworkPost::Chair)
    }
    async fn members(&self) -> Vec<BoardMember> {
        self.0.members.iter().cloned().map(BoardMember).collect()
    }
    /// Empty when the board is composed as §5.2 asks.
    async fn composition_gaps(&self) -> Vec<CompositionGap> {
        self.0
            .gaps
            .iter()
            .map(|g| CompositionGap {
                kind: g.kind.into(),
                code: g.code.clone(),
            })
            .collect()
    }
    /// The latest meetings of every kind held by the day, latest first (at most 50).
    async fn meetings(&self) -> Vec<Meeting> {
        self.0.meetings.iter().cloned().map(Meeting).collect()
    }
    async fn last_board_meeting_on(&self) -> Option<Date> {
        self.0.last_board_meeting.map(Date)
    }
    /// No board meeting within `meetingIntervalMonths` up to the day.
    async fn not_met(&self) -> bool {
        self.0.not_met
    }
    /// The commissioners' determinations of the host, latest first.
    async fn host_determinations(&self) -> Vec<HostDetermination> {
        self.0
            .host_determinations
            .iter()
            .cloned()
            .map(HostDetermination)
            .collect()
    }
}

impl NetworkBoard {
    fn holder(&self, post: entities::enums::NetworkPost) -> Option<PostHolder> {
        self.0
            .posts
            .iter()
            .find(|p| p.post == post)
            .cloned()
            .map(PostHolder)
    }
}

/// Who holds a post. The holder's address, used to tell people apart, is not shown.
pub struct PostHolder(pub network_post::Model);

#[Object]
impl PostHolder {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn post(&self) -> NetworkPost {
        self.0.post.into()
    }
    async fn holder_name(&self) -> &str {
        &self.0.holder_name
    }
    async fn main_employer(&self) -> Option<&str> {
        self.0.main_employer.as_deref()
    }
    async fn valid_from(&self) -> Date {
        self.0.valid_from.into()
    }
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }
    /// For the chair: how the fair and open process ran.
    async fn appointment(&self) -> Option<&str> {
        self.0.appointment.as_deref()
    }
    /// What the specification asks "ideally" of a chair that this appointment does not meet.
    async fn warnings(&self) -> Result<Vec<ChairWarning>> {
        let warnings: Vec<Warning> = serde_json::from_value(self.0.warnings.clone())?;
        Ok(warnings.into_iter().map(Into::into).collect())
    }
}

pub struct BoardMember(pub board_member::Model);

#[Object]
impl BoardMember {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn seat(&self) -> BoardSeat {
        self.0.seat.into()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The provider represented, or the ICB for a commissioner.
    async fn organisation(&self) -> Option<&str> {
        self.0.organisation_code.as_deref()
    }
    async fn main_employer(&self) -> &str {
        &self.0.main_employer
    }
    async fn profession(&self) -> Option<Profession> {
        self.0.profession.map(Into::into)
    }
    async fn specialty(&self) -> Option<BoardSpecialty> {
        self.0.specialty.map(Into::into)
    }
    async fn valid_from(&self) -> Date {
        self.0.valid_from.into()
    }
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }
}

#[derive(SimpleObject)]
pub struct DeclarationOfInterest {
    name: String,
    interest: String,
    handling: String,
}

#[derive(SimpleObject)]
pub struct MeetingDecision {
    decision: String,
    rationale: String,
}

#[derive(SimpleObject)]
pub struct MeetingAction {
    action: String,
    owner: String,
    due_on: Date,
}

#[derive(SimpleObject)]
pub struct MmOutcome {
    category: MmCategory,
    count: i32,
    learning: String,
}

/// A meeting as minuted.
pub struct Meeting(pub board_meeting::Model);

fn list<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<Vec<T>> {
    Ok(serde_json::from_value(value.clone())?)
}

#[Object]
impl Meeting {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn kind(&self) -> MeetingKind {
        self.0.kind.into()
    }
    async fn held_on(&self) -> Date {
        self.0.held_on.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn attendees(&self) -> Result<Vec<String>> {
        list(&self.0.attendees)
    }
    async fn apologies(&self) -> Result<Vec<String>> {
        list(&self.0.apologies)
    }
    /// The standing item: empty when none was declared.
    async fn declarations(&self) -> Result<Vec<DeclarationOfInterest>> {
        Ok(list::<service::Declaration>(&self.0.declarations)?
            .into_iter()
            .map(|d| DeclarationOfInterest {
                name: d.name,
                interest: d.interest,
                handling: d.handling,
            })
            .collect())
    }
    async fn decisions(&self) -> Result<Vec<MeetingDecision>> {
        Ok(list::<service::Decision>(&self.0.decisions)?
            .into_iter()
            .map(|d| MeetingDecision {
                decision: d.decision,
                rationale: d.rationale,
            })
            .collect())
    }
    async fn actions(&self) -> Result<Vec<MeetingAction>> {
        Ok(list::<service::Action>(&self.0.actions)?
            .into_iter()
            .map(|a| MeetingAction {
                action: a.action,
                owner: a.owner,
                due_on: Date(a.due_on),
            })
            .collect())
    }
    /// For an M&M review: the provider reviewed.
    async fn provider_ods(&self) -> Option<&str> {
        self.0.provider_ods.as_deref()
    }
    /// For an M&M review: counts and learning by category.
    async fn outcomes(&self) -> Result<Vec<MmOutcome>> {
        let Some(outcomes) = &self.0.outcomes else {
            return Ok(Vec::new());
        };
        Ok(list::<service::Outcome>(outcomes)?
            .into_iter()
            .map(|o| MmOutcome {
                category: o.category.into(),
                count: o.count,
                learning: o.learning,
            })
            .collect())
    }
    async fn risk_id(&self) -> Option<i32> {
        self.0.risk_id
    }
    async fn case_reference(&self) -> Option<&str> {
        self.0.case_reference.as_deref()
    }
    /// The later board meeting that approved these minutes.
    async fn minutes_approved_at(&self) -> Option<i32> {
        self.0.minutes_approved_at
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

pub struct HostDetermination(pub host_determination::Model);

#[Object]
impl HostDetermination {
    async fn provider_ods(&self) -> &str {
        &self.0.provider_ods
    }
    async fn determined_on(&self) -> Date {
        self.0.determined_on.into()
    }
    /// The ICBs that determined it.
    async fn icbs(&self) -> Result<Vec<String>> {
        list(&self.0.icbs)
    }
    async fn citation(&self) -> &str {
        &self.0.citation
    }
    async fn recorded_by_name(&self) -> &str {
        &self.0.recorded_by_name
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

/// A governance event for subscribers: no personal data.
pub struct GovernanceEvent(pub GovernanceChange);

#[Object]
impl GovernanceEvent {
    async fn kind(&self) -> GovernanceChangeKind {
        self.0.kind
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn document_id(&self) -> Option<i32> {
        self.0.document_id
    }
    async fn document_kind(&self) -> Option<DocumentKind> {
        self.0.document_kind.map(Into::into)
    }
    async fn meeting_id(&self) -> Option<i32> {
        self.0.meeting_id
    }
    async fn post(&self) -> Option<NetworkPost> {
        self.0.post.map(Into::into)
    }
    /// The ICB, provider or network that signed; the provider reviewed or newly hosting.
    async fn party(&self) -> Option<&str> {
        self.0.party.as_deref()
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}
