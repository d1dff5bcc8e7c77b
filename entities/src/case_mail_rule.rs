use sea_orm::entity::prelude::*;

use crate::enums::{MailCondition, Nation};

/// A letter the policy requires when a stage reaches `event`: to whom, copied to whom, when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_mail_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction: Nation,
    pub version: i32,
    pub stage: i32,
    pub event: String,
    /// `MailParty` values.
    pub to_parties: Json,
    /// `MailParty` values.
    pub cc_parties: Json,
    pub condition: MailCondition,
    pub source: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
