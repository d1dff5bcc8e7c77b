//! Query roots, one per domain noun, merged in `schema`.

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
