//! Documents already parsed and within the document limits, by their text. Clients send the same
//! few operations again and again, and parsing was a tenth of the CPU of a small query (a `perf`
//! profile of `networks`); a kept document is cloned instead. Only what depends on the text alone
//! is kept: input values and cost depend on the variables and are checked every time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;

/// At most this many documents are kept; when full, the store starts again, so a stream of
/// distinct texts costs the store nothing beyond its bound.
const KEPT: usize = 64;
/// Texts longer than this are parsed every time (a dashboard's queries are 0.5-2 KB); with the
/// document limits, this keeps the store small whatever clients send.
const LONGEST_KEPT: usize = 8 * 1024;

/// Shared by every clone of the `Portal`.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    documents: Arc<Mutex<HashMap<String, Arc<ExecutableDocument>>>>,
}

impl Parsed {
    /// The document parsed from `text`, if kept.
    pub fn get(&self, text: &str) -> Option<ExecutableDocument> {
        let kept = self
            .documents
            .lock()
            .ok()
            .and_then(|documents| documents.get(text).cloned())?;
        Some(ExecutableDocument::clone(&kept))
    }

    /// Keeps `document`, parsed from `text` and within the document limits.
    pub fn keep(&self, text: &str, document: &ExecutableDocument) {
        if text.len() > LONGEST_KEPT {
            return;
        }
        let document = Arc::new(document.clone());
        if let Ok(mut documents) = self.documents.lock() {
            if documents.len() >= KEPT {
                documents.clear();
            }
            documents.insert(text.to_owned(), document);
        }
    }
}
