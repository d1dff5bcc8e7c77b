//! The cause-for-concern policy (versioned stages and mail rules) and the recipient directory.

use entities::enums::DisclosurePart;
use entities::enums::{MailParty, Nation};
use entities::{case_disclosure_rule, case_mail_rule, case_stage, recipient};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::audit::{Change, Subject};
use super::require_reason;
use super::unit_of_work::UnitOfWork;
use crate::auth::{Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::service::provider::plausible_email;
use crate::state::AppState;

/// Every role any version of the policy, in either jurisdiction, names as acting at `stage`:
/// who could possibly make a stage's move, known before the case is read.
pub async fn actors_of_stage(db: &impl ConnectionTrait, stage: i32) -> AppResult<Vec<Role>> {
    let names: Vec<String> = case_stage::Entity::find()
        .select_only()
        .column(case_stage::Column::ActorRole)
        .distinct()
        .filter(case_stage::Column::Stage.eq(stage))
        .into_tuple()
        .all(db)
        .await?;
    Ok(names.iter().filter_map(|n| Role::parse(n)).collect())
}

/// One version of the policy for one jurisdiction.
pub struct Policy {
    pub jurisdiction: Nation,
    pub version: i32,
    pub stages: Vec<case_stage::Model>,
    pub mail_rules: Vec<case_mail_rule::Model>,
    /// The parts of the joint stage-5 decision this version decides.
    pub disclosures: Vec<case_disclosure_rule::Model>,
}

impl Policy {
    pub fn decides(&self, part: DisclosurePart) -> bool {
        self.disclosures.iter().any(|d| d.part == part)
    }
}

/// The policy `version` for `jurisdiction` (the latest when `None`).
pub async fn policy(
    db: &impl ConnectionTrait,
    jurisdiction: Nation,
    version: Option<i32>,
) -> AppResult<Policy> {
    let version = match version {
        Some(v) => v,
        None => case_stage::Entity::find()
            .filter(case_stage::Column::Jurisdiction.eq(jurisdiction))
            .order_by_desc(case_stage::Column::Version)
            .one(db)
            .await?
            .map(|s| s.version)
            .ok_or_else(|| {
                AppError::not_found("policy for the jurisdiction", &jurisdiction.to_value())
            })?,
    };
    let stages = case_stage::Entity::find()
        .filter(case_stage::Column::Jurisdiction.eq(jurisdiction))
        .filter(case_stage::Column::Version.eq(version))
        .order_by_asc(case_stage::Column::Stage)
        .all(db)
        .await?;
    if stages.is_empty() {
        return Err(AppError::not_found("policy version", &version.to_string()));
    }
    let mail_rules = case_mail_rule::Entity::find()
        .filter(case_mail_rule::Column::Jurisdiction.eq(jurisdiction))
        .filter(case_mail_rule::Column::Version.eq(version))
        .order_by_asc(case_mail_rule::Column::Stage)
        .order_by_asc(case_mail_rule::Column::Id)
        .all(db)
        .await?;
    let disclosures = case_disclosure_rule::Entity::find()
        .filter(case_disclosure_rule::Column::Jurisdiction.eq(jurisdiction))
        .filter(case_disclosure_rule::Column::Version.eq(version))
        .order_by_asc(case_disclosure_rule::Column::Part)
        .all(db)
        .await?;
    Ok(Policy {
        jurisdiction,
        version,
        stages,
        mail_rules,
        disclosures,
    })
}

pub async fn recipients(db: &impl ConnectionTrait) -> AppResult<Vec<recipient::Model>> {
    Ok(recipient::Entity::find()
        .order_by_asc(recipient::Column::Key)
        .all(db)
        .await?)
}

/// Sets (or, with `None`, clears) a body's address (national administrators).
pub async fn set_recipient_address(
    state: &AppState,
    actor: &Viewer,
    key: MailParty,
    email: Option<&str>,
    reason: &str,
) -> AppResult<recipient::Model> {
    actor.require_any(&[Role::NationalAdmin], "change the recipient directory")?;
    let reason = require_reason(reason)?;
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    if let Some(email) = email
        && !plausible_email(email)
    {
        return Err(AppError::bad_input(format!(
            "\"{email}\" is not an email address (expected name@organisation.gov.uk)."
        )));
    }
    let mut work = UnitOfWork::begin(state).await?;
    let txn = work.db();
    let existing = recipient::Entity::find_by_id(key)
        .one(txn)
        .await?
        .ok_or_else(|| {
            AppError::bad_input(match key {
                MailParty::HqipAssociateDirector => {
                    "HQIP_ASSOCIATE_DIRECTOR is each case's own: set it \
                 with allocateAssociateDirector."
                        .to_owned()
                }
                _ => format!(
                    "{} is a provider contact, not a body in the directory; set it with \
                 setProviderContacts.",
                    key.to_value()
                ),
            })
        })?;
    let before = json!({ "email": existing.email });
    let mut active = existing.into_active_model();
    active.email = Set(email.map(str::to_owned));
    active.updated_at = Set(work.now);
    let saved = active.update(txn).await?;
    let key_text = key.to_value();
    let change = Change {
        action: "setRecipientAddress",
        subject: Subject::Recipient,
        key: &key_text,
        before: Some(before),
        after: Some(json!({ "email": saved.email })),
        reason: &reason,
    };
    work.audit(actor, change).await?;
    work.commit().await?;
    Ok(saved)
}
