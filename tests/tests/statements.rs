//! No N+1: the SQL statement count of a request depends on its depth, not on its rows.

use serde_json::json;

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(a_deep_query_costs_the_same_for_one_network_and_for_fourteen);

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
