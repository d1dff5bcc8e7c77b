//! sea-orm entities: one module per table, nothing else. GraphQL output types wrap these models in
//! the `graphql` crate; entities are never exposed directly.

pub mod annual_report;
pub mod audit_entry;
pub mod bank_holiday;
pub mod case;
pub mod case_action;
pub mod case_conflict;
pub mod case_decision;
pub mod case_event;
pub mod case_mail_rule;
pub mod case_stage;
pub mod enums;
pub mod icb;
pub mod icb_succession;
pub mod indicator;
pub mod indicator_batch;
pub mod indicator_value;
pub mod indicator_value_revision;
pub mod mail_outbox;
pub mod network;
pub mod network_footprint;
pub mod network_membership;
pub mod provider;
pub mod provider_contact;
pub mod recipient;
pub mod reference_load;
pub mod region;
pub mod workplan;
pub mod workplan_decision;
pub mod workplan_deliverable;
pub mod workplan_deliverable_indicator;
pub mod workplan_deliverable_update;
pub mod workplan_objective;
pub mod workplan_progress_report;
