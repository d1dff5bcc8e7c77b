//! Database connection and migrations.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DbErr};

/// Key of the PostgreSQL advisory lock held while migrating, so instances sharing one database
/// migrate one at a time.
const MIGRATION_LOCK_KEY: i64 = 0x5350_494e_4d49_4752; // "SPINMIGR"

/// How long a SQLite statement waits for another connection's write lock before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Connects, creating the SQLite file's directory when needed. Every statement executed is
/// counted into `statements` (the N+1 tests and benchmarks read it).
pub async fn connect(
    url: &str,
    pool_size: u32,
    statements: Arc<AtomicU64>,
) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(pool_size)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // Readers never wait for the writer under WAL; a writer from another process (an import
        // beside `serve`) is waited for rather than failed. Writers of this process queue on
        // `AppState::begin_write`'s lock.
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
        });
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(move |_| {
        statements.fetch_add(1, Ordering::Relaxed);
    });
    Ok(db)
}

/// The file of a SQLite URL; `None` for an in-memory database or another backend.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (path != ":memory:" && !path.is_empty()).then_some(path)
}

/// The database of a one-off command (`token`, `tick`, `import`), as `serve` would leave it:
/// connected, migrated, its reference data loaded. Its statements are not counted.
pub async fn prepared(settings: &crate::settings::Settings) -> Result<DatabaseConnection, DbErr> {
    let conn = connect(
        &settings.database_url,
        settings.db_pool_size,
        Arc::new(AtomicU64::new(0)),
    )
    .await?;
    migrate_up(&conn).await?;
    migration::reference::load(&conn, chrono::Utc::now()).await?;
    Ok(conn)
}

/// Applies pending migrations; on PostgreSQL under an advisory lock.
pub async fn migrate_up(db: &DatabaseConnection) -> Result<(), DbErr> {
    with_migration_lock(db, Migrator::up(db, None)).await
}

/// Rolls back `steps` migrations (all when `None`).
pub async fn migrate_down(db: &DatabaseConnection, steps: Option<u32>) -> Result<(), DbErr> {
    with_migration_lock(db, Migrator::down(db, steps)).await
}

/// `(name, applied)` for every migration.
pub async fn migration_status(db: &DatabaseConnection) -> Result<Vec<(String, bool)>, DbErr> {
    Migrator::install(db).await?;
    Ok(Migrator::get_migration_with_status(db)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.name().to_owned(),
                m.status() == migration::MigrationStatus::Applied,
            )
        })
        .collect())
}

async fn with_migration_lock(
    db: &DatabaseConnection,
    work: impl Future<Output = Result<(), DbErr>>,
) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return work.await;
    }
    // The session lock lives on one connection held aside; the work runs on the others.
    let pool = db.get_postgres_connection_pool();
    let mut lock = pool
        .acquire()
        .await
        .map_err(|e| DbErr::Custom(format!("cannot take the migration lock: {e}")))?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK_KEY)
        .execute(&mut *lock)
        .await
        .map_err(|e| DbErr::Custom(format!("cannot take the migration lock: {e}")))?;
    let result = work.await;
    let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK_KEY)
        .execute(&mut *lock)
        .await;
    if let Err(e) = unlocked {
        tracing::warn!(error = %e, "could not release the migration lock; it ends with the connection");
        lock.detach();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_paths_are_found_in_urls() {
        assert_eq!(
            sqlite_path("sqlite://data/portal.db?mode=rwc"),
            Some("data/portal.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/db"), None);
    }
}
