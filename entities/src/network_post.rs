use sea_orm::entity::prelude::*;

use crate::enums::NetworkPost;

/// Who holds one of a network's posts, and from when (Spinal Services Clinical Network
/// Specification §5.2 for the chair; §7.1 "a network management team in post").
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "network_posts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_code: String,
    pub post: NetworkPost,
    pub holder_name: String,
    /// Lower-cased work address: how one person is told apart across posts (the chair rule).
    pub holder_email: String,
    /// ODS code of the holder's main employer (a provider or an ICB); none for a patient
    /// representative.
    pub main_employer: Option<String>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// For the chair: how the fair and open process ran.
    pub appointment: Option<String>,
    /// The specification's "ideally" not met, as accepted: `["SAME_EMPLOYER_AS_CLINICAL_LEAD", …]`.
    pub warnings: Json,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
