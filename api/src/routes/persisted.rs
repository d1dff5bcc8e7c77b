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
    /// The extension is malformed, or the query's hash is not the one sent.
    Invalid(String),
}

impl PersistedQueries {
    pub fn new(lookups: CacheCounters) -> Self {
        PersistedQueries {
            held: Mutex::default(),
            lookups,
        }
    }

    /// The query to run: `query` as sent (kept under its hash when one came with it), or the
    /// one held under the hash sent alone. `None`: neither query nor hash.
    pub fn resolve(
        &self,
        query: Option<String>,
        extensions: Option<&serde_json::Value>,
    ) -> Result<Option<String>, Refusal> {
        let Some(persisted) = extensions.and_then(|e| e.get("persistedQuery")) else {
            return Ok(query);
        };
        if persisted.get("version").and_then(|v| v.as_u64()) != Some(1) {
            return Err(Refusal::Invalid(
                "`extensions.persistedQuery.version` must be 1.".into(),
            ));
        }
        let hash = persisted
            .get("sha256Hash")
            .and_then(|h| h.as_str())
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| {
                Refusal::Invalid(
                    "`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal digits.".into(),
                )
            })?
            .to_ascii_lowercase();
        match query {
            Some(query) => {
                if crate::hex(&Sha256::digest(query.as_bytes())) != hash {
                    return Err(Refusal::Invalid(
                        "The query's SHA-256 is not `extensions.persistedQuery.sha256Hash`.".into(),
                    ));
                }
                self.held().keep(hash, &query);
                Ok(Some(query))
            }
            None => {
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
