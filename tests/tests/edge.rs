//! What every HTTP exchange gets at the edge: a request id, and CORS for the allowed origins
//! only (the test settings allow `https://dashboard.portal.test`).

use serde_json::{Value, json};

use crate::support::{self, Db};

const ALLOWED: &str = "https://dashboard.portal.test";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_carry_an_id_and_only_allowed_origins_get_cors() {
    let app = support::spawn(Db::Sqlite).await.unwrap();
    let url = format!("{}/graphql", app.address);
    let token = app.token(&["NATIONAL_VIEWER"]);
    let post = |origin: Option<&'static str>, request_id: Option<&'static str>| {
        let mut request = app
            .client
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "query": "{ networks { totalCount } }" }));
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        if let Some(id) = request_id {
            request = request.header("X-Request-Id", id);
        }
        request.send()
    };
    // The client's id is echoed; a made-up one replaces an unsafe id.
    let response = post(None, Some("dash-7f3a.1")).await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "dash-7f3a.1");
    let response = post(None, Some("not safe; <script>")).await.unwrap();
    let made = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(made.len(), 24, "{made}");
    let other = post(None, None).await.unwrap();
    assert_ne!(other.headers()["x-request-id"].to_str().unwrap(), made);
    // An allowed origin is named back, and its preflight is answered.
    let response = post(Some(ALLOWED), None).await.unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], ALLOWED);
    assert_eq!(
        response.headers()["access-control-expose-headers"],
        "x-request-id"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["networks"]["totalCount"], 14);
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, &url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
    };
    let response = preflight(ALLOWED).await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["access-control-allow-origin"], ALLOWED);
    assert!(
        response.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    // Any other origin gets no CORS headers: the browser keeps it out.
    for response in [
        post(Some("https://evil.example"), None).await.unwrap(),
        preflight("https://evil.example").await.unwrap(),
    ] {
        assert!(
            response
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
    }
}

#[test]
fn the_origin_list_takes_origins_only() {
    let parse = api::settings::cors_origins;
    assert_eq!(parse("").unwrap(), Vec::<String>::new());
    assert_eq!(
        parse("https://a.nhs.uk, http://localhost:5173").unwrap(),
        ["https://a.nhs.uk", "http://localhost:5173"]
    );
    for bad in ["*", "https://*.nhs.uk", "https://a.nhs.uk/app", "a.nhs.uk"] {
        assert!(
            parse(bad).unwrap_err().contains("PORTAL_CORS_ORIGINS"),
            "{bad}"
        );
    }
}
