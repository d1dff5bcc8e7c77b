//! Enumerations stored as short strings (portable between SQLite and PostgreSQL).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The nation a provider is in: the cause-for-concern process differs for Wales (seed 000, Table 2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
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
pub enum ContactRole {
    #[sea_orm(string_value = "LEAD_CLINICIAN")]
    LeadClinician,
    #[sea_orm(string_value = "CEO")]
    Ceo,
    #[sea_orm(string_value = "MEDICAL_DIRECTOR")]
    MedicalDirector,
}
