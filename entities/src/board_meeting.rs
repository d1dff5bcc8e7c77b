use sea_orm::entity::prelude::*;

use crate::enums::MeetingKind;

/// A meeting the network held, as minuted: attendees, apologies, declarations of interest (a
/// standing item: NHS Resolution, Guidance on the identification and management of significant
/// concerns, ¶28-29), decisions with their rationale, actions with owners and due dates; for an
/// M&M review the provider and its counts and learning by category. Never patient identifiers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "board_meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_code: String,
    pub kind: MeetingKind,
    pub held_on: Date,
    pub title: String,
    /// `["name (organisation)", …]`
    pub attendees: Json,
    pub apologies: Json,
    /// `[{"name", "interest", "handling"}]`; empty when none was declared.
    pub declarations: Json,
    /// `[{"decision", "rationale"}]`
    pub decisions: Json,
    /// `[{"action", "owner", "dueOn"}]`
    pub actions: Json,
    /// For an M&M review: the provider reviewed.
    pub provider_ods: Option<String>,
    /// For an M&M review: `[{"category", "count", "learning"}]`.
    pub outcomes: Option<Json>,
    pub risk_id: Option<i32>,
    pub case_reference: Option<String>,
    /// The later meeting at which these minutes were approved.
    pub minutes_approved_at: Option<i32>,
    pub recorded_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
