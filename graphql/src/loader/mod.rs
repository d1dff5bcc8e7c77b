//! Batched loads, one key type per relationship, so the SQL statement count of a request grows
//! with its depth, never with the number of rows it returns (see `batch`).
//!
//! Organisation rows are readable by every authenticated caller; fields carrying personal data
//! check the caller's scope before loading.

mod batch;

use std::collections::HashMap;
use std::hash::Hash;

use entities::enums::Nation;
use entities::{
    case_action, case_conflict, case_decision, case_event, case_stage, document_signature, icb,
    icb_succession, indicator_value, mail_outbox, network, network_footprint, network_membership,
    provider, provider_contact, region, risk_action, risk_escalation, risk_event,
    workplan_decision, workplan_deliverable, workplan_deliverable_indicator,
    workplan_deliverable_update, workplan_objective, workplan_progress_report,
};
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

/// One row per key.
fn by_key<K, M>(rows: Vec<M>, key: impl Fn(&M) -> K) -> HashMap<K, M>
where
    K: Eq + Hash,
{
    rows.into_iter().map(|m| (key(&m), m)).collect()
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

/// A loader keyed by a code, as one statement `WHERE column IN (keys)`:
/// - `one entity by Column (field)`: the row of each key;
/// - `many entity by Column (field) order [Columns]`: every row of each key, in that order;
/// - `many entity by Column (field) order [Columns] yield other`: each row's `other` field.
macro_rules! loader {
    ($(#[$doc:meta])* $name:ident: one $entity:ident by $column:ident ($field:ident)) => {
        key!($(#[$doc])* $name);

        impl Batch for $name {
            type Value = $entity::Model;
            async fn load(
                db: &DatabaseConnection,
                keys: Vec<Self>,
            ) -> AppResult<HashMap<Self, Self::Value>> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::$column.is_in(codes(&keys)))
                    .all(db)
                    .await?;
                Ok(by_key(rows, |m| $name(m.$field.clone())))
            }
        }
    };
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
    ($(#[$doc:meta])* $name:ident: many $entity:ident by $column:ident ($field:ident)
        order [$($order:ident),+] yield $item:ident) => {
        key!($(#[$doc])* $name);

        impl Batch for $name {
            type Value = Vec<String>;
            async fn load(
                db: &DatabaseConnection,
                keys: Vec<Self>,
            ) -> AppResult<HashMap<Self, Self::Value>> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::$column.is_in(codes(&keys)))
                    $(.order_by_asc($entity::Column::$order))+
                    .all(db)
                    .await?;
                Ok(grouped(rows, |m| $name(m.$field.clone()))
                    .into_iter()
                    .map(|(k, rows)| (k, rows.into_iter().map(|m| m.$item).collect()))
                    .collect())
            }
        }
    };
}

loader!(/// A region by code.
    RegionByCode: one region by Code (code));
loader!(/// An ICB by ODS code.
    IcbByCode: one icb by Code (code));
loader!(/// A network by code.
    NetworkByCode: one network by Code (code));
loader!(/// A provider by ODS code.
    ProviderByOds: one provider by OdsCode (ods_code));
loader!(/// All membership rows (whole history) of a network.
    MembershipsOfNetwork: many network_membership by NetworkCode (network_code)
        order [ValidFrom, ProviderOds]);
loader!(/// All membership rows (whole history) of a provider.
    MembershipsOfProvider: many network_membership by ProviderOds (provider_ods)
        order [ValidFrom]);
loader!(/// All footprint rows (whole history) of a network.
    FootprintOfNetwork: many network_footprint by NetworkCode (network_code)
        order [IcbCode, ValidFrom]);
loader!(/// All footprint rows (whole history) naming an ICB.
    FootprintOfIcb: many network_footprint by IcbCode (icb_code) order [NetworkCode]);
loader!(/// ICB codes that succeeded an ICB.
    SuccessorsOfIcb: many icb_succession by PredecessorCode (predecessor_code)
        order [SuccessorCode] yield successor_code);
loader!(/// ICB codes an ICB succeeded.
    PredecessorsOfIcb: many icb_succession by SuccessorCode (successor_code)
        order [PredecessorCode] yield predecessor_code);
loader!(/// ICBs (all dates) of a region.
    IcbsOfRegion: many icb by RegionCode (region_code) order [Code]);
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
            .all(db)
            .await?;
        let mut by_org: HashMap<TotalsOf, Vec<SeriesRow>> =
            keys.into_iter().map(|k| (k, Vec::new())).collect();
        for r in rows {
            if let Some(list) = by_org.get_mut(&TotalsOf(r.organisation)) {
                list.push(r.row);
            }
        }
        Ok(by_org
            .into_iter()
            .map(|(k, v)| (k, std::sync::Arc::new(v)))
            .collect())
    }
}
