//! A refused nullable field is `null` with its error (GraphQL specification, "Handling Field
//! Errors"): its key stays in `data`, its parent is not nulled, and the error names its path.
//! The fields come from the SDL: every field documented "null with FORBIDDEN" has a probe here.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::cases::{ENGLISH, People, to_stage_6};
use crate::support::{self, Db};

/// `Type.field` for every field whose SDL description says it is null with FORBIDDEN.
fn documented_fields() -> BTreeSet<String> {
    let sdl = include_str!("../../graphql/schema.graphql");
    let mut fields = BTreeSet::new();
    let (mut owner, mut description, mut in_description) = (String::new(), String::new(), false);
    for line in sdl.lines().map(str::trim) {
        if line == r#"""""# {
            in_description = !in_description;
            continue;
        }
        if in_description {
            description.push_str(line);
            description.push(' ');
            continue;
        }
        if let Some(rest) = line.strip_prefix("type ") {
            owner = rest.split([' ', '{']).next().unwrap_or_default().to_owned();
        } else if !owner.is_empty() && !line.is_empty() && line != "}" {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if description.to_lowercase().contains("null with forbidden") {
                fields.insert(format!("{owner}.{name}"));
            }
        }
        if line == "}" {
            owner.clear();
        }
        if !line.starts_with('"') {
            description.clear();
        }
    }
    fields
}

/// One probe: the field, the caller refused it, the query, and the path of the refused value.
struct Probe {
    field: &'static str,
    grant: &'static str,
    query: &'static str,
    path: Vec<Value>,
}

fn probes() -> Vec<Probe> {
    let path = |p: &[Value]| p.to_vec();
    vec![
        Probe {
            field: "Provider.contacts",
            grant: "NETWORK_MANAGER:PENINSULA",
            // The lone field of its parent: the parent stays an object.
            query: r#"{ provider(odsCode: "ZZ121") { contacts { name } } }"#,
            path: path(&[json!("provider"), json!("contacts")]),
        },
        Probe {
            field: "Provider.indicatorSeries",
            grant: "NETWORK_MANAGER:PENINSULA",
            query: r#"{ provider(odsCode: "ZZ121") { indicatorSeries(codes: ["LVHC_READMISSION_30D"], from: "2023-07-01", to: "2023-09-01") { indicatorCode } } }"#,
            path: path(&[json!("provider"), json!("indicatorSeries")]),
        },
        Probe {
            field: "Network.indicatorSeries",
            grant: "NETWORK_MANAGER:PENINSULA",
            query: r#"{ network(code: "WESSEX") { indicatorSeries(codes: ["LVHC_READMISSION_30D"], from: "2023-07-01", to: "2023-09-01") { indicatorCode } } }"#,
            path: path(&[json!("network"), json!("indicatorSeries")]),
        },
    ]
    .into_iter()
    .chain(
        [
            ("Case.lead", vec![json!("lead")]),
            ("Case.response", vec![json!("response")]),
            ("Case.associateDirector", vec![json!("associateDirector")]),
            ("Case.conflicts", vec![json!("conflicts")]),
            ("CaseHistoryEntry.actor", vec![json!("history"), json!(0), json!("actor")]),
            (
                "DisclosureDecision.decider",
                vec![json!("disclosureDecisions"), json!(0), json!("decider")],
            ),
            ("CaseAction.ownerName", vec![json!("actions"), json!(0), json!("ownerName")]),
            (
                "Letter.recipients",
                vec![json!("correspondence"), json!(0), json!("recipients")],
            ),
        ]
        .into_iter()
        .map(|(field, rest)| Probe {
            field,
            grant: "NATIONAL_VIEWER",
            query: CASE_PEOPLE,
            path: std::iter::once(json!("case")).chain(rest).collect(),
        }),
    )
    .collect()
}

/// Every people field of a case, for a caller who reads the case without people.
const CASE_PEOPLE: &str = "query($r: String!) { case(reference: $r) { lead { name } response associateDirector { name } conflicts { statement } history { actor { name } } disclosureDecisions { decider { name } } actions { ownerName } correspondence { recipients { address } } } }";

/// Database-neutral (the refusals are decided in Rust), so SQLite only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_documented_null_with_forbidden_is_null_with_its_error() {
    let app = support::spawn(Db::Sqlite).await.unwrap();
    let probes = probes();
    let probed: BTreeSet<String> = probes.iter().map(|p| p.field.to_owned()).collect();
    assert_eq!(
        probed,
        documented_fields(),
        "each field the SDL documents as null with FORBIDDEN needs a probe here"
    );

    let people = People::new(&app);
    let case = to_stage_6(&app, &people, ENGLISH, true).await;
    let action = app
        .query_with(
            &people.analyst,
            "mutation($i: AddCaseActionInput!) { addCaseAction(input: $i) { id } }",
            json!({ "i": { "reference": case["reference"], "description": "Re-audit the cohort", "ownerName": "Registry Analyst", "dueOn": "2027-01-29" } }),
        )
        .await;
    assert!(action.get("errors").is_none(), "{action}");
    let variables = json!({ "r": case["reference"] });

    for probe in probes {
        let body = app
            .query(&[probe.grant], probe.query, variables.clone())
            .await;
        let (last, parents) = probe.path.split_last().unwrap();
        let mut parent = &body["data"];
        for step in parents {
            parent = match step {
                Value::String(key) => &parent[key.as_str()],
                Value::Number(i) => &parent[i.as_u64().unwrap() as usize],
                _ => unreachable!(),
            };
        }
        let parent = parent
            .as_object()
            .unwrap_or_else(|| panic!("{}: the parent is not nulled: {body}", probe.field));
        assert_eq!(
            parent.get(last.as_str().unwrap()),
            Some(&Value::Null),
            "{}: the key is in data, null: {body}",
            probe.field
        );
        let error = body["errors"]
            .as_array()
            .and_then(|errors| {
                errors
                    .iter()
                    .find(|e| e["path"] == Value::Array(probe.path.clone()))
            })
            .unwrap_or_else(|| panic!("{}: an error at the field's path: {body}", probe.field));
        assert_eq!(
            error["extensions"]["code"], "FORBIDDEN",
            "{}: {body}",
            probe.field
        );
    }
}
