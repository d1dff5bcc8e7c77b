//! Events published when a change commits, fanned out to this process's subscriptions.
//!
//! On PostgreSQL, where several instances may share the database, an event is sent with
//! `pg_notify` inside the transaction of the change (PostgreSQL delivers it only if that commits)
//! and every instance, the sender included, receives it by `LISTEN` and hands it to its own
//! subscribers: each subscriber gets each event once, whichever instance made the change.
//! Notifications sent while an instance's listener is reconnecting are lost to that instance.
//! On SQLite events go straight to this process's subscribers after the commit; the change also
//! appends them to `event_relay` in its transaction, and a serving process delivers the rows
//! other processes appended (`portal tick`, `portal import` beside `serve`), each once.
//!
//! Every subscription filters events through the subscriber's scope before sending one.

use std::time::Duration;

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use entities::event_relay;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::error::{AppError, AppResult};

/// How many events a slow subscriber may fall behind before it misses some.
const BUFFER: usize = 1024;
/// The PostgreSQL notification channel.
const CHANNEL: &str = "portal_events";
/// How often a process sharing SQLite reads the events other processes appended.
const RELAY_POLL: Duration = Duration::from_millis(200);
/// How long a relayed event is kept: far longer than any poll takes.
const RELAY_KEEP: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
/// The most relayed events read at once.
const RELAY_BATCH: u64 = 500;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    OrganisationChanged(OrganisationChange),
    CaseChanged(CaseChange),
    IndicatorValuesPublished(IndicatorPublication),
    WorkplanChanged(WorkplanChange),
    RiskChanged(RiskChange),
    GovernanceChanged(GovernanceChange),
}

/// Which kind of reference row changed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrganisationEntity {
    NetworkHubs,
    NetworkHost,
    NetworkFootprint,
    ProviderContacts,
}

/// A change to the organisation map. Carries no personal data: who made it and what the
/// contacts now say are in the audit log, for administrators.
#[derive(SimpleObject, Debug, Clone, Serialize, Deserialize)]
pub struct OrganisationChange {
    pub entity: OrganisationEntity,
    /// The network code or provider ODS code changed.
    pub key: String,
    pub audit_entry_id: i64,
    pub at: DateTime<Utc>,
}

/// What happened to a case.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseChangeKind {
    Opened,
    StageChanged,
    Closed,
    /// Stage 1 found a case to answer: the allocated HQIP Associate Director is asked to agree
    /// next steps.
    NextStepsRequested,
    /// The provider's CEO recorded informing the commissioners: from now on they read the case.
    CommissionersInformed,
}

/// A case opened, changed stage or closed, or something its readers wait for happened. Names no
/// individual; subscribers
/// receive it only if the case is in their scope (`CaseReach::access`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseChange {
    pub kind: CaseChangeKind,
    pub reference: String,
    pub provider_ods: Option<String>,
    /// The provider's network when the case opened.
    pub network_code: Option<String>,
    pub from_stage: Option<i32>,
    pub to_stage: Option<i32>,
    /// The highest stage reached (the Medical Director hears from stage 2).
    pub reached_stage: i32,
    /// The CEO recorded informing the commissioners (who, with scoped integrations, hear of the
    /// case from then on).
    #[serde(default)]
    pub commissioners_informed: bool,
    pub due_on: Option<chrono::NaiveDate>,
    pub outcome: Option<entities::enums::CaseOutcome>,
    pub at: DateTime<Utc>,
}

/// A batch of indicator values was accepted. Each
/// subscriber hears of the organisations in its scope only, and only when there is one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorPublication {
    pub batch_id: i32,
    pub indicators: std::collections::BTreeSet<String>,
    /// Provider ODS codes and network codes whose values were created or revised.
    pub organisations: std::collections::BTreeSet<String>,
    pub first_period: chrono::NaiveDate,
    pub last_period: chrono::NaiveDate,
    /// Values created or revised.
    pub values: usize,
    pub at: DateTime<Utc>,
}

/// What happened to a network's workplan, its delivery or its annual report.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkplanChangeKind {
    DraftCreated,
    BoardAgreed,
    Submitted,
    IcbAgreed,
    IcbReturned,
    SignedOff,
    RegionReturned,
    NewVersion,
    DeliverableAtRisk,
    DeliverableOffTrack,
    DeliverablePastDue,
    ProgressReportSubmitted,
    AnnualReportPublished,
}

impl WorkplanChangeKind {
    /// What a member provider's roles hear of: the signed-off plan, its delivery and the
    /// published report (they read only those); everything else is for those who reach the
    /// network's governance.
    pub fn for_members(self) -> bool {
        matches!(
            self,
            WorkplanChangeKind::SignedOff
                | WorkplanChangeKind::DeliverableAtRisk
                | WorkplanChangeKind::DeliverableOffTrack
                | WorkplanChangeKind::DeliverablePastDue
                | WorkplanChangeKind::AnnualReportPublished
        )
    }
}

/// A change to a network's workplan or annual report. Names no person: who decided, and why,
/// is on the plan's decisions and in the audit log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkplanChange {
    pub kind: WorkplanChangeKind,
    pub network_code: String,
    /// The calendar year the financial year starts in.
    pub financial_year: i32,
    pub workplan_id: Option<i32>,
    pub version_no: Option<i32>,
    pub status: Option<entities::enums::WorkplanStatus>,
    pub icb_code: Option<String>,
    pub deliverable_reference: Option<String>,
    pub quarter: Option<i32>,
    pub annual_report_id: Option<i32>,
    pub at: DateTime<Utc>,
}

/// What happened to a network risk.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskChangeKind {
    Raised,
    /// Re-scored into another band of the 5×5 matrix.
    Rescored,
    Escalated,
    Answered,
    /// An escalation's response date passed without a response.
    ResponseOverdue,
    Closed,
}

/// A change to a risk, for subscribers: no personal data and none of the risk's text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RiskChange {
    pub kind: RiskChangeKind,
    pub reference: String,
    pub network_code: String,
    pub risk_kind: entities::enums::RiskKind,
    pub accountable_kind: entities::enums::Party,
    pub accountable_code: String,
    pub score: i32,
    /// The ICB or region an escalation went to or came back from.
    pub escalated_to: Option<String>,
    pub at: DateTime<Utc>,
}

/// What happened to a network's governance.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GovernanceChangeKind {
    DocumentRegistered,
    DocumentSigned,
    DocumentInForce,
    /// An in-force document's review date has passed (announced once, by the clock).
    DocumentReviewDue,
    MemberJoined,
    MemberLeft,
    /// A post (the chair, the clinical lead, the manager) has a new holder.
    PostFilled,
    PostVacated,
    MeetingHeld,
    MinutesApproved,
    /// The commissioners determined the network's host.
    HostDetermined,
}

/// A change to a network's governance, for subscribers: no personal data (never a name), only
/// what changed and the organisation concerned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GovernanceChange {
    pub kind: GovernanceChangeKind,
    pub network_code: String,
    pub document_id: Option<i32>,
    pub document_kind: Option<entities::enums::DocumentKind>,
    pub meeting_id: Option<i32>,
    pub post: Option<entities::enums::NetworkPost>,
    /// The ICB, provider or network that signed; the new host.
    pub party: Option<String>,
    pub at: DateTime<Utc>,
}

impl GovernanceChange {
    pub fn of(kind: GovernanceChangeKind, network_code: &str, at: DateTime<Utc>) -> Self {
        GovernanceChange {
            kind,
            network_code: network_code.to_owned(),
            document_id: None,
            document_kind: None,
            meeting_id: None,
            post: None,
            party: None,
            at,
        }
    }
}

#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<Event>,
    backend: DatabaseBackend,
    /// This process, in the relayed events it appends (it delivers its own at commit).
    origin: std::sync::Arc<str>,
}

impl EventBus {
    pub fn new(backend: DatabaseBackend) -> Self {
        let started = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        EventBus {
            local: broadcast::channel(BUFFER).0,
            backend,
            origin: format!("{}-{started}", std::process::id()).into(),
        }
    }

    /// Sends `event` within the change's transaction, to be delivered at commit: by NOTIFY on
    /// PostgreSQL, through `event_relay` to the other processes sharing SQLite (dropping relayed
    /// events older than `RELAY_KEEP` as it goes).
    pub async fn publish_in(&self, txn: &DatabaseTransaction, event: &Event) -> AppResult<()> {
        let payload = serde_json::to_string(event).map_err(AppError::internal)?;
        if self.backend == DatabaseBackend::Postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await?;
            return Ok(());
        }
        let now = Utc::now();
        event_relay::Entity::delete_many()
            .filter(event_relay::Column::At.lt(now - RELAY_KEEP))
            .exec(txn)
            .await?;
        event_relay::Entity::insert(event_relay::ActiveModel {
            id: NotSet,
            origin: Set(self.origin.to_string()),
            payload: Set(payload),
            at: Set(now),
        })
        .exec(txn)
        .await?;
        Ok(())
    }

    /// The change carrying `event` has committed: on SQLite, deliver it now (on PostgreSQL the
    /// listener delivers it).
    pub fn committed(&self, event: Event) {
        if self.backend != DatabaseBackend::Postgres {
            self.deliver(event);
        }
    }

    /// Hands an event to this process's subscribers; with none listening it is dropped.
    fn deliver(&self, event: Event) {
        let _ = self.local.send(event);
    }

    fn deliver_payload(&self, payload: &str) {
        match serde_json::from_str::<Event>(payload) {
            Ok(event) => self.deliver(event),
            Err(e) => tracing::error!(error = %e, "an event notification could not be read"),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    /// Starts listening (before returning, so no event committed afterwards is missed) and keeps
    /// delivering other processes' events to this process's subscribers: LISTEN on PostgreSQL;
    /// on SQLite, reading `event_relay` through `db`, a connection of the listener's own (so its
    /// polls are not counted as a request's statements).
    pub async fn listen(&self, db: &DatabaseConnection) -> Result<(), sea_orm::sqlx::Error> {
        if self.backend != DatabaseBackend::Postgres {
            return self.relay(db.clone()).await;
        }
        let mut listener = PgListener::connect_with(db.get_postgres_connection_pool()).await?;
        listener.listen(CHANNEL).await?;
        let bus = self.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => bus.deliver_payload(notification.payload()),
                    Err(e) => {
                        tracing::warn!(error = %e, "the event listener lost its connection; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }

    /// SQLite: delivers the events other processes append from now on. Writers to one SQLite
    /// file take turns, so ids grow in commit order and reading past the last id seen misses
    /// none.
    async fn relay(&self, db: DatabaseConnection) -> Result<(), sea_orm::sqlx::Error> {
        let last_id = |db: DatabaseConnection| async move {
            event_relay::Entity::find()
                .select_only()
                .column_as(event_relay::Column::Id.max(), "id")
                .into_tuple::<Option<i32>>()
                .one(&db)
                .await
                .map(|id| id.flatten().unwrap_or(0))
        };
        let mut seen = last_id(db.clone()).await.map_err(|e| {
            sea_orm::sqlx::Error::Protocol(format!("the event relay cannot be read: {e}"))
        })?;
        let bus = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RELAY_POLL).await;
                let rows = event_relay::Entity::find()
                    .filter(event_relay::Column::Id.gt(seen))
                    .order_by_asc(event_relay::Column::Id)
                    .limit(RELAY_BATCH)
                    .all(&db)
                    .await;
                match rows {
                    Ok(rows) => {
                        for row in rows {
                            seen = row.id;
                            if row.origin.as_str() != &*bus.origin {
                                bus.deliver_payload(&row.payload);
                            }
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the event relay could not be read; retrying")
                    }
                }
            }
        });
        Ok(())
    }
}
