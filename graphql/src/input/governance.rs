use async_graphql::InputObject;

use crate::object::governance::{
    BoardSeat, BoardSpecialty, MeetingKind, MmCategory, NetworkPost, Profession,
};
use crate::scalar::Date;
use crate::service::governance as service;

#[derive(InputObject)]
pub struct AppointToNetworkPostInput {
    pub network: String,
    pub post: NetworkPost,
    pub holder_name: String,
    /// The holder's work address: it tells one person apart across posts (the chair rule); it
    /// is not shown in reads.
    pub holder_email: String,
    /// ODS code of the holder's main employer (a provider or an ICB); none for a patient
    /// representative.
    pub main_employer: Option<String>,
    pub from: Date,
    /// For the chair, required: how the fair and open process ran.
    pub appointment: Option<String>,
}

#[derive(InputObject)]
pub struct AddBoardMemberInput {
    pub network: String,
    pub seat: BoardSeat,
    pub name: String,
    /// The member provider represented (CLINICAL_REPRESENTATIVE, HUB_MANAGEMENT) or the
    /// footprint ICB (COMMISSIONER).
    pub organisation: Option<String>,
    /// ODS code of the main employer, or a short name where it has none (a charity).
    pub main_employer: String,
    pub profession: Option<Profession>,
    /// For a SPECIALTY seat only.
    pub specialty: Option<BoardSpecialty>,
    pub from: Date,
}

#[derive(InputObject)]
pub struct DeclarationInput {
    pub name: String,
    pub interest: String,
    /// How the meeting handled it (e.g. "left the room for item 4").
    pub handling: String,
}

#[derive(InputObject)]
pub struct MeetingDecisionInput {
    pub decision: String,
    pub rationale: String,
}

#[derive(InputObject)]
pub struct MeetingActionInput {
    pub action: String,
    pub owner: String,
    pub due_on: Date,
}

#[derive(InputObject)]
pub struct MmOutcomeInput {
    pub category: MmCategory,
    pub count: i32,
    #[graphql(default)]
    pub learning: String,
}

/// A meeting that was held. No text may hold a patient identifier.
#[derive(InputObject)]
pub struct RecordMeetingInput {
    pub network: String,
    pub kind: MeetingKind,
    pub held_on: Date,
    pub title: String,
    /// "name (organisation)" for each attendee.
    pub attendees: Vec<String>,
    #[graphql(default)]
    pub apologies: Vec<String>,
    /// The standing item: an empty list records that none was declared.
    pub declarations: Vec<DeclarationInput>,
    #[graphql(default)]
    pub decisions: Vec<MeetingDecisionInput>,
    #[graphql(default)]
    pub actions: Vec<MeetingActionInput>,
    /// For an MM_REVIEW: the member provider reviewed.
    pub provider: Option<String>,
    /// For an MM_REVIEW: a count for each category reviewed.
    #[graphql(default)]
    pub outcomes: Vec<MmOutcomeInput>,
    /// A risk of the network's register the meeting discussed.
    pub risk_id: Option<i32>,
    /// A cause-for-concern case the meeting discussed.
    pub case_reference: Option<String>,
}

impl From<RecordMeetingInput> for service::NewMeeting {
    fn from(i: RecordMeetingInput) -> Self {
        service::NewMeeting {
            network: i.network,
            kind: i.kind.into(),
            held_on: i.held_on.0,
            title: i.title,
            attendees: i.attendees,
            apologies: i.apologies,
            declarations: i
                .declarations
                .into_iter()
                .map(|d| service::Declaration {
                    name: d.name,
                    interest: d.interest,
                    handling: d.handling,
                })
                .collect(),
            decisions: i
                .decisions
                .into_iter()
                .map(|d| service::Decision {
                    decision: d.decision,
                    rationale: d.rationale,
                })
                .collect(),
            actions: i
                .actions
                .into_iter()
                .map(|a| service::Action {
                    action: a.action,
                    owner: a.owner,
                    due_on: a.due_on.0,
                })
                .collect(),
            provider: i.provider,
            outcomes: i
                .outcomes
                .into_iter()
                .map(|o| service::Outcome {
                    category: o.category.into(),
                    count: o.count,
                    learning: o.learning,
                })
                .collect(),
            risk_id: i.risk_id,
            case_reference: i.case_reference,
        }
    }
}

#[derive(InputObject)]
pub struct DetermineNetworkHostInput {
    pub network: String,
    /// A member provider (hub or partner) of the network.
    pub ods_code: String,
    /// The footprint ICBs whose commissioners determined it.
    pub icbs: Vec<String>,
    pub determined_on: Date,
    /// The decision (e.g. the joint committee's minute).
    pub citation: String,
}
