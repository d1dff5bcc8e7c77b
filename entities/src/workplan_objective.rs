use sea_orm::entity::prelude::*;

use crate::enums::NetworkFunction;

/// An objective of a workplan under one §4.3 function heading.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workplan_objectives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workplan_id: i32,
    pub function: NetworkFunction,
    pub title: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
