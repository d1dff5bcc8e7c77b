//! The checked-in SDL matches the schema the code builds.

#[test]
fn the_checked_in_schema_matches_the_code() {
    let checked_in = include_str!("../../graphql/schema.graphql");
    let built = graphql::sdl();
    assert!(
        checked_in == built,
        "graphql/schema.graphql is out of date: regenerate it with\n  cargo run -p api --bin portal -- schema > graphql/schema.graphql"
    );
}
