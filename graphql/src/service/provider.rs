//! Providers: filtered reads and the administrator's corrections to named contacts.

use std::collections::HashMap;

use chrono::NaiveDate;
use entities::enums::{ContactRole, MembershipRole, Nation};
use entities::{provider, provider_contact};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

use super::audit::{Change, Subject};
use super::require_reason;
use super::unit_of_work::UnitOfWork;
use crate::auth::{Role, Viewer};
use crate::dated::in_force;
use crate::error::{AppError, AppResult};
use crate::events::OrganisationEntity;
use crate::registry::Registry;
use crate::state::AppState;

pub struct ProviderFilter<'a> {
    pub as_at: NaiveDate,
    pub network: Option<&'a str>,
    pub role: Option<MembershipRole>,
    pub nation: Option<Nation>,
}

/// Providers by ODS code; `network` and `role` look at memberships in force on `as_at`.
pub fn list(registry: &Registry, filter: ProviderFilter<'_>) -> AppResult<Vec<provider::Model>> {
    if let Some(network) = filter.network
        && !registry.networks.contains_key(network)
    {
        return Err(super::network::unknown(network));
    }
    let member = |p: &provider::Model| {
        (filter.network.is_none() && filter.role.is_none())
            || registry
                .memberships_of_provider(&p.ods_code)
                .iter()
                .any(|m| {
                    in_force(m.valid_from, m.valid_to, filter.as_at)
                        && filter.network.is_none_or(|n| m.network_code == n)
                        && filter.role.is_none_or(|r| m.role == r)
                })
    };
    Ok(registry
        .providers
        .values()
        .filter(|p| filter.nation.is_none_or(|n| p.nation == n) && member(p))
        .cloned()
        .collect())
}

pub async fn get(db: &impl ConnectionTrait, ods: &str) -> AppResult<provider::Model> {
    provider::Entity::find_by_id(ods.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("provider", ods))
}

/// Looks up a provider named inside an input.
pub async fn referenced(db: &impl ConnectionTrait, ods: &str) -> AppResult<provider::Model> {
    provider::Entity::find_by_id(ods.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| unknown(ods))
}

/// The error for an input naming a provider that does not exist.
pub fn unknown(ods: &str) -> AppError {
    AppError::bad_input(format!("No provider has the ODS code \"{ods}\"."))
}

pub struct ContactChoice {
    pub role: ContactRole,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// Replaces a provider's named contacts (at most one per role).
pub async fn set_contacts(
    state: &AppState,
    actor: &Viewer,
    ods: &str,
    contacts: Vec<ContactChoice>,
    reason: &str,
) -> AppResult<provider::Model> {
    actor.require_any(&[Role::NationalAdmin], "change a provider's contacts")?;
    let reason = require_reason(reason)?;
    let mut seen = HashMap::new();
    for (i, c) in contacts.iter().enumerate() {
        if let Some(first) = seen.insert(c.role, i) {
            return Err(AppError::bad_input(format!(
                "contacts[{first}] and contacts[{i}] both have the role {:?}; give one contact per role.",
                c.role
            )));
        }
        validate_contact(i, c)?;
    }
    let mut work = UnitOfWork::begin(state).await?;
    let (txn, now) = (work.db(), work.now);
    let provider = get(txn, ods).await?;
    let before = provider_contact::Entity::find()
        .filter(provider_contact::Column::ProviderOds.eq(ods))
        .order_by_asc(provider_contact::Column::Role)
        .all(txn)
        .await?;
    provider_contact::Entity::delete_many()
        .filter(provider_contact::Column::ProviderOds.eq(ods))
        .exec(txn)
        .await?;
    if !contacts.is_empty() {
        provider_contact::Entity::insert_many(contacts.iter().map(|c| {
            provider_contact::ActiveModel {
                provider_ods: Set(ods.to_owned()),
                role: Set(c.role),
                name: Set(c.name.trim().to_owned()),
                email: Set(c.email.trim().to_owned()),
                phone: Set(c
                    .phone
                    .as_ref()
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())),
                updated_at: Set(now),
            }
        }))
        .exec(txn)
        .await?;
    }
    let after: Vec<Value> = contacts
        .iter()
        .map(|c| json!({ "role": c.role, "name": c.name.trim(), "email": c.email.trim(), "phone": c.phone }))
        .collect();
    let before: Vec<Value> = before
        .iter()
        .map(|c| json!({ "role": c.role, "name": c.name, "email": c.email, "phone": c.phone }))
        .collect();
    work.audit(
        actor,
        Change {
            action: "setProviderContacts",
            subject: Subject::Organisation(OrganisationEntity::ProviderContacts),
            key: ods,
            before: Some(json!(before)),
            after: Some(json!(after)),
            reason: &reason,
        },
    )
    .await?;
    work.commit().await?;
    Ok(provider)
}

fn validate_contact(i: usize, c: &ContactChoice) -> AppResult<()> {
    let name = c.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::bad_input(format!(
            "contacts[{i}].name must be 1 to 200 characters."
        )));
    }
    if !plausible_email(c.email.trim()) {
        return Err(AppError::bad_input(format!(
            "contacts[{i}].email is not an email address (expected name@organisation.nhs.uk)."
        )));
    }
    if let Some(phone) = &c.phone {
        let ok = phone
            .chars()
            .all(|ch| ch.is_ascii_digit() || " +()-".contains(ch))
            && phone.chars().filter(char::is_ascii_digit).count() >= 6
            && phone.len() <= 32;
        if !ok {
            return Err(AppError::bad_input(format!(
                "contacts[{i}].phone may hold only digits, spaces and + ( ) -, with at least 6 digits."
            )));
        }
    }
    Ok(())
}

/// One `@`, a non-empty local part, a dotted domain, no spaces: enough to catch typing errors.
pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::plausible_email;

    #[test]
    fn emails_are_checked_for_typing_errors() {
        assert!(plausible_email("lead.clinician@example.nhs.uk"));
        assert!(!plausible_email("lead.clinician.example.nhs.uk"));
        assert!(!plausible_email("a@b@c.uk"));
        assert!(!plausible_email("a b@c.uk"));
        assert!(!plausible_email("a@nhs"));
    }
}
