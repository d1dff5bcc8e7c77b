use async_graphql::InputObject;

use crate::object::risk::{Party, RiskKind};
use crate::scalar::Date;
use crate::service::risk as service;

/// Who stays accountable for a service risk.
#[derive(InputObject)]
pub struct PartyInput {
    /// `PROVIDER` (a member provider) or `ICB` (of the footprint).
    pub kind: Party,
    pub code: String,
}

#[derive(InputObject)]
pub struct RaiseRiskInput {
    pub network: String,
    pub kind: RiskKind,
    pub title: String,
    #[graphql(default)]
    pub cause: String,
    #[graphql(default)]
    pub effect: String,
    /// For a SERVICE risk only: the member provider or footprint ICB accountable.
    pub accountable: Option<PartyInput>,
    pub owner: String,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: i32,
    /// 1 (negligible) to 5 (catastrophic).
    pub consequence: i32,
    /// The score the mitigation aims for, 1-25.
    pub target_score: i32,
    #[graphql(default)]
    pub controls: String,
    pub review_on: Date,
    #[graphql(default)]
    pub quality_concern: bool,
    /// A deliverable of one of the network's workplans the risk threatens.
    pub deliverable_id: Option<i32>,
    /// A cause-for-concern case the risk relates to.
    pub case_reference: Option<String>,
}

impl From<RaiseRiskInput> for service::NewRisk {
    fn from(input: RaiseRiskInput) -> Self {
        service::NewRisk {
            network: input.network,
            kind: input.kind.into(),
            title: input.title,
            cause: input.cause,
            effect: input.effect,
            accountable: input.accountable.map(|a| (a.kind.into(), a.code)),
            owner: input.owner,
            likelihood: input.likelihood,
            consequence: input.consequence,
            target_score: input.target_score,
            controls: input.controls,
            review_on: input.review_on.0,
            quality_concern: input.quality_concern,
            deliverable_id: input.deliverable_id,
            case_reference: input.case_reference,
        }
    }
}

#[derive(InputObject)]
pub struct EscalateRiskInput {
    pub id: i32,
    pub expected_version: i32,
    /// An ICB of the network's footprint, or its lead region.
    pub to: PartyInput,
    /// The signed-off escalation route followed (the network's escalation SOP or MoU, version).
    pub route: String,
    pub rationale: String,
    pub assurance_requested: String,
    pub respond_by: Date,
}

impl From<EscalateRiskInput> for service::Escalation {
    fn from(input: EscalateRiskInput) -> Self {
        service::Escalation {
            to: (input.to.kind.into(), input.to.code),
            route: input.route,
            rationale: input.rationale,
            assurance_requested: input.assurance_requested,
            respond_by: input.respond_by.0,
        }
    }
}
