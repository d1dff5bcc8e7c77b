//! What every HTTP exchange gets at the edge, before the routes: a request id, for browser
//! frontends on another origin CORS, and its count and time in the metrics (by route pattern).
//!
//! - **Request id**: the client's `X-Request-Id` when it is a plain token (letters, digits, `-`,
//!   `_`, `.`; at most 64), else a new one; echoed in the response header, carried by the
//!   request's log lines (the `request` span) and by the work it causes later
//!   (`graphql::request_id`: the letters it queues).
//! - **CORS** (`PORTAL_CORS_ORIGINS`, an allow-list; none by default): a request from an allowed
//!   origin is answered with `Access-Control-Allow-Origin` naming it; a preflight from one is
//!   answered at once (GET and POST; the headers a GraphQL client sends). Other origins get no
//!   CORS headers, so browsers keep them out; no credentials are needed, as the token is a header.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use graphql::metrics::Metrics;
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The origins browsers may call the API from.
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins(pub Arc<Vec<String>>);

impl AllowedOrigins {
    fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o == origin)
    }
}

/// The client's request id if it is a plain token, else a new one.
fn request_id(req: &ServiceRequest) -> String {
    let given = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    match given {
        Some(id) => id.to_owned(),
        None => {
            let mut bytes = [0u8; 12];
            if getrandom::fill(&mut bytes).is_err() {
                // No entropy: unique within the process is enough to follow one request.
                static NEXT: AtomicU64 = AtomicU64::new(0);
                bytes[..8].copy_from_slice(&NEXT.fetch_add(1, Ordering::Relaxed).to_le_bytes());
            }
            crate::hex(&bytes)
        }
    }
}

/// The middleware: request id, CORS, and one log line per request (method, path, status, time;
/// never a header's or body's contents).
pub async fn edge(
    origins: AllowedOrigins,
    metrics: Arc<Metrics>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = request_id(&req);
    let (method, path) = (req.method().clone(), req.path().to_owned());
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| origins.allows(o))
        .map(str::to_owned);
    let span = tracing::info_span!("request", request_id = %id);
    let started = Instant::now();
    let preflight = method == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight && origin.is_some() {
        let (request, _) = req.into_parts();
        let mut answer = HttpResponse::new(StatusCode::NO_CONTENT);
        let headers = answer.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type, accept, x-request-id"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        ServiceResponse::new(request, answer)
    } else {
        graphql::request_id::scope(id.clone(), next.call(req).instrument(span.clone()))
            .await?
            .map_into_boxed_body()
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(REQUEST_ID, value);
    }
    if let Some(origin) = origin
        && let Ok(value) = HeaderValue::from_str(&origin)
    {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("x-request-id"),
        );
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    let (status, took) = (response.status().as_u16(), started.elapsed());
    metrics.http_request(
        response.request().match_pattern().as_deref(),
        method.as_str(),
        status,
        took,
    );
    span.in_scope(|| {
        tracing::info!(%method, %path, status, ms = took.as_millis() as u64, "request");
    });
    Ok(response)
}
