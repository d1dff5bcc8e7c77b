use async_graphql::{Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{case_mail_rule, case_stage, recipient};

use super::Nation;
use crate::auth::Role;
use crate::service::policy::Policy;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::MailParty")]
pub enum MailParty {
    LeadClinician,
    Ceo,
    MedicalDirector,
    Cqc,
    NhsImprovement,
    WelshGovernment,
    Mhra,
    Odep,
    HqipAssociateDirector,
    RcsEngland,
    RcsEdinburgh,
    RcpLondon,
    Rcr,
    Rcoa,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::MailCondition")]
pub enum MailCondition {
    Always,
    IfRegulatorInformed,
    IfRoyalCollegesInformed,
}

/// The cause-for-concern escalation for one jurisdiction, as one version of the policy states it
/// (the BSR Cause for Concern Policy, January 2026, Table 1 for England, Table 2 for Wales;
/// version 2 reads stage 1's allocated Associate Director and stage 5's whole decision).
pub struct CasePolicy(pub Policy);

#[Object]
impl CasePolicy {
    async fn jurisdiction(&self) -> Nation {
        self.0.jurisdiction.into()
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn stages(&self) -> Vec<CaseStage<'_>> {
        self.0
            .stages
            .iter()
            .map(|stage| CaseStage {
                stage,
                rules: self
                    .0
                    .mail_rules
                    .iter()
                    .filter(|r| r.stage == stage.stage)
                    .collect(),
            })
            .collect()
    }
    /// The parts of the joint stage-5 decision this version decides, each citing the policy.
    async fn disclosures(&self) -> Vec<DisclosureRule> {
        self.0
            .disclosures
            .iter()
            .map(|d| DisclosureRule {
                part: d.part.into(),
                source: d.source.clone(),
            })
            .collect()
    }
}

/// A part of the joint stage-5 decision a policy version decides.
#[derive(SimpleObject)]
pub struct DisclosureRule {
    pub part: super::case::DisclosurePart,
    pub source: String,
}

pub struct CaseStage<'a> {
    stage: &'a case_stage::Model,
    rules: Vec<&'a case_mail_rule::Model>,
}

#[Object]
impl CaseStage<'_> {
    async fn stage(&self) -> i32 {
        self.stage.stage
    }
    async fn action(&self) -> &str {
        &self.stage.action
    }
    /// Who acts (stage 7 is acted on by the portal's clock on the registry's behalf).
    async fn actor_role(&self) -> Option<Role> {
        Role::parse(&self.stage.actor_role)
    }
    /// Counted from the day the stage starts (day 0) to the Nth following working day.
    async fn limit_working_days(&self) -> i32 {
        self.stage.limit_working_days
    }
    /// The table and stage of the policy this row encodes.
    async fn source(&self) -> &str {
        &self.stage.source
    }
    async fn mail_rules(&self) -> Vec<MailRule<'_>> {
        self.rules.iter().map(|r| MailRule(r)).collect()
    }
}

/// A letter the stage requires.
pub struct MailRule<'a>(&'a case_mail_rule::Model);

#[Object]
impl MailRule<'_> {
    /// What triggers it, e.g. `REQUEST_SENT`, `NON_COMPLIANCE`.
    async fn event(&self) -> &str {
        &self.0.event
    }
    async fn to(&self) -> Vec<MailParty> {
        parties(&self.0.to_parties)
    }
    async fn cc(&self) -> Vec<MailParty> {
        parties(&self.0.cc_parties)
    }
    async fn condition(&self) -> MailCondition {
        self.0.condition.into()
    }
    async fn source(&self) -> &str {
        &self.0.source
    }
}

fn parties(value: &serde_json::Value) -> Vec<MailParty> {
    serde_json::from_value::<Vec<entities::enums::MailParty>>(value.clone())
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// A body cause-for-concern letters go to.
pub struct Recipient(pub recipient::Model);

#[Object]
impl Recipient {
    async fn key(&self) -> MailParty {
        self.0.key.into()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Null until an address is known (the policy gives none for MHRA, ODEP and the royal
    /// colleges).
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Where the entry comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
