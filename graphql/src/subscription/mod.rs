//! Subscription roots, one per domain noun, merged in `schema`.

pub mod organisation;
