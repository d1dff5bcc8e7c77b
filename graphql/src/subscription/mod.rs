//! Subscription roots, one per domain noun, merged in `schema`.

pub mod case;
pub mod indicator;
pub mod organisation;
pub mod workplan;
