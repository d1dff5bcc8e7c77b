//! Refusals made by actix-web itself (a body over the size limit, a route or method that does
//! not exist) speak GraphQL like every other error: a JSON body with `extensions.code`.

use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use graphql::error::ErrorCode;
use serde_json::json;

/// Rewrites a client error that has no JSON body yet; answers the portal wrote pass unchanged.
pub fn as_graphql_error<B>(
    response: ServiceResponse<B>,
    body_limit: usize,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::BadUserInput,
            format!("The request body is over the limit of {body_limit} bytes; send less at once."),
        ),
        StatusCode::NOT_FOUND => (
            ErrorCode::NotFound,
            "Nothing is served here; GraphQL is at /graphql.".to_owned(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::BadUserInput,
            "This method is not allowed here; send GraphQL with POST (or queries with GET)."
                .to_owned(),
        ),
        _ => (
            ErrorCode::BadUserInput,
            format!(
                "The request was refused: {}.",
                status.canonical_reason().unwrap_or("bad request")
            ),
        ),
    };
    let body =
        json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
    let (request, mut response) = response.into_parts();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    let response = response.set_body(body.to_string());
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, response)
            .map_into_boxed_body()
            .map_into_right_body(),
    ))
}
