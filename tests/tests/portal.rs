//! The portal over HTTP, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod admin;
mod authentication;
mod calendar;
mod cases;
mod contacts;
mod hardening;
mod http_audit;
mod indicators;
mod migrations;
mod organisation;
mod policy;
mod reliability;
mod schema_drift;
mod statements;
mod subscriptions;
