//! Escalating a risk to a footprint ICB or the lead region, the addressee's answer, the
//! accountable provider's response, and the clock that announces escalations left unanswered.

use super::*;

/// An escalation as sent.
pub struct Escalation {
    pub to: (Party, String),
    pub route: String,
    pub rationale: String,
    pub assurance_requested: String,
    pub respond_by: NaiveDate,
}

/// Escalates a risk to a footprint ICB or the network's lead region along its escalation route.
/// A further escalation waits until the last is answered or its response date has passed.
pub async fn escalate(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    escalation: Escalation,
) -> AppResult<risk::Model> {
    let route = filled_in(
        &escalation.route,
        "route (the signed-off escalation route it follows)",
    )?;
    let rationale = filled_in(&escalation.rationale, "rationale")?;
    let assurance = filled_in(&escalation.assurance_requested, "assuranceRequested")?;
    let w = Work::begin(
        state,
        viewer,
        scope,
        id,
        expected_version,
        "escalate its risks",
    )
    .await?;
    let map = state.org_map_on(w.work.today).await?;
    let (kind, code) = (escalation.to.0, escalation.to.1.trim().to_owned());
    let allowed = match kind {
        Party::Icb => map
            .footprints
            .iter()
            .any(|(n, i)| *n == w.risk.network_code && *i == code),
        Party::Region => map
            .networks
            .iter()
            .any(|(n, r)| *n == w.risk.network_code && *r == code),
        _ => false,
    };
    if !allowed {
        return Err(AppError::bad_input(format!(
            "{} escalates to an ICB of its footprint or to its lead region, not to {code}.",
            w.risk.network_code
        )));
    }
    if escalation.respond_by <= w.work.today {
        return Err(AppError::bad_input(format!(
            "respondBy {} is not after today ({}).",
            escalation.respond_by, w.work.today
        )));
    }
    let last = risk_escalation::Entity::find()
        .filter(risk_escalation::Column::RiskId.eq(w.risk.id))
        .order_by_desc(risk_escalation::Column::Step)
        .one(w.work.db())
        .await?;
    if let Some(last) = &last
        && last.responded_at.is_none()
        && last.respond_by >= w.work.today
    {
        return Err(AppError::bad_input(format!(
            "{} awaits {}'s response until {}; escalate further once it is answered or overdue.",
            w.risk.reference, last.to_code, last.respond_by
        )));
    }
    let step = last.map_or(1, |l| l.step + 1);
    risk_escalation::Entity::insert(risk_escalation::ActiveModel {
        id: NotSet,
        risk_id: Set(w.risk.id),
        step: Set(step),
        to_kind: Set(kind),
        to_code: Set(code.clone()),
        route: Set(route),
        rationale: Set(rationale.clone()),
        assurance_requested: Set(assurance),
        respond_by: Set(escalation.respond_by),
        escalated_by_name: Set(viewer.name.clone()),
        escalated_at: Set(w.work.now),
        accepted: Set(None),
        response: Set(None),
        responded_by_name: Set(None),
        responded_at: Set(None),
        overdue_flagged: Set(false),
    })
    .exec(w.work.db())
    .await
    .map_err(|e| {
        conflict_if_taken(e, || {
            "The risk was escalated by someone else just now; reload it.".into()
        })
    })?;
    w.finish(
        viewer,
        "RISK_ESCALATED",
        Some(&rationale),
        Some(json!({ "to": code, "step": step, "respondBy": escalation.respond_by })),
        Some(RiskChangeKind::Escalated),
        Some(code),
    )
    .await
}

/// The addressee of an escalation answers it: the ICB's commissioner or the region's lead.
pub async fn respond(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    escalation_id: i32,
    accepted: bool,
    response: &str,
) -> AppResult<risk::Model> {
    let response = filled_in(response, "response")?;
    let work = UnitOfWork::begin(state).await?;
    let escalation = risk_escalation::Entity::find_by_id(escalation_id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("risk escalation", &escalation_id.to_string()))?;
    let risk = find_visible(work.db(), scope, escalation.risk_id)
        .await
        .map_err(|_| AppError::not_found("risk escalation", &escalation_id.to_string()))?;
    if risk.status == RiskStatus::Closed {
        return Err(AppError::bad_input(format!(
            "{} is closed.",
            risk.reference
        )));
    }
    let (role, grant) = match escalation.to_kind {
        Party::Icb => (
            Role::IcbCommissioner,
            GrantScope::Icb(escalation.to_code.clone()),
        ),
        _ => (
            Role::RegionalLead,
            GrantScope::Region(escalation.to_code.clone()),
        ),
    };
    if !viewer.holds(role, &grant) {
        return Err(AppError::forbidden(format!(
            "The escalation went to {}: only its {} may answer it.",
            escalation.to_code,
            role.as_str()
        )));
    }
    let answered = risk_escalation::Entity::update_many()
        .col_expr(risk_escalation::Column::Accepted, Expr::value(accepted))
        .col_expr(
            risk_escalation::Column::Response,
            Expr::value(response.clone()),
        )
        .col_expr(
            risk_escalation::Column::RespondedByName,
            Expr::value(viewer.name.clone()),
        )
        .col_expr(risk_escalation::Column::RespondedAt, Expr::value(work.now))
        .filter(risk_escalation::Column::Id.eq(escalation.id))
        .filter(risk_escalation::Column::RespondedAt.is_null())
        .exec(work.db())
        .await?;
    if answered.rows_affected != 1 {
        return Err(AppError::bad_input(format!(
            "The escalation of {} to {} is answered already.",
            risk.reference, escalation.to_code
        )));
    }
    // The risk's version moves, so the team's next step sees the answer.
    risk::Entity::update_many()
        .col_expr(
            risk::Column::Version,
            Expr::col(risk::Column::Version).add(1),
        )
        .col_expr(risk::Column::UpdatedAt, Expr::value(work.now))
        .filter(risk::Column::Id.eq(risk.id))
        .exec(work.db())
        .await?;
    let risk = risk::Entity::find_by_id(risk.id)
        .one(work.db())
        .await?
        .ok_or_else(|| AppError::not_found("risk", &risk.id.to_string()))?;
    Work { work, risk }
        .finish(
            viewer,
            "RISK_ESCALATION_ANSWERED",
            Some(&response),
            Some(json!({ "escalationId": escalation.id, "accepted": accepted, "from": escalation.to_code })),
            Some(RiskChangeKind::Answered),
            Some(escalation.to_code),
        )
        .await
}

/// The accountable provider's CEO or Lead Clinician responds to a service risk about their
/// provider ("providers and commissioners remain accountable for their services' risks").
pub async fn respond_as_provider(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    id: i32,
    expected_version: i32,
    response: &str,
) -> AppResult<risk::Model> {
    let response = filled_in(response, "response")?;
    let work = UnitOfWork::begin(state).await?;
    let risk = find_visible(work.db(), scope, id).await?;
    let provider = GrantScope::Provider(risk.accountable_code.clone());
    let accountable = risk.accountable_kind == Party::Provider
        && [Role::ProviderCeo, Role::ProviderLeadClinician]
            .iter()
            .any(|r| viewer.holds(*r, &provider));
    if !accountable {
        return Err(AppError::forbidden(format!(
            "Only the PROVIDER_CEO or PROVIDER_LEAD_CLINICIAN of the provider accountable for {} may respond to it.",
            risk.reference
        )));
    }
    Work::take_open(work, risk, expected_version)
        .await?
        .finish(
            viewer,
            "RISK_PROVIDER_RESPONSE",
            Some(&response),
            None,
            None,
            None,
        )
        .await
}
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    /// Escalations announced unanswered past their date on this pass.
    pub responses_overdue: u32,
}

/// One pass of the clock: each escalation of an open risk unanswered past its response date is
/// announced once (the team may then escalate further).
pub async fn tick(state: &AppState) -> AppResult<TickReport> {
    let mut work = UnitOfWork::begin(state).await?;
    let due = risk_escalation::Entity::find()
        .filter(risk_escalation::Column::RespondedAt.is_null())
        .filter(risk_escalation::Column::OverdueFlagged.eq(false))
        .filter(risk_escalation::Column::RespondBy.lt(work.today))
        .order_by_asc(risk_escalation::Column::Id)
        .all(work.db())
        .await?;
    let clock = Viewer::portal("portal-clock", "Portal clock");
    let mut report = TickReport::default();
    for escalation in due {
        let Some(r) = risk::Entity::find_by_id(escalation.risk_id)
            .one(work.db())
            .await?
        else {
            continue;
        };
        if r.status == RiskStatus::Closed {
            continue;
        }
        // Only the pass that flips it announces it, and not once it is answered.
        let flipped = risk_escalation::Entity::update_many()
            .col_expr(risk_escalation::Column::OverdueFlagged, Expr::value(true))
            .filter(risk_escalation::Column::Id.eq(escalation.id))
            .filter(risk_escalation::Column::OverdueFlagged.eq(false))
            .filter(risk_escalation::Column::RespondedAt.is_null())
            .exec(work.db())
            .await?;
        if flipped.rows_affected != 1 {
            continue;
        }
        let detail = json!({ "escalationId": escalation.id, "to": escalation.to_code, "respondBy": escalation.respond_by });
        history(
            &work,
            &clock,
            &r,
            "RISK_RESPONSE_OVERDUE",
            None,
            Some(detail),
        )
        .await?;
        let change = change_of(
            &r,
            RiskChangeKind::ResponseOverdue,
            Some(escalation.to_code.clone()),
            work.now,
        );
        work.publish(Event::RiskChanged(change)).await?;
        report.responses_overdue += 1;
    }
    work.commit().await?;
    Ok(report)
}
