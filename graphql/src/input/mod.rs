//! GraphQL input types.

pub mod network;
pub mod provider;
