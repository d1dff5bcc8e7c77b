//! The application as the edges see it: the schema, plus what every operation gets (limits,
//! per-request loaders run in waves, masked errors), for HTTP requests and WebSocket
//! subscriptions alike.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};

use crate::auth::Viewer;
use crate::auth::scope::RequestScope;
use crate::error::mask;
use crate::limits::QueryLimits;
use crate::limits::cost::CostModel;
use crate::limits::parsed::Parsed;
use crate::limits::room::{Held, Room};
use crate::loader::{Dispatch, Loaders, drive};
use crate::schema::{PortalSchema, SchemaOptions, build};
use crate::state::AppState;

/// An operation's future, made (and compiled) in this crate. rustc compiles the state machine of
/// an awaited `async fn` into every crate, and every codegen unit, that polls it; boxed here, the
/// edges poll it through a pointer, so the whole graph behind the schema (every resolver and
/// service) is compiled once, not again into `api` (the README's first command says what it
/// saved).
pub type Running<'a> = Pin<Box<dyn Future<Output = Answer> + Send + 'a>>;

/// An operation's response, with the room it holds in memory until the response is sent.
pub struct Answer {
    pub response: Response,
    pub room: Held,
}

#[derive(Clone)]
pub struct Portal {
    schema: PortalSchema,
    state: AppState,
    limits: QueryLimits,
    room: Room,
}

impl Portal {
    pub fn new(state: AppState, options: &SchemaOptions) -> Self {
        let schema = build(state.clone(), options);
        let costs = CostModel::from_sdl(&schema.sdl());
        Portal {
            schema,
            state,
            limits: QueryLimits {
                max_depth: options.max_depth,
                max_aliases: options.max_aliases,
                max_fields: options.max_fields,
                max_directives: options.max_directives,
                max_fragments: options.max_fragments,
                max_cost: options.max_cost,
                costs,
                parsed: Parsed::default(),
            },
            room: Room::new(options.max_cost_in_flight, options.max_cost),
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Admits a request to run, or refuses it with a request error (see `QueryLimits::admit`).
    pub fn admit(&self, mut request: Request) -> Result<Admitted, ServerError> {
        let cost = self.limits.admit(&mut request)?;
        Ok(Admitted { request, cost })
    }

    /// Executes one admitted query or mutation for `viewer`, once there is room for it.
    #[inline(never)]
    pub fn execute_as(&self, viewer: Viewer, admitted: Admitted) -> Running<'_> {
        Box::pin(async move {
            let room = self.room.for_cost(admitted.cost).await;
            let mut request = admitted.request;
            let loaders = Loaders::new(self.state.db.clone(), Dispatch::Driven);
            request.data = request_data(viewer, loaders.clone());
            let mut response = drive(loaders, self.schema.execute(request)).await;
            mask(&mut response.errors);
            Answer { response, room }
        })
    }

    /// Executes a WebSocket operation, the caller in the connection's data (see `Running`).
    #[inline(never)]
    fn execute_in_connection(&self, request: Request) -> Running<'_> {
        Box::pin(async move {
            let admitted = match self.admit(request) {
                Ok(admitted) => admitted,
                Err(error) => {
                    return Answer {
                        response: Response::from_errors(vec![error]),
                        room: Held::default(),
                    };
                }
            };
            let room = self.room.for_cost(admitted.cost).await;
            let mut response = self.schema.execute(admitted.request).await;
            mask(&mut response.errors);
            Answer { response, room }
        })
    }

    /// What a subscription connection carries for its whole life.
    pub fn connection_data(&self, viewer: Viewer) -> Data {
        request_data(
            viewer,
            Loaders::new(self.state.db.clone(), Dispatch::OnItsOwn),
        )
    }
}

/// A request that passed `Portal::admit`, the only kind `execute_as` runs, with its cost.
pub struct Admitted {
    request: Request,
    cost: u64,
}

impl Admitted {
    /// The type of the operation that will run (`None` when the document names no single
    /// operation, which the schema reports), or the parser's error.
    pub fn operation_type(&mut self) -> Result<Option<OperationType>, ServerError> {
        let name = self.request.operation_name.clone();
        let document = self.request.parsed_query()?;
        let mut operations = document.operations.iter();
        let operation = match name {
            Some(name) => operations.find(|(n, _)| n.map(|n| n.as_str()) == Some(name.as_str())),
            None => operations
                .next()
                .filter(|_| document.operations.iter().count() == 1),
        };
        Ok(operation.map(|(_, op)| op.node.ty))
    }
}

/// The caller, its loaders, and its scope, resolved on first use.
fn request_data(viewer: Viewer, loaders: Loaders) -> Data {
    let mut data = Data::default();
    data.insert(viewer);
    data.insert(loaders);
    data.insert(RequestScope::default());
    data.insert(crate::registry::RequestRegistry::default());
    data
}

/// How the WebSocket transport runs operations: the caller comes from the connection's data.
impl Executor for Portal {
    async fn execute(&self, request: Request) -> Response {
        // The transport serialises the response after this returns: only building it holds room.
        self.execute_in_connection(request).await.response
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let request = match self.admit(request) {
            Ok(admitted) => admitted.request,
            Err(error) => {
                return stream::once(async move { Response::from_errors(vec![error]) }).boxed();
            }
        };
        Executor::execute_stream(&self.schema, request, session_data)
            .map(|mut response| {
                mask(&mut response.errors);
                response
            })
            .boxed()
    }
}
