//! GraphQL over HTTP (the GraphQL-over-HTTP specification), on one path:
//! `POST /graphql` for every operation, `GET /graphql` for queries (mutations get 405), a
//! WebSocket upgrade for subscriptions (`graphql-transport-ws`), and GraphiQL for browsers.
//!
//! Responses are `application/graphql-response+json` or `application/json` as the client
//! accepts; request errors (unparseable, invalid) get 400 under the former and never a `data`
//! entry. Batching is not supported. Every operation needs a bearer token.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::OperationType;
use async_graphql::{ServerError, Value, Variables};
use graphql::Portal;
use graphql::auth::Viewer;
use graphql::auth::token::TokenVerifier;
use graphql::error::{AppError, ErrorCode};
use graphql::metrics::{Metrics, Outcome};
use serde_json::{Map, json};

use super::persisted::{PersistedQueries, Refusal};

/// What the GraphQL routes need, shared by every worker.
pub struct Edge {
    pub portal: Portal,
    pub verifier: Arc<TokenVerifier>,
    pub graphiql: bool,
    pub request_timeout: Duration,
    /// The largest WebSocket message taken (the HTTP body limit).
    pub max_message_bytes: usize,
    /// The largest answer sent.
    pub max_response_bytes: usize,
    /// Turns `true` when the process is stopping: open subscriptions complete and their
    /// sockets close with 1001 (Going Away).
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// Automatic Persisted Queries seen by this process.
    pub persisted: PersistedQueries,
    /// Where operations and WebSocket subscriptions are counted.
    pub metrics: Arc<Metrics>,
}

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => GRAPHQL_RESPONSE_JSON,
            MediaType::Json => JSON,
        }
    }
}

/// Picks the response media type from `Accept`; `None` when nothing acceptable is offered.
/// Without `Accept`, or with a wildcard, the answer is `application/json`, as the specification
/// asks while clients move to `application/graphql-response+json`.
fn negotiate(req: &HttpRequest) -> Option<MediaType> {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let kind = match media.as_str() {
            "application/graphql-response+json" => MediaType::GraphqlResponseJson,
            // Wildcards get the legacy type, which every client understands.
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, kind));
        }
    }
    best.map(|(_, kind)| kind)
}

fn respond(media: MediaType, status: StatusCode, body: serde_json::Value) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, media.content_type()))
        .body(body.to_string())
}

fn error_body(code: ErrorCode, message: &str) -> serde_json::Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] })
}

/// A request that never reaches GraphQL: wrong media, bad JSON, bad parameters.
fn bad_request(media: MediaType, message: &str) -> HttpResponse {
    respond(
        media,
        StatusCode::BAD_REQUEST,
        error_body(ErrorCode::BadUserInput, message),
    )
}

fn not_acceptable() -> HttpResponse {
    HttpResponse::NotAcceptable()
        .insert_header((header::CONTENT_TYPE, JSON))
        .body(
            error_body(
                ErrorCode::BadUserInput,
                "Accept application/graphql-response+json or application/json.",
            )
            .to_string(),
        )
}

/// The caller named by the `Authorization: Bearer` header.
pub(super) async fn authenticate(
    edge: &Edge,
    authorization: Option<&str>,
) -> Result<Viewer, AppError> {
    let header =
        authorization.ok_or_else(|| AppError::unauthenticated("A bearer token is required."))?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::unauthenticated("Send the token as `Authorization: Bearer <token>`.")
        })?;
    edge.verifier.verify(token).await
}

/// The response media type and the authenticated caller, or the response refusing the request
/// (406 when nothing acceptable is offered, 401 without a valid token).
async fn caller(req: &HttpRequest, edge: &Edge) -> Result<(MediaType, Viewer), Box<HttpResponse>> {
    let media = negotiate(req).ok_or_else(|| Box::new(not_acceptable()))?;
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let viewer = authenticate(edge, authorization)
        .await
        .map_err(|e| Box::new(unauthenticated(media, &e)))?;
    Ok((media, viewer))
}

fn unauthenticated(media: MediaType, error: &AppError) -> HttpResponse {
    HttpResponse::build(StatusCode::UNAUTHORIZED)
        .insert_header((header::CONTENT_TYPE, media.content_type()))
        .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
        .body(error_body(error.code(), error.message()).to_string())
}

/// The GraphQL parameters of one request, from a JSON body or a query string.
struct Params {
    query: String,
    operation_name: Option<String>,
    variables: Option<serde_json::Value>,
}

/// Why a request's parameters cannot run: its error code and message.
type ParamsRefusal = (ErrorCode, String);

fn params(
    mut map: Map<String, serde_json::Value>,
    persisted: &PersistedQueries,
) -> Result<Params, ParamsRefusal> {
    let bad = |message: &str| (ErrorCode::BadUserInput, message.to_owned());
    let query = match map.remove("query") {
        Some(serde_json::Value::String(q)) => Some(q),
        None | Some(serde_json::Value::Null) => None,
        Some(_) => return Err(bad("`query` must be a string.")),
    };
    let operation_name = match map.remove("operationName") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(name)) => Some(name),
        Some(_) => return Err(bad("`operationName` must be a string or null.")),
    };
    let variables = match map.remove("variables") {
        None | Some(serde_json::Value::Null) => None,
        Some(v @ serde_json::Value::Object(_)) => Some(v),
        Some(_) => return Err(bad("`variables` must be an object or null.")),
    };
    let extensions = match map.remove("extensions") {
        None | Some(serde_json::Value::Null) => None,
        Some(e @ serde_json::Value::Object(_)) => Some(e),
        Some(_) => return Err(bad("`extensions` must be an object or null.")),
    };
    let query = match persisted.resolve(query, extensions.as_ref()) {
        Ok(Some(query)) => query,
        Ok(None) => return Err(bad("The request has no `query`.")),
        // The words Apollo Client and urql look for before sending the query with its hash.
        Err(Refusal::NotFound) => {
            return Err((
                ErrorCode::PersistedQueryNotFound,
                "PersistedQueryNotFound".into(),
            ));
        }
        Err(Refusal::NotRegistered) => {
            return Err((
                ErrorCode::OperationNotRegistered,
                "This portal runs registered operations only, and this is not one of them; \
                 add it to the operations file (PORTAL_REGISTERED_OPERATIONS) and deploy it."
                    .into(),
            ));
        }
        Err(Refusal::Invalid(message)) => return Err(bad(&message)),
    };
    Ok(Params {
        query,
        operation_name,
        variables,
    })
}

pub async fn post(req: HttpRequest, body: web::Bytes, edge: web::Data<Edge>) -> HttpResponse {
    let (media, viewer) = match caller(&req, &edge).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = content_type
        .split(';')
        .map(|p| p.trim().to_ascii_lowercase());
    let is_json = parts.next().as_deref() == Some("application/json");
    let utf8 = parts.all(|p| !p.starts_with("charset=") || p == "charset=utf-8");
    if !is_json || !utf8 {
        return respond(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            error_body(
                ErrorCode::BadUserInput,
                "Send the request as application/json (UTF-8).",
            ),
        );
    }
    let map = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(serde_json::Value::Array(_)) => {
            return bad_request(
                media,
                "Batched requests are not supported; send one operation per request.",
            );
        }
        Ok(_) => return bad_request(media, "The body must be a JSON object with a `query`."),
        Err(_) => return bad_request(media, "The body is not valid JSON."),
    };
    match params(map, &edge.persisted) {
        Ok(p) => execute(&edge, media, viewer, p, false).await,
        Err((code, message)) => respond(media, StatusCode::BAD_REQUEST, error_body(code, &message)),
    }
}

pub async fn get(req: HttpRequest, edge: web::Data<Edge>, payload: web::Payload) -> HttpResponse {
    if is_websocket(&req) {
        return super::websocket::upgrade(req, edge, payload);
    }
    let query: Vec<(String, String)> =
        match web::Query::<Vec<(String, String)>>::from_query(req.query_string()) {
            Ok(q) => q.into_inner(),
            Err(_) => return bad_request(MediaType::Json, "The query string is malformed."),
        };
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html && !query.iter().any(|(k, _)| k == "query") {
        return if edge.graphiql {
            super::graphiql::page()
        } else {
            HttpResponse::NotFound().finish()
        };
    }
    let (media, viewer) = match caller(&req, &edge).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    let mut map = Map::new();
    for (key, value) in query {
        let value = match key.as_str() {
            "variables" | "extensions" => match serde_json::from_str::<serde_json::Value>(&value) {
                Ok(v) => v,
                Err(_) => return bad_request(media, &format!("`{key}` must be JSON-encoded.")),
            },
            _ => serde_json::Value::String(value),
        };
        map.insert(key, value);
    }
    match params(map, &edge.persisted) {
        Ok(p) => execute(&edge, media, viewer, p, true).await,
        Err((code, message)) => respond(media, StatusCode::BAD_REQUEST, error_body(code, &message)),
    }
}

fn is_websocket(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Runs one operation and counts it in the metrics by name, kind and outcome.
async fn execute(
    edge: &Edge,
    media: MediaType,
    viewer: Viewer,
    params: Params,
    over_get: bool,
) -> HttpResponse {
    let name = params.operation_name.clone();
    let (response, kind, outcome) = run(edge, media, viewer, params, over_get).await;
    edge.metrics.operation(name.as_deref(), kind, outcome);
    response
}

fn kind_of(operation: Option<OperationType>) -> &'static str {
    match operation {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    }
}

async fn run(
    edge: &Edge,
    media: MediaType,
    viewer: Viewer,
    params: Params,
    over_get: bool,
) -> (HttpResponse, &'static str, Outcome) {
    let refused = |response| (response, "unknown", Outcome::RequestError);
    let mut request = async_graphql::Request::new(params.query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.variables {
        request = request.variables(Variables::from_json(variables));
    }
    let mut admitted = match edge.portal.admit(request) {
        Ok(admitted) => admitted,
        Err(error) => return refused(request_error(media, vec![error], ErrorCode::BadUserInput)),
    };
    let operation = match admitted.operation_type() {
        Ok(operation) => operation,
        Err(error) => {
            return refused(request_error(
                media,
                vec![error],
                ErrorCode::GraphqlParseFailed,
            ));
        }
    };
    let kind = kind_of(operation);
    if over_get && operation.is_some_and(|ty| ty != OperationType::Query) {
        let response = HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "POST"))
            .insert_header((header::CONTENT_TYPE, media.content_type()))
            .body(
                error_body(
                    ErrorCode::BadUserInput,
                    "Only queries may be sent with GET; send mutations with POST.",
                )
                .to_string(),
            );
        return (response, kind, Outcome::RequestError);
    }
    let execution = edge.portal.execute_as(viewer, admitted);
    // The room (`graphql::limits::room`) is held until the answer is serialised.
    let Ok(answer) = tokio::time::timeout(edge.request_timeout, execution).await else {
        let response = respond(
            media,
            StatusCode::SERVICE_UNAVAILABLE,
            error_body(
                ErrorCode::RequestTimeout,
                "The operation took too long; ask for less and try again.",
            ),
        );
        return (response, kind, Outcome::Timeout);
    };
    let response = answer.response;
    let _room = answer.room;
    let is_request_error = response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if is_request_error {
        let response = request_error(media, response.errors, ErrorCode::BadUserInput);
        return (response, kind, Outcome::RequestError);
    }
    let outcome = if response.errors.is_empty() {
        Outcome::Ok
    } else {
        Outcome::FieldErrors
    };
    // Serialised directly (not through serde_json::Value, which would sort each object's fields)
    // into a buffer that refuses to grow past the limit. The fields come in async-graphql's
    // order: the order they were resolved in, which puts a field that waited last.
    let mut body = Capped {
        bytes: Vec::with_capacity(8 * 1024),
        limit: edge.max_response_bytes,
    };
    match serde_json::to_writer(&mut body, &response) {
        Ok(()) => (
            HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, media.content_type()))
                .body(body.bytes),
            kind,
            outcome,
        ),
        Err(e) if e.is_io() => {
            tracing::warn!(
                limit = edge.max_response_bytes,
                "an answer over the size limit was refused"
            );
            let mut refusal = error_body(
                ErrorCode::ResponseTooLarge,
                &format!(
                    "The answer is over the limit of {} bytes; ask for less (smaller pages, fewer fields or a shorter window).",
                    edge.max_response_bytes
                ),
            );
            refusal["data"] = serde_json::Value::Null;
            (
                respond(media, StatusCode::OK, refusal),
                kind,
                Outcome::TooLarge,
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise a response");
            let response = respond(
                media,
                StatusCode::INTERNAL_SERVER_ERROR,
                error_body(
                    ErrorCode::InternalServerError,
                    graphql::error::INTERNAL_MESSAGE,
                ),
            );
            (response, kind, Outcome::InternalError)
        }
    }
}

/// A response body that stops with an error once it would pass `limit` bytes.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Capped {
    fn write(&mut self, chunk: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + chunk.len() > self.limit {
            return Err(std::io::Error::other("the response is over the size limit"));
        }
        self.bytes.extend_from_slice(chunk);
        Ok(chunk.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The document could not run at all: no `data` entry; 400 under graphql-response+json, 200
/// under application/json (as the specification asks of each).
fn request_error(
    media: MediaType,
    mut errors: Vec<ServerError>,
    default_code: ErrorCode,
) -> HttpResponse {
    for error in &mut errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", default_code.as_str());
        }
    }
    let status = match media {
        MediaType::GraphqlResponseJson => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    };
    let body = json!({ "errors": serde_json::to_value(&errors).unwrap_or_default() });
    respond(media, status, body)
}

/// Any other method on `/graphql`.
pub async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "GET, POST"))
        .finish()
}
