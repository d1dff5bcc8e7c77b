//! How deep an operation's fields nest, fragments inlined (as async-graphql counts it: a root
//! field is depth 1), with the schema's own description measured apart. The standard
//! introspection query (graphql-js `getIntrospectionQuery()`, which GraphiQL's docs explorer,
//! graphql-codegen and Apollo's rover send) follows `ofType` nine levels down through its
//! `TypeRef` fragment, deeper than any ordinary query needs; measuring `__schema` and `__type`
//! apart lets it answer while ordinary queries keep their tighter limit.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// How deep the introspection fields may nest: the graphql-js query needs 15 (`__schema`,
/// `types`, `fields`, `args`, `type`, then `ofType` nine times, then `kind`).
pub const MAX_INTROSPECTION_DEPTH: usize = 20;

/// The depths of one document: of its ordinary fields, and of its introspection fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Depth {
    pub ordinary: usize,
    pub introspection: usize,
}

impl Depth {
    fn max(self, other: Depth) -> Depth {
        Depth {
            ordinary: self.ordinary.max(other.ordinary),
            introspection: self.introspection.max(other.introspection),
        }
    }
}

/// The deepest operation of `document`.
pub fn of(document: &ExecutableDocument) -> Depth {
    let mut walk = Walk {
        document,
        fragments: HashMap::new(),
    };
    document
        .operations
        .iter()
        .map(|(_, operation)| walk.set(&operation.node.selection_set.node))
        .fold(Depth::default(), Depth::max)
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    /// Each fragment's depth once computed; `None` while it is being computed (a cycle, which
    /// validation refuses later, adds nothing here).
    fragments: HashMap<&'a str, Option<Depth>>,
}

impl<'a> Walk<'a> {
    /// Selection sets nest at most `scan::MAX_SELECTION_DEPTH` deep, and fragment spreads at
    /// most `QueryLimits::max_fragments` deep.
    fn set(&mut self, set: &'a SelectionSet) -> Depth {
        let mut deepest = Depth::default();
        for item in &set.items {
            let depth = match &item.node {
                Selection::Field(field) => {
                    let below = self.set(&field.node.selection_set.node);
                    if matches!(field.node.name.node.as_str(), "__schema" | "__type") {
                        Depth {
                            ordinary: 1,
                            introspection: 1 + below.ordinary.max(below.introspection),
                        }
                    } else {
                        Depth {
                            ordinary: 1 + below.ordinary,
                            introspection: below.introspection,
                        }
                    }
                }
                Selection::InlineFragment(fragment) => self.set(&fragment.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match self.fragments.get(name) {
                        Some(depth) => depth.unwrap_or_default(),
                        None => {
                            let Some(fragment) = self.document.fragments.get(name) else {
                                continue;
                            };
                            self.fragments.insert(name, None);
                            let depth = self.set(&fragment.node.selection_set.node);
                            self.fragments.insert(name, Some(depth));
                            depth
                        }
                    }
                }
            };
            deepest = deepest.max(depth);
        }
        deepest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(query: &str) -> Depth {
        of(&async_graphql::parser::parse_query(query).unwrap())
    }

    #[test]
    fn fields_count_from_one_at_the_root_with_fragments_inlined() {
        assert_eq!(depth("{ a }").ordinary, 1);
        assert_eq!(depth("{ a { b { c } } d }").ordinary, 3);
        assert_eq!(
            depth("{ a { ...F } } fragment F on T { b { ... on U { c } } }").ordinary,
            3
        );
    }

    #[test]
    fn introspection_is_measured_apart_and_only_under_its_own_roots() {
        let d = depth("{ a { b } __schema { types { fields { type { ofType { name } } } } } }");
        assert_eq!(
            d,
            Depth {
                ordinary: 2,
                introspection: 6
            }
        );
        // `__typename` anywhere is an ordinary leaf.
        assert_eq!(depth("{ a { __typename } }").ordinary, 2);
    }

    #[test]
    fn a_fragment_cycle_ends() {
        assert_eq!(
            depth("{ a { ...F } } fragment F on T { b { ...F } }").ordinary,
            2
        );
    }
}
