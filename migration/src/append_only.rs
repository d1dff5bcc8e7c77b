//! Tables whose rows, once written, are history: the database refuses updates and deletes by
//! trigger, whatever connects. Migrations from 7 on use this; 5 and 6 carry their own copies
//! because landed migrations are frozen.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

pub async fn protect(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DatabaseBackend::Postgres => {
            db.execute_unprepared(&format!(
                "CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            ))
            .await?;
        }
        _ => {
            for action in ["UPDATE", "DELETE"] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_no_{} BEFORE {action} ON {table} \
                     BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
                    action.to_lowercase()
                ))
                .await?;
            }
        }
    }
    Ok(())
}

pub async fn unprotect(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DatabaseBackend::Postgres => {
            db.execute_unprepared(&format!("DROP TRIGGER {table}_append_only ON {table}"))
                .await?;
            db.execute_unprepared(&format!("DROP FUNCTION {table}_append_only()"))
                .await?;
        }
        _ => {
            for action in ["update", "delete"] {
                db.execute_unprepared(&format!("DROP TRIGGER {table}_no_{action}"))
                    .await?;
            }
        }
    }
    Ok(())
}
