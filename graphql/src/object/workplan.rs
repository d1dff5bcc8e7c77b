//! A network's annual workplan as read: its versions, content, agreement chain, delivery and
//! progress reports, the commissioners' dashboard, and the events subscribers hear.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{
    workplan, workplan_decision, workplan_deliverable, workplan_deliverable_indicator,
    workplan_deliverable_update, workplan_objective, workplan_progress_report,
};

use super::network::Network;
use crate::context::{loaders, scope, state};
use crate::events::{WorkplanChange, WorkplanChangeKind};
use crate::loader::{
    DecisionsOfWorkplan, DeliverablesOfWorkplan, EverySuccession, IndicatorsOfDeliverable,
    ObjectivesOfWorkplan, ProgressReportsOfWorkplan, UpdatesOfDeliverable,
};
use crate::scalar::Date;
use crate::service::workplan::{self as service, FinancialYear, ProgressSnapshot};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::WorkplanStatus")]
pub enum WorkplanStatus {
    Draft,
    BoardAgreed,
    Submitted,
    AgreedByIcbs,
    InDelivery,
    Superseded,
}

/// The seven function headings of the specification's §4.3.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::NetworkFunction")]
pub enum NetworkFunction {
    ServiceDelivery,
    Resources,
    Workforce,
    Quality,
    Collaboration,
    Transformation,
    PopulationHealth,
}

/// NHS BRAG: blue complete, green on track, amber at risk, red off track.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::Brag")]
pub enum Brag {
    Blue,
    Green,
    Amber,
    Red,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::WorkplanDecisionKind")]
pub enum WorkplanDecisionKind {
    BoardAgreed,
    Submitted,
    IcbAgreed,
    IcbReturned,
    RegionSignedOff,
    RegionReturned,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::workplan::PriorityLevel")]
pub enum PriorityLevel {
    National,
    Regional,
    Local,
}

/// One version of a network's annual workplan.
pub struct Workplan(pub workplan::Model);

#[Object]
impl Workplan {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        Network::of(ctx, &self.0.network_code).await
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    /// `2026/27`: 1 April 2026 to 31 March 2027.
    async fn financial_year(&self) -> String {
        FinancialYear(self.0.financial_year).label()
    }
    /// 1 for the year's first plan; each in-year change is the next.
    async fn version_no(&self) -> i32 {
        self.0.version_no
    }
    async fn status(&self) -> WorkplanStatus {
        self.0.status.into()
    }
    /// Signed off and not superseded: the plan the network delivers.
    async fn in_force(&self) -> bool {
        self.0.status == entities::enums::WorkplanStatus::InDelivery
    }
    async fn priorities(&self) -> Vec<Priority> {
        service::priorities(&self.0)
            .into_iter()
            .map(Priority)
            .collect()
    }
    async fn resources(&self) -> Resources {
        Resources(service::resources(&self.0))
    }
    async fn objectives(&self, ctx: &Context<'_>) -> Result<Vec<WorkplanObjective>> {
        let rows = loaders(ctx)?
            .load_one(ObjectivesOfWorkplan(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(WorkplanObjective).collect())
    }
    /// Every deliverable, in the plan's order.
    async fn deliverables(&self, ctx: &Context<'_>) -> Result<Vec<Deliverable>> {
        Ok(deliverables(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Deliverable)
            .collect())
    }
    /// What the plan still lacks (reported, not enforced): deliverables without an indicator or
    /// benefits, no quality-improvement deliverable, an objective without deliverables.
    async fn completeness(&self, ctx: &Context<'_>) -> Result<Vec<CompletenessGap>> {
        let loaders = loaders(ctx)?;
        let objectives = loaders
            .load_one(ObjectivesOfWorkplan(self.0.id))
            .await?
            .unwrap_or_default();
        let deliverables = deliverables(ctx, self.0.id).await?;
        let links: Vec<workplan_deliverable_indicator::Model> = loaders
            .load_many(deliverables.iter().map(|d| IndicatorsOfDeliverable(d.id)))
            .await?
            .into_values()
            .flatten()
            .collect();
        Ok(service::completeness(&objectives, &deliverables, &links)
            .into_iter()
            .map(CompletenessGap)
            .collect())
    }
    /// The day the ICBs that must agree were frozen (the last submission).
    async fn frozen_on(&self) -> Option<Date> {
        self.0.frozen_on.map(Into::into)
    }
    /// Since the last submission: each ICB that must agree (a closed ICB's successors in its
    /// place) and what it decided. Empty before the first submission.
    async fn required_agreements(&self, ctx: &Context<'_>) -> Result<Vec<IcbAgreement>> {
        if self.0.submission_round == 0 {
            return Ok(Vec::new());
        }
        let map = state(ctx)?.org_map_today().await?;
        let loaders = loaders(ctx)?;
        let successors = loaders.load_one(EverySuccession).await?.unwrap_or_default();
        let successions = service::Successions::new(&map, (*successors).clone());
        let decisions = loaders
            .load_one(DecisionsOfWorkplan(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(
            service::required_agreements(&self.0, &decisions, &successions)?
                .into_iter()
                .map(IcbAgreement)
                .collect(),
        )
    }
    /// Every step of the agreement chain, oldest first; agreements of a submission that was
    /// returned are `void`.
    async fn decisions(&self, ctx: &Context<'_>) -> Result<Vec<WorkplanDecision>> {
        let rows = loaders(ctx)?
            .load_one(DecisionsOfWorkplan(self.0.id))
            .await?
            .unwrap_or_default();
        let current_round = self.0.submission_round;
        let agreed_now = !matches!(
            self.0.status,
            entities::enums::WorkplanStatus::Draft | entities::enums::WorkplanStatus::BoardAgreed
        );
        Ok(rows
            .into_iter()
            .map(|model| WorkplanDecision {
                void: model.kind == entities::enums::WorkplanDecisionKind::IcbAgreed
                    && (model.round < current_round || !agreed_now),
                model,
            })
            .collect())
    }
    /// The comments of the last return, for the team revising the draft.
    async fn returned_comments(&self) -> Option<&str> {
        self.0.returned_comments.as_deref()
    }
    /// The version in force this one replaces (an in-year change).
    async fn supersedes_id(&self) -> Option<i32> {
        self.0.supersedes_id
    }
    async fn change_reason(&self) -> Option<&str> {
        self.0.change_reason.as_deref()
    }
    /// The quarterly reports on this version; for those who reach the network's governance
    /// (member providers read the signed-off plan, not its reports).
    async fn progress_reports(&self, ctx: &Context<'_>) -> Result<Vec<ProgressReport>> {
        let scope = scope(ctx).await?;
        if service::reach(&scope, &self.0.network_code) != Some(service::Reach::Governance) {
            return Ok(Vec::new());
        }
        let rows = loaders(ctx)?
            .load_one(ProgressReportsOfWorkplan(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(ProgressReport).collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Pass it back as `expectedVersion` with the next step.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

async fn deliverables(ctx: &Context<'_>, plan_id: i32) -> Result<Vec<workplan_deliverable::Model>> {
    Ok(loaders(ctx)?
        .load_one(DeliverablesOfWorkplan(plan_id))
        .await?
        .unwrap_or_default())
}

pub struct Priority(service::Priority);

#[Object]
impl Priority {
    async fn level(&self) -> PriorityLevel {
        self.0.level.into()
    }
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// Where the priority comes from (a national programme, the region's plan, a needs analysis).
    async fn source(&self) -> &str {
        &self.0.source
    }
}

/// The resources available to deliver the plan (§6).
pub struct Resources(service::Resources);

#[Object]
impl Resources {
    async fn funding_gbp(&self) -> Option<f64> {
        self.0.funding_gbp
    }
    /// Whole-time equivalents of the network team.
    async fn team_wte(&self) -> Option<f64> {
        self.0.team_wte
    }
    async fn analytical_support(&self) -> Option<&str> {
        self.0.analytical_support.as_deref()
    }
}

pub struct WorkplanObjective(workplan_objective::Model);

#[Object]
impl WorkplanObjective {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn function(&self) -> NetworkFunction {
        self.0.function.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn deliverables(&self, ctx: &Context<'_>) -> Result<Vec<Deliverable>> {
        Ok(deliverables(ctx, self.0.workplan_id)
            .await?
            .into_iter()
            .filter(|d| d.objective_id == self.0.id)
            .map(Deliverable)
            .collect())
    }
}

pub struct Deliverable(pub workplan_deliverable::Model);

#[Object]
impl Deliverable {
    async fn id(&self) -> i32 {
        self.0.id
    }
    /// Stable across the plan's versions.
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn expected_benefits(&self) -> &str {
        &self.0.expected_benefits
    }
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn due_on(&self) -> Date {
        self.0.due_on.into()
    }
    async fn quality_improvement(&self) -> bool {
        self.0.quality_improvement
    }
    async fn status(&self) -> Brag {
        self.0.status.into()
    }
    /// Past its due date (Europe/London today) and not complete.
    async fn past_due(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(service::past_due(&self.0, state(ctx)?.clock.today()))
    }
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<DeliverableIndicator>> {
        let rows = loaders(ctx)?
            .load_one(IndicatorsOfDeliverable(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(DeliverableIndicator).collect())
    }
    /// Dated progress notes, oldest first.
    async fn updates(&self, ctx: &Context<'_>) -> Result<Vec<DeliverableUpdate>> {
        let rows = loaders(ctx)?
            .load_one(UpdatesOfDeliverable(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(DeliverableUpdate).collect())
    }
    /// Pass it back as `expectedVersion` when recording progress.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// An indicator that shows a deliverable's progress.
pub struct DeliverableIndicator(workplan_deliverable_indicator::Model);

#[Object]
impl DeliverableIndicator {
    async fn code(&self) -> &str {
        &self.0.indicator_code
    }
    async fn baseline(&self) -> Option<f64> {
        self.0.baseline
    }
    async fn target(&self) -> Option<f64> {
        self.0.target
    }
}

pub struct DeliverableUpdate(workplan_deliverable_update::Model);

#[Object]
impl DeliverableUpdate {
    async fn status(&self) -> Brag {
        self.0.status.into()
    }
    async fn note(&self) -> &str {
        &self.0.note
    }
    async fn recorded_by_name(&self) -> &str {
        &self.0.recorded_by_name
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

/// A gap in a plan, with a stable code.
pub struct CompletenessGap(service::Completeness);

#[Object]
impl CompletenessGap {
    /// `NO_DELIVERABLES`, `DELIVERABLE_WITHOUT_INDICATOR`, `DELIVERABLE_WITHOUT_BENEFITS`,
    /// `NO_QUALITY_IMPROVEMENT` or `FUNCTION_WITHOUT_DELIVERABLE`.
    async fn code(&self) -> &str {
        self.0.code
    }
    async fn message(&self) -> &str {
        &self.0.message
    }
    async fn deliverable_reference(&self) -> Option<&str> {
        self.0.deliverable_reference.as_deref()
    }
}

/// An ICB that must agree the plan, and what it decided in this submission.
pub struct IcbAgreement(service::IcbAgreement);

#[Object]
impl IcbAgreement {
    async fn icb_code(&self) -> &str {
        &self.0.icb_code
    }
    async fn agreed(&self) -> bool {
        self.0
            .decision
            .as_ref()
            .is_some_and(|d| d.kind == entities::enums::WorkplanDecisionKind::IcbAgreed)
    }
    async fn decision(&self) -> Option<WorkplanDecision> {
        self.0
            .decision
            .clone()
            .map(|model| WorkplanDecision { model, void: false })
    }
}

/// One step of the agreement chain: who, when, on what grounds.
pub struct WorkplanDecision {
    model: workplan_decision::Model,
    void: bool,
}

#[Object]
impl WorkplanDecision {
    async fn kind(&self) -> WorkplanDecisionKind {
        self.model.kind.into()
    }
    /// The submission it belongs to (1 for the first).
    async fn round(&self) -> i32 {
        self.model.round
    }
    async fn icb_code(&self) -> Option<&str> {
        self.model.icb_code.as_deref()
    }
    /// The board meeting, or the joint strategic commissioning committee decision, cited.
    async fn citation(&self) -> Option<&str> {
        self.model.citation.as_deref()
    }
    async fn comments(&self) -> Option<&str> {
        self.model.comments.as_deref()
    }
    async fn decided_by_name(&self) -> &str {
        &self.model.decided_by_name
    }
    async fn decided_at(&self) -> DateTime<Utc> {
        self.model.decided_at
    }
    /// An agreement voided by a later return.
    async fn void(&self) -> bool {
        self.void
    }
}

/// A quarterly progress report, with the snapshot frozen when it was submitted.
pub struct ProgressReport(pub workplan_progress_report::Model);

#[Object]
impl ProgressReport {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn financial_year(&self) -> String {
        FinancialYear(self.0.financial_year).label()
    }
    /// 1 (April-June) to 4 (January-March).
    async fn quarter(&self) -> i32 {
        self.0.quarter
    }
    /// A month after the quarter's end.
    async fn due_on(&self) -> Date {
        service::report_due_on(FinancialYear(self.0.financial_year), self.0.quarter).into()
    }
    async fn narrative(&self) -> &str {
        &self.0.narrative
    }
    async fn deliverables(&self) -> Vec<DeliverableSnapshot> {
        let snapshot: Option<ProgressSnapshot> =
            serde_json::from_value(self.0.snapshot.clone()).ok();
        snapshot
            .map(|s| {
                s.deliverables
                    .into_iter()
                    .map(DeliverableSnapshot)
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The network's risks open when it was submitted (raised by the quarter's end), highest
    /// score first.
    async fn risks(&self) -> Vec<RiskSnapshot> {
        let snapshot: Option<ProgressSnapshot> =
            serde_json::from_value(self.0.snapshot.clone()).ok();
        let mut risks: Vec<RiskSnapshot> = snapshot
            .map(|s| {
                s.risks
                    .into_iter()
                    .map(|r| RiskSnapshot {
                        reference: r.reference,
                        title: r.title,
                        kind: r.kind.into(),
                        score: r.score,
                        band: crate::service::risk::band(r.score).into(),
                        target_score: r.target_score,
                    })
                    .collect()
            })
            .unwrap_or_default();
        risks.sort_by_key(|r| std::cmp::Reverse(r.score));
        risks
    }
    async fn submitted_by_name(&self) -> &str {
        &self.0.submitted_by_name
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
}

/// A deliverable as the report froze it, with its indicators' latest figures by quarter end.
pub struct DeliverableSnapshot(service::DeliverableSnapshot);

#[Object]
impl DeliverableSnapshot {
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn status(&self) -> Brag {
        self.0.status.into()
    }
    async fn due_on(&self) -> Date {
        self.0.due_on.into()
    }
    async fn past_due(&self) -> bool {
        self.0.past_due
    }
    async fn indicators(&self) -> Vec<IndicatorSnapshot> {
        self.0
            .indicators
            .iter()
            .map(|i| IndicatorSnapshot {
                code: i.code.clone(),
                baseline: i.baseline,
                target: i.target,
                period: i.period.map(Into::into),
                value: i.value,
                suppressed: i.suppressed,
            })
            .collect()
    }
}

/// A linked indicator's latest figure for the network by the quarter's end (member providers
/// combined; counts of 1-7 suppressed), against its baseline and target.
#[derive(SimpleObject)]
pub struct IndicatorSnapshot {
    code: String,
    baseline: Option<f64>,
    target: Option<f64>,
    period: Option<Date>,
    value: Option<f64>,
    suppressed: bool,
}

/// A risk as a progress report froze it.
#[derive(SimpleObject)]
pub struct RiskSnapshot {
    reference: String,
    title: String,
    kind: super::risk::RiskKind,
    score: i32,
    band: super::risk::Band,
    target_score: i32,
}

/// Deliverables counted by BRAG status.
#[derive(SimpleObject)]
pub struct BragCounts {
    blue: i32,
    green: i32,
    amber: i32,
    red: i32,
}

/// One network's line on the workplan dashboard.
pub struct WorkplanDashboardRow(pub service::DashboardRow);

#[Object]
impl WorkplanDashboardRow {
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        Network::of(ctx, &self.0.network_code).await
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    /// The status of the version being prepared or agreed, else of the one in force; null when
    /// the network has no plan for the year.
    async fn status(&self) -> Option<WorkplanStatus> {
        self.0
            .open
            .as_ref()
            .or(self.0.in_force.as_ref())
            .map(|p| p.status.into())
    }
    async fn in_force(&self) -> Option<Workplan> {
        self.0.in_force.clone().map(Workplan)
    }
    /// The version being drafted or agreed, beside the one in force.
    async fn open(&self) -> Option<Workplan> {
        self.0.open.clone().map(Workplan)
    }
    /// ICBs that must agree the open version since its last submission.
    async fn icbs_required(&self) -> i32 {
        count(self.0.icbs_required)
    }
    async fn icbs_agreed(&self) -> i32 {
        count(self.0.icbs_agreed)
    }
    /// Deliverables of the plan in force (else the open version) by status.
    async fn deliverables(&self) -> BragCounts {
        let of = |b: entities::enums::Brag| count(self.0.by_status.get(&b).copied().unwrap_or(0));
        BragCounts {
            blue: of(entities::enums::Brag::Blue),
            green: of(entities::enums::Brag::Green),
            amber: of(entities::enums::Brag::Amber),
            red: of(entities::enums::Brag::Red),
        }
    }
    async fn deliverables_past_due(&self) -> i32 {
        count(self.0.deliverables_past_due)
    }
    /// Quarters whose progress report is more than a month late.
    async fn progress_reports_overdue(&self) -> &[i32] {
        &self.0.progress_reports_overdue
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A workplan event for subscribers: no personal data.
pub struct WorkplanEvent(pub WorkplanChange);

#[Object]
impl WorkplanEvent {
    async fn kind(&self) -> WorkplanChangeKind {
        self.0.kind
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn financial_year(&self) -> String {
        FinancialYear(self.0.financial_year).label()
    }
    async fn workplan_id(&self) -> Option<i32> {
        self.0.workplan_id
    }
    async fn version_no(&self) -> Option<i32> {
        self.0.version_no
    }
    async fn status(&self) -> Option<WorkplanStatus> {
        self.0.status.map(Into::into)
    }
    async fn icb_code(&self) -> Option<&str> {
        self.0.icb_code.as_deref()
    }
    async fn deliverable_reference(&self) -> Option<&str> {
        self.0.deliverable_reference.as_deref()
    }
    async fn quarter(&self) -> Option<i32> {
        self.0.quarter
    }
    async fn annual_report_id(&self) -> Option<i32> {
        self.0.annual_report_id
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}
