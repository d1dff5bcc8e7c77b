//! The schema, built once per process (see `portal` for how operations run on it); long-lived
//! things are schema data, the viewer and the loaders are request data.

use async_graphql::{MergedObject, MergedSubscription, Schema};

use crate::mutation::{
    calendar::CalendarMutation, case::CaseMutation, document::DocumentMutation,
    governance::GovernanceMutation, indicator::IndicatorMutation, network::NetworkMutation,
    policy::PolicyMutation, provider::ProviderMutation, risk::RiskMutation,
    workplan::WorkplanMutation,
};
use crate::query::{
    audit::AuditQuery, calendar::CalendarQuery, case::CaseQuery, document::DocumentQuery,
    governance::GovernanceQuery, icb::IcbQuery, indicator::IndicatorQuery, network::NetworkQuery,
    policy::PolicyQuery, provider::ProviderQuery, region::RegionQuery, risk::RiskQuery,
    viewer::ViewerQuery, workplan::WorkplanQuery,
};
use crate::state::AppState;
use crate::subscription::case::CaseSubscription;
use crate::subscription::governance::GovernanceSubscription;
use crate::subscription::indicator::IndicatorSubscription;
use crate::subscription::organisation::OrganisationSubscription;
use crate::subscription::risk::RiskSubscription;
use crate::subscription::workplan::WorkplanSubscription;

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    RegionQuery,
    IcbQuery,
    NetworkQuery,
    ProviderQuery,
    ViewerQuery,
    AuditQuery,
    CalendarQuery,
    PolicyQuery,
    CaseQuery,
    IndicatorQuery,
    WorkplanQuery,
    RiskQuery,
    DocumentQuery,
    GovernanceQuery,
);

#[derive(MergedObject, Default)]
pub struct MutationRoot(
    NetworkMutation,
    ProviderMutation,
    CalendarMutation,
    PolicyMutation,
    CaseMutation,
    IndicatorMutation,
    WorkplanMutation,
    RiskMutation,
    DocumentMutation,
    GovernanceMutation,
);

#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(
    OrganisationSubscription,
    CaseSubscription,
    IndicatorSubscription,
    WorkplanSubscription,
    RiskSubscription,
    GovernanceSubscription,
);

pub type PortalSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Limits applied to every operation.
#[derive(Debug, Clone)]
pub struct SchemaOptions {
    pub introspection: bool,
    /// How deep ordinary fields may nest (`limits::depth`).
    pub max_depth: usize,
    /// The most an operation may cost (`limits::cost`): fields counted once per item of the
    /// lists around them.
    pub max_cost: u64,
    /// The most cost the operations running at once may add up to (`limits::room`), which bounds
    /// the memory their answers take.
    pub max_cost_in_flight: u64,
    pub max_aliases: usize,
    pub max_fields: usize,
    /// Per document, not per field.
    pub max_directives: usize,
    pub max_fragments: usize,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        SchemaOptions {
            introspection: true,
            max_depth: 12,
            max_cost: 100_000,
            max_cost_in_flight: 400_000,
            max_aliases: 30,
            max_fields: 500,
            max_directives: 10,
            max_fragments: 64,
        }
    }
}

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
}

pub fn build(state: AppState, options: &SchemaOptions) -> PortalSchema {
    // Depth is bounded at admission (`limits::depth`), which measures introspection apart.
    let mut schema = builder().data(state).disable_suggestions();
    if !options.introspection {
        schema = schema.disable_introspection();
    }
    schema.finish()
}

/// The SDL checked in as `graphql/schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
