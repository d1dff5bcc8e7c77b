//! HTTP routes: thin edges that parse HTTP, verify the token, and hand over to the schema.

pub mod edge;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod metrics;
pub mod persisted;
pub mod refusal;
pub mod websocket;
