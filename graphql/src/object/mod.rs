//! GraphQL output types. Each wraps an entity model and exposes chosen fields only.

pub mod annual_report;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod document;
pub mod governance;
pub mod icb;
pub mod indicator;
pub mod network;
pub mod policy;
pub mod provider;
pub mod region;
pub mod risk;
pub mod viewer;
pub mod workplan;

use async_graphql::Enum;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::Nation")]
pub enum Nation {
    England,
    Wales,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::MembershipRole")]
pub enum MembershipRole {
    Hub,
    Partner,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::ContactRole")]
pub enum ContactRole {
    LeadClinician,
    Ceo,
    MedicalDirector,
}
