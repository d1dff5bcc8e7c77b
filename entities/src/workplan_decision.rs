use sea_orm::entity::prelude::*;

use crate::enums::WorkplanDecisionKind;

/// One recorded step of a workplan's agreement chain: who, when, why; append-only. Agreements
/// of a round that ended in a return are void (a later round supersedes them).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workplan_decisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workplan_id: i32,
    pub round: i32,
    pub kind: WorkplanDecisionKind,
    /// The ICB decided for (ICB steps only).
    pub icb_code: Option<String>,
    /// The meeting or committee decision the step rests on.
    pub citation: Option<String>,
    pub comments: Option<String>,
    pub decided_by_sub: String,
    pub decided_by_name: String,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
