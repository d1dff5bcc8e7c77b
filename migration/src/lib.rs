//! Frozen, reversible schema migrations and the reference-data loader.
//!
//! Migrations are history: a landed migration is never edited; a change is a new file.
//! Demo data never lives here (see `api::demo`).

pub use sea_orm_migration::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod append_only;
mod m20261122_000001_create_organisations;
mod m20261122_000002_create_calendar;
mod m20261122_000003_create_audit_log;
mod m20261122_000004_create_case_policy;
mod m20261122_000005_make_audit_log_append_only;
mod m20261122_000006_create_cases;
mod m20261122_000007_create_indicators;
mod m20261201_000001_cite_the_policy_by_title;
mod m20261201_000002_create_workplans;
mod m20261201_000003_create_risks;
mod m20261201_000004_create_governance_documents;
mod m20261202_000001_create_boards;
mod m20261202_000002_decide_each_disclosure;
mod m20261202_000003_relay_events_between_processes;
mod m20261202_000004_trace_letters_to_their_request;
pub mod reference;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_organisations::Migration),
            Box::new(m20261122_000002_create_calendar::Migration),
            Box::new(m20261122_000003_create_audit_log::Migration),
            Box::new(m20261122_000004_create_case_policy::Migration),
            Box::new(m20261122_000005_make_audit_log_append_only::Migration),
            Box::new(m20261122_000006_create_cases::Migration),
            Box::new(m20261122_000007_create_indicators::Migration),
            Box::new(m20261201_000001_cite_the_policy_by_title::Migration),
            Box::new(m20261201_000002_create_workplans::Migration),
            Box::new(m20261201_000003_create_risks::Migration),
            Box::new(m20261201_000004_create_governance_documents::Migration),
            Box::new(m20261202_000001_create_boards::Migration),
            Box::new(m20261202_000002_decide_each_disclosure::Migration),
            Box::new(m20261202_000003_relay_events_between_processes::Migration),
            Box::new(m20261202_000004_trace_letters_to_their_request::Migration),
        ]
    }
}
