//! Schema extensions that harden every operation, over HTTP and WebSocket alike.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, Response, ServerError, ServerResult, Variables};

use crate::error::{ErrorCode, INTERNAL_MESSAGE};

/// Limits async-graphql lacks: aliases and field selections per document (`__typename` costs
/// nothing under the complexity limit, so 250 aliases of it would otherwise pass).
pub struct QueryLimits {
    pub max_aliases: usize,
    pub max_fields: usize,
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryLimitsExtension {
            max_aliases: self.max_aliases,
            max_fields: self.max_fields,
        })
    }
}

struct QueryLimitsExtension {
    max_aliases: usize,
    max_fields: usize,
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

#[async_trait::async_trait]
impl Extension for QueryLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
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
        Ok(document)
    }
}

fn coded(message: String, code: ErrorCode) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    error.extensions = Some(extensions);
    error
}

/// The safety net behind `AppError`: an execution error without a code is an internal error
/// that escaped its conversion; its text (perhaps SQL) is logged, never sent.
pub struct ErrorMasking;

impl ExtensionFactory for ErrorMasking {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorMasking)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorMasking {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        for error in &mut response.errors {
            mask(error);
        }
        response
    }
}

/// Gives an uncoded error its code: argument values that failed to parse are the caller's to fix;
/// anything else is masked.
pub fn mask(error: &mut ServerError) {
    if error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some())
    {
        return;
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
