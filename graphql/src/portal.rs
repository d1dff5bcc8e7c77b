//! The application as the edges see it: the schema, plus what every operation gets (limits,
//! per-request loaders run in waves, masked errors), for HTTP requests and WebSocket
//! subscriptions alike.

use std::sync::Arc;

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::{Data, Executor, Request, Response, ServerError};

use crate::auth::Viewer;
use crate::auth::scope::RequestScope;
use crate::guard::{QueryLimits, mask};
use crate::loader::{Dispatch, Loaders, drive};
use crate::schema::{PortalSchema, SchemaOptions, build};
use crate::state::AppState;

#[derive(Clone)]
pub struct Portal {
    schema: PortalSchema,
    state: AppState,
    limits: QueryLimits,
}

impl Portal {
    pub fn new(state: AppState, options: &SchemaOptions) -> Self {
        Portal {
            schema: build(state.clone(), options),
            state,
            limits: QueryLimits {
                max_aliases: options.max_aliases,
                max_fields: options.max_fields,
            },
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Executes one query or mutation for `viewer`.
    pub async fn execute_as(&self, viewer: Viewer, mut request: Request) -> Response {
        if let Err(error) = self.check(&mut request) {
            return Response::from_errors(vec![error]);
        }
        let loaders = Loaders::new(self.state.db.clone(), Dispatch::Driven);
        request.data = request_data(viewer, loaders.clone());
        let mut response = drive(loaders, self.schema.execute(request)).await;
        mask(&mut response.errors);
        response
    }

    /// What a subscription connection carries for its whole life.
    pub fn connection_data(&self, viewer: Viewer) -> Data {
        request_data(
            viewer,
            Loaders::new(self.state.db.clone(), Dispatch::OnItsOwn),
        )
    }

    /// Applies the limits to a document that parses (one that does not is the schema's to report).
    fn check(&self, request: &mut Request) -> Result<(), ServerError> {
        match request.parsed_query() {
            Ok(document) => self.limits.check(document),
            Err(_) => Ok(()),
        }
    }
}

/// The caller, its loaders, and its scope, resolved on first use.
fn request_data(viewer: Viewer, loaders: Loaders) -> Data {
    let mut data = Data::default();
    data.insert(viewer);
    data.insert(loaders);
    data.insert(RequestScope::default());
    data
}

/// How the WebSocket transport runs operations: the caller comes from the connection's data.
impl Executor for Portal {
    async fn execute(&self, mut request: Request) -> Response {
        if let Err(error) = self.check(&mut request) {
            return Response::from_errors(vec![error]);
        }
        let mut response = self.schema.execute(request).await;
        mask(&mut response.errors);
        response
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if let Err(error) = self.check(&mut request) {
            return stream::once(async move { Response::from_errors(vec![error]) }).boxed();
        }
        Executor::execute_stream(&self.schema, request, session_data)
            .map(|mut response| {
                mask(&mut response.errors);
                response
            })
            .boxed()
    }
}
