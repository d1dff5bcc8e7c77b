//! Bearer tokens: verification (every request) and development minting (`portal token`, tests).
//!
//! Each key is pinned to one algorithm: the header's `alg` only selects among configured keys and
//! must equal that key's algorithm. `exp`, `iss`, `aud` and `sub` are required, `nbf` is checked,
//! and the leeway is small. A token that fails any check is rejected, never treated as anonymous.
//!
//! Keys come from configuration (an HS256 secret in development, a PEM public key) and, in
//! production, from the identity provider's published set (`KeySet`, a JWKS), where the header's
//! `kid` names the key and the key's own type fixes the algorithm.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};

use super::{Grant, GrantScope, Role, Viewer};
use crate::error::AppError;

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// The claims the portal reads and `portal token` writes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub grants: Vec<GrantClaim>,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub iat: i64,
}

/// `{role, network?|icb?|provider?|region?}` as carried in a token.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GrantClaim {
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icb: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl GrantClaim {
    pub fn from_grant(grant: &Grant) -> Self {
        let mut claim = GrantClaim {
            role: grant.role.as_str().to_owned(),
            ..Default::default()
        };
        match &grant.scope {
            GrantScope::All => {}
            GrantScope::Region(c) => claim.region = Some(c.clone()),
            GrantScope::Icb(c) => claim.icb = Some(c.clone()),
            GrantScope::Network(c) => claim.network = Some(c.clone()),
            GrantScope::Provider(c) => claim.provider = Some(c.clone()),
        }
        claim
    }

    pub fn to_grant(&self) -> Result<Grant, String> {
        let role =
            Role::parse(&self.role).ok_or_else(|| format!("unknown role \"{}\"", self.role))?;
        let scopes: Vec<GrantScope> = [
            self.network.clone().map(GrantScope::Network),
            self.icb.clone().map(GrantScope::Icb),
            self.provider.clone().map(GrantScope::Provider),
            self.region.clone().map(GrantScope::Region),
        ]
        .into_iter()
        .flatten()
        .collect();
        let scope = match scopes.as_slice() {
            [] => GrantScope::All,
            [one] => one.clone(),
            _ => return Err(format!("a {} grant names more than one scope", self.role)),
        };
        Grant::new(role, scope)
    }
}

/// A key the verifier accepts.
pub enum VerifyKey {
    /// HS256 shared secret (development).
    Hs256(Vec<u8>),
    /// RS256 or ES256 public key in PEM (production); the algorithm follows the key type.
    PublicPem(String),
}

/// A verification key and the one algorithm it accepts.
pub type PinnedKey = (Algorithm, DecodingKey);

/// Keys an identity provider publishes, each named by a `kid`.
#[async_trait::async_trait]
pub trait KeySet: Send + Sync {
    /// The key named `kid`; `None` when the set does not hold it (after at most one refresh).
    async fn key(&self, kid: &str) -> Option<PinnedKey>;
}

pub struct TokenVerifier {
    keys: Vec<PinnedKey>,
    published: Option<Arc<dyn KeySet>>,
    issuer: String,
    audience: String,
}

impl TokenVerifier {
    /// A verifier of `keys` and, when given, of the keys `published` by an identity provider.
    pub fn new(
        issuer: &str,
        audience: &str,
        keys: Vec<VerifyKey>,
        published: Option<Arc<dyn KeySet>>,
    ) -> Result<Self, String> {
        let mut pinned = Vec::new();
        for key in keys {
            pinned.push(match key {
                VerifyKey::Hs256(secret) => {
                    if secret.len() < 32 {
                        return Err("the HS256 secret must be at least 32 bytes".into());
                    }
                    (Algorithm::HS256, DecodingKey::from_secret(&secret))
                }
                VerifyKey::PublicPem(pem) => {
                    if let Ok(key) = DecodingKey::from_rsa_pem(pem.as_bytes()) {
                        (Algorithm::RS256, key)
                    } else if let Ok(key) = DecodingKey::from_ec_pem(pem.as_bytes()) {
                        (Algorithm::ES256, key)
                    } else {
                        return Err(
                            "the public key is neither an RSA nor an EC (P-256) key in PEM form"
                                .into(),
                        );
                    }
                }
            });
        }
        if pinned.is_empty() && published.is_none() {
            return Err("no verification key is configured".into());
        }
        Ok(TokenVerifier {
            keys: pinned,
            published,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// Verifies a compact JWS and returns the caller it names.
    pub async fn verify(&self, token: &str) -> Result<Viewer, AppError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| AppError::unauthenticated("The bearer token is malformed."))?;
        let published = match (&header.kid, &self.published) {
            (Some(kid), Some(set)) => set.key(kid).await,
            _ => None,
        };
        let (alg, key) = match &published {
            Some(key) => key,
            None => self
                .keys
                .iter()
                .find(|(alg, _)| *alg == header.alg)
                .ok_or_else(|| match (&header.kid, &self.published) {
                    (Some(_), Some(_)) => AppError::unauthenticated(
                        "The token's key (kid) is not among the identity provider's keys.",
                    ),
                    _ => AppError::unauthenticated(format!(
                        "Tokens signed with {:?} are not accepted here.",
                        header.alg
                    )),
                })?,
        };
        if *alg != header.alg {
            return Err(AppError::unauthenticated(rejection(
                &ErrorKind::InvalidAlgorithm,
            )));
        }
        let mut validation = Validation::new(*alg);
        validation.algorithms = vec![*alg];
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map_err(|e| AppError::unauthenticated(rejection(e.kind())))?
            .claims;
        let grants = claims
            .grants
            .iter()
            .map(GrantClaim::to_grant)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                AppError::unauthenticated(format!("The token carries an invalid grant: {e}."))
            })?;
        if claims.sub.trim().is_empty() {
            return Err(AppError::unauthenticated("The token's subject is empty."));
        }
        Ok(Viewer {
            sub: claims.sub,
            name: claims.name,
            email: claims.email,
            grants,
        })
    }
}

fn rejection(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::ExpiredSignature => "The token has expired.".into(),
        ErrorKind::ImmatureSignature => "The token is not valid yet (nbf).".into(),
        ErrorKind::InvalidIssuer => {
            "The token was issued by an issuer this portal does not trust.".into()
        }
        ErrorKind::InvalidAudience => "The token is meant for another audience.".into(),
        ErrorKind::InvalidSignature => "The token's signature does not verify.".into(),
        ErrorKind::InvalidAlgorithm => "The token's algorithm does not match the key.".into(),
        ErrorKind::MissingRequiredClaim(claim) => {
            format!("The token lacks the required \"{claim}\" claim.")
        }
        _ => "The bearer token is malformed.".into(),
    }
}

/// Mints HS256 tokens for development and tests. Never constructed in production.
pub struct TokenIssuer {
    key: EncodingKey,
    issuer: String,
    audience: String,
}

impl TokenIssuer {
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str) -> Self {
        TokenIssuer {
            key: EncodingKey::from_secret(secret),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    pub fn mint(
        &self,
        sub: &str,
        name: &str,
        email: Option<&str>,
        grants: &[Grant],
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<String, String> {
        let claims = Claims {
            sub: sub.to_owned(),
            name: name.to_owned(),
            email: email.map(str::to_owned),
            grants: grants.iter().map(GrantClaim::from_grant).collect(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.timestamp(),
            nbf: Some(now.timestamp()),
            exp: (now + ttl).timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map_err(|e| e.to_string())
    }
}

/// Parses `ROLE`, `ROLE:CODE` (scope kind implied by the role) or `ROLE:kind=CODE`
/// (for `INTEGRATION`, which may be scoped to a network or an ICB).
pub fn parse_grant(spec: &str) -> Result<Grant, String> {
    let (role_name, scope) = match spec.split_once(':') {
        None => (spec, None),
        Some((r, s)) => (r, Some(s)),
    };
    let role = Role::parse(role_name).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!(
            "unknown role \"{role_name}\"; roles are {}",
            names.join(", ")
        )
    })?;
    let scope = match scope {
        None => GrantScope::All,
        Some(s) => {
            let (kind, code) = match s.split_once('=') {
                Some((k, c)) => (Some(k), c),
                None => (None, s),
            };
            if code.is_empty() {
                return Err(format!("grant \"{spec}\" names an empty code"));
            }
            let code = code.to_owned();
            match kind.or_else(|| implied_kind(role)) {
                Some("network") => GrantScope::Network(code),
                Some("icb") => GrantScope::Icb(code),
                Some("provider") => GrantScope::Provider(code),
                Some("region") => GrantScope::Region(code),
                Some(other) => {
                    return Err(format!(
                        "unknown scope kind \"{other}\" in grant \"{spec}\""
                    ));
                }
                None => {
                    return Err(format!(
                        "grant \"{spec}\": write the scope as kind=CODE (network or icb)"
                    ));
                }
            }
        }
    };
    Grant::new(role, scope)
}

fn implied_kind(role: Role) -> Option<&'static str> {
    use super::ScopeKind;
    match role.allowed_scopes() {
        [ScopeKind::Region] => Some("region"),
        [ScopeKind::Icb] => Some("icb"),
        [ScopeKind::Network] => Some("network"),
        [ScopeKind::Provider] => Some("provider"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn grants_parse_from_the_command_line_forms() {
        assert_eq!(
            parse_grant("NATIONAL_ADMIN").unwrap().scope,
            GrantScope::All
        );
        assert_eq!(
            parse_grant("NETWORK_MANAGER:WESSEX").unwrap().scope,
            GrantScope::Network("WESSEX".into())
        );
        assert_eq!(
            parse_grant("INTEGRATION:icb=QRL").unwrap().scope,
            GrantScope::Icb("QRL".into())
        );
        assert!(parse_grant("INTEGRATION:QRL").is_err());
        assert!(parse_grant("NETWORK_MANAGER").is_err());
        assert!(parse_grant("KING").is_err());
    }

    #[tokio::test]
    async fn a_minted_token_verifies_and_a_foreign_one_does_not() {
        let now = Utc::now();
        let issuer = TokenIssuer::hs256(SECRET, "iss", "aud");
        let grants = [parse_grant("PROVIDER_CEO:RHM").unwrap()];
        let token = issuer
            .mint("u1", "A User", None, &grants, now, Duration::hours(1))
            .unwrap();
        let verifier =
            TokenVerifier::new("iss", "aud", vec![VerifyKey::Hs256(SECRET.to_vec())], None)
                .unwrap();
        let viewer = verifier.verify(&token).await.unwrap();
        assert_eq!(viewer.grants, grants);

        let other = TokenVerifier::new(
            "iss",
            "other",
            vec![VerifyKey::Hs256(SECRET.to_vec())],
            None,
        )
        .unwrap();
        assert!(other.verify(&token).await.is_err());
        let expired = issuer
            .mint(
                "u1",
                "A User",
                None,
                &grants,
                now - Duration::hours(2),
                Duration::hours(1),
            )
            .unwrap();
        assert!(verifier.verify(&expired).await.is_err());
    }
}
