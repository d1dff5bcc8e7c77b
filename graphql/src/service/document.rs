//! The register of a network's agreed documents (Spinal Services Clinical Network
//! Specification §5.1: "memoranda of understanding between ICBs, providers and the network";
//! §5.3; §7.1: "an agreed plan for patient and public voice engagement", "a plan, agreed with
//! the network's commissioners", "a plan, agreed with network members", "appropriate data
//! sharing agreements between network partners", "a network agreed research strategy").
//!
//! The network team registers a document; the parties that must agree it are frozen then, as
//! the specification names them for its kind (`parties_for`); each party signs (the network by
//! its NETWORK_CHAIR, an ICB by its ICB_COMMISSIONER, a provider by its PROVIDER_CEO); with the
//! last signature it is in force and replaces the earlier version. The generic indicators such a
//! document proves are derived from the register (`workplan::rederive`).

use std::collections::BTreeSet;

use entities::enums::{DocumentKind, DocumentStatus, Party};
use entities::{document_signature, governance_document};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::scope::Scope;
use crate::auth::{GrantScope, Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::{Event, GovernanceChange, GovernanceChangeKind};
use crate::org_map::OrgSnapshot;
use crate::service::audit::{Change, Subject};
use crate::service::unit_of_work::{UnitOfWork, conflict_if_taken};
use crate::service::workplan::{FinancialYear, TEAM, require_network_role};
use crate::state::AppState;

/// A party that must agree a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    pub kind: Party,
    pub code: String,
}

/// Who must agree a document of `kind`, as the specification words it, from the organisation
/// map of the day it is registered.
pub fn parties_for(kind: DocumentKind, network: &str, map: &OrgSnapshot) -> Vec<Signatory> {
    let the_network = || Signatory {
        kind: Party::Network,
        code: network.to_owned(),
    };
    let icbs = || -> BTreeSet<String> {
        map.footprints
            .iter()
            .filter(|(n, _)| n == network)
            .map(|(_, i)| i.clone())
            .collect()
    };
    let members = || -> BTreeSet<String> {
        map.memberships
            .iter()
            .filter(|(n, _)| n == network)
            .map(|(_, p)| p.clone())
            .collect()
    };
    let as_party = |kind: Party, codes: BTreeSet<String>| {
        codes.into_iter().map(move |code| Signatory { kind, code })
    };
    match kind {
        // "memoranda of understanding between ICBs, providers and the network" (§5.1)
        DocumentKind::Mou => std::iter::once(the_network())
            .chain(as_party(Party::Icb, icbs()))
            .chain(as_party(Party::Provider, members()))
            .collect(),
        // The escalation route runs to the commissioners: they agree it with the network.
        DocumentKind::EscalationSop => std::iter::once(the_network())
            .chain(as_party(Party::Icb, icbs()))
            .collect(),
        // "a gap analysis and a plan, agreed with the network's commissioners" (§7.1)
        DocumentKind::NeedsGapAnalysis => as_party(Party::Icb, icbs()).collect(),
        // "agreed with network members" (§7.1); data sharing "between network partners"
        DocumentKind::WorkforcePlan
        | DocumentKind::TrainingPlan
        | DocumentKind::DataNeedsPlan
        | DocumentKind::DataSharingAgreement => as_party(Party::Provider, members()).collect(),
        // "network agreed" (§7.1): the board, through its chair.
        DocumentKind::TermsOfReference
        | DocumentKind::PpvPlan
        | DocumentKind::ResearchStrategy
        | DocumentKind::Pathway => vec![the_network()],
    }
}

pub fn parties(document: &governance_document::Model) -> AppResult<Vec<Signatory>> {
    serde_json::from_value(document.parties.clone()).map_err(AppError::internal)
}

/// The derivation of the generic indicator a document of `kind` proves, if any.
pub fn derivation_of(kind: DocumentKind) -> Option<&'static str> {
    Some(match kind {
        DocumentKind::PpvPlan => "DOCUMENT_PPV_PLAN",
        DocumentKind::NeedsGapAnalysis => "DOCUMENT_NEEDS_GAP_ANALYSIS",
        DocumentKind::Pathway => "DOCUMENT_PATHWAYS",
        DocumentKind::WorkforcePlan => "DOCUMENT_WORKFORCE_PLAN",
        DocumentKind::TrainingPlan => "DOCUMENT_TRAINING_PLAN",
        DocumentKind::DataSharingAgreement => "DOCUMENT_DATA_SHARING_AGREEMENT",
        DocumentKind::DataNeedsPlan => "DOCUMENT_DATA_NEEDS_PLAN",
        DocumentKind::ResearchStrategy => "DOCUMENT_RESEARCH_STRATEGY",
        DocumentKind::TermsOfReference | DocumentKind::Mou | DocumentKind::EscalationSop => {
            return None;
        }
    })
}

/// Those who reach the network's governance read its register; a provider reads the documents
/// it is a party to.
pub fn readable(scope: &Scope, document: &governance_document::Model) -> bool {
    scope.governance.contains(&document.network_code)
        || parties(document).is_ok_and(|parties| {
            parties
                .iter()
                .any(|p| p.kind == Party::Provider && scope.own_providers.contains(&p.code))
        })
}

pub async fn find_visible(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
) -> AppResult<governance_document::Model> {
    governance_document::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|d| readable(scope, d))
        .ok_or_else(|| AppError::not_found("governance document", &id.to_string()))
}

/// The documents the caller reads, optionally of one network.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    network: Option<&str>,
) -> AppResult<Vec<governance_document::Model>> {
    let mut reach = Condition::any();
    if !scope.governance.is_empty() {
        reach = reach.add(governance_document::Column::NetworkCode.is_in(scope.governance.iter()));
    }
    if !scope.own_providers.is_empty() {
        // Candidates by network; the party check is exact below.
        reach = reach.add(governance_document::Column::NetworkCode.is_in(scope.networks.iter()));
    }
    let mut query = governance_document::Entity::find().filter(reach);
    if let Some(network) = network {
        query = query.filter(governance_document::Column::NetworkCode.eq(network.trim()));
    }
    Ok(query
        .order_by_asc(governance_document::Column::NetworkCode)
        .order_by_asc(governance_document::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|d| readable(scope, d))
        .collect())
}

/// A document as registered.
pub struct NewDocument {
    pub network: String,
    pub kind: DocumentKind,
    pub topic: Option<String>,
    pub title: String,
    pub version_label: String,
    pub link: Option<String>,
    pub effective_from: chrono::NaiveDate,
    pub review_on: chrono::NaiveDate,
}

fn label(document: &governance_document::Model) -> String {
    format!(
        "{} {:?} \"{}\" {}",
        document.network_code, document.kind, document.title, document.version_label
    )
}

async fn announce(
    work: &mut UnitOfWork<'_>,
    actor: &Viewer,
    action: &str,
    document: &governance_document::Model,
    kind: GovernanceChangeKind,
    party: Option<&Signatory>,
) -> AppResult<()> {
    let key = label(document);
    work.audit(
        actor,
        Change {
            action,
            subject: Subject::GovernanceDocument,
            key: &key,
            before: None,
            after: Some(
                json!({ "documentId": document.id, "status": document.status, "party": party }),
            ),
            reason: action,
        },
    )
    .await?;
    work.publish(Event::GovernanceChanged(GovernanceChange {
        document_id: Some(document.id),
        document_kind: Some(document.kind),
        party: party.map(|p| p.code.clone()),
        ..GovernanceChange::of(kind, &document.network_code, work.now)
    }))
    .await
}

/// The network team registers a document; the parties that must agree it are frozen now.
pub async fn register(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    new: NewDocument,
) -> AppResult<governance_document::Model> {
    let network = new.network.trim().to_owned();
    if !scope.governance.contains(&network) {
        return Err(AppError::not_found("network", &network));
    }
    require_network_role(viewer, &TEAM, &network, "register its governance documents")?;
    let title = new.title.trim();
    if title.is_empty() || new.version_label.trim().is_empty() {
        return Err(AppError::bad_input(
            "Give the document a title and a version label.",
        ));
    }
    let topic = new
        .topic
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if (new.kind == DocumentKind::Pathway) != topic.is_some() {
        return Err(AppError::bad_input(
            "A PATHWAY names its topic (e.g. \"National Suspected Cauda Equina Syndrome Pathway\"); other kinds take none.",
        ));
    }
    if new.review_on <= new.effective_from {
        return Err(AppError::bad_input(format!(
            "reviewOn {} is not after effectiveFrom {}.",
            new.review_on, new.effective_from
        )));
    }
    let map = state.org_map_today().await?;
    let parties = parties_for(new.kind, &network, &map);
    if parties.is_empty() {
        return Err(AppError::bad_input(format!(
            "{network} has no party today that could agree a {:?} (no footprint ICB or member provider).",
            new.kind
        )));
    }
    let mut work = UnitOfWork::begin(state).await?;
    let document = governance_document::Entity::insert(governance_document::ActiveModel {
        id: NotSet,
        network_code: Set(network),
        kind: Set(new.kind),
        topic: Set(topic),
        title: Set(title.to_owned()),
        version_label: Set(new.version_label.trim().to_owned()),
        link: Set(new
            .link
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())),
        effective_from: Set(new.effective_from),
        review_on: Set(new.review_on),
        status: Set(DocumentStatus::InSignature),
        parties: Set(serde_json::to_value(&parties).map_err(AppError::internal)?),
        in_force_at: Set(None),
        created_at: Set(work.now),
        review_due_announced: Set(false),
        version: Set(1),
    })
    .exec_with_returning(work.db())
    .await?;
    announce(
        &mut work,
        viewer,
        "DOCUMENT_REGISTERED",
        &document,
        GovernanceChangeKind::DocumentRegistered,
        None,
    )
    .await?;
    // From its first document the network's document indicators have a value (0 until one is
    // in force).
    let year = FinancialYear::of(work.today);
    crate::service::workplan::rederive(&mut work, &document.network_code, year).await?;
    work.commit().await?;
    Ok(document)
}

/// Which role signs for a kind of party.
fn signer_role(kind: Party) -> Role {
    match kind {
        Party::Network => Role::NetworkChair,
        Party::Icb => Role::IcbCommissioner,
        Party::Provider | Party::Region => Role::ProviderCeo,
    }
}

/// A party signs; with the last signature the document is in force and the version it replaces
/// is superseded.
pub async fn sign(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    party: Signatory,
) -> AppResult<governance_document::Model> {
    let mut work = UnitOfWork::begin(state).await?;
    let document = find_visible(work.db(), scope, id).await?;
    let role = signer_role(party.kind);
    let grant = match party.kind {
        Party::Network => GrantScope::Network(party.code.clone()),
        Party::Icb => GrantScope::Icb(party.code.clone()),
        Party::Provider | Party::Region => GrantScope::Provider(party.code.clone()),
    };
    if !viewer.holds(role, &grant) {
        return Err(AppError::forbidden(format!(
            "Only a {} of {} may sign for it.",
            role.as_str(),
            party.code
        )));
    }
    let required = parties(&document)?;
    if !required.contains(&party) {
        return Err(AppError::forbidden(format!(
            "{} is not a party to {}; its parties are {}.",
            party.code,
            label(&document),
            required
                .iter()
                .map(|p| p.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if document.status != DocumentStatus::InSignature {
        return Err(AppError::bad_input(format!(
            "{} is no longer waiting for signatures.",
            label(&document)
        )));
    }
    // Takes the rows of every version of this kind of the network's documents: signatures
    // queue, the last one sees all the others, and two versions never come into force at once.
    governance_document::Entity::update_many()
        .col_expr(
            governance_document::Column::Version,
            Expr::col(governance_document::Column::Version).add(1),
        )
        .filter(governance_document::Column::NetworkCode.eq(document.network_code.as_str()))
        .filter(governance_document::Column::Kind.eq(document.kind))
        .exec(work.db())
        .await?;
    document_signature::Entity::insert(document_signature::ActiveModel {
        id: NotSet,
        document_id: Set(document.id),
        party_kind: Set(party.kind),
        party_code: Set(party.code.clone()),
        signer_sub: Set(viewer.sub.clone()),
        signer_name: Set(viewer.name.clone()),
        signed_at: Set(work.now),
    })
    .exec(work.db())
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            format!("{} has signed {} already.", party.code, label(&document))
        })
    })?;
    let signed: Vec<(Party, String)> = document_signature::Entity::find()
        .filter(document_signature::Column::DocumentId.eq(document.id))
        .all(work.db())
        .await?
        .into_iter()
        .map(|s| (s.party_kind, s.party_code))
        .collect();
    let complete = required
        .iter()
        .all(|p| signed.contains(&(p.kind, p.code.clone())));
    let mut document = governance_document::Entity::find_by_id(document.id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("governance document", &id.to_string()))?;
    announce(
        &mut work,
        viewer,
        "DOCUMENT_SIGNED",
        &document,
        GovernanceChangeKind::DocumentSigned,
        Some(&party),
    )
    .await?;
    if complete {
        let in_force: Vec<governance_document::Model> = governance_document::Entity::find()
            .filter(governance_document::Column::NetworkCode.eq(document.network_code.as_str()))
            .filter(governance_document::Column::Kind.eq(document.kind))
            .filter(governance_document::Column::Status.eq(DocumentStatus::InForce))
            .all(work.db())
            .await?
            .into_iter()
            .filter(|d| d.topic == document.topic)
            .collect();
        // A version effective later than this one stays in force; this one, signed late, is
        // superseded by it at once.
        let later = in_force
            .iter()
            .any(|d| d.effective_from > document.effective_from);
        let replaced: Vec<i32> = if later {
            Vec::new()
        } else {
            in_force.iter().map(|d| d.id).collect()
        };
        governance_document::Entity::update_many()
            .col_expr(
                governance_document::Column::Status,
                Expr::value(DocumentStatus::Superseded),
            )
            .filter(governance_document::Column::Id.is_in(replaced))
            .exec(work.db())
            .await?;
        document = governance_document::Entity::update(governance_document::ActiveModel {
            id: Set(document.id),
            status: Set(if later {
                DocumentStatus::Superseded
            } else {
                DocumentStatus::InForce
            }),
            in_force_at: Set((!later).then_some(work.now)),
            ..Default::default()
        })
        .exec(work.db())
        .await?;
        if !later {
            announce(
                &mut work,
                viewer,
                "DOCUMENT_IN_FORCE",
                &document,
                GovernanceChangeKind::DocumentInForce,
                None,
            )
            .await?;
        }
        let year = FinancialYear::of(work.today);
        let network = document.network_code.clone();
        crate::service::workplan::rederive(&mut work, &network, year).await?;
    }
    work.commit().await?;
    Ok(document)
}

/// What one pass of the clock did to the register.
#[derive(Debug, Default)]
pub struct TickReport {
    /// Documents in force announced past their review date on this pass.
    pub reviews_due: u32,
}

/// One pass of the clock: each document in force past its review date is announced once, even
/// with several instances (only the pass that flips its flag announces it).
pub async fn tick(state: &AppState) -> AppResult<TickReport> {
    let mut work = UnitOfWork::begin(state).await?;
    let due = governance_document::Entity::find()
        .filter(governance_document::Column::Status.eq(DocumentStatus::InForce))
        .filter(governance_document::Column::ReviewDueAnnounced.eq(false))
        .filter(governance_document::Column::ReviewOn.lt(work.today))
        .order_by_asc(governance_document::Column::Id)
        .all(work.db())
        .await?;
    let clock = Viewer::portal("portal-clock", "Portal clock");
    let mut report = TickReport::default();
    for document in due {
        let flipped = governance_document::Entity::update_many()
            .col_expr(
                governance_document::Column::ReviewDueAnnounced,
                Expr::value(true),
            )
            .filter(governance_document::Column::Id.eq(document.id))
            .filter(governance_document::Column::ReviewDueAnnounced.eq(false))
            .exec(work.db())
            .await?;
        if flipped.rows_affected != 1 {
            continue;
        }
        announce(
            &mut work,
            &clock,
            "DOCUMENT_REVIEW_DUE",
            &document,
            GovernanceChangeKind::DocumentReviewDue,
            None,
        )
        .await?;
        report.reviews_due += 1;
    }
    work.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mou_needs_the_network_every_footprint_icb_and_every_member() {
        let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        let map = OrgSnapshot {
            footprints: vec![s("WESSEX", "QRL"), s("WESSEX", "QVV"), s("TV", "S0E4D")],
            memberships: vec![s("WESSEX", "RHM"), s("WESSEX", "RHU"), s("TV", "RTH")],
            ..OrgSnapshot::default()
        };
        let codes = |kind| -> Vec<String> {
            parties_for(kind, "WESSEX", &map)
                .into_iter()
                .map(|p| p.code)
                .collect()
        };
        assert_eq!(
            codes(DocumentKind::Mou),
            ["WESSEX", "QRL", "QVV", "RHM", "RHU"]
        );
        assert_eq!(codes(DocumentKind::NeedsGapAnalysis), ["QRL", "QVV"]);
        assert_eq!(codes(DocumentKind::DataSharingAgreement), ["RHM", "RHU"]);
        assert_eq!(codes(DocumentKind::ResearchStrategy), ["WESSEX"]);
    }
}
