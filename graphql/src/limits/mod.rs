//! The limits every operation is held to before it runs, checked once per operation rather than
//! per field: async-graphql runs every registered extension's `resolve` hook around every field
//! it resolves, which cost 10-30% of the throughput of a nested query here, so these are plain
//! functions called by `Portal::admit` instead of schema extensions.

pub mod cost;
pub mod depth;
pub mod input;
pub mod parsed;
pub mod room;
pub mod scan;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, Request, ServerError};

use crate::error::ErrorCode;
use cost::CostModel;
use parsed::Parsed;

/// Limits async-graphql lacks or applies differently: depth (with introspection measured
/// apart, so standard tools' introspection query answers), aliases, field selections, directives and
/// fragments per document (`__typename` costs nothing under async-graphql's complexity, so 250
/// aliases of it would otherwise pass; its directive limit is per field), and the cost of an
/// operation counted with the sizes of its lists (`cost`).
#[derive(Debug, Clone)]
pub struct QueryLimits {
    /// How deep ordinary fields nest; introspection has its own `depth::MAX_INTROSPECTION_DEPTH`.
    pub max_depth: usize,
    pub max_aliases: usize,
    pub max_fields: usize,
    pub max_directives: usize,
    pub max_fragments: usize,
    pub max_cost: u64,
    pub costs: CostModel,
    pub parsed: Parsed,
}

#[derive(Default)]
struct Counts {
    aliases: usize,
    fields: usize,
    directives: usize,
}

/// Selection sets nest at most `scan::MAX_SELECTION_DEPTH` deep here (the scan refused deeper).
fn count(set: &SelectionSet, counts: &mut Counts) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                counts.fields += 1;
                counts.aliases += usize::from(field.node.alias.is_some());
                counts.directives += field.node.directives.len();
                count(&field.node.selection_set.node, counts);
            }
            Selection::InlineFragment(fragment) => {
                counts.directives += fragment.node.directives.len();
                count(&fragment.node.selection_set.node, counts)
            }
            Selection::FragmentSpread(spread) => counts.directives += spread.node.directives.len(),
        }
    }
}

impl QueryLimits {
    /// Admits `request` to the schema or says why not, before async-graphql parses or validates
    /// it: its nesting (on the raw text, which the parser would recurse over), its input values,
    /// its size and its cost, which it answers. The parsed document is kept on the request for
    /// the schema. A document that does not parse is left for the schema to report (cost 0).
    pub fn admit(&self, request: &mut Request) -> Result<u64, ServerError> {
        let document = match self.parsed.get(&request.query) {
            Some(document) => document,
            None => {
                scan::check_nesting(&request.query)
                    .map_err(|too_deep| coded(too_deep.message(), ErrorCode::BadUserInput))?;
                let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
                    return Ok(0);
                };
                self.check_sizes(&document)?;
                self.check_depth(&document)?;
                self.parsed.keep(&request.query, &document);
                document
            }
        };
        input::check_inputs(&document, &request.variables)
            .map_err(|message| coded(message, ErrorCode::BadUserInput))?;
        let cost = self.costs.cost(&document, &request.variables);
        if cost > self.max_cost {
            let mut error = coded(
                format!(
                    "The query would cost {cost}, over the budget of {}: each field counts once \
                     for every item of the lists around it. Ask for smaller pages (`first`), \
                     fewer aliases or less nesting.",
                    self.max_cost
                ),
                ErrorCode::BadUserInput,
            );
            if let Some(extensions) = error.extensions.as_mut() {
                extensions.set("cost", cost);
                extensions.set("budget", self.max_cost);
            }
            return Err(error);
        }
        request.set_parsed_query(document);
        Ok(cost)
    }

    fn check_sizes(&self, document: &ExecutableDocument) -> Result<(), ServerError> {
        let mut counts = Counts::default();
        for (_, operation) in document.operations.iter() {
            counts.directives += operation.node.directives.len()
                + operation
                    .node
                    .variable_definitions
                    .iter()
                    .map(|v| v.node.directives.len())
                    .sum::<usize>();
            count(&operation.node.selection_set.node, &mut counts);
        }
        for fragment in document.fragments.values() {
            counts.directives += fragment.node.directives.len();
            count(&fragment.node.selection_set.node, &mut counts);
        }
        let over = |what: &str, n: usize, max: usize| {
            (n > max).then(|| {
                coded(
                    format!("The document has {n} {what}; at most {max} are allowed."),
                    ErrorCode::BadUserInput,
                )
            })
        };
        let fragments = document.fragments.len();
        let refusal = over("aliases", counts.aliases, self.max_aliases)
            .or_else(|| over("field selections", counts.fields, self.max_fields))
            .or_else(|| over("directives", counts.directives, self.max_directives))
            .or_else(|| over("fragments", fragments, self.max_fragments));
        refusal.map_or(Ok(()), Err)
    }

    fn check_depth(&self, document: &ExecutableDocument) -> Result<(), ServerError> {
        let depth = depth::of(document);
        let refusal = if depth.ordinary > self.max_depth {
            Some(format!(
                "The query nests fields {} deep; at most {} are allowed.",
                depth.ordinary, self.max_depth
            ))
        } else if depth.introspection > depth::MAX_INTROSPECTION_DEPTH {
            Some(format!(
                "The introspection query nests fields {} deep; at most {} are allowed.",
                depth.introspection,
                depth::MAX_INTROSPECTION_DEPTH
            ))
        } else {
            None
        };
        refusal.map_or(Ok(()), |message| {
            Err(coded(message, ErrorCode::BadUserInput))
        })
    }
}

fn coded(message: String, code: ErrorCode) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    error.extensions = Some(extensions);
    error
}
