//! GraphQL input types.

pub mod annual_report;
pub mod calendar;
pub mod case;
pub mod document;
pub mod governance;
pub mod indicator;
pub mod network;
pub mod policy;
pub mod provider;
pub mod risk;
pub mod workplan;
