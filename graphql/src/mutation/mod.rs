//! Mutation roots, one per domain noun, merged in `schema`.

pub mod network;
pub mod provider;
