use sea_orm::entity::prelude::*;

use crate::enums::Nation;

/// An organisation delivering spinal care, keyed by its ODS code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ods_code: String,
    pub name: String,
    pub nation: Nation,
    /// Part of the synthetic demo layer, never real.
    pub synthetic: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
