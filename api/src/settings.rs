//! Typed settings, read from the environment once in `main` and passed down. Tests build them
//! by hand.

use std::path::PathBuf;
use std::time::Duration;

use graphql::SchemaOptions;
use graphql::mail::outbox::MailSettings;
use graphql::state::MailIdentity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// A secret that never prints.
#[derive(Clone)]
pub struct Secret(pub Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// HS256 shared secret (development only).
    pub secret: Option<Secret>,
    /// RS256/ES256 public key, PEM text (production).
    pub public_key_pem: Option<String>,
    /// The identity provider's key set (JWKS), whose keys tokens name by `kid` (production).
    pub jwks_url: Option<String>,
    /// The shortest time between two reads of the key set (30 s; tests shorten it).
    pub jwks_min_refresh: Duration,
    pub issuer: String,
    pub audience: String,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    pub environment: Environment,
    /// Where the development secret (and the default SQLite file) live.
    pub data_dir: PathBuf,
    pub jwt: JwtSettings,
    pub graphiql: bool,
    pub schema: SchemaOptions,
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    /// Larger answers are refused with `RESPONSE_TOO_LARGE`.
    pub max_response_bytes: usize,
    pub db_pool_size: u32,
    /// HTTP worker threads; `None` means one per core.
    pub workers: Option<usize>,
    /// The portal's address for people; letters link to it.
    pub public_url: String,
    /// The mail dispatcher; `None` keeps letters in the outbox (they are sent once it is set).
    pub mail: Option<MailSettings>,
    /// The sender of letters (also names the Message-ID domain).
    pub mail_from: String,
    /// How often the case clock runs; `None` disables it (tests drive it themselves).
    pub clock_interval: Option<Duration>,
    /// Origins browser frontends may call the API from (`scheme://host[:port]`); none by default.
    pub cors_origins: Vec<String>,
    /// Where `GET /metrics` is served, if anywhere.
    pub metrics: MetricsExposure,
    /// A file of the only operations to run (an Apollo persisted-query manifest); `None` runs any.
    pub registered_operations: Option<PathBuf>,
}

/// Where `GET /metrics` is served (`PORTAL_METRICS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsExposure {
    /// Not at all (the default).
    Off,
    /// Beside the API, on `PORTAL_BIND`.
    WithApi,
    /// On an address of its own, e.g. `127.0.0.1:9464`, off the network the API faces.
    Own(String),
}

/// `PORTAL_METRICS`: `off` (default), `on`, or an address of its own.
pub fn metrics_exposure(value: Option<&str>) -> Result<MetricsExposure, String> {
    match value {
        None | Some("off" | "false" | "0" | "no") => Ok(MetricsExposure::Off),
        Some("on" | "true" | "1" | "yes") => Ok(MetricsExposure::WithApi),
        Some(address) if address.parse::<std::net::SocketAddr>().is_ok() => {
            Ok(MetricsExposure::Own(address.to_owned()))
        }
        Some(other) => Err(format!(
            "PORTAL_METRICS must be off, on, or an address of its own such as 127.0.0.1:9464, \
             not \"{other}\""
        )),
    }
}

pub const DEV_ISSUER: &str = "spinal-portal-dev";
pub const DEV_AUDIENCE: &str = "spinal-portal";

impl Settings {
    /// Reads the environment variables documented in the README.
    pub fn from_env() -> Result<Settings, String> {
        let environment = match var("PORTAL_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(format!(
                    "PORTAL_ENV must be development or production, not \"{other}\""
                ));
            }
        };
        let production = environment == Environment::Production;
        let data_dir = PathBuf::from(var("PORTAL_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", data_dir.join("portal.db").display())
        });
        let public_key_pem = match var("PORTAL_JWT_PUBLIC_KEY") {
            Some(v) if v.trim_start().starts_with("-----BEGIN") => Some(v),
            Some(path) => Some(std::fs::read_to_string(&path).map_err(|e| {
                format!("PORTAL_JWT_PUBLIC_KEY: cannot read the key file {path}: {e}")
            })?),
            None => None,
        };
        let bind = var("PORTAL_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let mail_from = var("PORTAL_MAIL_FROM").unwrap_or_else(|| "spinal-portal@localhost".into());
        let mail = var("PORTAL_SMTP_URL").map(|smtp_url| MailSettings {
            smtp_url,
            from: mail_from.clone(),
            redirect: var("PORTAL_MAIL_REDIRECT"),
            retry_base: Duration::from_secs(5),
            retry_max: Duration::from_secs(15 * 60),
            lease: Duration::from_secs(120),
            smtp_timeout: Duration::from_secs(30),
            batch: 50,
            poll: Duration::from_secs(5),
        });
        let settings = Settings {
            public_url: var("PORTAL_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}")),
            mail,
            mail_from,
            clock_interval: match number("PORTAL_CLOCK_INTERVAL_SECS", 60)? {
                0 => None,
                secs => Some(Duration::from_secs(secs)),
            },
            database_url,
            bind,
            environment,
            data_dir,
            jwt: JwtSettings {
                secret: var("PORTAL_JWT_SECRET").map(|s| Secret(s.into_bytes())),
                public_key_pem,
                jwks_url: var("PORTAL_JWT_JWKS_URL"),
                jwks_min_refresh: Duration::from_secs(30),
                issuer: var("PORTAL_JWT_ISSUER").unwrap_or_else(|| {
                    if production {
                        String::new()
                    } else {
                        DEV_ISSUER.into()
                    }
                }),
                audience: var("PORTAL_JWT_AUDIENCE").unwrap_or_else(|| {
                    if production {
                        String::new()
                    } else {
                        DEV_AUDIENCE.into()
                    }
                }),
            },
            graphiql: flag("PORTAL_GRAPHIQL", !production)?,
            schema: SchemaOptions {
                introspection: flag("PORTAL_INTROSPECTION", !production)?,
                max_cost_in_flight: number(
                    "PORTAL_MAX_COST_IN_FLIGHT",
                    SchemaOptions::default().max_cost_in_flight,
                )?,
                ..SchemaOptions::default()
            },
            request_timeout: Duration::from_millis(number("PORTAL_REQUEST_TIMEOUT_MS", 10_000)?),
            max_body_bytes: usize::try_from(number("PORTAL_MAX_BODY_BYTES", 256 * 1024)?)
                .unwrap_or(usize::MAX),
            max_response_bytes: usize::try_from(number(
                "PORTAL_MAX_RESPONSE_BYTES",
                8 * 1024 * 1024,
            )?)
            .unwrap_or(usize::MAX),
            db_pool_size: u32::try_from(number("PORTAL_DB_POOL_SIZE", 10)?).unwrap_or(u32::MAX),
            workers: None,
            cors_origins: cors_origins(var("PORTAL_CORS_ORIGINS").as_deref().unwrap_or(""))?,
            metrics: metrics_exposure(var("PORTAL_METRICS").as_deref())?,
            registered_operations: var("PORTAL_REGISTERED_OPERATIONS").map(PathBuf::from),
        };
        settings.check()?;
        Ok(settings)
    }

    /// Refuses combinations that would be unsafe or cannot work.
    pub fn check(&self) -> Result<(), String> {
        if self.environment == Environment::Production {
            if self.jwt.public_key_pem.is_none() && self.jwt.jwks_url.is_none() {
                return Err(
                    "production needs PORTAL_JWT_JWKS_URL (the identity provider's key set) or \
                     PORTAL_JWT_PUBLIC_KEY (an RS256 or ES256 public key in PEM)"
                        .into(),
                );
            }
            if self.jwt.secret.is_some() {
                return Err("PORTAL_JWT_SECRET is a development setting; production verifies with PORTAL_JWT_JWKS_URL or PORTAL_JWT_PUBLIC_KEY".into());
            }
            if self.jwt.issuer.is_empty() || self.jwt.audience.is_empty() {
                return Err("production needs PORTAL_JWT_ISSUER and PORTAL_JWT_AUDIENCE".into());
            }
        }
        if let Some(mail) = &self.mail {
            match (self.environment, &mail.redirect) {
                (Environment::Production, Some(_)) => {
                    return Err("PORTAL_MAIL_REDIRECT is for non-production environments; production sends letters to their addressees".into());
                }
                (Environment::Development, None) => {
                    return Err("outside production every letter goes to PORTAL_MAIL_REDIRECT, so no message reaches a real regulator; set it with PORTAL_SMTP_URL".into());
                }
                _ => {}
            }
        } else if self.environment == Environment::Production {
            return Err("production needs PORTAL_SMTP_URL: regulator letters must go out".into());
        }
        if let Some(url) = &self.jwt.jwks_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(format!(
                "PORTAL_JWT_JWKS_URL must be an https:// (or http://) URL, not \"{url}\""
            ));
        }
        if self.db_pool_size < 2 {
            return Err("PORTAL_DB_POOL_SIZE must be at least 2".into());
        }
        Ok(())
    }

    /// What letters say about where they come from.
    pub fn mail_identity(&self) -> MailIdentity {
        MailIdentity {
            public_url: self.public_url.clone(),
            domain: self
                .mail_from
                .rsplit_once('@')
                .map_or("localhost", |(_, domain)| domain.trim_end_matches('>'))
                .to_owned(),
        }
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Where the development HS256 secret is kept, beside the default database.
    pub fn dev_secret_path(&self) -> PathBuf {
        self.data_dir.join("dev-jwt-secret")
    }
}

/// `PORTAL_CORS_ORIGINS`: a comma-separated allow-list of origins, each `scheme://host[:port]`
/// exactly as a browser sends it (no path, no wildcard: the list is what is trusted).
pub fn cors_origins(list: &str) -> Result<Vec<String>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let rest = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains(['/', '*', ' ']) => {
                    Ok(origin.to_owned())
                }
                _ => Err(format!(
                    "PORTAL_CORS_ORIGINS: \"{origin}\" is not an origin; list each as \
                     https://host[:port], separated by commas (no paths, no wildcards)"
                )),
            }
        })
        .collect()
}

/// What `portal serve --help` lists: every variable the settings read, with its default (the
/// README's table says more). A unit test keeps it equal to the variables read below.
pub const SETTINGS_HELP: &str = "\
Settings (environment variables; the README's table says more):
  DATABASE_URL                 sqlite://<PORTAL_DATA_DIR>/portal.db or postgres://...
  PORTAL_ENV                   development (default) or production
  PORTAL_BIND                  listen address [127.0.0.1:8080]
  PORTAL_DATA_DIR              the default SQLite file and development secret [data]
  PORTAL_PUBLIC_URL            the portal's address in letters [http://<PORTAL_BIND>]
  PORTAL_JWT_SECRET            HS256 secret, development only (at least 32 bytes)
  PORTAL_JWT_PUBLIC_KEY        RS256/ES256 public key, PEM text or file (production)
  PORTAL_JWT_JWKS_URL          the identity provider's key set; tokens name keys by kid (production)
  PORTAL_JWT_ISSUER            required iss [spinal-portal-dev in development]
  PORTAL_JWT_AUDIENCE          required aud [spinal-portal in development]
  PORTAL_GRAPHIQL              GraphiQL for browsers [on in development]
  PORTAL_INTROSPECTION         __schema and __type [on in development]
  PORTAL_CORS_ORIGINS          browser origins allowed, comma-separated [none]
  PORTAL_METRICS               GET /metrics: off, on (beside the API) or HOST:PORT of its own [off]
  PORTAL_REGISTERED_OPERATIONS a persisted-query manifest: run only its operations [any operation]
  PORTAL_REQUEST_TIMEOUT_MS    longest an operation runs [10000]
  PORTAL_MAX_BODY_BYTES        largest request body or WebSocket message [262144]
  PORTAL_MAX_RESPONSE_BYTES    largest answer [8388608]
  PORTAL_MAX_COST_IN_FLIGHT    cost of the heavy operations running at once [400000]
  PORTAL_DB_POOL_SIZE          database connections, at least 2 [10]
  PORTAL_SMTP_URL              where letters go, smtp:// or smtps:// [none: letters wait]
  PORTAL_MAIL_FROM             sender of letters [spinal-portal@localhost]
  PORTAL_MAIL_REDIRECT         outside production, every letter to this address [none]
  PORTAL_CLOCK_INTERVAL_SECS   how often serve runs the clock; 0 turns it off [60]
  PORTAL_LOG_FORMAT            plain or json [plain]
  RUST_LOG                     log filter [info,sqlx=warn,sea_orm=warn]";

/// How log lines are written to stderr (`PORTAL_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines, coloured only on a terminal (the default).
    Plain,
    /// One JSON object per line, for a log shipper.
    Json,
}

/// `PORTAL_LOG_FORMAT`: `plain` (default) or `json`. Read apart from `Settings`, since logging
/// starts before the other settings are read (so their errors are logged).
pub fn log_format() -> Result<LogFormat, String> {
    match var("PORTAL_LOG_FORMAT").as_deref() {
        None | Some("plain") => Ok(LogFormat::Plain),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(format!(
            "PORTAL_LOG_FORMAT must be plain or json, not \"{other}\""
        )),
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn flag(name: &str, default: bool) -> Result<bool, String> {
    match var(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "on" | "yes") => Ok(true),
        Some("0" | "false" | "off" | "no") => Ok(false),
        Some(other) => Err(format!("{name} must be true or false, not \"{other}\"")),
    }
}

fn number(name: &str, default: u64) -> Result<u64, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name} must be a whole number, not \"{v}\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::SETTINGS_HELP;

    /// `serve --help` names every variable this file reads, and nothing it does not.
    #[test]
    fn the_help_lists_exactly_the_variables_read() {
        let source = include_str!("settings.rs");
        let source = &source[..source.find("#[cfg(test)]").unwrap_or(source.len())];
        let start = source.find("pub const SETTINGS_HELP").unwrap_or(0);
        let end = start + source[start..].find("\";\n").unwrap_or(0);
        let code = format!("{}{}", &source[..start], &source[end..]);
        let mut read: Vec<&str> = code
            .split('"')
            .filter(|s| {
                s.len() > "PORTAL_".len()
                    && s.starts_with("PORTAL_")
                    && s.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            })
            .collect();
        read.extend(["DATABASE_URL", "RUST_LOG"]);
        read.sort_unstable();
        read.dedup();
        let mut listed: Vec<&str> = SETTINGS_HELP
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        listed.sort_unstable();
        assert_eq!(listed, read);
    }
}
