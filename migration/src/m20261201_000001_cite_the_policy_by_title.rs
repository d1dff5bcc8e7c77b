//! The cause-for-concern policy's rows cited their source by an internal file name ("Seed 000");
//! letters quote a rule's source to CEOs and regulators, so it names the public document.

use sea_orm_migration::prelude::*;

const INTERNAL: &str = "Seed 000";
const PUBLIC: &str = "BSR Cause for Concern Policy, January 2026";
const TABLES: [&str; 3] = ["case_stages", "case_mail_rules", "recipients"];

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn rewrite(manager: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    for table in TABLES {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE {table} SET source = REPLACE(source, '{from}', '{to}')"
            ))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rewrite(manager, INTERNAL, PUBLIC).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rewrite(manager, PUBLIC, INTERNAL).await
    }
}
