use sea_orm::entity::prelude::*;

use crate::enums::{CaseGround, CaseOutcome, CaseStep, Nation};

/// A cause-for-concern case. `version` increases with every change, so two people
/// acting at once cannot both win.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// e.g. `CFC-2026-0007`.
    #[sea_orm(unique)]
    pub reference: String,
    pub year: i32,
    pub seq: i32,
    pub category: i32,
    /// The provider the concern is about; `None` for an implant concern.
    pub provider_ods: Option<String>,
    /// The implant an implant concern (category 3) is about.
    pub implant: Option<String>,
    /// The provider's network when the case opened.
    pub network_code: Option<String>,
    pub jurisdiction: Nation,
    /// The policy version the case started under (kept for its whole life).
    pub policy_version: i32,
    pub step: CaseStep,
    /// 1-7; `None` on the implant path.
    pub stage: Option<i32>,
    /// The highest stage the case has reached.
    pub reached_stage: i32,
    pub stage_started_on: Date,
    pub due_on: Option<Date>,
    /// The owners of the current stage were told it is overdue.
    pub overdue_flagged: bool,
    /// The HQIP Associate Director's agreed next steps: `{"omitted": [..], "limits": {"3": 10}}`.
    pub plan: Json,
    pub summary: String,
    /// `[{"label": .., "url": ..}]`
    pub evidence: Json,
    /// The Lead Clinician's written response (stage 3).
    pub response: Option<String>,
    /// Stage 3's limit passed without a response.
    pub no_response: bool,
    pub ground: Option<CaseGround>,
    pub call_recorded_at: Option<DateTimeUtc>,
    /// Decided jointly at stage 5.
    pub regulator_informed: Option<bool>,
    /// When the provider's CEO recorded informing the commissioners, as stage 5 decided: from
    /// then on the commissioners of the provider's network footprint read the case.
    pub commissioners_informed_at: Option<DateTimeUtc>,
    /// The project's allocated HQIP Associate Director (Tables 1-2, stage 1): who agrees the next
    /// steps and is kept apprised.
    pub associate_director_sub: Option<String>,
    pub associate_director_name: Option<String>,
    pub associate_director_email: Option<String>,
    pub outcome: Option<CaseOutcome>,
    pub urgent: bool,
    /// The registry lead for the case (who opened it, or the nominated lead of an urgent case).
    pub lead_sub: Option<String>,
    pub lead_name: Option<String>,
    pub lead_email: Option<String>,
    pub opened_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
