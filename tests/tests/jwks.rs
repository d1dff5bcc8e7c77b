//! Production keys from the identity provider (`PORTAL_JWT_JWKS_URL`), served by a JWKS server
//! this test starts: keys chosen by `kid`, rotation picked up with one read, made-up `kid`s
//! rate-limited, a withdrawn key refused once the set is read again, algorithm confusion refused.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{self, AUDIENCE, Db, ISSUER, TestApp};

/// A key set over HTTP, counting its reads.
struct JwksServer {
    url: String,
    keys: Arc<Mutex<Value>>,
    reads: Arc<AtomicUsize>,
}

impl JwksServer {
    async fn start(keys: Value) -> JwksServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        let keys = Arc::new(Mutex::new(keys));
        let reads = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (keys.clone(), reads.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 8192 {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let body = served.lock().unwrap().to_string();
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
        });
        JwksServer { url, keys, reads }
    }

    fn publish(&self, keys: Value) {
        *self.keys.lock().unwrap() = keys;
    }

    fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }
}

struct SigningKey {
    kid: &'static str,
    alg: Algorithm,
    key: EncodingKey,
}

impl SigningKey {
    fn rs256(kid: &'static str) -> SigningKey {
        let pem = include_str!("../fixtures/rs256-private.pem");
        SigningKey {
            kid,
            alg: Algorithm::RS256,
            key: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        }
    }

    fn es256(kid: &'static str) -> SigningKey {
        let pem = include_str!("../fixtures/es256-private.pem");
        SigningKey {
            kid,
            alg: Algorithm::ES256,
            key: EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        }
    }

    /// The public half as the provider publishes it.
    fn jwk(&self) -> Value {
        let mut jwk = Jwk::from_encoding_key(&self.key, self.alg).unwrap();
        jwk.common.key_id = Some(self.kid.into());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        serde_json::to_value(jwk).unwrap()
    }

    fn token(&self, kid: &str) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(kid.into());
        jsonwebtoken::encode(&header, &claims(), &self.key).unwrap()
    }
}

fn claims() -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": "u1", "name": "U", "grants": [{ "role": "NATIONAL_ADMIN" }],
        "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + 3600,
    })
}

/// An encryption key and a symmetric key, which a provider's set may hold and the portal skips.
fn others() -> Vec<Value> {
    let mut encryption = SigningKey::rs256("enc").jwk();
    encryption["use"] = json!("enc");
    vec![
        encryption,
        json!({ "kty": "oct", "kid": "hmac", "k": "c2VjcmV0" }),
    ]
}

fn set(keys: &[&SigningKey]) -> Value {
    let mut listed: Vec<Value> = keys.iter().map(|k| k.jwk()).collect();
    listed.extend(others());
    json!({ "keys": listed })
}

async fn status(app: &TestApp, token: &str) -> (u16, Value) {
    app.post(Some(token), "{ regions { code } }", json!({}))
        .await
}

const MIN_REFRESH: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_takes_keys_from_the_identity_providers_set_by_kid() {
    let (a, b) = (SigningKey::rs256("a"), SigningKey::es256("b"));
    let jwks = JwksServer::start(set(&[&a])).await;
    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let mut settings = support::settings(&database.url);
    settings.environment = api::settings::Environment::Production;
    settings.jwt.secret = None;
    settings.jwt.jwks_url = Some(jwks.url.clone());
    settings.jwt.jwks_min_refresh = MIN_REFRESH;
    settings.mail = Some(support::production_mail());
    settings.check().unwrap();
    let app = support::spawn_with(database, settings).await;
    assert_eq!(jwks.reads(), 1, "read once at start");

    let (code, body) = status(&app, &a.token("a")).await;
    assert_eq!(code, 200, "{body}");
    // The key named "a" is an RS256 key: an HS256 token naming it is refused whatever it is
    // keyed with.
    let mut confused = Header::new(Algorithm::HS256);
    confused.kid = Some("a".into());
    let forged = jsonwebtoken::encode(
        &confused,
        &claims(),
        &EncodingKey::from_secret(b"anything-at-all-of-32-bytes-or-more"),
    )
    .unwrap();
    let (code, body) = status(&app, &forged).await;
    assert_eq!(code, 401);
    assert!(
        body.to_string().contains("algorithm does not match"),
        "{body}"
    );
    assert_eq!(jwks.reads(), 1);

    // Rotation: a new key is published; the first token naming it reads the set once.
    jwks.publish(set(&[&a, &b]));
    tokio::time::sleep(MIN_REFRESH + Duration::from_millis(100)).await;
    let (code, body) = status(&app, &b.token("b")).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(jwks.reads(), 2);

    // Made-up kids, many at once, just after a read: no read at all.
    let guesses = (0..8).map(|i| {
        let token = b.token(&format!("guess-{i}"));
        let app = &app;
        async move { status(app, &token).await }
    });
    for (code, body) in futures_util::future::join_all(guesses).await {
        assert_eq!(code, 401);
        assert!(body.to_string().contains("not among"), "{body}");
    }
    assert_eq!(jwks.reads(), 2, "rate-limited");

    // Key "a" is withdrawn. Once the limit has passed, many made-up kids at once share one read,
    // and the set read no longer holds "a".
    jwks.publish(set(&[&b]));
    tokio::time::sleep(MIN_REFRESH + Duration::from_millis(100)).await;
    let guesses = (0..8).map(|i| {
        let token = b.token(&format!("later-{i}"));
        let app = &app;
        async move { status(app, &token).await.0 }
    });
    assert!(
        futures_util::future::join_all(guesses)
            .await
            .iter()
            .all(|code| *code == 401)
    );
    assert_eq!(jwks.reads(), 3, "one read shared by every waiting request");
    let (code, _) = status(&app, &a.token("a")).await;
    assert_eq!(code, 401, "a withdrawn key is refused");
    let (code, _) = status(&app, &b.token("b")).await;
    assert_eq!(code, 200);

    // A set with no key the portal accepts is a fault at the provider: the keys held stay.
    jwks.publish(json!({ "keys": others() }));
    tokio::time::sleep(MIN_REFRESH + Duration::from_millis(100)).await;
    let (code, _) = status(&app, &b.token("unknown")).await;
    assert_eq!(code, 401);
    assert_eq!(jwks.reads(), 4);
    let (code, _) = status(&app, &b.token("b")).await;
    assert_eq!(code, 200, "the keys held survive an empty set");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_set_that_cannot_be_read_stops_the_start_naming_the_variable() {
    let database = support::migrated_database(Db::Sqlite).await.unwrap();
    let mut settings = support::settings(&database.url);
    settings.jwt.jwks_url = Some("http://127.0.0.1:9/jwks.json".into());
    let clock = Arc::new(graphql::clock::ManualClock::new(support::now()));
    let error = api::startup::Application::build(&settings, clock, Default::default())
        .await
        .err()
        .expect("the start fails")
        .to_string();
    assert!(
        error.contains("PORTAL_JWT_JWKS_URL") && error.contains("127.0.0.1:9"),
        "{error}"
    );
}
