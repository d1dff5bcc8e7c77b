use sea_orm::entity::prelude::*;

use crate::enums::Party;

/// A risk escalated to a footprint ICB or the lead region, along the network's escalation
/// route, and the addressee's response (NHS Resolution, Guidance on the identification and
/// management of significant concerns, ¶21).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_escalations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub risk_id: i32,
    /// 1 for the first escalation of the risk, 2 for the next…
    pub step: i32,
    pub to_kind: Party,
    pub to_code: String,
    /// The signed-off escalation route it follows (the network's escalation SOP or MoU).
    pub route: String,
    pub rationale: String,
    pub assurance_requested: String,
    pub respond_by: Date,
    pub escalated_by_name: String,
    pub escalated_at: DateTimeUtc,
    pub accepted: Option<bool>,
    pub response: Option<String>,
    pub responded_by_name: Option<String>,
    pub responded_at: Option<DateTimeUtc>,
    /// The clock has announced that no response came by `respond_by`.
    pub overdue_flagged: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
