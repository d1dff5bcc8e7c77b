//! The identity provider's published keys (`PORTAL_JWT_JWKS_URL`, a JSON Web Key Set, RFC 7517),
//! kept in memory and chosen by the token's `kid`.
//!
//! - Only signing keys the portal accepts are kept: RSA as RS256, EC on P-256 as ES256; a key
//!   whose `alg` or `use` says otherwise, or that has no `kid`, is skipped (so the set may carry
//!   encryption keys too).
//! - The set is read at start (a URL that cannot be read stops `serve`, so a mistyped one is found
//!   at once), again when a token names a `kid` it does not hold (rotation), and when it is older
//!   than `MAX_AGE` (so a withdrawn key goes).
//! - Refreshes are rate-limited: at most one per `min_refresh`, shared by every request waiting for
//!   it, so tokens naming made-up `kid`s cannot make the portal hammer the provider. A refresh that
//!   fails, or finds no key the portal accepts, keeps the keys already held.
//! - The answer is bounded (64 KiB, 5 s).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use graphql::auth::token::{KeySet, PinnedKey};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey};

/// How old the keys may grow before a token is checked against a fresh read.
const MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// The largest key set read.
const MAX_BYTES: usize = 64 * 1024;

const TIMEOUT: Duration = Duration::from_secs(5);

pub struct PublishedKeys {
    url: String,
    client: reqwest::Client,
    min_refresh: Duration,
    held: RwLock<Held>,
    /// When the set was last asked for, successfully or not; one refresh at a time.
    refreshing: tokio::sync::Mutex<Instant>,
}

struct Held {
    keys: HashMap<String, PinnedKey>,
    read_at: Instant,
}

impl PublishedKeys {
    /// Reads the set at `url` once; an error names the variable and what went wrong.
    pub async fn fetch(url: &str, min_refresh: Duration) -> Result<Arc<Self>, String> {
        crate::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| format!("PORTAL_JWT_JWKS_URL: no HTTP client: {e}"))?;
        let keys = read(&client, url)
            .await
            .map_err(|e| format!("PORTAL_JWT_JWKS_URL: cannot read the key set at {url}: {e}"))?;
        if keys.is_empty() {
            return Err(format!(
                "PORTAL_JWT_JWKS_URL: the key set at {url} holds no RS256 or ES256 signing key with a kid"
            ));
        }
        tracing::info!(keys = keys.len(), "read the identity provider's keys");
        Ok(Arc::new(PublishedKeys {
            url: url.to_owned(),
            client,
            min_refresh,
            held: RwLock::new(Held {
                keys,
                read_at: Instant::now(),
            }),
            refreshing: tokio::sync::Mutex::new(Instant::now()),
        }))
    }

    fn held(&self, kid: &str) -> (Option<PinnedKey>, bool) {
        match self.held.read() {
            Ok(held) => (
                held.keys.get(kid).cloned(),
                held.read_at.elapsed() < MAX_AGE,
            ),
            Err(_) => (None, false),
        }
    }

    /// Reads the set again unless it was asked for within `min_refresh`.
    async fn refresh(&self) {
        let mut asked = self.refreshing.lock().await;
        if asked.elapsed() < self.min_refresh {
            return;
        }
        *asked = Instant::now();
        match read(&self.client, &self.url).await {
            // An empty set is far likelier a fault at the provider than every key withdrawn.
            Ok(keys) if keys.is_empty() => {
                tracing::warn!(
                    "the identity provider's key set holds no key the portal accepts; keeping those held"
                )
            }
            Ok(keys) => {
                tracing::info!(keys = keys.len(), "read the identity provider's keys again");
                if let Ok(mut held) = self.held.write() {
                    *held = Held {
                        keys,
                        read_at: Instant::now(),
                    };
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read the identity provider's keys; keeping those held")
            }
        }
    }
}

#[async_trait::async_trait]
impl KeySet for PublishedKeys {
    async fn key(&self, kid: &str) -> Option<PinnedKey> {
        if let (Some(key), true) = self.held(kid) {
            return Some(key);
        }
        self.refresh().await;
        self.held(kid).0
    }
}

async fn read(client: &reqwest::Client, url: &str) -> Result<HashMap<String, PinnedKey>, String> {
    let mut response = client
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(format!("the answer is over {MAX_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    let set: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| format!("not JSON: {e}"))?;
    let listed = set
        .get("keys")
        .and_then(|k| k.as_array())
        .ok_or("no \"keys\" array")?;
    // Each key on its own: one the library cannot read (an encryption key, a new type) is skipped.
    Ok(listed
        .iter()
        .filter_map(|key| serde_json::from_value::<Jwk>(key.clone()).ok())
        .filter_map(|jwk| Some((jwk.common.key_id.clone()?, pinned(&jwk)?)))
        .collect())
}

/// The key and its one algorithm, if the portal accepts it for signatures.
fn pinned(jwk: &Jwk) -> Option<PinnedKey> {
    use jsonwebtoken::jwk::{KeyAlgorithm, PublicKeyUse};
    let algorithm = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        _ => return None,
    };
    let stated = jwk.common.key_algorithm;
    let agrees = matches!(
        (stated, algorithm),
        (None, _)
            | (Some(KeyAlgorithm::RS256), Algorithm::RS256)
            | (Some(KeyAlgorithm::ES256), Algorithm::ES256)
    );
    let signs = matches!(
        jwk.common.public_key_use,
        None | Some(PublicKeyUse::Signature)
    );
    if !agrees || !signs {
        return None;
    }
    Some((algorithm, DecodingKey::from_jwk(jwk).ok()?))
}
