use sea_orm::entity::prelude::*;

use crate::enums::{BoardSeat, BoardSpecialty, Profession};

/// A member of a network board in a seat (Spinal Services Clinical Network Specification §5.2).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "board_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_code: String,
    pub seat: BoardSeat,
    pub name: String,
    /// The provider represented (clinical representative, hub management) or the ICB
    /// (commissioner).
    pub organisation_code: Option<String>,
    /// ODS code of the member's main employer, or a short name where it has none (a charity).
    pub main_employer: String,
    pub profession: Option<Profession>,
    pub specialty: Option<BoardSpecialty>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
