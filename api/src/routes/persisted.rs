//! Automatic Persisted Queries, as Apollo Client and urql send them: a request may carry
//! `extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}` without its `query`; the
//! server answers from the queries it has seen, or with `PERSISTED_QUERY_NOT_FOUND`, and the
//! client sends the query with its hash once. Every query still takes the full admission; the
//! cache only saves bandwidth. It is bounded in bytes, oldest first out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use graphql::metrics::CacheCounters;
use sha2::{Digest, Sha256};

/// What the queries held may take in all.
const CAPACITY_BYTES: usize = 8 * 1024 * 1024;

/// The queries seen, by the hex SHA-256 of their text.
#[derive(Default)]
pub struct PersistedQueries {
    held: Mutex<Held>,
    /// Counts the hashes sent alone: found or not.
    lookups: CacheCounters,
    /// When set (`PORTAL_REGISTERED_OPERATIONS`), the only operations run, by hash.
    registered: Option<HashMap<String, String>>,
}

#[derive(Default)]
struct Held {
    queries: HashMap<String, String>,
    order: VecDeque<String>,
    bytes: usize,
}

/// Why a persisted-query request cannot run.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The hash is unknown here: the client sends the query with it.
    NotFound,
    /// Only registered operations run here, and this is not one of them.
    NotRegistered,
    /// The extension is malformed, or the query's hash is not the one sent.
    Invalid(String),
}

impl PersistedQueries {
    /// `registered`: when given, the only operations run (by hash), and nothing is learnt.
    pub fn new(lookups: CacheCounters, registered: Option<HashMap<String, String>>) -> Self {
        PersistedQueries {
            held: Mutex::default(),
            lookups,
            registered,
        }
    }

    /// The operations of a file, by the SHA-256 of each text: Apollo's persisted-query manifest
    /// (`{"operations": [{"id": …, "body": …}, …]}`, as `generate-persisted-query-manifest`
    /// writes it); an `id` other than the text's hash names it too.
    pub fn registered_from(path: &std::path::Path) -> Result<HashMap<String, String>, String> {
        let what = |e: String| format!("PORTAL_REGISTERED_OPERATIONS: {}: {e}", path.display());
        let text = std::fs::read_to_string(path).map_err(|e| what(e.to_string()))?;
        let file: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| what(format!("not JSON: {e}")))?;
        let operations = file
            .get("operations")
            .and_then(|o| o.as_array())
            .ok_or_else(|| {
                what("no \"operations\" array (an Apollo persisted-query manifest)".into())
            })?;
        let mut registered = HashMap::new();
        for (i, operation) in operations.iter().enumerate() {
            let body = operation
                .get("body")
                .and_then(|b| b.as_str())
                .ok_or_else(|| what(format!("operation {} has no \"body\"", i + 1)))?;
            if let Some(id) = operation.get("id").and_then(|id| id.as_str()) {
                registered.insert(id.to_ascii_lowercase(), body.to_owned());
            }
            registered.insert(
                crate::hex(&Sha256::digest(body.as_bytes())),
                body.to_owned(),
            );
        }
        Ok(registered)
    }

    /// The query to run: `query` as sent (kept under its hash when one came with it), or the
    /// one held under the hash sent alone. `None`: neither query nor hash. With registered
    /// operations, only theirs, whether sent in full or by hash.
    pub fn resolve(
        &self,
        query: Option<String>,
        extensions: Option<&serde_json::Value>,
    ) -> Result<Option<String>, Refusal> {
        let hash = match extensions.and_then(|e| e.get("persistedQuery")) {
            Some(persisted) => Some(sent_hash(persisted)?),
            None => None,
        };
        // A plain query, with nothing registered: nothing to hash.
        if hash.is_none() && self.registered.is_none() {
            return Ok(query);
        }
        let digest = query
            .as_ref()
            .map(|q| crate::hex(&Sha256::digest(q.as_bytes())));
        if let (Some(hash), Some(digest)) = (&hash, &digest)
            && hash != digest
        {
            return Err(Refusal::Invalid(
                "The query's SHA-256 is not `extensions.persistedQuery.sha256Hash`.".into(),
            ));
        }
        if let Some(registered) = &self.registered {
            return match (query, hash) {
                (None, None) => Ok(None),
                (Some(query), _) if digest.is_some_and(|d| registered.contains_key(&d)) => {
                    Ok(Some(query))
                }
                (None, Some(hash)) => registered
                    .get(&hash)
                    .cloned()
                    .map(Some)
                    .ok_or(Refusal::NotRegistered),
                (Some(_), _) => Err(Refusal::NotRegistered),
            };
        }
        match (query, hash) {
            (query, None) => Ok(query),
            (Some(query), Some(hash)) => {
                self.held().keep(hash, &query);
                Ok(Some(query))
            }
            (None, Some(hash)) => {
                let held = self.held().queries.get(&hash).cloned();
                match held {
                    Some(_) => self.lookups.hit(),
                    None => self.lookups.miss(),
                }
                held.map(Some).ok_or(Refusal::NotFound)
            }
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The hash of `extensions.persistedQuery`, checked.
fn sent_hash(persisted: &serde_json::Value) -> Result<String, Refusal> {
    if persisted.get("version").and_then(|v| v.as_u64()) != Some(1) {
        return Err(Refusal::Invalid(
            "`extensions.persistedQuery.version` must be 1.".into(),
        ));
    }
    persisted
        .get("sha256Hash")
        .and_then(|h| h.as_str())
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| {
            Refusal::Invalid(
                "`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal digits.".into(),
            )
        })
}

impl Held {
    fn keep(&mut self, hash: String, query: &str) {
        if self.queries.contains_key(&hash) || query.len() > CAPACITY_BYTES {
            return;
        }
        while self.bytes + query.len() > CAPACITY_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.queries.remove(&oldest) {
                self.bytes -= gone.len();
            }
        }
        self.bytes += query.len();
        self.order.push_back(hash.clone());
        self.queries.insert(hash, query.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ext(hash: &str) -> serde_json::Value {
        json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
    }

    #[test]
    fn a_hash_alone_misses_then_answers_once_the_query_came_with_it() {
        let cache = PersistedQueries::default();
        let query = "{ networks { totalCount } }";
        let hash = crate::hex(&Sha256::digest(query));
        assert_eq!(
            cache.resolve(None, Some(&ext(&hash))),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            cache.resolve(Some(query.into()), Some(&ext(&hash))),
            Ok(Some(query.into()))
        );
        assert_eq!(
            cache.resolve(None, Some(&ext(&hash))),
            Ok(Some(query.into()))
        );
        let wrong = "0".repeat(64);
        assert!(matches!(
            cache.resolve(Some(query.into()), Some(&ext(&wrong))),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn with_registered_operations_only_theirs_run_by_hash_or_in_full() {
        let query = "{ networks { totalCount } }";
        let hash = crate::hex(&Sha256::digest(query));
        let registered = HashMap::from([(hash.clone(), query.to_owned())]);
        let only = PersistedQueries::new(CacheCounters::default(), Some(registered));
        assert_eq!(
            only.resolve(None, Some(&ext(&hash))),
            Ok(Some(query.into()))
        );
        assert_eq!(
            only.resolve(Some(query.into()), None),
            Ok(Some(query.into()))
        );
        assert_eq!(
            only.resolve(Some("{ regions { code } }".into()), None),
            Err(Refusal::NotRegistered)
        );
        assert_eq!(
            only.resolve(None, Some(&ext(&"0".repeat(64)))),
            Err(Refusal::NotRegistered)
        );
        // Nothing sent in full is learnt.
        let other = "{ regions { code } }";
        let other_hash = crate::hex(&Sha256::digest(other));
        let _ = only.resolve(Some(other.into()), Some(&ext(&other_hash)));
        assert_eq!(
            only.resolve(None, Some(&ext(&other_hash))),
            Err(Refusal::NotRegistered)
        );
    }

    #[test]
    fn the_cache_stays_within_its_bytes() {
        let mut held = Held::default();
        let big = "x".repeat(CAPACITY_BYTES / 3 + 1);
        for i in 0..5 {
            held.keep(format!("{i:064}"), &big);
        }
        assert!(held.bytes <= CAPACITY_BYTES);
        assert_eq!(held.queries.len(), 2);
        assert!(held.queries.contains_key(&format!("{:064}", 4)));
    }
}
