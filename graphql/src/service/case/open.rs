//! Opening a case.

use entities::enums::IndicatorKind;

use super::*;
use crate::service::analysis::{self, Window};
use crate::service::indicator;
use crate::stats::funnel::{self, OutlierStatus};

/// Opens a case (the registry). Categories 1 and 2 are recorded as referred to the Trust's own
/// processes and closed; category 3 about an implant goes to the ODEP spine members; everything
/// else starts stage 1 (BSR Cause for Concern Policy, January 2026, "Categories" and Tables 1-2).
pub async fn open(state: &AppState, caller: &Caller<'_>, new: NewCase) -> AppResult<case::Model> {
    caller
        .viewer
        .require_any(&[Role::RegistryAnalyst], "open a cause-for-concern case")?;
    if !(1..=4).contains(&new.category) {
        return Err(AppError::bad_input(format!(
            "category must be 1 (single case record), 2 (cluster of cases), 3 (emerging aggregate \
             data) or 4 (PROMs/PREMs); got {}.",
            new.category
        )));
    }
    let summary = required_text("summary", &new.summary, 4000)?;
    if new.evidence.len() > 20 {
        return Err(AppError::bad_input(
            "At most 20 evidence links; link to a page that lists the rest.",
        ));
    }
    for link in &new.evidence {
        if link.label.trim().is_empty() || link.label.chars().count() > 200 {
            return Err(AppError::bad_input(
                "Every evidence link needs a label of 1 to 200 characters.",
            ));
        }
        if !(link.url.starts_with("https://") || link.url.starts_with("http://"))
            || link.url.len() > 2000
        {
            return Err(AppError::bad_input(format!(
                "Evidence link \"{}\" is not an http(s) URL.",
                link.url
            )));
        }
    }
    let implant = new
        .implant
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty());
    let provider_ods = new
        .provider_ods
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    match (provider_ods, implant) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(AppError::bad_input(
                "A case is about a provider (providerOds) or, for category 3, an implant \
                 (implant): give exactly one.",
            ));
        }
        (None, Some(_)) if new.category != 3 => {
            return Err(AppError::bad_input(
                "Only category 3 (emerging aggregate data) concerns may be about an implant.",
            ));
        }
        _ => {}
    }
    let mut work = UnitOfWork::begin(state).await?;
    let (today, now) = (work.today, work.now);
    let txn = work.db();
    let (jurisdiction, network_code) = match provider_ods {
        Some(ods) => {
            let provider = provider::Entity::find_by_id(ods.to_owned())
                .one(txn)
                .await?
                .ok_or_else(|| AppError::not_found("provider", ods))?;
            let network = entities::network_membership::Entity::find()
                .select_only()
                .column(entities::network_membership::Column::NetworkCode)
                .filter(entities::network_membership::Column::ProviderOds.eq(ods))
                .filter(in_force_on(
                    entities::network_membership::Column::ValidFrom,
                    entities::network_membership::Column::ValidTo,
                    today,
                ))
                .into_tuple::<String>()
                .one(txn)
                .await?;
            (provider.nation, network)
        }
        // Implant concerns go to UK-wide bodies (ODEP, MHRA); they follow England's table.
        None => (Nation::England, None),
    };
    let policy = policy(txn, jurisdiction, None).await?;
    // References are numbered per year: concurrent opens on PostgreSQL take turns drawing the
    // next number (SQLite's write lock already serialises them).
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({CASE_REFERENCE_LOCK})"),
        ))
        .await?;
    }
    let seq: Option<i32> = case::Entity::find()
        .select_only()
        .column_as(case::Column::Seq.max(), "max")
        .filter(case::Column::Year.eq(today.year()))
        .into_tuple::<Option<i32>>()
        .one(txn)
        .await?
        .flatten();
    let seq = seq.unwrap_or(0) + 1;
    let calendar = WorkingCalendar::load(txn).await?;
    let mut case = case::Model {
        id: 0,
        reference: format!("CFC-{}-{seq:04}", today.year()),
        year: today.year(),
        seq,
        category: new.category,
        provider_ods: provider_ods.map(str::to_owned),
        implant: implant.map(str::to_owned),
        network_code,
        jurisdiction,
        policy_version: policy.version,
        step: CaseStep::Examining,
        stage: None,
        reached_stage: 0,
        stage_started_on: today,
        due_on: None,
        overdue_flagged: false,
        plan: json!({}),
        summary,
        evidence: serde_json::to_value(&new.evidence).map_err(AppError::internal)?,
        response: None,
        no_response: false,
        ground: None,
        call_recorded_at: None,
        regulator_informed: None,
        commissioners_informed_at: None,
        associate_director_sub: None,
        associate_director_name: None,
        associate_director_email: None,
        outcome: None,
        urgent: false,
        lead_sub: Some(caller.viewer.sub.clone()),
        lead_name: Some(caller.viewer.name.clone()),
        lead_email: caller.viewer.email.clone(),
        opened_at: now,
        closed_at: None,
        version: 1,
    };
    let mut letters = Vec::new();
    if new.category <= 2 {
        case.step = CaseStep::Closed;
        case.outcome = Some(CaseOutcome::ReferredToTrust);
        case.closed_at = Some(now);
    } else if implant.is_some() {
        case.step = CaseStep::OdepReview;
        letters.push(LetterPlan {
            event: "ODEP_REPORT",
            stage: None,
            to: vec![MailParty::Odep],
            cc: vec![],
            source: "BSR Cause for Concern Policy, January 2026, category 3: implant concerns are \
                     reported to the ODEP spine members"
                .into(),
            tag: "odep".into(),
            message: "An emerging aggregate-data concern about this implant is reported to the \
                      ODEP spine members for review."
                .into(),
        });
    } else {
        let rule = policy
            .stages
            .iter()
            .find(|s| s.stage == 1)
            .ok_or_else(|| AppError::not_found("policy stage", "1"))?;
        case.stage = Some(1);
        case.reached_stage = 1;
        case.due_on = u32::try_from(rule.limit_working_days)
            .ok()
            .and_then(|days| calendar.add_working_days(today, days));
    }
    let mut active = case.clone().into_active_model();
    active.id = NotSet;
    let inserted = case::Entity::insert(active)
        .exec_with_returning(txn)
        .await
        .map_err(|e| match e.sql_err() {
            // Two cases opened at the same instant drew the same number.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::conflict(
                "Another case was opened at the same moment; open this one again.",
            ),
            _ => e.into(),
        })?;
    let change = Recorded {
        before: None,
        case: &inserted,
        actor: &Actor::from(caller.viewer),
        at: now,
        action: "OPENED",
        rationale: None,
        detail: Some(json!({ "category": inserted.category, "outcome": inserted.outcome })),
        letters: &letters,
        justification: None,
        event: None,
    };
    change.write(&mut work).await?;
    work.commit().await?;
    Ok(inserted)
}

/// A provider's funnel alarm on an indicator, as the registry asks to open a case from it.
pub struct Outlier {
    pub indicator: String,
    pub provider_ods: String,
    pub window: Window,
    pub summary: String,
}

/// Indicators that measure participation (how many procedure forms and EQ5D questionnaires
/// were returned), not outcomes: BSR Cause for Concern Policy, January 2026, Scope (compliance
/// "too low to confidently identify outliers") and category 4 ("it is not possible to define a
/// level at which PROMs or PREMs could be considered a cause for concern"). No funnel alarm on
/// them opens a case; a person may still open a category-4 case by hand, with its rationale.
pub const PARTICIPATION_INDICATORS: [&str; 3] =
    ["BSR_PROCEDURE_FORMS", "BSR_EQ5D_6_WEEKS", "BSR_EQ5D_1_YEAR"];

/// Opens a case about a provider that is a negative alarm (beyond the 99.8% limit on the worse
/// side) on the indicator's funnel for the window (*Clinical audits and registries: a best
/// practice guide* §4.3), with the evidence attached: indicator, window, value, limits, z-score
/// and method. Always category 3 (emerging aggregate data); participation measures are refused.
pub async fn open_from_outlier(
    state: &AppState,
    caller: &Caller<'_>,
    outlier: Outlier,
) -> AppResult<case::Model> {
    caller
        .viewer
        .require_any(&[Role::RegistryAnalyst], "open a cause-for-concern case")?;
    let ind = indicator::referenced(&state.db, &outlier.indicator).await?;
    if PARTICIPATION_INDICATORS.contains(&ind.code.as_str()) {
        return Err(AppError::bad_input(format!(
            "{} measures participation (forms and questionnaires returned), not outcomes: the BSR Cause for Concern Policy defines no level at which it is a cause for concern, so no case opens from its funnel. Open a category-4 case by hand (openCase) with your rationale if you must.",
            ind.code
        )));
    }
    let map = state.org_map_today().await?;
    let view =
        analysis::funnel_plot(&state.db, &map, caller.scope, &ind, outlier.window, false).await?;
    let percent = ind.kind == IndicatorKind::Proportion;
    let scale = if percent { 100.0 } else { 1.0 };
    let Some(row) = view
        .rows
        .iter()
        .find(|r| r.organisation == outlier.provider_ods)
    else {
        return Err(AppError::bad_input(format!(
            "{} has no {} values in this window, or is outside your scope.",
            outlier.provider_ods, ind.code
        )));
    };
    if funnel::status(row.point.band, ind.direction.into()) != OutlierStatus::NegativeAlarm {
        return Err(AppError::bad_input(format!(
            "{} is not a negative alarm on {} between {} and {}: only a point beyond the 99.8% limit on the worse side opens a case from the funnel.",
            outlier.provider_ods, ind.code, outlier.window.from, outlier.window.to
        )));
    }
    let unit = if percent { "%" } else { "" };
    let limits = row.point.limits;
    let label = format!(
        "Funnel alarm {} {}..{}: {:.1}{unit} on {:.1} (alarm {:.1}-{:.1}{unit}, z {:.2}, target {:.1}{unit}, {:?}{})",
        ind.code,
        outlier.window.from,
        outlier.window.to,
        row.point.value * scale,
        row.point.denominator,
        limits.alarm_low * scale,
        limits.alarm_high * scale,
        row.point.z,
        view.chart.target * scale,
        view.method,
        if view.chart.adjusted {
            ", over-dispersion adjusted"
        } else {
            ""
        },
    );
    let url = format!(
        "{}/indicators/{}/funnel?from={}&to={}",
        state.mail.public_url.trim_end_matches('/'),
        ind.code,
        outlier.window.from,
        outlier.window.to
    );
    let new = NewCase {
        provider_ods: Some(outlier.provider_ods.clone()),
        implant: None,
        category: 3,
        summary: outlier.summary,
        evidence: vec![EvidenceLink { label, url }],
    };
    open(state, caller, new).await
}
