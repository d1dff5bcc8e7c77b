//! The portal over HTTP, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tests as support;
use tests::on_both_databases;

mod admin;
mod authentication;
mod calendar;
mod cases;
mod contacts;
mod documents;
mod edge;
mod field_errors;
mod governance;
mod graphiql;
mod hardening;
mod http_audit;
mod indicators;
mod jwks;
mod metrics;
mod migrations;
mod organisation;
mod policy;
mod reliability;
mod risks;
mod schema_drift;
mod stage_five;
mod statements;
mod subscriptions;
mod workplans;
