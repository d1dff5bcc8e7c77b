//! The application: schema, resolvers, authorization, services and loaders. No HTTP, no
//! environment: the `api` crate builds settings and passes what is needed in.

pub mod auth;
pub mod calendar;
pub mod clock;
pub mod context;
pub mod dated;
pub mod error;
pub mod events;
pub mod input;
pub mod limits;
pub mod loader;
pub mod mail;
pub mod metrics;
pub mod mutation;
pub mod object;
pub mod org_map;
pub mod pagination;
pub mod portal;
pub mod query;
pub mod registry;
pub mod request_id;
pub mod scalar;
pub mod schema;
pub mod series;
pub mod service;
pub mod state;
pub mod stats;
pub mod subscription;

pub use portal::Portal;
pub use schema::{PortalSchema, SchemaOptions, sdl};
pub use state::AppState;
