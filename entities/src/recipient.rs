use sea_orm::entity::prelude::*;

use crate::enums::MailParty;

/// A body cause-for-concern letters go to, with its address (editable; `None` until known).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recipients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: MailParty,
    pub name: String,
    pub email: Option<String>,
    pub source: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
