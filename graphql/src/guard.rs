//! The checks every operation gets, once per operation rather than per field: async-graphql
//! runs every registered extension's `resolve` hook around every field it resolves, which cost
//! 10-30% of the throughput of a nested query here, so these are plain functions called by
//! `Portal` instead of schema extensions.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, ServerError};

use crate::error::{ErrorCode, INTERNAL_MESSAGE};

/// Limits async-graphql lacks: aliases and field selections per document (`__typename` costs
/// nothing under the complexity limit, so 250 aliases of it would otherwise pass).
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    pub max_aliases: usize,
    pub max_fields: usize,
}

#[derive(Default)]
struct Counts {
    aliases: usize,
    fields: usize,
}

fn count(set: &SelectionSet, counts: &mut Counts) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                counts.fields += 1;
                counts.aliases += usize::from(field.node.alias.is_some());
                count(&field.node.selection_set.node, counts);
            }
            Selection::InlineFragment(fragment) => count(&fragment.node.selection_set.node, counts),
            Selection::FragmentSpread(_) => {}
        }
    }
}

impl QueryLimits {
    pub fn check(&self, document: &ExecutableDocument) -> Result<(), ServerError> {
        let mut counts = Counts::default();
        for (_, operation) in document.operations.iter() {
            count(&operation.node.selection_set.node, &mut counts);
        }
        for fragment in document.fragments.values() {
            count(&fragment.node.selection_set.node, &mut counts);
        }
        if counts.aliases > self.max_aliases {
            return Err(coded(
                format!(
                    "The query uses {} aliases; at most {} are allowed.",
                    counts.aliases, self.max_aliases
                ),
                ErrorCode::BadUserInput,
            ));
        }
        if counts.fields > self.max_fields {
            return Err(coded(
                format!(
                    "The query selects {} fields; at most {} are allowed.",
                    counts.fields, self.max_fields
                ),
                ErrorCode::BadUserInput,
            ));
        }
        Ok(())
    }
}

fn coded(message: String, code: ErrorCode) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    error.extensions = Some(extensions);
    error
}

/// The safety net behind `AppError`: a field error without a code escaped its conversion; its
/// text (perhaps SQL) is logged, never sent. Argument values that failed to parse are the
/// caller's to fix. Errors without a path (parse and validation) are the request's, and the
/// HTTP edge codes them.
pub fn mask(errors: &mut [ServerError]) {
    for error in errors.iter_mut().filter(|e| !e.path.is_empty()) {
        if error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some())
        {
            continue;
        }
        let code = if error.message.starts_with("Failed to parse")
            || error.message.starts_with("Invalid value for argument")
        {
            ErrorCode::BadUserInput
        } else {
            tracing::error!(error = %error.message, path = ?error.path, "uncoded error masked");
            error.message = INTERNAL_MESSAGE.to_owned();
            ErrorCode::InternalServerError
        };
        error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default)
            .set("code", code.as_str());
    }
}
