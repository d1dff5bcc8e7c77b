//! The generic network indicators the portal can see for itself (Spinal Services Clinical
//! Network Specification §7, item 1: "There is an annual workplan agreed with the network's
//! commissioners"; "The annual workplan includes at least one quality improvement initiative";
//! "An annual report is produced … The report includes a financial statement"). The catalogue
//! names them by their `derivation`; they are recomputed from the plans, the report, the
//! document register and the posts of a network's year in the unit of work of every change to
//! those, written as ordinary annual values (so values, series, aggregates and SPC read them
//! like any other), and refused when typed in.

use entities::enums::{
    AnnualReportStatus, DocumentStatus, NetworkPost, ValueStatus, WorkplanStatus,
};
use entities::indicator_value::TOTAL;
use entities::{
    annual_report, governance_document, indicator, network_post, workplan, workplan_deliverable,
};
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

/// The network's clinical lead and manager posts were both held in the year ("a network
/// management team in post", §7.1): each for at least a day of it (a choice; the specification
/// gives no minimum).
pub const MANAGEMENT_TEAM_IN_POST: &str = "MANAGEMENT_TEAM_IN_POST";

/// The prefix of the derivations a governance document of the register proves
/// (`service::document::derivation_of`).
pub const DOCUMENT: &str = "DOCUMENT_";

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
        MANAGEMENT_TEAM_IN_POST => {
            "it is 1 for a year in which the network's clinical lead and manager posts were both held (appointToNetworkPost)."
        }
        document if document.starts_with(DOCUMENT) => {
            "it is 1 for a year in which the network's document of that kind is in force with every signature it needs (registerGovernanceDocument, signGovernanceDocument)."
        }
        _ => "the portal computes it from the network's own records.",
    }
}

/// Recomputes the derived indicators of `network`'s `year` and writes any that changed. The
/// workplan ones are written once the network has a plan or report for the year, the document
/// ones once it has registered a document; before that the year has no value (non-participation
/// shows as such).
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
    // The documents of the register in force on some day of the year.
    let documents = governance_document::Entity::find()
        .filter(governance_document::Column::NetworkCode.eq(network))
        .all(db)
        .await?;
    let in_force: Vec<&str> = documents
        .iter()
        .filter(|d| {
            matches!(
                d.status,
                DocumentStatus::InForce | DocumentStatus::Superseded
            ) && d.effective_from <= year.last_day()
        })
        .filter_map(|d| crate::service::document::derivation_of(d.kind))
        .collect();
    let posts = network_post::Entity::find()
        .filter(network_post::Column::NetworkCode.eq(network))
        .filter(network_post::Column::Post.ne(NetworkPost::Chair))
        .all(db)
        .await?;
    let held_in_year = |post: NetworkPost| {
        posts.iter().any(|p| {
            p.post == post
                && p.valid_from <= year.last_day()
                && p.valid_to.is_none_or(|to| to >= year.first_day())
        })
    };
    let team_in_post =
        held_in_year(NetworkPost::ClinicalLead) && held_in_year(NetworkPost::Manager);
    let has_plans = !plans.is_empty() || report.is_some();
    if !has_plans && documents.is_empty() && posts.is_empty() {
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
                WORKPLAN_AGREED if has_plans => plans.iter().any(|p| agreed(&p)),
                WORKPLAN_QI_INITIATIVE if has_plans => has_qi,
                ANNUAL_REPORT_WITH_FINANCES if has_plans => published,
                // Once the network records its posts; an earlier attestation stays until then.
                MANAGEMENT_TEAM_IN_POST if !posts.is_empty() => team_in_post,
                // Only the kinds the network has registered a document of: a value it attested
                // before the register existed stays until then.
                document
                    if document.starts_with(DOCUMENT)
                        && documents.iter().any(|d| {
                            crate::service::document::derivation_of(d.kind) == Some(document)
                        }) =>
                {
                    in_force.contains(&document)
                }
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
        "Portal (derived from the network's workplans, reports, documents and posts)",
    );
    write_in(
        work,
        &portal,
        rows,
        "DERIVED",
        Some(&format!(
            "derived from {network}'s workplans, annual report, documents and posts for {}",
            year.label()
        )),
    )
    .await?;
    Ok(())
}
