//! Mutation roots, one per domain noun, merged in `schema`.

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
