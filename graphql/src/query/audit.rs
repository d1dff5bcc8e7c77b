use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Result};

use crate::auth::Role;
use crate::context::state;
use crate::context::viewer;
use crate::object::audit::AuditEntry;
use crate::pagination::{ConnectionInfo, Page, page_size};
use crate::service;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Changes to reference data, newest first (national administrators only).
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity_type: Option<String>,
        entity_key: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<AuditEntry>> {
        viewer(ctx)?.require_any(&[Role::NationalAdmin], "read the audit log")?;
        let db = &state(ctx)?.db;
        let size = page_size(first)?;
        let after_id = after
            .as_deref()
            .map(service::audit::parse_cursor)
            .transpose()?;
        let mut rows = service::audit::list(
            db,
            entity_type.as_deref(),
            entity_key.as_deref(),
            after_id,
            size as u64 + 1,
        )
        .await?;
        let has_next = rows.len() > size;
        rows.truncate(size);
        let total =
            service::audit::count(db, entity_type.as_deref(), entity_key.as_deref()).await?;
        let mut page = Connection::with_additional_fields(
            after_id.is_some(),
            has_next,
            ConnectionInfo {
                total_count: i32::try_from(total).unwrap_or(i32::MAX),
            },
        );
        page.edges.extend(
            rows.into_iter()
                .map(|r| Edge::new(r.id.to_string(), AuditEntry(r))),
        );
        Ok(page)
    }
}
