//! GraphiQL served from the binary: the page, React and GraphiQL's own files are embedded at
//! build time from `api/assets/graphiql` (pinned npm versions, refreshed by its `refresh.sh`),
//! so the page works on a hospital network with no route to a CDN. A Content-Security-Policy
//! keeps the page to this origin.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::graphql::Edge;

/// The GraphiQL version in `api/assets/graphiql` (kept equal to `refresh.sh`'s); it is part of
/// every asset's path, so browsers may cache the files for good.
const VERSION: &str = "4.1.2";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// (file name, media type, bytes) for every file the page loads.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        JS,
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        CSS,
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        JS,
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        JS,
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "start.js",
        JS,
        include_bytes!("../../assets/graphiql/start.js"),
    ),
];

/// Scripts and styles from this origin only (GraphiQL sets inline styles; its editor's
/// fonts and icons are data URLs), requests to this origin's HTTP and WebSocket endpoints.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                      img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
                      frame-ancestors 'none'";

/// The page (`GET /graphql` from a browser, when `PORTAL_GRAPHIQL` is on).
pub fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
        .body(include_str!("../../assets/graphiql/index.html").replace("VERSION", VERSION))
}

/// `GET /graphiql/{version}/{file}`: one of the page's files, or 404 (also when GraphiQL is off).
pub async fn asset(edge: web::Data<Edge>, path: web::Path<(String, String)>) -> HttpResponse {
    let (version, file) = path.into_inner();
    let found = ASSETS.iter().find(|(name, _, _)| *name == file);
    match found {
        Some((_, media_type, bytes)) if edge.graphiql && version == VERSION => HttpResponse::Ok()
            .content_type(*media_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(*bytes),
        _ => HttpResponse::NotFound().finish(),
    }
}
