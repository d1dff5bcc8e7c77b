//! The generic network indicators the portal can see for itself (Spinal Services Clinical
//! Network Specification §7, item 1: "There is an annual workplan agreed with the network's
//! commissioners"; "The annual workplan includes at least one quality improvement initiative";
//! "An annual report is produced … The report includes a financial statement"). The catalogue
//! names them by their `derivation`; they are recomputed from the plans and the report of a
//! network's year in the unit of work of every change to those, written as ordinary annual
//! values (so values, series, aggregates and SPC read them like any other), and refused when
//! typed in.

use entities::enums::{AnnualReportStatus, ValueStatus, WorkplanStatus};
use entities::indicator_value::TOTAL;
use entities::{annual_report, indicator, workplan, workplan_deliverable};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::FinancialYear;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::service::submission::{Submitted, write_in};
use crate::service::unit_of_work::UnitOfWork;

/// Every frozen ICB agreed a version of the year's plan.
pub const WORKPLAN_AGREED: &str = "WORKPLAN_AGREED";
/// The agreed version has a quality-improvement deliverable.
pub const WORKPLAN_QI_INITIATIVE: &str = "WORKPLAN_QI_INITIATIVE";
/// The year's annual report is published (it cannot be without its financial statement).
pub const ANNUAL_REPORT_WITH_FINANCES: &str = "ANNUAL_REPORT_WITH_FINANCES";

/// Where a derived indicator's values come from, for the refusal of a typed-in one.
pub fn derivation_source(derivation: &str) -> &'static str {
    match derivation {
        WORKPLAN_AGREED => {
            "it is 1 once every ICB that must agree the network's workplan for the year (the footprint frozen at submission, a closed ICB's successors in its place) has agreed it (agreeWorkplanForIcb), before the region's sign-off."
        }
        WORKPLAN_QI_INITIATIVE => {
            "it is 1 when the agreed version of the year's workplan has a quality-improvement deliverable."
        }
        ANNUAL_REPORT_WITH_FINANCES => {
            "it is 1 once the network's annual report for the year is published with its financial statement (publishAnnualReport)."
        }
        _ => "the portal computes it from the network's own records.",
    }
}

/// Recomputes the derived indicators of `network`'s `year` and writes any that changed. A year
/// with neither a plan nor a report has no values (non-participation shows as such).
pub(crate) async fn rederive(
    work: &mut UnitOfWork<'_>,
    network: &str,
    year: FinancialYear,
) -> AppResult<()> {
    let db = work.db();
    let derived = indicator::Entity::find()
        .filter(indicator::Column::Derivation.is_not_null())
        .all(db)
        .await?;
    let plans = workplan::Entity::find()
        .filter(workplan::Column::NetworkCode.eq(network))
        .filter(workplan::Column::FinancialYear.eq(year.0))
        .all(db)
        .await?;
    let report = annual_report::Entity::find()
        .filter(annual_report::Column::NetworkCode.eq(network))
        .filter(annual_report::Column::FinancialYear.eq(year.0))
        .one(db)
        .await?;
    if plans.is_empty() && report.is_none() {
        return Ok(());
    }
    let agreed = |p: &&workplan::Model| {
        matches!(
            p.status,
            WorkplanStatus::AgreedByIcbs | WorkplanStatus::InDelivery | WorkplanStatus::Superseded
        )
    };
    // The version the commissioners agreed that counts: the one in force, else one every ICB
    // has agreed and the region has yet to sign off.
    let counted = plans
        .iter()
        .find(|p| p.status == WorkplanStatus::InDelivery)
        .or_else(|| {
            plans
                .iter()
                .find(|p| p.status == WorkplanStatus::AgreedByIcbs)
        });
    let has_qi = match counted {
        Some(plan) => {
            workplan_deliverable::Entity::find()
                .filter(workplan_deliverable::Column::WorkplanId.eq(plan.id))
                .filter(workplan_deliverable::Column::QualityImprovement.eq(true))
                .count(db)
                .await?
                > 0
        }
        None => false,
    };
    let published = report.as_ref().is_some_and(|r| {
        r.status == AnnualReportStatus::Published && r.financial_statement.is_some()
    });
    let rows: Vec<Submitted> = derived
        .iter()
        .filter_map(|indicator| {
            let yes = match indicator.derivation.as_deref()? {
                WORKPLAN_AGREED => plans.iter().any(|p| agreed(&p)),
                WORKPLAN_QI_INITIATIVE => has_qi,
                ANNUAL_REPORT_WITH_FINANCES => published,
                _ => return None,
            };
            Some(Submitted {
                indicator: indicator.code.clone(),
                organisation: network.to_owned(),
                period: year.first_day(),
                segment_kind: TOTAL.to_owned(),
                segment_value: String::new(),
                numerator: None,
                denominator: None,
                value: Some(if yes { 1.0 } else { 0.0 }),
                status: ValueStatus::Validated,
            })
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let portal = Viewer::portal(
        "portal-derivation",
        "Portal (derived from workplans and annual reports)",
    );
    write_in(
        work,
        &portal,
        rows,
        "DERIVED",
        Some(&format!(
            "derived from {network}'s workplans and annual report for {}",
            year.label()
        )),
    )
    .await?;
    Ok(())
}
