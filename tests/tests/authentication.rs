//! Every operation needs a valid token; a bad one is rejected, never treated as anonymous.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{self, AUDIENCE, Db, ISSUER, SECRET, TestApp};

on_both_databases!(
    bad_tokens_are_unauthenticated,
    health_and_graphiql_need_no_token
);

fn sign(alg: Algorithm, key: &[u8], claims: Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), &claims, &EncodingKey::from_secret(key)).unwrap()
}

fn claims(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let now = Utc::now().timestamp();
    let mut map = json!({
        "sub": "u1", "name": "U", "grants": [{ "role": "NATIONAL_ADMIN" }],
        "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + 3600,
    })
    .as_object()
    .unwrap()
    .clone();
    change(&mut map);
    Value::Object(map)
}

async fn bad_tokens_are_unauthenticated(app: TestApp) {
    let good = sign(Algorithm::HS256, SECRET, claims(|_| {}));
    let (status, body) = app
        .post(Some(&good), "{ regions { code } }", json!({}))
        .await;
    assert_eq!(status, 200, "the well-formed token works: {body}");

    let mut tampered = good.clone();
    tampered.pop();
    tampered.push(if good.ends_with('A') { 'B' } else { 'A' });
    let hour = Duration::hours(1).num_seconds();
    let unsigned = {
        let parts: Vec<&str> = good.split('.').collect();
        // {"alg":"none","typ":"JWT"}
        format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1])
    };
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("malformed", Some("not-a-jwt".into())),
        ("tampered signature", Some(tampered)),
        (
            "expired",
            Some(sign(
                Algorithm::HS256,
                SECRET,
                claims(|c| {
                    c.insert("exp".into(), json!(Utc::now().timestamp() - hour));
                }),
            )),
        ),
        (
            "not yet valid",
            Some(sign(
                Algorithm::HS256,
                SECRET,
                claims(|c| {
                    c.insert("nbf".into(), json!(Utc::now().timestamp() + hour));
                }),
            )),
        ),
        (
            "wrong issuer",
            Some(sign(
                Algorithm::HS256,
                SECRET,
                claims(|c| {
                    c.insert("iss".into(), json!("someone-else"));
                }),
            )),
        ),
        (
            "wrong audience",
            Some(sign(
                Algorithm::HS256,
                SECRET,
                claims(|c| {
                    c.insert("aud".into(), json!("another-api"));
                }),
            )),
        ),
        (
            "wrong algorithm",
            Some(sign(Algorithm::HS384, SECRET, claims(|_| {}))),
        ),
        ("alg none", Some(unsigned)),
        (
            "other secret",
            Some(sign(
                Algorithm::HS256,
                b"another-secret-another-secret-another",
                claims(|_| {}),
            )),
        ),
        (
            "no exp",
            Some(sign(
                Algorithm::HS256,
                SECRET,
                claims(|c| {
                    c.remove("exp");
                }),
            )),
        ),
        (
            "no sub",
            Some(sign(
                Algorithm::HS256,
                SECRET,
                claims(|c| {
                    c.remove("sub");
                }),
            )),
        ),
        (
            "unknown role",
            Some(sign(
                Algorithm::HS256,
                SECRET,
                claims(|c| {
                    c.insert("grants".into(), json!([{ "role": "KING" }]));
                }),
            )),
        ),
        (
            "grant without its scope",
            Some(sign(
                Algorithm::HS256,
                SECRET,
                claims(|c| {
                    c.insert("grants".into(), json!([{ "role": "NETWORK_MANAGER" }]));
                }),
            )),
        ),
    ];
    for (case, token) in cases {
        let (status, body) = app
            .post(token.as_deref(), "{ regions { code } }", json!({}))
            .await;
        assert_eq!(status, 401, "{case}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{case}: {body}"
        );
        assert!(
            body.get("data").is_none(),
            "{case}: no data without a valid token: {body}"
        );
    }
}

async fn health_and_graphiql_need_no_token(app: TestApp) {
    for path in ["/healthz", "/readyz"] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    let page = app
        .client
        .get(app.graphql_url())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("graphiql"));
}

/// Production verifies with the identity provider's public key, pinned to its algorithm: a
/// token signed with the private key passes; an HS256 token "signed" with the public key's
/// bytes (the algorithm-confusion attack) and a token for the other key type do not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_verifies_rs256_and_es256_and_refuses_algorithm_confusion() {
    let keys = [
        (
            Algorithm::RS256,
            include_str!("../fixtures/rs256-private.pem"),
            include_str!("../fixtures/rs256-public.pem"),
        ),
        (
            Algorithm::ES256,
            include_str!("../fixtures/es256-private.pem"),
            include_str!("../fixtures/es256-public.pem"),
        ),
    ];
    for (alg, private, public) in keys {
        let database = support::migrated_database(Db::Sqlite).await.unwrap();
        let mut settings = support::settings(&database.url);
        settings.environment = api::settings::Environment::Production;
        settings.jwt.secret = None;
        settings.jwt.public_key_pem = Some(public.to_owned());
        settings.mail = Some(support::production_mail());
        settings.check().unwrap();
        let app = support::spawn_with(database, settings).await;

        let key = match alg {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(private.as_bytes()).unwrap(),
            _ => EncodingKey::from_ec_pem(private.as_bytes()).unwrap(),
        };
        let token = jsonwebtoken::encode(&Header::new(alg), &claims(|_| {}), &key).unwrap();
        let (status, body) = app
            .post(Some(&token), "{ regions { code } }", json!({}))
            .await;
        assert_eq!(status, 200, "{alg:?}: {body}");

        let forged = sign(Algorithm::HS256, public.as_bytes(), claims(|_| {}));
        let (status, _) = app
            .post(Some(&forged), "{ regions { code } }", json!({}))
            .await;
        assert_eq!(
            status, 401,
            "{alg:?}: an HS256 token keyed with the public key must fail"
        );

        let dev = sign(Algorithm::HS256, SECRET, claims(|_| {}));
        let (status, _) = app
            .post(Some(&dev), "{ regions { code } }", json!({}))
            .await;
        assert_eq!(
            status, 401,
            "{alg:?}: no HS256 secret is accepted in production"
        );
    }
}
