use sea_orm::entity::prelude::*;

use crate::enums::MailState;

/// A letter the policy requires, written in the same transaction as the transition that calls
/// for it and sent later by the dispatcher.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    /// Stable across retries and restarts, so a receiver can discard a repeat.
    #[sea_orm(unique)]
    pub message_id: String,
    pub stage: Option<i32>,
    pub event: String,
    pub subject: String,
    pub body: String,
    /// `[{"party": "CEO", "kind": "TO", "address": ..}]`
    pub recipients: Json,
    /// Why a regulator receives it (the stage rule and the stage-5 decision).
    pub justification: Option<String>,
    pub state: MailState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTimeUtc,
    /// A dispatcher holds the message until then; another may take it afterwards.
    pub claimed_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// The request that queued it, for following its delivery in the logs; none from the clock.
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
