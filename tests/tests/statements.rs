//! No N+1: the SQL statement count of a request depends on its depth, not on its rows.

use serde_json::json;

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(
    a_deep_query_costs_the_same_for_one_network_and_for_fourteen,
    a_warm_organisation_query_costs_no_statement
);

/// Everything below a network, several levels deep.
const NETWORK: &str = r#"fragment deep on Network {
    code leadRegion { name icbs { code } }
    host { name }
    hubs { verified provider { odsCode nation role memberships { role network { code } } contacts { name } } }
    partners { provider { odsCode network { code } contacts { email } } }
    footprint { validFrom icb { code region { name } successors { code } predecessors { code } networks { code } } }
}"#;

async fn a_deep_query_costs_the_same_for_one_network_and_for_fourteen(app: TestApp) {
    // East of England's footprint exercises every relationship above (its ICBs have predecessors).
    let one = format!(r#"{{ network(code: "EOE") {{ ...deep }} }} {NETWORK}"#);
    let all = format!("{{ networks {{ edges {{ node {{ ...deep }} }} }} }} {NETWORK}");
    // The first request of the day also reads the organisation map that scopes every request.
    app.admin(&one, json!({})).await;
    let mut counts = Vec::new();
    for query in [&one, &all] {
        let before = app.statements();
        app.admin(query, json!({})).await;
        counts.push(app.statements() - before);
    }
    eprintln!(
        "SQL statements for the deep networks query on {:?}: 1 network {}, 14 networks {}",
        app.kind(),
        counts[0],
        counts[1]
    );
    assert_eq!(
        counts[0], counts[1],
        "statement count grew with the rows returned"
    );
    assert!(
        counts[0] <= 20,
        "more statements than the query's depth explains: {}",
        counts[0]
    );
}

/// The organisation queries every frontend sends first answer from the shared organisation
/// tables: once they are read, a request costs no statement, and a change is seen at once.
async fn a_warm_organisation_query_costs_no_statement(app: TestApp) {
    let query = r#"{
        networks { edges { node {
            code name leadRegion { name icbs { code } }
            memberships { role validFrom validTo verified provider { odsCode name network { code } } }
            footprintHistory { validFrom validTo icb { code name region { code } successors { code } predecessors { code } networks { code } } }
        } } }
        providers(first: 100) { totalCount edges { node { odsCode role memberships { network { code } } } } }
        icbs { totalCount } regions { code } region(code: "Y56") { name } icb(code: "QRL") { name }
        me { networks { code } providers { odsCode } }
    }"#;
    let first = app.admin(query, json!({})).await;
    assert_eq!(
        first["regions"].as_array().map(Vec::len),
        Some(7),
        "{first}"
    );
    let before = app.statements();
    let warm = app.admin(query, json!({})).await;
    assert_eq!(
        app.statements() - before,
        0,
        "a warm organisation query read the database"
    );
    assert_eq!(warm, first);

    // A correction is seen by the next request: the commit dropped the shared tables.
    let footprint =
        r#"{ network(code: "WESSEX") { footprintHistory { icb { code } validFrom } } }"#;
    let before = app.admin(footprint, json!({})).await;
    let set = app
        .admin(
            r#"mutation { setFootprintRow(input: { network: "WESSEX", icb: "S0E4D", validFrom: "2026-12-01", reason: "a correction" }) { id } }"#,
            json!({}),
        )
        .await;
    assert!(set["setFootprintRow"]["id"].is_number(), "{set}");
    let after = app.admin(footprint, json!({})).await;
    let rows = |body: &serde_json::Value| {
        body["network"]["footprintHistory"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .len()
    };
    assert_eq!(rows(&after), rows(&before) + 1, "{after}");
}
