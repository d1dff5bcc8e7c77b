//! GraphQL input types.

pub mod calendar;
pub mod network;
pub mod provider;
