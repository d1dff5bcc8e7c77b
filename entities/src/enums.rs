//! Enumerations stored as short strings (portable between SQLite and PostgreSQL).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The nation a provider is in: the cause-for-concern process differs for Wales (BSR Cause for
/// Concern Policy, January 2026, Table 2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Nation {
    #[sea_orm(string_value = "ENGLAND")]
    England,
    #[sea_orm(string_value = "WALES")]
    Wales,
}

/// A provider's role in its network: 1-3 hubs, any number of partners.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MembershipRole {
    #[sea_orm(string_value = "HUB")]
    Hub,
    #[sea_orm(string_value = "PARTNER")]
    Partner,
}

/// The named people of a provider the cause-for-concern letters go to (BSR Cause for Concern
/// Policy, January 2026, Tables 1-2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactRole {
    #[sea_orm(string_value = "LEAD_CLINICIAN")]
    LeadClinician,
    #[sea_orm(string_value = "CEO")]
    Ceo,
    #[sea_orm(string_value = "MEDICAL_DIRECTOR")]
    MedicalDirector,
}

/// Who a cause-for-concern letter is addressed to: a provider contact, or a body from the recipient
/// directory (BSR Cause for Concern Policy, January 2026, Tables 1-2 and footnotes 1-7; category 3
/// for MHRA and ODEP).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailParty {
    #[sea_orm(string_value = "LEAD_CLINICIAN")]
    LeadClinician,
    #[sea_orm(string_value = "CEO")]
    Ceo,
    #[sea_orm(string_value = "MEDICAL_DIRECTOR")]
    MedicalDirector,
    #[sea_orm(string_value = "CQC")]
    Cqc,
    #[sea_orm(string_value = "NHS_IMPROVEMENT")]
    NhsImprovement,
    #[sea_orm(string_value = "WELSH_GOVERNMENT")]
    WelshGovernment,
    #[sea_orm(string_value = "MHRA")]
    Mhra,
    #[sea_orm(string_value = "ODEP")]
    Odep,
    /// The case's allocated HQIP Associate Director, at the address the allocation records
    /// (Tables 1-2, stage 1: "HQIP AD to be kept apprised").
    #[sea_orm(string_value = "HQIP_ASSOCIATE_DIRECTOR")]
    HqipAssociateDirector,
    /// The royal colleges a stage-5 decision may name ("relevant royal colleges", Tables 1-2,
    /// stage 5); the policy gives no addresses.
    #[sea_orm(string_value = "RCS_ENGLAND")]
    RcsEngland,
    #[sea_orm(string_value = "RCS_EDINBURGH")]
    RcsEdinburgh,
    #[sea_orm(string_value = "RCP_LONDON")]
    RcpLondon,
    #[sea_orm(string_value = "RCR")]
    Rcr,
    #[sea_orm(string_value = "RCOA")]
    Rcoa,
}

impl MailParty {
    /// The royal colleges of the recipient directory.
    pub const ROYAL_COLLEGES: [MailParty; 5] = [
        MailParty::RcsEngland,
        MailParty::RcsEdinburgh,
        MailParty::RcpLondon,
        MailParty::Rcr,
        MailParty::Rcoa,
    ];

    pub fn is_royal_college(self) -> bool {
        Self::ROYAL_COLLEGES.contains(&self)
    }
}

/// One part of the joint stage-5 decision of the HQIP Associate Director and the registry
/// clinical lead (BSR Cause for Concern Policy, January 2026, Table 1, stage 5: "the requirement
/// for the NCAPOP supplier to inform CQC and for the Provider CEO to inform commissioners, NHS
/// Improvement and relevant royal colleges"; Table 2, stage 5: "to inform Welsh Government and
/// relevant royal colleges"). Which parts a case decides is its policy version's data.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisclosurePart {
    /// The registry informs the CQC (England) or the Welsh Government (Wales).
    #[sea_orm(string_value = "REGISTRY_INFORMS_REGULATOR")]
    RegistryInformsRegulator,
    /// The registry informs the named royal colleges (Wales).
    #[sea_orm(string_value = "REGISTRY_INFORMS_ROYAL_COLLEGES")]
    RegistryInformsRoyalColleges,
    /// The provider's CEO informs the commissioners (England).
    #[sea_orm(string_value = "CEO_INFORMS_COMMISSIONERS")]
    CeoInformsCommissioners,
    /// The provider's CEO informs NHS Improvement (England).
    #[sea_orm(string_value = "CEO_INFORMS_NHS_IMPROVEMENT")]
    CeoInformsNhsImprovement,
    /// The provider's CEO informs the named royal colleges (England).
    #[sea_orm(string_value = "CEO_INFORMS_ROYAL_COLLEGES")]
    CeoInformsRoyalColleges,
}

impl DisclosurePart {
    /// The parts the provider's CEO carries out and records, rather than the registry.
    pub fn by_the_ceo(self) -> bool {
        matches!(
            self,
            Self::CeoInformsCommissioners
                | Self::CeoInformsNhsImprovement
                | Self::CeoInformsRoyalColleges
        )
    }

    /// The parts that name royal colleges.
    pub fn names_colleges(self) -> bool {
        matches!(
            self,
            Self::RegistryInformsRoyalColleges | Self::CeoInformsRoyalColleges
        )
    }
}

/// When a mail rule applies.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailCondition {
    #[sea_orm(string_value = "ALWAYS")]
    Always,
    /// Only when the HQIP Associate Director and the registry clinical lead decided at stage 5 that
    /// the regulator is informed (BSR Cause for Concern Policy, January 2026, Tables 1-2, stage 5).
    #[sea_orm(string_value = "IF_REGULATOR_INFORMED")]
    IfRegulatorInformed,
    /// Only when the joint stage-5 decision has the registry inform royal colleges; the letter
    /// goes to the colleges it names (BSR Cause for Concern Policy, January 2026, Table 2, stage 5).
    #[sea_orm(string_value = "IF_ROYAL_COLLEGES_INFORMED")]
    IfRoyalCollegesInformed,
}

/// Where a case is in its process (BSR Cause for Concern Policy, January 2026, Tables 1-2). Stage 1
/// has two steps: the registry examines, then (case to answer) waits for the HQIP Associate
/// Director.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaseStep {
    /// Category 3 implant concern: reported to the ODEP spine members for review.
    #[sea_orm(string_value = "ODEP_REVIEW")]
    OdepReview,
    #[sea_orm(string_value = "EXAMINING")]
    Examining,
    #[sea_orm(string_value = "AWAITING_NEXT_STEPS")]
    AwaitingNextSteps,
    #[sea_orm(string_value = "REQUEST_DUE")]
    RequestDue,
    #[sea_orm(string_value = "AWAITING_RESPONSE")]
    AwaitingResponse,
    #[sea_orm(string_value = "REVIEWING_RESPONSE")]
    ReviewingResponse,
    #[sea_orm(string_value = "CONFIRMING")]
    Confirming,
    #[sea_orm(string_value = "AWAITING_ACKNOWLEDGEMENT")]
    AwaitingAcknowledgement,
    #[sea_orm(string_value = "REMINDED")]
    Reminded,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// How a case ended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaseOutcome {
    /// Categories 1 and 2: referred to the Trust's own processes, not escalated (BSR Cause for
    /// Concern Policy, January 2026).
    #[sea_orm(string_value = "REFERRED_TO_TRUST")]
    ReferredToTrust,
    /// Stage 1 or 4: records revised, details recorded.
    #[sea_orm(string_value = "NO_CASE_TO_ANSWER")]
    NoCaseToAnswer,
    /// Stage 1: the HQIP Associate Director agreed escalation is not warranted.
    #[sea_orm(string_value = "ESCALATION_NOT_WARRANTED")]
    EscalationNotWarranted,
    /// Stage 6 or 7: the CEO acknowledged, confirming a local review.
    #[sea_orm(string_value = "ACKNOWLEDGED")]
    Acknowledged,
    /// Stage 7: no acknowledgement; non-compliance notified.
    #[sea_orm(string_value = "NON_COMPLIANT")]
    NonCompliant,
    /// Category 3 implant: ODEP found the concern not genuine.
    #[sea_orm(string_value = "IMPLANT_CONCERN_NOT_CONFIRMED")]
    ImplantConcernNotConfirmed,
    /// Category 3 implant: confirmed genuine, the MHRA informed.
    #[sea_orm(string_value = "MHRA_INFORMED")]
    MhraInformed,
}

/// Stage 4 "case to answer" grounds (BSR Cause for Concern Policy, January 2026, Tables 1-2, stage
/// 4).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaseGround {
    #[sea_orm(string_value = "STILL_A_CONCERN")]
    StillAConcern,
    #[sea_orm(string_value = "DATA_ACCURATE")]
    DataAccurate,
    #[sea_orm(string_value = "NO_RESPONSE")]
    NoResponse,
}

/// Delivery state of an outbox message.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailState {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "SENT")]
    Sent,
}

/// What an indicator's value is. `RATIO` is observed over expected events (a
/// case-mix-adjusted rate such as revision within a year), whose funnel limits are exact Poisson.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorKind {
    #[sea_orm(string_value = "PROPORTION")]
    Proportion,
    #[sea_orm(string_value = "RATIO")]
    Ratio,
    #[sea_orm(string_value = "COUNT")]
    Count,
    #[sea_orm(string_value = "MEAN")]
    Mean,
    #[sea_orm(string_value = "MEDIAN")]
    Median,
    #[sea_orm(string_value = "ATTESTATION")]
    Attestation,
}

/// Which way is better.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImprovementDirection {
    #[sea_orm(string_value = "HIGHER_IS_BETTER")]
    HigherIsBetter,
    #[sea_orm(string_value = "LOWER_IS_BETTER")]
    LowerIsBetter,
    #[sea_orm(string_value = "NEUTRAL")]
    Neutral,
}

/// Where an indicator's values come from; it decides who may submit them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorSource {
    /// The British Spine Registry linked with HES: the registry submits.
    #[sea_orm(string_value = "BSR_HES")]
    BsrHes,
    /// Providers' own pathway data.
    #[sea_orm(string_value = "PATHWAY")]
    Pathway,
    /// NHS England's Model Hospital (HVLC and LVHC).
    #[sea_orm(string_value = "MODEL_HOSPITAL")]
    ModelHospital,
    /// The network attests it.
    #[sea_orm(string_value = "NETWORK")]
    Network,
    /// The portal derives it from what it holds (workplans, annual reports).
    #[sea_orm(string_value = "PORTAL")]
    Portal,
}

/// How often an indicator is reported; a period starts on the first day of a month, a
/// financial-year quarter (April, July, October, January) or a financial year (1 April).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Frequency {
    #[sea_orm(string_value = "MONTHLY")]
    Monthly,
    #[sea_orm(string_value = "QUARTERLY")]
    Quarterly,
    #[sea_orm(string_value = "ANNUAL")]
    Annual,
}

/// Whether values are per provider or per network.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorLevel {
    #[sea_orm(string_value = "PROVIDER")]
    Provider,
    #[sea_orm(string_value = "NETWORK")]
    Network,
}

/// How funnel limits are drawn (Spiegelhalter 2005; NHS-R FunnelPlotR 0.6.0).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FunnelMethod {
    #[sea_orm(string_value = "ARCSINE")]
    Arcsine,
    #[sea_orm(string_value = "EXACT_BINOMIAL")]
    ExactBinomial,
    #[sea_orm(string_value = "EXACT_POISSON")]
    ExactPoisson,
}

/// Whether a submitted value has been validated by its source.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValueStatus {
    #[sea_orm(string_value = "PROVISIONAL")]
    Provisional,
    #[sea_orm(string_value = "VALIDATED")]
    Validated,
}

/// Where a version of a network's annual workplan stands (Spinal Services Clinical Network
/// Specification §4.4 and §5.1: agreed by the board with every ICB of the footprint, signed off
/// by the region).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkplanStatus {
    /// Being written by the network team; also where a returned plan goes back to.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// The network board agreed it (the chair confirmed, citing the meeting).
    #[sea_orm(string_value = "BOARD_AGREED")]
    BoardAgreed,
    /// Submitted by the clinical lead; the ICBs that must agree are frozen.
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    /// Every ICB that must agree has; waiting for the lead region's sign-off.
    #[sea_orm(string_value = "AGREED_BY_ICBS")]
    AgreedByIcbs,
    /// Signed off by the lead region: the plan in force.
    #[sea_orm(string_value = "IN_DELIVERY")]
    InDelivery,
    /// A later version was signed off in its place.
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
}

/// The seven function headings of a network's work (Spinal Services Clinical Network
/// Specification §4.3 "Network Functions").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NetworkFunction {
    #[sea_orm(string_value = "SERVICE_DELIVERY")]
    ServiceDelivery,
    #[sea_orm(string_value = "RESOURCES")]
    Resources,
    #[sea_orm(string_value = "WORKFORCE")]
    Workforce,
    #[sea_orm(string_value = "QUALITY")]
    Quality,
    #[sea_orm(string_value = "COLLABORATION")]
    Collaboration,
    #[sea_orm(string_value = "TRANSFORMATION")]
    Transformation,
    #[sea_orm(string_value = "POPULATION_HEALTH")]
    PopulationHealth,
}

/// A deliverable's delivery status in the NHS BRAG convention.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Brag {
    /// Complete.
    #[sea_orm(string_value = "BLUE")]
    Blue,
    /// On track.
    #[sea_orm(string_value = "GREEN")]
    Green,
    /// At risk.
    #[sea_orm(string_value = "AMBER")]
    Amber,
    /// Off track.
    #[sea_orm(string_value = "RED")]
    Red,
}

/// One step of a workplan's agreement chain, as recorded.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkplanDecisionKind {
    #[sea_orm(string_value = "BOARD_AGREED")]
    BoardAgreed,
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "ICB_AGREED")]
    IcbAgreed,
    #[sea_orm(string_value = "ICB_RETURNED")]
    IcbReturned,
    #[sea_orm(string_value = "REGION_SIGNED_OFF")]
    RegionSignedOff,
    #[sea_orm(string_value = "REGION_RETURNED")]
    RegionReturned,
}

/// Where a network's annual report stands (Spinal Services Clinical Network Specification §4.4:
/// "The network board will publish an annual report").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AnnualReportStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "BOARD_APPROVED")]
    BoardApproved,
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
}

/// What a network risk is a risk to (Spinal Services Clinical Network Specification §4.3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskKind {
    /// To the delivery of the network's own work programme: the network owns it.
    #[sea_orm(string_value = "DELIVERY")]
    Delivery,
    /// In a provider's service or a pathway: the provider or commissioner stays accountable; the
    /// network identifies, escalates and facilitates.
    #[sea_orm(string_value = "SERVICE")]
    Service,
}

/// Who is accountable for a risk, or who an escalation goes to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Party {
    #[sea_orm(string_value = "NETWORK")]
    Network,
    #[sea_orm(string_value = "PROVIDER")]
    Provider,
    #[sea_orm(string_value = "ICB")]
    Icb,
    #[sea_orm(string_value = "REGION")]
    Region,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// A kind of document a network agrees (Spinal Services Clinical Network Specification §5.1,
/// §5.3 and the generic indicators of §7.1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentKind {
    #[sea_orm(string_value = "TERMS_OF_REFERENCE")]
    TermsOfReference,
    /// "memoranda of understanding between ICBs, providers and the network" (§5.1)
    #[sea_orm(string_value = "MOU")]
    Mou,
    #[sea_orm(string_value = "ESCALATION_SOP")]
    EscalationSop,
    #[sea_orm(string_value = "PPV_PLAN")]
    PpvPlan,
    #[sea_orm(string_value = "NEEDS_GAP_ANALYSIS")]
    NeedsGapAnalysis,
    #[sea_orm(string_value = "WORKFORCE_PLAN")]
    WorkforcePlan,
    #[sea_orm(string_value = "TRAINING_PLAN")]
    TrainingPlan,
    #[sea_orm(string_value = "DATA_SHARING_AGREEMENT")]
    DataSharingAgreement,
    #[sea_orm(string_value = "DATA_NEEDS_PLAN")]
    DataNeedsPlan,
    #[sea_orm(string_value = "RESEARCH_STRATEGY")]
    ResearchStrategy,
    /// An agreed pathway, procedure or protocol, by topic.
    #[sea_orm(string_value = "PATHWAY")]
    Pathway,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentStatus {
    /// Registered; waiting for the parties' signatures.
    #[sea_orm(string_value = "IN_SIGNATURE")]
    InSignature,
    /// Every party signed.
    #[sea_orm(string_value = "IN_FORCE")]
    InForce,
    /// A later version of the same document came into force.
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
}

/// The posts of a network's management and its board chair (Spinal Services Clinical Network
/// Specification §5.2; §7.1 "a network management team in post").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NetworkPost {
    #[sea_orm(string_value = "CLINICAL_LEAD")]
    ClinicalLead,
    #[sea_orm(string_value = "MANAGER")]
    Manager,
    #[sea_orm(string_value = "CHAIR")]
    Chair,
}

/// A seat on the network board, as the specification lists its representation (§5.2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BoardSeat {
    /// "clinical representation from each trust undertaking spinal work in the region"
    #[sea_orm(string_value = "CLINICAL_REPRESENTATIVE")]
    ClinicalRepresentative,
    /// "management support from the hub centres"
    #[sea_orm(string_value = "HUB_MANAGEMENT")]
    HubManagement,
    /// "regional allied health professional representatives"
    #[sea_orm(string_value = "REGIONAL_AHP")]
    RegionalAhp,
    #[sea_orm(string_value = "PATIENT_REPRESENTATIVE")]
    PatientRepresentative,
    #[sea_orm(string_value = "THIRD_SECTOR")]
    ThirdSector,
    #[sea_orm(string_value = "COMMISSIONER")]
    Commissioner,
    /// "other specialties as required"
    #[sea_orm(string_value = "SPECIALTY")]
    Specialty,
}

/// "other specialties as required such as major trauma, spinal cord injury, rehabilitation,
/// oncology and radiology" (§5.2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BoardSpecialty {
    #[sea_orm(string_value = "MAJOR_TRAUMA")]
    MajorTrauma,
    #[sea_orm(string_value = "SPINAL_CORD_INJURY")]
    SpinalCordInjury,
    #[sea_orm(string_value = "REHABILITATION")]
    Rehabilitation,
    #[sea_orm(string_value = "ONCOLOGY")]
    Oncology,
    #[sea_orm(string_value = "RADIOLOGY")]
    Radiology,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// A board member's profession: "Clinical representation should cover the whole
/// multi-disciplinary team and pathway of care" (§5.2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Profession {
    #[sea_orm(string_value = "SPINAL_SURGEON")]
    SpinalSurgeon,
    #[sea_orm(string_value = "ANAESTHETIST")]
    Anaesthetist,
    #[sea_orm(string_value = "NURSE")]
    Nurse,
    #[sea_orm(string_value = "PHYSIOTHERAPIST")]
    Physiotherapist,
    #[sea_orm(string_value = "OCCUPATIONAL_THERAPIST")]
    OccupationalTherapist,
    #[sea_orm(string_value = "RADIOLOGIST")]
    Radiologist,
    #[sea_orm(string_value = "PAIN_MEDICINE")]
    PainMedicine,
    #[sea_orm(string_value = "REHABILITATION_MEDICINE")]
    RehabilitationMedicine,
    #[sea_orm(string_value = "PSYCHOLOGIST")]
    Psychologist,
    #[sea_orm(string_value = "MANAGER")]
    Manager,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// The meetings a network holds: its board, the regional audit meeting that is "the base of
/// network governance" (Regional Spinal Networks), and M&M reviews (specification §4.3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeetingKind {
    #[sea_orm(string_value = "BOARD")]
    Board,
    #[sea_orm(string_value = "REGIONAL_AUDIT")]
    RegionalAudit,
    #[sea_orm(string_value = "MM_REVIEW")]
    MmReview,
}

/// What an M&M review counts (specification §4.3: "Network Morbidity and Mortality (M&M)
/// reviews of operative deaths, complications, return to theatre, negligence cases, duty of
/// candour, serious incidents and never events").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MmCategory {
    OperativeDeath,
    Complication,
    ReturnToTheatre,
    NegligenceCase,
    DutyOfCandour,
    SeriousIncident,
    NeverEvent,
}
