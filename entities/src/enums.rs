//! Enumerations stored as short strings (portable between SQLite and PostgreSQL).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The nation a provider is in: the cause-for-concern process differs for Wales (seed 000, Table 2).
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

/// A provider's role in its network (DOMAIN.md §2): 1-3 hubs, any number of partners.
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

/// The named people of a provider the cause-for-concern letters go to (seed 000, Tables 1-2).
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

/// Who a cause-for-concern letter is addressed to: a provider contact, or a body from the
/// recipient directory (seed 000, Tables 1-2 and footnotes 1-7; category 3 for MHRA and ODEP).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
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
    /// Only when the HQIP Associate Director and the registry clinical lead decided at stage 5
    /// that the regulator is informed (seed 000, Tables 1-2, stage 5).
    #[sea_orm(string_value = "IF_REGULATOR_INFORMED")]
    IfRegulatorInformed,
}
