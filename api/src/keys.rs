//! Token keys: the verifier every request uses, and the development HS256 secret.
//!
//! In development with no `PORTAL_JWT_SECRET`, `serve` creates a random secret beside the
//! database and `portal token` reads it. In production no HS256 secret is ever used.

use std::fs;
use std::io::Write;
use std::sync::Arc;

use graphql::auth::token::{KeySet, TokenIssuer, TokenVerifier, VerifyKey};

use crate::jwks::PublishedKeys;
use crate::settings::{Secret, Settings};

/// The HS256 secret in force: configured, or kept in the data directory (created when `create`).
/// `None` in production.
pub fn dev_secret(settings: &Settings, create: bool) -> Result<Option<Secret>, String> {
    if settings.is_production() {
        return Ok(None);
    }
    if let Some(secret) = &settings.jwt.secret {
        return Ok(Some(secret.clone()));
    }
    let path = settings.dev_secret_path();
    match fs::read_to_string(&path) {
        Ok(text) => Ok(Some(Secret(text.trim().as_bytes().to_vec()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes)
                .map_err(|e| format!("no randomness for the development secret: {e}"))?;
            let hex = crate::hex(&bytes);
            fs::create_dir_all(&settings.data_dir)
                .map_err(|e| format!("cannot create {}: {e}", settings.data_dir.display()))?;
            match write_private(&path, &hex) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "created a development token secret");
                    Ok(Some(Secret(hex.into_bytes())))
                }
                // Another instance starting at the same moment created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    dev_secret(settings, false)
                }
                Err(e) => Err(format!("cannot write {}: {e}", path.display())),
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// The verifier for the configured keys, having read the identity provider's key set if one is
/// configured.
pub async fn verifier(
    settings: &Settings,
    dev_secret: Option<&Secret>,
) -> Result<TokenVerifier, String> {
    let published: Option<Arc<dyn KeySet>> = match &settings.jwt.jwks_url {
        Some(url) => Some(PublishedKeys::fetch(url, settings.jwt.jwks_min_refresh).await?),
        None => None,
    };
    let mut keys = Vec::new();
    if let Some(pem) = &settings.jwt.public_key_pem {
        keys.push(VerifyKey::PublicPem(pem.clone()));
    }
    if let Some(secret) = dev_secret {
        keys.push(VerifyKey::Hs256(secret.0.clone()));
    }
    TokenVerifier::new(
        &settings.jwt.issuer,
        &settings.jwt.audience,
        keys,
        published,
    )
}

/// The development token issuer; refuses in production and when no HS256 secret exists.
pub fn issuer(settings: &Settings) -> Result<TokenIssuer, String> {
    if settings.is_production() {
        return Err("development tokens cannot be minted in production".into());
    }
    let secret = dev_secret(settings, false)?.ok_or_else(|| {
        format!(
            "no HS256 secret is configured: set PORTAL_JWT_SECRET or start `portal serve` once to create {}",
            settings.dev_secret_path().display()
        )
    })?;
    Ok(TokenIssuer::hs256(
        &secret.0,
        &settings.jwt.issuer,
        &settings.jwt.audience,
    ))
}
