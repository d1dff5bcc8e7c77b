use sea_orm::entity::prelude::*;

use crate::enums::Party;

/// A party's signature of a governance document: who signed for it, and when; append-only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_signatures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub document_id: i32,
    pub party_kind: Party,
    pub party_code: String,
    pub signer_sub: String,
    pub signer_name: String,
    pub signed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
