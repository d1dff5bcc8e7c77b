//! The letters a case transition calls for, composed from the policy's mail rules (BSR Cause for
//! Concern Policy, January 2026, Tables 1-2 and footnotes 1-7) and written to the outbox in the
//! transition's transaction.
//!
//! Addresses are resolved when the letter is written: provider contacts from the provider's record,
//! bodies from the recipient directory. A party without an address stops the transition with an
//! error saying who must set it, so a letter is never silently dropped. Letters carry the minimum
//! personal data (NHS Resolution's significant-concerns guidance §17): roles, not names; no patient
//! identifiers; a link to the portal for data and analyses.

use chrono::{DateTime, Utc};
use entities::enums::{ContactRole, MailCondition, MailParty, MailState};
use entities::{case, case_mail_rule, mail_outbox, provider_contact, recipient};
use sea_orm::{
    ActiveEnum, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::state::MailIdentity;

/// `TO` or `CC`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AddressLine {
    To,
    Cc,
}

/// One addressee of a letter, as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressee {
    pub party: MailParty,
    pub kind: AddressLine,
    pub address: String,
}

/// The bodies outside the process (regulators and royal colleges): a letter to one is a
/// disclosure and records why.
pub fn is_outside_body(party: MailParty) -> bool {
    party.is_royal_college()
        || matches!(
            party,
            MailParty::Cqc
                | MailParty::NhsImprovement
                | MailParty::WelshGovernment
                | MailParty::Mhra
                | MailParty::Odep
        )
}

/// What the joint stage-5 decision settled that the registry's letters depend on.
#[derive(Debug, Clone, Default)]
pub struct Decided {
    /// The registry informs the regulator (CQC, Welsh Government).
    pub regulator: bool,
    /// The royal colleges the registry informs (Wales).
    pub registry_colleges: Vec<MailParty>,
}

/// What a letter is for.
pub struct LetterPlan<'a> {
    /// The policy event (`REQUEST_SENT`, `CONFIRMATION_SENT`, ...) or the portal's own
    /// (`OVERDUE`, `ODEP_REPORT`, `MHRA_INFORMED`).
    pub event: &'a str,
    pub stage: Option<i32>,
    pub to: Vec<MailParty>,
    pub cc: Vec<MailParty>,
    /// Where the rule comes from, e.g. "BSR Cause for Concern Policy, January 2026, Table 1, stage
    /// 5, footnote 1".
    pub source: String,
    /// Distinguishes the letters of one transition in the Message-ID.
    pub tag: String,
    /// One sentence on what the letter asks or tells.
    pub message: String,
}

/// The policy's letters for `event` at `stage`, given what stage 5 decided.
pub fn plans_from_rules<'e>(
    rules: &[case_mail_rule::Model],
    stage: i32,
    event: &'e str,
    decided: &Decided,
    message: &str,
) -> AppResult<Vec<LetterPlan<'e>>> {
    let mut plans = Vec::new();
    for rule in rules
        .iter()
        .filter(|r| r.stage == stage && r.event == event)
    {
        let parties = |json: &serde_json::Value| -> AppResult<Vec<MailParty>> {
            serde_json::from_value(json.clone()).map_err(AppError::internal)
        };
        let mut to = parties(&rule.to_parties)?;
        match rule.condition {
            MailCondition::Always => {}
            MailCondition::IfRegulatorInformed if decided.regulator => {}
            MailCondition::IfRoyalCollegesInformed if !decided.registry_colleges.is_empty() => {
                to.extend(decided.registry_colleges.iter().copied());
            }
            MailCondition::IfRegulatorInformed | MailCondition::IfRoyalCollegesInformed => {
                continue;
            }
        }
        plans.push(LetterPlan {
            event,
            stage: Some(stage),
            to,
            cc: parties(&rule.cc_parties)?,
            source: rule.source.clone(),
            tag: format!("r{}", rule.id),
            message: message.to_owned(),
        });
    }
    Ok(plans)
}

/// Writes one outbox row per plan. `version` is the case version the transition creates;
/// `justification` explains a disclosure to a regulator beyond the rule itself.
#[allow(clippy::too_many_arguments)]
pub async fn write(
    db: &impl ConnectionTrait,
    identity: &MailIdentity,
    case: &case::Model,
    version: i32,
    plans: &[LetterPlan<'_>],
    justification: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Vec<mail_outbox::Model>> {
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    let directory = recipient::Entity::find().all(db).await?;
    let contacts = match &case.provider_ods {
        Some(ods) => {
            provider_contact::Entity::find()
                .filter(provider_contact::Column::ProviderOds.eq(ods))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let address_of = |party: MailParty| -> AppResult<String> {
        let contact_role = match party {
            MailParty::LeadClinician => Some(ContactRole::LeadClinician),
            MailParty::Ceo => Some(ContactRole::Ceo),
            MailParty::MedicalDirector => Some(ContactRole::MedicalDirector),
            _ => None,
        };
        if party == MailParty::HqipAssociateDirector {
            return case.associate_director_email.clone().ok_or_else(|| {
                AppError::bad_input(format!(
                    "{} has no allocated HQIP Associate Director, and the policy requires a \
                     letter to them now; the registry records one with \
                     allocateAssociateDirector. Nothing was changed.",
                    case.reference
                ))
            });
        }
        let address = match contact_role {
            Some(role) => contacts
                .iter()
                .find(|c| c.role == role)
                .map(|c| c.email.clone()),
            None => directory
                .iter()
                .find(|r| r.key == party)
                .and_then(|r| r.email.clone()),
        };
        address.ok_or_else(|| match contact_role {
            Some(_) => AppError::bad_input(format!(
                "Provider {} has no {} address, and the policy requires a letter to them now; \
                 a national administrator sets it with setProviderContacts. Nothing was changed.",
                case.provider_ods.as_deref().unwrap_or("?"),
                party.to_value()
            )),
            None => AppError::bad_input(format!(
                "The recipient directory has no address for {}, and the policy requires a letter \
                 to it now; a national administrator sets it with setRecipientAddress. Nothing \
                 was changed.",
                party.to_value()
            )),
        })
    };
    let mut written = Vec::new();
    for plan in plans {
        let mut recipients = Vec::new();
        for (parties, kind) in [(&plan.to, AddressLine::To), (&plan.cc, AddressLine::Cc)] {
            for party in parties {
                recipients.push(Addressee {
                    party: *party,
                    kind,
                    address: address_of(*party)?,
                });
            }
        }
        let discloses = recipients.iter().any(|r| is_outside_body(r.party));
        let row = mail_outbox::ActiveModel {
            id: NotSet,
            case_id: Set(case.id),
            message_id: Set(format!(
                "<{}.v{version}.{}@{}>",
                case.reference, plan.tag, identity.domain
            )),
            stage: Set(plan.stage),
            event: Set(plan.event.to_owned()),
            subject: Set(subject(case, plan)),
            body: Set(body(identity, case, plan)),
            recipients: Set(serde_json::to_value(&recipients).map_err(AppError::internal)?),
            justification: Set(discloses.then(|| match justification {
                Some(extra) => format!("{}; {extra}", plan.source),
                None => plan.source.clone(),
            })),
            state: Set(MailState::Pending),
            attempts: Set(0),
            last_error: Set(None),
            next_attempt_at: Set(now),
            claimed_until: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
            request_id: Set(crate::request_id::current()),
        };
        let inserted = mail_outbox::Entity::insert(row)
            .exec_with_returning(db)
            .await?;
        written.push(inserted);
    }
    Ok(written)
}

fn subject(case: &case::Model, plan: &LetterPlan<'_>) -> String {
    let what = plan.event.replace('_', " ").to_lowercase();
    match plan.stage {
        Some(stage) => format!(
            "Cause for concern {}: {what} (stage {stage})",
            case.reference
        ),
        None => format!("Cause for concern {}: {what}", case.reference),
    }
}

fn body(identity: &MailIdentity, case: &case::Model, plan: &LetterPlan<'_>) -> String {
    let about = match (&case.provider_ods, &case.implant) {
        (Some(ods), _) => format!("Provider (ODS code): {ods}"),
        (None, Some(implant)) => format!("Implant: {implant}"),
        (None, None) => String::new(),
    };
    let stage = plan
        .stage
        .map(|s| format!("Stage: {s} of 7\n"))
        .unwrap_or_default();
    format!(
        "Spinal Services cause-for-concern process ({jurisdiction})\n\n\
         Case: {reference}\n{about}\n{stage}\n{message}\n\n\
         The data and analyses are in the portal, for those entitled to see them:\n\
         {url}/cases/{reference}\n\n\
         This message carries no patient identifiers. Rule: {source}.\n",
        jurisdiction = case.jurisdiction.to_value().to_lowercase(),
        reference = case.reference,
        message = plan.message,
        url = identity.public_url.trim_end_matches('/'),
        source = plan.source,
    )
}
