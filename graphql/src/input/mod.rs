//! GraphQL input types.

pub mod calendar;
pub mod case;
pub mod indicator;
pub mod network;
pub mod policy;
pub mod provider;
