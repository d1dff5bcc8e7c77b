//! What an operation would cost, estimated from the document before it runs: the number of
//! fields async-graphql would resolve, counting each field once per item of every list around it.
//! A list's size is its page size (`first`, 50 by default) for connections, the number of codes
//! asked for by `indicatorSeries`, the months of the window for series points and values, and
//! otherwise the most items such a list holds (`CEILINGS`). A scalar list (a series column) is
//! one value. async-graphql's own complexity counts fields without list sizes, so twelve aliases
//! of `networks → memberships → network → …` passed it while answering 4.5 MB and taking
//! hundreds of MiB.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Selection, SelectionSet, ServiceDocument, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::{Positioned, Variables};
use async_graphql_value::{ConstValue, Name, Value};

use crate::pagination::DEFAULT_PAGE_SIZE;
use crate::service::network::MAX_HUBS;
use crate::service::workplan;

/// The most items a list of each type holds, where nothing in the query says.
const CEILINGS: &[(&str, u64)] = &[
    // NHS England's regions and the Spinal Services Clinical Networks.
    ("Region", 7),
    ("Network", 14),
    // 42 ICBs today, with the predecessors still on record.
    ("Icb", 60),
    ("Provider", 250),
    // A network's or a provider's memberships (hubs and partners, past and present).
    ("Membership", 30),
    ("FootprintRow", 30),
    // A case's stages and letters.
    ("CaseStage", 7),
    ("StageLimit", 7),
    ("CaseHistoryEntry", 60),
    ("Letter", 40),
    // Workplans: a line per network; a plan's parts are capped when it is written.
    ("WorkplanDashboardRow", 14),
    ("Priority", workplan::MAX_PRIORITIES as u64),
    ("WorkplanObjective", workplan::MAX_OBJECTIVES as u64),
    ("Deliverable", workplan::MAX_DELIVERABLES as u64),
    ("DeliverableSnapshot", workplan::MAX_DELIVERABLES as u64),
    ("DeliveryLine", workplan::MAX_DELIVERABLES as u64),
    (
        "DeliverableIndicator",
        workplan::MAX_INDICATORS_PER_DELIVERABLE as u64,
    ),
    (
        "IndicatorSnapshot",
        workplan::MAX_INDICATORS_PER_DELIVERABLE as u64,
    ),
    ("IcbAgreement", 20),
    ("ProgressReport", 4),
];

/// Lists bounded more tightly than their item type.
const FIELD_CEILINGS: &[(&str, &str, u64)] = &[
    ("Network", "hubs", MAX_HUBS as u64),
    // The most ICBs a region holds, past ones included (11 in 2026).
    ("Region", "icbs", 20),
    // ICB mergers: one ICB splits into or joins at most a few.
    ("Icb", "successors", 5),
    ("Icb", "predecessors", 5),
    // One per contact role (lead clinician, CEO, medical director).
    ("Provider", "contacts", 3),
];

/// Lists whose items are one per period of the field's `from`-`to` window (per segment, for
/// values).
const WINDOWED: &[(&str, u64)] = &[("SeriesPoint", 1), ("SpcPoint", 1), ("IndicatorValue", 7)];

/// Any other list of objects: the largest page.
const DEFAULT_CEILING: u64 = 100;

/// Months assumed when a windowed list's window is not known from the document.
const DEFAULT_MONTHS: u64 = 120;

#[derive(Debug, Clone)]
struct FieldShape {
    /// The named type, lists unwrapped.
    ty: String,
    list: bool,
}

/// The object types of the schema and their fields, read once from the SDL.
#[derive(Debug, Clone, Default)]
pub struct CostModel {
    types: HashMap<String, HashMap<String, FieldShape>>,
}

impl CostModel {
    pub fn from_sdl(sdl: &str) -> Self {
        let mut types = HashMap::new();
        let Ok(ServiceDocument { definitions, .. }) = async_graphql::parser::parse_schema(sdl)
        else {
            tracing::error!("the schema's own SDL does not parse; costs count fields only");
            return CostModel::default();
        };
        for definition in definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let ty = ty.node;
            let fields = match ty.kind {
                TypeKind::Object(object) => object.fields,
                TypeKind::Interface(interface) => interface.fields,
                _ => continue,
            };
            let shapes = fields
                .into_iter()
                .map(|field| {
                    let field = field.node;
                    let (mut base, mut list) = (&field.ty.node.base, false);
                    let name = loop {
                        match base {
                            BaseType::List(inner) => {
                                list = true;
                                base = &inner.base;
                            }
                            BaseType::Named(name) => break name,
                        }
                    };
                    (
                        field.name.node.to_string(),
                        FieldShape {
                            ty: name.to_string(),
                            list,
                        },
                    )
                })
                .collect();
            types.insert(ty.name.node.to_string(), shapes);
        }
        CostModel { types }
    }

    /// The cost of the costliest operation in `document`.
    pub fn cost(&self, document: &ExecutableDocument, variables: &Variables) -> u64 {
        let mut walk = Walk {
            model: self,
            document,
            variables,
            fragments: HashMap::new(),
        };
        document
            .operations
            .iter()
            .map(|(_, operation)| {
                let root = match operation.node.ty {
                    async_graphql::parser::types::OperationType::Query => "QueryRoot",
                    async_graphql::parser::types::OperationType::Mutation => "MutationRoot",
                    async_graphql::parser::types::OperationType::Subscription => "SubscriptionRoot",
                };
                walk.set(&operation.node.selection_set.node, root, None)
            })
            .max()
            .unwrap_or(0)
    }
}

struct Walk<'a> {
    model: &'a CostModel,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Each fragment's cost once computed; `None` while it is being computed (a cycle, which
    /// validation refuses later, costs nothing here).
    fragments: HashMap<&'a str, Option<u64>>,
}

impl<'a> Walk<'a> {
    /// Selection sets nest at most `scan::MAX_SELECTION_DEPTH` deep, and fragment spreads at
    /// most `QueryLimits::max_fragments` deep.
    fn set(&mut self, set: &'a SelectionSet, ty: &str, months: Option<u64>) -> u64 {
        let mut total = 0u64;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(field) => self.field(&field.node, ty, months),
                Selection::InlineFragment(fragment) => {
                    let ty = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(ty, |c| c.node.on.node.as_str());
                    self.set(&fragment.node.selection_set.node, ty, months)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match self.fragments.get(name) {
                        Some(cost) => cost.unwrap_or(0),
                        None => {
                            let Some(fragment) = self.document.fragments.get(name) else {
                                continue;
                            };
                            self.fragments.insert(name, None);
                            let on = fragment.node.type_condition.node.on.node.as_str();
                            let cost = self.set(&fragment.node.selection_set.node, on, months);
                            self.fragments.insert(name, Some(cost));
                            cost
                        }
                    }
                }
            };
            total = total.saturating_add(cost);
        }
        total
    }

    fn field(
        &mut self,
        field: &'a async_graphql::parser::types::Field,
        parent: &str,
        months: Option<u64>,
    ) -> u64 {
        let name = field.name.node.as_str();
        let Some(shape) = self.model.types.get(parent).and_then(|t| t.get(name)) else {
            // Introspection and `__typename`: counted, never multiplied.
            return 1u64.saturating_add(self.set(&field.selection_set.node, "", months));
        };
        let months = self.months(&field.arguments).or(months);
        let children = self.set(&field.selection_set.node, &shape.ty, months);
        if children == 0 {
            // A leaf: one value, a scalar list included.
            return 1;
        }
        self.size(field, parent, shape, months)
            .saturating_mul(children.saturating_add(1))
    }

    /// How many items the field answers with.
    fn size(
        &self,
        field: &async_graphql::parser::types::Field,
        parent: &str,
        shape: &FieldShape,
        months: Option<u64>,
    ) -> u64 {
        if let Some(node) = shape.ty.strip_suffix("Connection") {
            let first = self
                .argument(&field.arguments, "first")
                .and_then(|v| match v {
                    ConstValue::Number(n) => n.as_u64(),
                    _ => None,
                })
                .unwrap_or(DEFAULT_PAGE_SIZE.unsigned_abs().into());
            return first.min(ceiling(node));
        }
        if !shape.list || parent.ends_with("Connection") {
            return 1;
        }
        if let Some((_, _, n)) = FIELD_CEILINGS
            .iter()
            .find(|(p, f, _)| *p == parent && *f == field.name.node.as_str())
        {
            return *n;
        }
        if shape.ty == "IndicatorSeries" {
            return match self.argument(&field.arguments, "codes") {
                Some(ConstValue::List(codes)) => codes.len() as u64,
                _ => crate::object::indicator::MAX_SERIES as u64,
            };
        }
        if let Some((_, per_month)) = WINDOWED.iter().find(|(t, _)| *t == shape.ty) {
            return months.unwrap_or(DEFAULT_MONTHS).saturating_mul(*per_month);
        }
        ceiling(&shape.ty)
    }

    /// The months of a `from`-`to` window given as arguments, when both are dates.
    fn months(&self, arguments: &[(Positioned<Name>, Positioned<Value>)]) -> Option<u64> {
        let month = |name| match self.argument(arguments, name)? {
            ConstValue::String(s) => {
                let date = chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()?;
                Some(
                    i64::from(chrono::Datelike::year(&date)) * 12
                        + i64::from(chrono::Datelike::month(&date)),
                )
            }
            _ => None,
        };
        let span = month("to")? - month("from")? + 1;
        Some(span.clamp(1, 1_200).unsigned_abs())
    }

    /// An argument's value, with variables substituted.
    fn argument(
        &self,
        arguments: &[(Positioned<Name>, Positioned<Value>)],
        name: &str,
    ) -> Option<ConstValue> {
        let (_, value) = arguments.iter().find(|(n, _)| n.node.as_str() == name)?;
        value
            .node
            .clone()
            .into_const_with(|v| self.variables.get(&v).cloned().ok_or(()))
            .ok()
    }
}

fn ceiling(ty: &str) -> u64 {
    CEILINGS
        .iter()
        .find(|(t, _)| *t == ty)
        .map_or(DEFAULT_CEILING, |(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(query: &str) -> u64 {
        let model = CostModel::from_sdl(&crate::schema::sdl());
        let document = async_graphql::parser::parse_query(query).unwrap();
        model.cost(&document, &Variables::default())
    }

    const BENCH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/queries/portal/");

    /// `networks → memberships → network → …` under twelve aliases answered 4.5 MB.
    fn amplification(levels: usize) -> String {
        let inner = format!(
            "{}code{}",
            "memberships { network { ".repeat(levels),
            " } }".repeat(levels)
        );
        let aliases: String = (0..12)
            .map(|i| format!("a{i}: networks {{ nodes {{ {inner} }} }} "))
            .collect();
        format!("{{ {aliases} }}")
    }

    #[test]
    fn lists_multiply_what_they_hold() {
        assert_eq!(cost("{ regions { code name } }"), 7 * 3);
        assert_eq!(
            cost("{ networks(first: 5) { nodes { code } } }"),
            5 * (2 + 1)
        );
        assert_eq!(
            cost("{ networks { nodes { code } } }"),
            14 * (2 + 1),
            "no more than the 14 networks"
        );
        assert_eq!(
            cost("{ network(code: \"W\") { hubs { verified } } }"),
            MAX_HUBS as u64 * 2 + 1
        );
        let series = cost(
            "{ provider(odsCode: \"RHM\") { indicatorSeries(codes: [\"A\", \"B\"], from: \"2025-01-01\", to: \"2025-12-01\") { points { value } periods } } }",
        );
        assert_eq!(series, 2 * (12 * 2 + 1 + 1) + 1, "2 series of 12 points");
    }

    #[test]
    fn the_benchmark_queries_fit_and_the_amplification_does_not() {
        let budget = crate::SchemaOptions::default().max_cost;
        for name in [
            "networks",
            "network_tree",
            "indicator_dashboard",
            "indicator_series",
        ] {
            let query = std::fs::read_to_string(format!("{BENCH}{name}.graphql")).unwrap();
            let cost = cost(&query);
            eprintln!("{name}: cost {cost} of {budget}");
            assert!(cost <= budget, "{name} costs {cost}");
        }
        assert!(cost(&amplification(2)) > budget);
        assert!(cost(&amplification(4)) > budget * 1_000);
    }
}
