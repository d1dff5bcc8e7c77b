//! The `portal` process: settings, database, HTTP routes and the CLI's commands.

pub mod db;
pub mod demo;
pub mod import;
pub mod keys;
pub mod logs;
pub mod routes;
pub mod settings;
pub mod startup;
