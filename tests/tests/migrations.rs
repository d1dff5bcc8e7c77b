//! Migrations run up, down and up again; reference data loads once.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use entities::{icb, network, provider, reference_load};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::support::{self, Db};

macro_rules! for_both_kinds {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { super::$name(crate::support::Db::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { super::$name(crate::support::Db::Postgres).await }
        }
    )* };
}

for_both_kinds!(
    migrations_run_up_down_and_up_again,
    reference_data_loads_once_and_a_second_start_changes_nothing,
);

async fn connect(url: &str) -> DatabaseConnection {
    api::db::connect(url, 4, Arc::new(AtomicU64::new(0)))
        .await
        .unwrap()
}

async fn migrations_run_up_down_and_up_again(kind: Db) {
    let Some(database) = support::empty_database(kind).await else {
        return;
    };
    let db = connect(&database.url).await;
    api::db::migrate_up(&db).await.unwrap();
    let status = api::db::migration_status(&db).await.unwrap();
    assert_eq!(status.len(), 15);
    assert!(status.iter().all(|(_, applied)| *applied), "{status:?}");
    api::db::migrate_down(&db, Some(15)).await.unwrap();
    assert!(
        api::db::migration_status(&db)
            .await
            .unwrap()
            .iter()
            .all(|(_, applied)| !applied)
    );
    assert!(
        network::Entity::find().count(&db).await.is_err(),
        "tables are gone after down"
    );
    api::db::migrate_up(&db).await.unwrap();
    migration::reference::load(&db, support::now())
        .await
        .unwrap();
    assert_eq!(network::Entity::find().count(&db).await.unwrap(), 14);
    // The policy's rows cite the public document; down restores the old wording, up again
    // rewrites rows loaded before the change.
    let sources = || async {
        entities::case_mail_rule::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.source)
            .collect::<Vec<_>>()
    };
    let cited = |sources: &[String], by: &str| sources.iter().all(|s| s.starts_with(by));
    assert!(cited(
        &sources().await,
        "BSR Cause for Concern Policy, January 2026"
    ));
    // Down past the workplans, risks, documents, boards, the stage-5 parts, the event relay and
    // the letters' request ids to the citation change.
    api::db::migrate_down(&db, Some(8)).await.unwrap();
    assert!(cited(&sources().await, "Seed 000"));
    api::db::migrate_up(&db).await.unwrap();
    assert!(cited(
        &sources().await,
        "BSR Cause for Concern Policy, January 2026"
    ));
    db.close().await.unwrap();
}

async fn counts(db: &DatabaseConnection) -> [u64; 4] {
    [
        icb::Entity::find().count(db).await.unwrap(),
        network::Entity::find().count(db).await.unwrap(),
        provider::Entity::find().count(db).await.unwrap(),
        reference_load::Entity::find().count(db).await.unwrap(),
    ]
}

async fn reference_data_loads_once_and_a_second_start_changes_nothing(kind: Db) {
    let Some(database) = support::empty_database(kind).await else {
        return;
    };
    let db = connect(&database.url).await;
    api::db::migrate_up(&db).await.unwrap();
    let first = migration::reference::load(&db, support::now())
        .await
        .unwrap();
    assert_eq!(first.loaded.len(), 13, "{first:?}");
    let after_first = counts(&db).await;
    assert_eq!(after_first, [48, 14, 30, 13]);
    let second = migration::reference::load(&db, support::now())
        .await
        .unwrap();
    assert!(second.loaded.is_empty(), "{second:?}");
    assert_eq!(second.already_loaded.len(), 13);
    assert_eq!(counts(&db).await, after_first);
    db.close().await.unwrap();

    // Two full starts of the portal with the demo layer: the second adds nothing.
    let settings = support::settings(&database.url);
    let app = support::spawn_with(database, settings).await;
    let db = &app.state.db;
    let after_start = counts(db).await;
    assert_eq!(after_start[1], 14);
    assert_eq!(
        after_start[2],
        30 + 14 * 3 + 2,
        "hubs, synthetic partners and Welsh units"
    );
    let clock = Arc::new(graphql::clock::ManualClock::new(support::now()));
    let settings = support::settings(&app.database_url);
    let _again = api::startup::Application::build(
        &settings,
        clock,
        api::startup::StartOptions { demo: true },
    )
    .await
    .unwrap();
    assert_eq!(counts(db).await, after_start);
}

/// Several instances may share one PostgreSQL (SQLite is one instance per file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_postgres_migrate_and_load_once() {
    let Some(database) = support::empty_database(Db::Postgres).await else {
        return;
    };
    let (a, b) = (connect(&database.url).await, connect(&database.url).await);
    let (ra, rb) = tokio::join!(
        async {
            api::db::migrate_up(&a).await?;
            migration::reference::load(&a, support::now()).await
        },
        async {
            api::db::migrate_up(&b).await?;
            migration::reference::load(&b, support::now()).await
        },
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(
        ra.loaded.len() + rb.loaded.len(),
        13,
        "each dataset loaded by exactly one instance"
    );
    assert_eq!(counts(&a).await, [48, 14, 30, 13]);
}
