//! Bounds on every input value of a request, checked before validation and execution: how deep
//! values nest (variables included), how many there are, how long lists and strings are, and
//! which characters strings may hold. PostgreSQL refuses a NUL in text (SQLite keeps it), so a
//! string must be clean before it reaches either.
//!
//! Each text argument and input field has a cap by its name, from `TEXT_CLASSES`: one name means
//! one kind of text everywhere in the schema (a `reason` is the same text in every mutation). A
//! test checks that every `String` argument and input field of the SDL is classified.

use async_graphql::parser::types::{
    BaseType, Directive, ExecutableDocument, Selection, SelectionSet, Type, VariableDefinition,
};
use async_graphql::{Positioned, Variables};
use async_graphql_value::{ConstValue, Name, Value};

use super::scan::MAX_INPUT_DEPTH;

/// Most input values (scalars, list items and object fields, variables included) per request.
pub const MAX_INPUT_VALUES: usize = 20_000;

/// Most items in one input list (`submitIndicatorValues` batches included).
pub const MAX_LIST_ITEMS: usize = 5_000;

/// A kind of text: how long it may be and whether it may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextClass {
    /// In characters (Unicode scalar values).
    pub max_chars: usize,
    /// Tab, line feed and carriage return allowed; every other control character is refused
    /// everywhere.
    pub multiline: bool,
}

impl TextClass {
    const fn line(max_chars: usize) -> Self {
        TextClass {
            max_chars,
            multiline: false,
        }
    }
}

pub const CODE: TextClass = TextClass::line(64);
pub const IDENTIFIER: TextClass = TextClass::line(256);
pub const NAME: TextClass = TextClass::line(200);
/// RFC 5321's longest forward path.
pub const EMAIL: TextClass = TextClass::line(254);
pub const URL: TextClass = TextClass::line(2_000);
pub const TEXT: TextClass = TextClass {
    max_chars: 10_000,
    multiline: true,
};

/// Strings under any other name (dates, enums-as-strings): a short single line.
pub const OTHER: TextClass = TextClass::line(200);

/// Every text argument and input field of the schema, by name.
pub const TEXT_CLASSES: &[(&str, TextClass)] = &[
    ("caseReference", CODE),
    ("icbs", CODE),
    ("provider", CODE),
    ("code", CODE),
    ("versionLabel", CODE),
    ("financialYear", CODE),
    ("codes", CODE),
    ("entityType", CODE),
    ("group", CODE),
    ("host", CODE),
    ("icb", CODE),
    ("indicator", CODE),
    ("network", CODE),
    ("odsCode", CODE),
    ("organisation", CODE),
    ("providerOds", CODE),
    ("region", CODE),
    ("value", CODE),
    ("after", IDENTIFIER),
    ("entityKey", IDENTIFIER),
    ("leadSub", IDENTIFIER),
    ("associateDirectorSub", IDENTIFIER),
    ("reference", IDENTIFIER),
    ("implant", NAME),
    ("label", NAME),
    ("leadName", NAME),
    ("associateDirectorName", NAME),
    ("holderName", NAME),
    ("mainEmployer", NAME),
    ("attendees", NAME),
    ("apologies", NAME),
    ("name", NAME),
    ("owner", NAME),
    ("ownerName", NAME),
    ("phone", NAME),
    ("title", NAME),
    ("topic", NAME),
    ("unit", NAME),
    ("email", EMAIL),
    ("leadEmail", EMAIL),
    ("associateDirectorEmail", EMAIL),
    ("holderEmail", EMAIL),
    ("link", URL),
    ("url", URL),
    ("activities", TEXT),
    ("assuranceRequested", TEXT),
    ("cause", TEXT),
    ("analyticalSupport", TEXT),
    ("action", TEXT),
    ("appointment", TEXT),
    ("citation", TEXT),
    ("decision", TEXT),
    ("handling", TEXT),
    ("interest", TEXT),
    ("justification", TEXT),
    ("learning", TEXT),
    ("commentary", TEXT),
    ("completion", TEXT),
    ("controls", TEXT),
    ("comments", TEXT),
    ("committeeDecision", TEXT),
    ("description", TEXT),
    ("effect", TEXT),
    ("expectedBenefits", TEXT),
    ("meeting", TEXT),
    ("narrative", TEXT),
    ("progress", TEXT),
    ("note", TEXT),
    ("rationale", TEXT),
    ("reason", TEXT),
    ("response", TEXT),
    ("route", TEXT),
    ("statement", TEXT),
    ("source", TEXT),
    ("summary", TEXT),
    ("text", TEXT),
];

pub fn text_class(name: &str) -> TextClass {
    TEXT_CLASSES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(OTHER, |(_, class)| *class)
}

/// Checks every argument of `document` (with the variables it uses, under the name of the
/// argument or field they stand for) and every variable's default. The message names the value.
pub fn check_inputs(document: &ExecutableDocument, variables: &Variables) -> Result<(), String> {
    let mut walk = Walk {
        variables,
        values: 0,
        path: Vec::new(),
    };
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        for definition in &operation.variable_definitions {
            walk.definition(&definition.node)?;
        }
        walk.directives(&operation.directives)?;
        walk.selections(&operation.selection_set.node)?;
    }
    for fragment in document.fragments.values() {
        walk.directives(&fragment.node.directives)?;
        walk.selections(&fragment.node.selection_set.node)?;
    }
    Ok(())
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

struct Walk<'a> {
    variables: &'a Variables,
    values: usize,
    path: Vec<Segment<'a>>,
}

/// The shapes of an input value that matter here, for document values and variables alike.
enum View<'a, V> {
    Text(&'a str),
    List(&'a [V]),
    Object(Vec<(&'a Name, &'a V)>),
    Variable(&'a Name),
    Scalar,
}

trait Input: Sized {
    fn view(&self) -> View<'_, Self>;
}

impl Input for Value {
    fn view(&self) -> View<'_, Self> {
        match self {
            Value::String(s) => View::Text(s),
            Value::List(items) => View::List(items),
            Value::Object(fields) => View::Object(fields.iter().collect()),
            Value::Variable(name) => View::Variable(name),
            _ => View::Scalar,
        }
    }
}

impl Input for ConstValue {
    fn view(&self) -> View<'_, Self> {
        match self {
            ConstValue::String(s) => View::Text(s),
            ConstValue::List(items) => View::List(items),
            ConstValue::Object(fields) => View::Object(fields.iter().collect()),
            _ => View::Scalar,
        }
    }
}

impl<'a> Walk<'a> {
    fn definition(&mut self, definition: &'a VariableDefinition) -> Result<(), String> {
        self.directives(&definition.directives)?;
        let name = definition.name.node.as_str();
        if let Some(value) = self.variables.get(&definition.name.node) {
            dates_in(&definition.var_type.node, value, name)?;
        }
        if let Some(default) = &definition.default_value {
            self.path.push(Segment::Key(definition.name.node.as_str()));
            self.value(&default.node, 0)?;
            self.path.pop();
        }
        Ok(())
    }

    fn directives(&mut self, directives: &'a [Positioned<Directive>]) -> Result<(), String> {
        for directive in directives {
            self.arguments(&directive.node.arguments)?;
        }
        Ok(())
    }

    fn arguments(
        &mut self,
        arguments: &'a [(Positioned<Name>, Positioned<Value>)],
    ) -> Result<(), String> {
        for (name, value) in arguments {
            self.path.push(Segment::Key(name.node.as_str()));
            self.value(&value.node, 0)?;
            self.path.pop();
        }
        Ok(())
    }

    /// Selection sets nest at most `scan::MAX_SELECTION_DEPTH` deep (the scan refused deeper).
    fn selections(&mut self, set: &'a SelectionSet) -> Result<(), String> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    self.directives(&field.node.directives)?;
                    self.arguments(&field.node.arguments)?;
                    self.selections(&field.node.selection_set.node)?;
                }
                Selection::InlineFragment(fragment) => {
                    self.directives(&fragment.node.directives)?;
                    self.selections(&fragment.node.selection_set.node)?;
                }
                Selection::FragmentSpread(spread) => self.directives(&spread.node.directives)?,
            }
        }
        Ok(())
    }

    /// Recurses at most `MAX_INPUT_DEPTH` deep: deeper values are refused before descending.
    fn value<V: Input>(&mut self, value: &'a V, depth: usize) -> Result<(), String> {
        self.values += 1;
        if self.values > MAX_INPUT_VALUES {
            return Err(format!(
                "The request carries more than {MAX_INPUT_VALUES} input values; send less at once."
            ));
        }
        match value.view() {
            View::Scalar => Ok(()),
            View::Text(text) => self.text(text),
            View::Variable(name) => match self.variables.get(name) {
                Some(value) => self.value(value, depth),
                None => Ok(()),
            },
            View::List(items) => {
                if items.len() > MAX_LIST_ITEMS {
                    return Err(format!(
                        "`{}` has {} items; at most {MAX_LIST_ITEMS} are allowed.",
                        self.here(),
                        items.len()
                    ));
                }
                self.nested(depth)?;
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Segment::Index(i));
                    self.value(item, depth + 1)?;
                    self.path.pop();
                }
                Ok(())
            }
            View::Object(fields) => {
                self.nested(depth)?;
                for (name, field) in fields {
                    self.path.push(Segment::Key(name.as_str()));
                    self.value(field, depth + 1)?;
                    self.path.pop();
                }
                Ok(())
            }
        }
    }

    fn nested(&self, depth: usize) -> Result<(), String> {
        if depth >= MAX_INPUT_DEPTH {
            return Err(format!(
                "`{}` nests input values more than {MAX_INPUT_DEPTH} deep.",
                self.here()
            ));
        }
        Ok(())
    }

    fn text(&self, text: &str) -> Result<(), String> {
        let name = self
            .path
            .iter()
            .rev()
            .find_map(|s| match s {
                Segment::Key(k) => Some(*k),
                Segment::Index(_) => None,
            })
            .unwrap_or("");
        let class = text_class(name);
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && !(class.multiline && matches!(c, '\t' | '\n' | '\r')))
        {
            let allowed = if class.multiline {
                "only tabs and line breaks are allowed"
            } else {
                "it must be a single line of printable text"
            };
            return Err(format!(
                "`{}` contains the control character U+{:04X}; {allowed}.",
                self.here(),
                u32::from(c)
            ));
        }
        // Bytes bound characters from above, so most strings are settled without counting.
        if text.len() > class.max_chars {
            let chars = text.chars().count();
            if chars > class.max_chars {
                return Err(format!(
                    "`{}` is {chars} characters long; at most {} are allowed.",
                    self.here(),
                    class.max_chars
                ));
            }
        }
        Ok(())
    }

    /// Where the walk is, as `input.values[3].organisation`.
    fn here(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(key) if out.is_empty() => out.push_str(key),
                Segment::Key(key) => {
                    out.push('.');
                    out.push_str(key);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn check(query: &str, variables: serde_json::Value) -> Result<(), String> {
        check_inputs(
            &parse_query(query).unwrap(),
            &Variables::from_json(variables),
        )
    }

    #[test]
    fn control_characters_are_refused_by_name() {
        let error = check(
            r#"{ provider(odsCode: "R\u0000HM") { name } }"#,
            serde_json::json!({}),
        )
        .unwrap_err();
        assert!(
            error.contains("`odsCode`") && error.contains("U+0000"),
            "{error}"
        );
        let error = check(
            "mutation($i: SetProviderContactsInput!) { setProviderContacts(input: $i) { odsCode } }",
            serde_json::json!({"i": {"odsCode": "RHM", "contacts": [{"name": "A\nB"}], "reason": "x"}}),
        )
        .unwrap_err();
        assert!(error.contains("`input.contacts[0].name`"), "{error}");
        assert!(
            check(
                r#"{ a(reason: "two\nlines\tand a tab") }"#,
                serde_json::json!({})
            )
            .is_ok(),
            "text may span lines"
        );
        assert!(check(r#"{ a(reason: "bell\u0007") }"#, serde_json::json!({})).is_err());
    }

    #[test]
    fn lengths_follow_the_class_of_the_name() {
        let long = "x".repeat(NAME.max_chars + 1);
        let error = check(
            &format!(r#"{{ a(name: "{long}") }}"#),
            serde_json::json!({}),
        )
        .unwrap_err();
        assert!(
            error.contains("201 characters") && error.contains("at most 200"),
            "{error}"
        );
        assert!(
            check(
                &format!(r#"{{ a(reason: "{long}") }}"#),
                serde_json::json!({})
            )
            .is_ok()
        );
        let accents = "é".repeat(NAME.max_chars);
        assert!(
            check(
                &format!(r#"{{ a(name: "{accents}") }}"#),
                serde_json::json!({})
            )
            .is_ok()
        );
    }

    #[test]
    fn variables_are_checked_under_the_argument_they_fill() {
        let long = "x".repeat(CODE.max_chars + 1);
        let error = check(
            "query($c: String!) { provider(odsCode: $c) { name } }",
            serde_json::json!({ "c": long }),
        )
        .unwrap_err();
        assert!(error.contains("`odsCode`"), "{error}");
    }

    #[test]
    fn nesting_counts_and_list_lengths_are_bounded() {
        let mut deep = serde_json::json!(1);
        for _ in 0..MAX_INPUT_DEPTH + 1 {
            deep = serde_json::json!({ "a": deep });
        }
        let error = check(
            "query($v: X) { a(v: $v) }",
            serde_json::json!({ "v": deep }),
        )
        .unwrap_err();
        assert!(error.contains("nests input values"), "{error}");
        let many: Vec<i32> = vec![1; MAX_LIST_ITEMS + 1];
        let error = check(
            "query($v: X) { a(v: $v) }",
            serde_json::json!({ "v": many }),
        )
        .unwrap_err();
        assert!(error.contains("items"), "{error}");
        let rows: Vec<serde_json::Value> = (0..MAX_LIST_ITEMS)
            .map(|_| serde_json::json!({"a": 1, "b": 2, "c": 3, "d": 4}))
            .collect();
        let error = check(
            "query($v: X) { a(v: $v) }",
            serde_json::json!({ "v": rows }),
        )
        .unwrap_err();
        assert!(error.contains("input values"), "{error}");
    }
}

#[cfg(test)]
mod classes {
    use super::*;

    /// Every `String` argument and input field of the schema has a class of its own name, so its
    /// cap is documented here rather than falling to `OTHER` unnoticed.
    #[test]
    fn every_text_argument_and_input_field_is_classified() {
        use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
        fn is_text(ty: &Type) -> bool {
            match &ty.base {
                BaseType::Named(name) => name.as_str() == "String",
                BaseType::List(inner) => is_text(inner),
            }
        }
        let document = async_graphql::parser::parse_schema(crate::schema::sdl()).unwrap();
        let mut unclassified = Vec::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let inputs: Vec<_> = match &ty.node.kind {
                TypeKind::InputObject(input) => {
                    input.fields.iter().map(|f| f.node.clone()).collect()
                }
                TypeKind::Object(object) => object
                    .fields
                    .iter()
                    .flat_map(|f| f.node.arguments.iter().map(|a| a.node.clone()))
                    .collect(),
                _ => continue,
            };
            for input in inputs {
                let name = input.name.node.as_str();
                if is_text(&input.ty.node) && !TEXT_CLASSES.iter().any(|(n, _)| *n == name) {
                    unclassified.push(format!("{}.{name}", ty.node.name.node));
                }
            }
        }
        assert!(
            unclassified.is_empty(),
            "add to TEXT_CLASSES: {unclassified:?}"
        );
    }
}

/// A `Date` variable that is not a date fails the request, as coercing variable values does in
/// the GraphQL spec ("CoerceVariableValues"), rather than one field: the rest of the operation
/// would otherwise answer as if the date had not been asked for.
fn dates_in(ty: &Type, value: &ConstValue, variable: &str) -> Result<(), String> {
    match (&ty.base, value) {
        (BaseType::Named(name), ConstValue::String(text)) if name.as_str() == "Date" => {
            crate::scalar::parse_date(text)
                .map(drop)
                .map_err(|why| format!("Variable ${variable}: {why}."))
        }
        (BaseType::List(item), ConstValue::List(values)) => values
            .iter()
            .try_for_each(|value| dates_in(item, value, variable)),
        _ => Ok(()),
    }
}
