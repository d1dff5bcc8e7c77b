//! The append-only audit log: written in the same transaction as the change it records.

use chrono::{DateTime, Utc};
use entities::audit_entry;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::events::OrganisationEntity;

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The organisation map: subscribers to `organisationChanged` hear of it.
    Organisation(OrganisationEntity),
    /// The working-day calendar.
    BankHoliday,
    /// The directory of bodies cause-for-concern letters go to.
    Recipient,
    /// The indicator catalogue.
    Indicator,
    /// A network's annual workplan, its deliverables and progress reports.
    Workplan,
    /// A network's annual report.
    AnnualReport,
    /// A risk on a network's register.
    Risk,
    /// A document on a network's governance register.
    GovernanceDocument,
    /// A network's board: posts, members and meetings (the host's determination is a change
    /// to the organisation map).
    Governance,
}

impl Subject {
    /// The `entityType` recorded in the log.
    pub fn entity_type(self) -> &'static str {
        match self {
            Subject::Organisation(OrganisationEntity::NetworkHubs) => "NETWORK_HUBS",
            Subject::Organisation(OrganisationEntity::NetworkHost) => "NETWORK_HOST",
            Subject::Organisation(OrganisationEntity::NetworkFootprint) => "NETWORK_FOOTPRINT",
            Subject::Organisation(OrganisationEntity::ProviderContacts) => "PROVIDER_CONTACTS",
            Subject::BankHoliday => "BANK_HOLIDAY",
            Subject::Recipient => "RECIPIENT",
            Subject::Indicator => "INDICATOR",
            Subject::Workplan => "WORKPLAN",
            Subject::AnnualReport => "ANNUAL_REPORT",
            Subject::Risk => "RISK",
            Subject::GovernanceDocument => "GOVERNANCE_DOCUMENT",
            Subject::Governance => "NETWORK_GOVERNANCE",
        }
    }
}

/// What one change did, for the log.
pub struct Change<'a> {
    pub action: &'a str,
    pub subject: Subject,
    pub key: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: &'a str,
}

/// Appends one entry and returns its id.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Viewer,
    at: DateTime<Utc>,
    change: Change<'_>,
) -> AppResult<i64> {
    let result = audit_entry::Entity::insert(audit_entry::ActiveModel {
        id: NotSet,
        at: Set(at),
        actor_sub: Set(actor.sub.clone()),
        actor_name: Set(actor.name.clone()),
        action: Set(change.action.to_owned()),
        entity_type: Set(change.subject.entity_type().to_owned()),
        entity_key: Set(change.key.to_owned()),
        before: Set(change.before),
        after: Set(change.after),
        reason: Set(Some(change.reason.to_owned())),
    })
    .exec(db)
    .await?;
    Ok(result.last_insert_id)
}

/// Newest first; `after` is the id of the last entry of the previous page.
pub async fn list(
    db: &impl ConnectionTrait,
    entity_type: Option<&str>,
    entity_key: Option<&str>,
    after: Option<i64>,
    limit: u64,
) -> AppResult<Vec<audit_entry::Model>> {
    let mut query = filtered(entity_type, entity_key);
    if let Some(after) = after {
        query = query.filter(audit_entry::Column::Id.lt(after));
    }
    Ok(query
        .order_by_desc(audit_entry::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Entries matching the filters, on all pages.
pub async fn count(
    db: &impl ConnectionTrait,
    entity_type: Option<&str>,
    entity_key: Option<&str>,
) -> AppResult<u64> {
    Ok(filtered(entity_type, entity_key).count(db).await?)
}

fn filtered(
    entity_type: Option<&str>,
    entity_key: Option<&str>,
) -> sea_orm::Select<audit_entry::Entity> {
    let mut query = audit_entry::Entity::find();
    if let Some(t) = entity_type {
        query = query.filter(audit_entry::Column::EntityType.eq(t));
    }
    if let Some(k) = entity_key {
        query = query.filter(audit_entry::Column::EntityKey.eq(k));
    }
    query
}

/// Parses an audit-log cursor.
pub fn parse_cursor(cursor: &str) -> AppResult<i64> {
    cursor.parse().map_err(|_| {
        AppError::bad_input(format!(
            "The cursor \"{cursor}\" is not an audit-log cursor; start again without `after`."
        ))
    })
}
