//! The indicator catalogue (Spinal Services Clinical Network Specification §7.1 and Appendix 1):
//! periods and segments as the catalogue defines them, who may submit what, and the audited edits
//! of administrators and network teams.

use chrono::{Datelike, NaiveDate};
use entities::enums::{
    Frequency, FunnelMethod, ImprovementDirection, IndicatorKind, IndicatorLevel, IndicatorSource,
};
use entities::indicator;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};

use super::audit::{Change, Subject};
use super::require_reason;
use super::unit_of_work::UnitOfWork;
use crate::auth::{GrantScope, Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::org_map::OrgSnapshot;
use crate::state::AppState;

use entities::indicator_value::TOTAL;

/// The minimum inequality segments (*Clinical audits and registries: a best practice guide* §4.4:
/// "segmenting data by age, sex, deprivation and ethnicity is a minimum standard") and the values
/// each takes: age bands, sex, IMD quintile (1 = most deprived) and the ONS high-level ethnic
/// groups.
pub const SEGMENTS: &[(&str, &[&str])] = &[
    ("AGE_BAND", &["0-17", "18-39", "40-59", "60-74", "75+"]),
    ("SEX", &["FEMALE", "MALE"]),
    ("DEPRIVATION_QUINTILE", &["1", "2", "3", "4", "5"]),
    (
        "ETHNICITY_GROUP",
        &["ASIAN", "BLACK", "MIXED", "WHITE", "OTHER", "NOT_STATED"],
    ),
];

/// Why a segment is not one the catalogue knows, or `None` if it is. A residence segment's
/// value is an ICB code (`is_icb`), and only a provider's values have one.
pub fn segment_problem(
    kind: &str,
    value: &str,
    level: IndicatorLevel,
    is_icb: impl Fn(&str) -> bool,
) -> Option<String> {
    if kind == TOTAL {
        return (!value.is_empty())
            .then(|| format!("the TOTAL segment takes no value (got \"{value}\")"));
    }
    if kind == super::analysis::RESIDENCE {
        return if level != IndicatorLevel::Provider {
            Some("a residence breakdown is given by the provider that treated the patients".into())
        } else {
            (!is_icb(value)).then(|| {
                format!(
                    "\"{value}\" is not an ICB code: a {kind} value is the patients' ICB of \
                     residence"
                )
            })
        };
    }
    match SEGMENTS.iter().find(|(k, _)| *k == kind) {
        None => Some(format!(
            "\"{kind}\" is not a segment; use TOTAL, {}, {}",
            SEGMENTS
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", "),
            super::analysis::RESIDENCE
        )),
        Some((_, values)) if !values.contains(&value) => Some(format!(
            "\"{value}\" is not a {kind} value; use one of {}",
            values.join(", ")
        )),
        Some(_) => None,
    }
}

/// Why `start` is not the first day of a period of `frequency`, or `None`. Quarters and years
/// are the NHS financial year's (April to March).
pub fn period_problem(frequency: Frequency, start: NaiveDate) -> Option<String> {
    let ok = start.day() == 1
        && match frequency {
            Frequency::Monthly => true,
            Frequency::Quarterly => matches!(start.month(), 1 | 4 | 7 | 10),
            Frequency::Annual => start.month() == 4,
        };
    (!ok).then(|| {
        let wanted = match frequency {
            Frequency::Monthly => "the first day of a month, e.g. 2026-04-01",
            Frequency::Quarterly => {
                "the first day of a financial quarter (1 April, 1 July, 1 October or 1 January)"
            }
            Frequency::Annual => "the first day of a financial year (1 April)",
        };
        format!("the period {start} is not {wanted}")
    })
}

/// A period for people: `Apr 2026`, `2026/27 Q1`, `2026/27`.
pub fn period_label(frequency: Frequency, start: NaiveDate) -> String {
    let financial_year = if start.month() >= 4 {
        start.year()
    } else {
        start.year() - 1
    };
    let fy = format!("{financial_year}/{:02}", (financial_year + 1) % 100);
    match frequency {
        Frequency::Monthly => start.format("%b %Y").to_string(),
        Frequency::Quarterly => format!("{fy} Q{}", (start.month() + 8) % 12 / 3 + 1),
        Frequency::Annual => fy,
    }
}

/// Why `viewer` may not submit values of `indicator` for `organisation`, or `None` if it may
/// (providers their own pathway and Model Hospital data, the registry its own
/// indicators, network teams their network-level and local indicators, administrators all).
pub fn submit_refusal(
    viewer: &Viewer,
    indicator: &indicator::Model,
    organisation: &str,
    map: &OrgSnapshot,
) -> Option<String> {
    if let Some(derivation) = &indicator.derivation {
        return Some(format!(
            "{} is derived by the portal, not typed in: {}",
            indicator.code,
            crate::service::workplan::derivation_source(derivation)
        ));
    }
    if viewer.has_role(Role::NationalAdmin) {
        return None;
    }
    let network_of = |provider: &str| {
        map.memberships
            .iter()
            .find(|(_, p)| p == provider)
            .map(|(n, _)| n.as_str())
    };
    // The network a row belongs to: the organisation itself or its provider's network.
    let row_network = match indicator.level {
        IndicatorLevel::Network => Some(organisation),
        IndicatorLevel::Provider => network_of(organisation),
    };
    let allowed = viewer.grants.iter().any(|g| match (&g.role, &g.scope) {
        (Role::RegistryAnalyst, _) => indicator.source == IndicatorSource::BsrHes,
        (Role::ProviderSubmitter, GrantScope::Provider(p)) => {
            indicator.level == IndicatorLevel::Provider
                && p == organisation
                && matches!(
                    indicator.source,
                    IndicatorSource::Pathway | IndicatorSource::ModelHospital
                )
                && indicator
                    .network_code
                    .as_deref()
                    .is_none_or(|owner| Some(owner) == row_network)
        }
        (Role::NetworkManager | Role::NetworkClinicalLead, GrantScope::Network(n)) => {
            Some(n.as_str()) == row_network
                && (indicator.network_code.as_deref() == Some(n)
                    || (indicator.network_code.is_none()
                        && indicator.level == IndicatorLevel::Network))
        }
        _ => false,
    });
    (!allowed).then(|| {
        format!(
            "you may not submit {} for {organisation}: {}",
            indicator.code,
            match (indicator.source, indicator.level) {
                (IndicatorSource::BsrHes, _) => "registry indicators are submitted by REGISTRY_ANALYST",
                (_, IndicatorLevel::Network) => "network-level indicators are submitted by that network's NETWORK_MANAGER or NETWORK_CLINICAL_LEAD",
                _ if indicator.network_code.is_some() => "local indicators are submitted by their network's team or its providers' PROVIDER_SUBMITTER",
                _ => "provider indicators are submitted by that provider's PROVIDER_SUBMITTER",
            }
        )
    })
}

/// The catalogue: national indicators, then each network's local ones, by code.
pub async fn list(
    db: &impl ConnectionTrait,
    group: Option<&str>,
    network: Option<&str>,
) -> AppResult<Vec<indicator::Model>> {
    let mut query = indicator::Entity::find()
        .order_by_asc(indicator::Column::NetworkCode)
        .order_by_asc(indicator::Column::Code);
    if let Some(group) = group {
        query = query.filter(indicator::Column::IndicatorGroup.eq(group));
    }
    if let Some(network) = network {
        query = query.filter(indicator::Column::NetworkCode.eq(network));
    }
    Ok(query.all(db).await?)
}

pub async fn get(db: &impl ConnectionTrait, code: &str) -> AppResult<indicator::Model> {
    indicator::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("indicator", code))
}

/// Looks up an indicator named inside an input.
pub async fn referenced(db: &impl ConnectionTrait, code: &str) -> AppResult<indicator::Model> {
    indicator::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::bad_input(format!("No indicator has the code \"{code}\".")))
}

/// What an edit may set; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct IndicatorEdit {
    pub name: Option<String>,
    pub direction: Option<ImprovementDirection>,
    /// `Some(None)` clears the target.
    pub target: Option<Option<f64>>,
    pub funnel_method: Option<Option<FunnelMethod>>,
    pub spc_trend_length: Option<i32>,
    pub spc_shift_length: Option<i32>,
    pub spc_screen_moving_ranges: Option<bool>,
    pub spc_rebase_on: Option<Vec<NaiveDate>>,
}

/// A new local indicator of a network's workplan (Spinal Services Clinical Network Specification
/// §7, third source).
pub struct LocalIndicator {
    pub network: String,
    pub code: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub unit: String,
    pub direction: ImprovementDirection,
    pub target: Option<f64>,
    pub frequency: Frequency,
    pub level: IndicatorLevel,
    pub funnel_method: Option<FunnelMethod>,
}

/// Whether `viewer` edits the catalogue entry: administrators any; a network's team its local
/// indicators.
fn may_edit(viewer: &Viewer, network: Option<&str>) -> bool {
    viewer.has_role(Role::NationalAdmin)
        || network.is_some_and(|n| {
            let scope = GrantScope::Network(n.to_owned());
            viewer.holds(Role::NetworkManager, &scope)
                || viewer.holds(Role::NetworkClinicalLead, &scope)
        })
}

fn check_method(kind: IndicatorKind, method: Option<FunnelMethod>) -> AppResult<()> {
    let fits = match method {
        None => true,
        Some(FunnelMethod::Arcsine | FunnelMethod::ExactBinomial) => {
            kind == IndicatorKind::Proportion
        }
        Some(FunnelMethod::ExactPoisson) => kind == IndicatorKind::Ratio,
    };
    if fits {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "Funnel limits are ARCSINE or EXACT_BINOMIAL for a PROPORTION and EXACT_POISSON for a RATIO; other kinds have no funnel.",
        ))
    }
}

fn snapshot(m: &indicator::Model) -> Value {
    json!({
        "name": m.name, "direction": m.direction, "target": m.target,
        "funnelMethod": m.funnel_method, "spcTrendLength": m.spc_trend_length,
        "spcShiftLength": m.spc_shift_length, "spcScreenMovingRanges": m.spc_screen_moving_ranges,
        "spcRebaseOn": m.spc_rebase_on, "kind": m.kind, "level": m.level,
        "frequency": m.frequency, "network": m.network_code,
    })
}

/// Edits a catalogue entry, with a reason, in the audit log.
pub async fn edit(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    edit: IndicatorEdit,
    reason: &str,
) -> AppResult<indicator::Model> {
    let reason = require_reason(reason)?;
    let mut work = UnitOfWork::begin(state).await?;
    let txn = work.db();
    let current = get(txn, code).await?;
    if !may_edit(viewer, current.network_code.as_deref()) {
        return Err(AppError::forbidden(match &current.network_code {
            Some(n) => format!(
                "Only NATIONAL_ADMIN or the {n} network team may edit the local indicator {code}."
            ),
            None => format!("Only NATIONAL_ADMIN may edit the national indicator {code}."),
        }));
    }
    for length in [edit.spc_trend_length, edit.spc_shift_length]
        .into_iter()
        .flatten()
    {
        if !(5..=12).contains(&length) {
            return Err(AppError::bad_input(
                "SPC trend and shift lengths run from 5 to 12 points (Making Data Count uses 7).",
            ));
        }
    }
    if let Some(method) = edit.funnel_method {
        check_method(current.kind, method)?;
    }
    if let Some(dates) = &edit.spc_rebase_on
        && let Some(problem) = dates
            .iter()
            .find_map(|d| period_problem(current.frequency, *d))
    {
        return Err(AppError::bad_input(format!(
            "A rebase date must start a period: {problem}."
        )));
    }
    if let Some(name) = &edit.name
        && name.trim().is_empty()
    {
        return Err(AppError::bad_input("An indicator needs a name."));
    }
    let before = snapshot(&current);
    let version = current.version + 1;
    let mut row = current.into_active_model();
    if let Some(name) = edit.name {
        row.name = Set(name.trim().to_owned());
    }
    if let Some(direction) = edit.direction {
        row.direction = Set(direction);
    }
    if let Some(target) = edit.target {
        row.target = Set(target);
    }
    if let Some(method) = edit.funnel_method {
        row.funnel_method = Set(method);
    }
    if let Some(n) = edit.spc_trend_length {
        row.spc_trend_length = Set(n);
    }
    if let Some(n) = edit.spc_shift_length {
        row.spc_shift_length = Set(n);
    }
    if let Some(screen) = edit.spc_screen_moving_ranges {
        row.spc_screen_moving_ranges = Set(screen);
    }
    if let Some(mut dates) = edit.spc_rebase_on {
        dates.sort();
        dates.dedup();
        row.spc_rebase_on = Set(json!(dates));
    }
    row.version = Set(version);
    row.updated_at = Set(work.now);
    let updated = row.update(txn).await?;
    work.audit(
        viewer,
        Change {
            action: "EDIT_INDICATOR",
            subject: Subject::Indicator,
            key: code,
            before: Some(before),
            after: Some(snapshot(&updated)),
            reason: &reason,
        },
    )
    .await?;
    work.commit().await?;
    Ok(updated)
}

/// Adds a network's local indicator, with a reason, in the audit log.
pub async fn define_local(
    state: &AppState,
    viewer: &Viewer,
    new: LocalIndicator,
    reason: &str,
) -> AppResult<indicator::Model> {
    let reason = require_reason(reason)?;
    if !may_edit(viewer, Some(&new.network)) {
        return Err(AppError::forbidden(format!(
            "Only NATIONAL_ADMIN or the {} network team may define its local indicators.",
            new.network
        )));
    }
    let code = new.code.trim().to_uppercase();
    let prefix = format!("{}_", new.network);
    if !code.starts_with(&prefix)
        || code.len() > 48
        || !code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(AppError::bad_input(format!(
            "A local indicator's code starts with its network's code ({prefix}…), is at most 48 characters and uses A-Z, 0-9 and _."
        )));
    }
    if new.name.trim().is_empty() || new.unit.trim().is_empty() {
        return Err(AppError::bad_input(
            "A local indicator needs a name and a unit.",
        ));
    }
    if new.kind == IndicatorKind::Attestation && new.level == IndicatorLevel::Provider {
        return Err(AppError::bad_input(
            "Attestations are made by a network: use level NETWORK.",
        ));
    }
    check_method(new.kind, new.funnel_method)?;
    let mut work = UnitOfWork::begin(state).await?;
    let txn = work.db();
    super::network::referenced(txn, &new.network).await?;
    if indicator::Entity::find_by_id(code.clone())
        .one(txn)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(format!(
            "An indicator with the code {code} already exists."
        )));
    }
    let model = indicator::ActiveModel {
        code: Set(code.clone()),
        name: Set(new.name.trim().to_owned()),
        indicator_group: Set("LOCAL".to_owned()),
        kind: Set(new.kind),
        unit: Set(new.unit.trim().to_owned()),
        direction: Set(new.direction),
        target: Set(new.target),
        source: Set(IndicatorSource::Network),
        frequency: Set(new.frequency),
        level: Set(new.level),
        funnel_method: Set(new.funnel_method),
        spc_trend_length: Set(7),
        spc_shift_length: Set(7),
        spc_screen_moving_ranges: Set(false),
        spc_rebase_on: Set(json!([])),
        derivation: Set(None),
        network_code: Set(Some(new.network.clone())),
        version: Set(1),
        updated_at: Set(work.now),
    }
    .insert(txn)
    .await?;
    work.audit(
        viewer,
        Change {
            action: "DEFINE_LOCAL_INDICATOR",
            subject: Subject::Indicator,
            key: &code,
            before: None,
            after: Some(snapshot(&model)),
            reason: &reason,
        },
    )
    .await?;
    work.commit().await?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn periods_start_on_the_frequency_s_boundaries() {
        assert!(period_problem(Frequency::Monthly, d("2026-05-01")).is_none());
        assert!(period_problem(Frequency::Monthly, d("2026-05-02")).is_some());
        assert!(period_problem(Frequency::Quarterly, d("2026-07-01")).is_none());
        assert!(period_problem(Frequency::Quarterly, d("2026-05-01")).is_some());
        assert!(period_problem(Frequency::Annual, d("2026-04-01")).is_none());
        assert!(period_problem(Frequency::Annual, d("2026-01-01")).is_some());
    }

    #[test]
    fn labels_follow_the_financial_year() {
        assert_eq!(
            period_label(Frequency::Monthly, d("2026-04-01")),
            "Apr 2026"
        );
        assert_eq!(
            period_label(Frequency::Quarterly, d("2026-04-01")),
            "2026/27 Q1"
        );
        assert_eq!(
            period_label(Frequency::Quarterly, d("2027-01-01")),
            "2026/27 Q4"
        );
        assert_eq!(period_label(Frequency::Annual, d("2026-04-01")), "2026/27");
    }

    #[test]
    fn segments_are_the_minimum_inequality_set_and_the_residence_icb() {
        let problem = |kind: &str, value: &str| {
            segment_problem(kind, value, IndicatorLevel::Provider, |c| c == "QRL")
        };
        assert!(problem(TOTAL, "").is_none());
        assert!(problem("SEX", "FEMALE").is_none());
        assert!(problem("SEX", "F").is_some());
        assert!(problem("POSTCODE", "SO16").is_some());
        assert!(problem("RESIDENCE_ICB", "QRL").is_none());
        assert!(problem("RESIDENCE_ICB", "SO16").is_some());
        assert!(
            segment_problem("RESIDENCE_ICB", "QRL", IndicatorLevel::Network, |_| true).is_some(),
            "a network's value has no residence breakdown"
        );
    }
}
