//! A look at the raw document before the parser sees it. async-graphql's parser (pest) recurses
//! once per nested value and once per nested selection, and its own recursion limit covers only
//! selections: a document of a few thousand nested input objects (`{a: {a: {a: …}}}`) overflows
//! the stack and aborts the process. This scan walks the text once, in a loop, keeping two
//! counters, so a document too deeply nested for the parser is refused without recursion.

/// How deep values may nest: input objects and lists inside argument lists, variable
/// definitions and directive arguments (`[[Int]]` types count too). The deepest input the
/// schema takes is two levels (`submitIndicatorValues(input: {values: [{segment: {…}}]})`).
pub const MAX_INPUT_DEPTH: usize = 16;

/// How deep selection sets may nest before parsing. The depth limit proper (`SchemaOptions`)
/// applies after parsing; this only keeps the parser's recursion well inside its stack.
pub const MAX_SELECTION_DEPTH: usize = 32;

/// What made a document too deep to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TooDeep {
    Input,
    Selection,
}

impl TooDeep {
    pub fn message(&self) -> String {
        match self {
            TooDeep::Input => format!(
                "The document nests input values (objects and lists) more than {MAX_INPUT_DEPTH} deep."
            ),
            TooDeep::Selection => {
                format!("The document nests selection sets more than {MAX_SELECTION_DEPTH} deep.")
            }
        }
    }
}

/// Checks the nesting of `document` as GraphQL's lexical grammar reads it: strings, block
/// strings and comments are skipped; inside parentheses `{` and `[` open values, outside them
/// `{` opens a selection set. A document that is not valid GraphQL is left for the parser to
/// report; this only refuses what it could not safely parse.
pub fn check_nesting(document: &str) -> Result<(), TooDeep> {
    let bytes = document.as_bytes();
    let (mut values, mut selections, mut in_arguments) = (0usize, 0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => in_arguments = true,
            b')' => in_arguments = false,
            b'{' | b'[' if in_arguments || bytes[i] == b'[' => {
                values += 1;
                if values > MAX_INPUT_DEPTH {
                    return Err(TooDeep::Input);
                }
            }
            b'}' | b']' if in_arguments || bytes[i] == b']' => values = values.saturating_sub(1),
            b'{' => {
                selections += 1;
                if selections > MAX_SELECTION_DEPTH {
                    return Err(TooDeep::Selection);
                }
            }
            b'}' => selections = selections.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_input(levels: usize) -> String {
        format!(
            "{{ cases(filter: {}null{}) {{ totalCount }} }}",
            "{open: ".repeat(levels),
            "}".repeat(levels)
        )
    }

    #[test]
    fn input_nesting_is_bounded() {
        assert_eq!(check_nesting(&nested_input(MAX_INPUT_DEPTH)), Ok(()));
        assert_eq!(
            check_nesting(&nested_input(MAX_INPUT_DEPTH + 1)),
            Err(TooDeep::Input)
        );
        assert_eq!(check_nesting(&nested_input(3_000)), Err(TooDeep::Input));
        let lists = format!("{{ a(x: {}1{}) }}", "[".repeat(17), "]".repeat(17));
        assert_eq!(check_nesting(&lists), Err(TooDeep::Input));
        let types = format!("query($v: {}Int{}) {{ a }}", "[".repeat(17), "]".repeat(17));
        assert_eq!(check_nesting(&types), Err(TooDeep::Input));
    }

    #[test]
    fn selection_nesting_is_bounded() {
        let deep = |n: usize| format!("{}a{}", "{ a ".repeat(n), " }".repeat(n));
        assert_eq!(check_nesting(&deep(MAX_SELECTION_DEPTH)), Ok(()));
        assert_eq!(
            check_nesting(&deep(MAX_SELECTION_DEPTH + 1)),
            Err(TooDeep::Selection)
        );
        assert_eq!(check_nesting(&"{".repeat(100_000)), Err(TooDeep::Selection));
    }

    #[test]
    fn strings_and_comments_do_not_count() {
        let braces = "{".repeat(100);
        for document in [
            format!("{{ a(x: \"{braces}\") }}"),
            format!("{{ a(x: \"\"\"{braces} \\\"\"\" {braces}\"\"\") }}"),
            format!("# {braces}\n{{ a }}"),
            format!("{{ a(x: \"\\\"{braces}\") }}"),
        ] {
            assert_eq!(check_nesting(&document), Ok(()), "{document}");
        }
    }

    #[test]
    fn values_in_directives_and_fragments_count() {
        let value = format!("{}1{}", "{a: ".repeat(17), "}".repeat(17));
        let directive = format!("{{ a @include(if: {value}) }}");
        assert_eq!(check_nesting(&directive), Err(TooDeep::Input));
        let fragment = format!("fragment F on Q @d(x: {value}) {{ a }}");
        assert_eq!(check_nesting(&fragment), Err(TooDeep::Input));
    }
}
