//! Batched loads, one key type per relationship, so the SQL statement count of a request grows
//! with its depth, never with the number of rows it returns (see `batch`).
//!
//! Organisation rows come from the shared `registry::Registry`, not from here. Fields carrying
//! personal data (a provider's contacts) check the caller's scope before loading.

mod batch;

use std::collections::HashMap;
use std::hash::Hash;

use entities::enums::Nation;
use entities::{
    case_action, case_conflict, case_decision, case_event, case_stage, document_signature,
    indicator_value, mail_outbox, provider_contact, risk_action, risk_escalation, risk_event,
    workplan_decision, workplan_deliverable, workplan_deliverable_indicator,
    workplan_deliverable_update, workplan_objective, workplan_progress_report,
};
use futures_util::TryStreamExt;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::error::AppResult;
use crate::series::SeriesRow;
pub use batch::{Batch, Dispatch, Loaders, drive};

macro_rules! key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(pub String);

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn codes<K: AsRef<str>>(keys: &[K]) -> Vec<String> {
    keys.iter().map(|k| k.as_ref().to_owned()).collect()
}

/// All rows of each key, in the order fetched.
fn grouped<K, M>(rows: Vec<M>, key: impl Fn(&M) -> K) -> HashMap<K, Vec<M>>
where
    K: Eq + Hash,
{
    let mut map: HashMap<K, Vec<M>> = HashMap::new();
    for m in rows {
        map.entry(key(&m)).or_default().push(m);
    }
    map
}

/// A loader keyed by a code, as one statement `WHERE column IN (keys)`: `many entity by Column
/// (field) order [Columns]` gives every row of each key, in that order.
macro_rules! loader {
    ($(#[$doc:meta])* $name:ident: many $entity:ident by $column:ident ($field:ident)
        order [$($order:ident),+]) => {
        key!($(#[$doc])* $name);

        impl Batch for $name {
            type Value = Vec<$entity::Model>;
            async fn load(
                db: &DatabaseConnection,
                keys: Vec<Self>,
            ) -> AppResult<HashMap<Self, Self::Value>> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::$column.is_in(codes(&keys)))
                    $(.order_by_asc($entity::Column::$order))+
                    .all(db)
                    .await?;
                Ok(grouped(rows, |m| $name(m.$field.clone())))
            }
        }
    };
}

// Organisation rows (regions, ICBs, networks, providers, memberships, footprints) are not
// loaded here: they are answered from the shared `registry::Registry`.
loader!(/// A provider's named contacts. Personal data: callers check scope first.
    ContactsOfProvider: many provider_contact by ProviderOds (provider_ods) order [Role]);

/// The children of one row, by the parent's integer id: every child row of each key, in order.
macro_rules! children {
    ($(#[$doc:meta])* $name:ident, $entity:ident by $parent:ident ($field:ident), $order:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub i32);

        impl Batch for $name {
            type Value = Vec<$entity::Model>;
            async fn load(
                db: &DatabaseConnection,
                keys: Vec<Self>,
            ) -> AppResult<HashMap<Self, Self::Value>> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::$parent.is_in(keys.iter().map(|k| k.0)))
                    .order_by_asc($order)
                    .all(db)
                    .await?;
                Ok(grouped(rows, |m| $name(m.$field)))
            }
        }
    };
}

children!(/// A case's history, oldest first.
    HistoryOfCase, case_event by CaseId (case_id), case_event::Column::Id);
children!(/// The stage-5 decisions on a case.
    DecisionsOfCase, case_decision by CaseId (case_id), case_decision::Column::DeciderRole);
children!(/// Conflicts of interest declared on a case.
    ConflictsOfCase, case_conflict by CaseId (case_id), case_conflict::Column::DeclaredAt);
children!(/// Actions agreed on a case.
    ActionsOfCase, case_action by CaseId (case_id), case_action::Column::Id);
children!(/// A case's correspondence, oldest first.
    LettersOfCase, mail_outbox by CaseId (case_id), mail_outbox::Column::Id);
children!(/// A workplan version's objectives, in the plan's order.
    ObjectivesOfWorkplan, workplan_objective by WorkplanId (workplan_id),
    workplan_objective::Column::Position);
children!(/// A workplan version's deliverables, in the plan's order.
    DeliverablesOfWorkplan, workplan_deliverable by WorkplanId (workplan_id),
    workplan_deliverable::Column::Id);
children!(/// A workplan version's agreement chain, oldest first.
    DecisionsOfWorkplan, workplan_decision by WorkplanId (workplan_id),
    workplan_decision::Column::Id);
children!(/// The progress reports on a workplan version, by quarter.
    ProgressReportsOfWorkplan, workplan_progress_report by WorkplanId (workplan_id),
    workplan_progress_report::Column::Quarter);
children!(/// The indicators linked to a deliverable.
    IndicatorsOfDeliverable, workplan_deliverable_indicator by DeliverableId (deliverable_id),
    workplan_deliverable_indicator::Column::Id);
children!(/// The signatures of a governance document.
    SignaturesOfDocument, document_signature by DocumentId (document_id),
    document_signature::Column::Id);
children!(/// A risk's history, oldest first.
    HistoryOfRisk, risk_event by RiskId (risk_id), risk_event::Column::Id);
children!(/// A risk's mitigating actions.
    ActionsOfRisk, risk_action by RiskId (risk_id), risk_action::Column::Id);
children!(/// A risk's escalations, first first.
    EscalationsOfRisk, risk_escalation by RiskId (risk_id), risk_escalation::Column::Step);
children!(/// A deliverable's progress notes, oldest first.
    UpdatesOfDeliverable, workplan_deliverable_update by DeliverableId (deliverable_id),
    workplan_deliverable_update::Column::Id);

/// Every ICB succession on record, by predecessor, read once per wave whoever asks (the ICBs
/// that must agree each workplan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EverySuccession;

impl Batch for EverySuccession {
    type Value = std::sync::Arc<std::collections::BTreeMap<String, Vec<String>>>;
    async fn load(
        db: &DatabaseConnection,
        _keys: Vec<Self>,
    ) -> AppResult<HashMap<Self, Self::Value>> {
        let successors = crate::service::workplan::Successions::successors(db).await?;
        Ok(HashMap::from([(
            EverySuccession,
            std::sync::Arc::new(successors),
        )]))
    }
}

/// The bank-holiday calendar, read once per wave whoever asks (days remaining on each case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Holidays;

impl Batch for Holidays {
    type Value = std::sync::Arc<crate::calendar::WorkingCalendar>;
    async fn load(
        db: &DatabaseConnection,
        _keys: Vec<Self>,
    ) -> AppResult<HashMap<Self, Self::Value>> {
        let calendar = crate::calendar::WorkingCalendar::load(db).await?;
        Ok(HashMap::from([(Holidays, std::sync::Arc::new(calendar))]))
    }
}

/// One stage of one policy version: `(jurisdiction, version, stage)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PolicyStage(pub Nation, pub i32, pub i32);

impl Batch for PolicyStage {
    type Value = case_stage::Model;
    async fn load(
        db: &DatabaseConnection,
        keys: Vec<Self>,
    ) -> AppResult<HashMap<Self, Self::Value>> {
        let versions: Vec<i32> = keys.iter().map(|k| k.1).collect();
        let rows = case_stage::Entity::find()
            .filter(case_stage::Column::Version.is_in(versions))
            .all(db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| (PolicyStage(m.jurisdiction, m.version, m.stage), m))
            .filter(|(k, _)| keys.contains(k))
            .collect())
    }
}

/// Every TOTAL-segment value of an organisation (all indicators, all periods), with each
/// indicator's kind: what dashboards draw from, kept in `series::SeriesCache` between requests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TotalsOf(pub String);

#[derive(sea_orm::FromQueryResult)]
struct OrganisationSeriesRow {
    organisation: String,
    #[sea_orm(nested)]
    row: SeriesRow,
}

impl Batch for TotalsOf {
    type Value = std::sync::Arc<Vec<SeriesRow>>;
    async fn load(
        db: &DatabaseConnection,
        keys: Vec<Self>,
    ) -> AppResult<HashMap<Self, Self::Value>> {
        let rows = indicator_value::Entity::find()
            .select_only()
            .columns([
                indicator_value::Column::Organisation,
                indicator_value::Column::IndicatorCode,
                indicator_value::Column::PeriodStart,
                indicator_value::Column::Numerator,
                indicator_value::Column::Denominator,
                indicator_value::Column::Value,
                indicator_value::Column::Status,
            ])
            .column_as(
                sea_orm::sea_query::Expr::cust(
                    "(SELECT kind FROM indicators WHERE indicators.code = indicator_values.indicator_code)",
                ),
                "kind",
            )
            .filter(indicator_value::Column::Organisation.is_in(keys.iter().map(|k| k.0.clone())))
            .filter(indicator_value::Column::SegmentKind.eq(indicator_value::TOTAL))
            // The order of the `indicator_values_series` index, so no sort is needed.
            .order_by_asc(indicator_value::Column::Organisation)
            .order_by_asc(indicator_value::Column::IndicatorCode)
            .order_by_asc(indicator_value::Column::PeriodStart)
            .into_model::<OrganisationSeriesRow>()
            .stream(db)
            .await?;
        let mut rows = std::pin::pin!(rows);
        // Streamed, so only the rows kept are held, not every row as read as well (the driver's
        // rows of 72 providers' values took the server from 68 to 96 MiB for a moment).
        let mut by_org: HashMap<TotalsOf, Vec<SeriesRow>> =
            keys.into_iter().map(|k| (k, Vec::new())).collect();
        while let Some(r) = rows.try_next().await? {
            if let Some(list) = by_org.get_mut(&TotalsOf(r.organisation)) {
                list.push(r.row);
            }
        }
        Ok(by_org
            .into_iter()
            .map(|(k, mut v)| {
                v.shrink_to_fit();
                (k, std::sync::Arc::new(v))
            })
            .collect())
    }
}
