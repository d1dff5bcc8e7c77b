//! Batched loads, one key type per relationship, so the SQL statement count of a request grows
//! with its depth, never with the number of rows it returns.
//!
//! A `Loaders` is created per request (and per subscription connection) and does not cache:
//! values never outlive the request that read them. Organisation rows are readable by every
//! authenticated caller; fields carrying personal data check the caller's scope before loading.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use entities::{
    icb, icb_succession, network, network_footprint, network_membership, provider,
    provider_contact, region,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppError;

pub type Loaders = DataLoader<OrgLoader>;

/// Builds the loaders for one request. Batches are dispatched as soon as the resolvers of one
/// level have all asked (actix workers run one request on one thread), so no artificial delay.
pub fn loaders(db: DatabaseConnection) -> Loaders {
    DataLoader::new(OrgLoader { db }, tokio::spawn).delay(Duration::ZERO)
}

pub struct OrgLoader {
    db: DatabaseConnection,
}

macro_rules! key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(pub String);
    };
}

key!(/// A region by code.
    RegionByCode);
key!(/// An ICB by ODS code.
    IcbByCode);
key!(/// A network by code.
    NetworkByCode);
key!(/// A provider by ODS code.
    ProviderByOds);
key!(/// All membership rows (whole history) of a network.
    MembershipsOfNetwork);
key!(/// All membership rows (whole history) of a provider.
    MembershipsOfProvider);
key!(/// All footprint rows (whole history) of a network.
    FootprintOfNetwork);
key!(/// All footprint rows (whole history) naming an ICB.
    FootprintOfIcb);
key!(/// ICB codes that succeeded an ICB.
    SuccessorsOfIcb);
key!(/// ICB codes an ICB succeeded.
    PredecessorsOfIcb);
key!(/// ICBs (all dates) of a region.
    IcbsOfRegion);
key!(/// A provider's named contacts. Personal data: callers check scope first.
    ContactsOfProvider);

fn codes<K: Clone, F: Fn(&K) -> &String>(keys: &[K], f: F) -> Vec<String> {
    keys.iter().map(|k| f(k).clone()).collect()
}

/// One row per key.
fn by_key<K, M>(rows: Vec<M>, key: impl Fn(&M) -> K) -> HashMap<K, M>
where
    K: Eq + Hash,
{
    rows.into_iter().map(|m| (key(&m), m)).collect()
}

/// All rows of each key, in the order fetched.
fn grouped<K, M>(rows: Vec<M>, key: impl Fn(&M) -> K) -> HashMap<K, Vec<M>>
where
    K: Eq + Hash,
{
    let mut map: HashMap<K, Vec<M>> = HashMap::new();
    for m in rows {
        map.entry(key(&m)).or_default().push(m);
    }
    map
}

impl Loader<RegionByCode> for OrgLoader {
    type Value = region::Model;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[RegionByCode],
    ) -> Result<HashMap<RegionByCode, Self::Value>, AppError> {
        let rows = region::Entity::find()
            .filter(region::Column::Code.is_in(codes(keys, |k| &k.0)))
            .all(&self.db)
            .await?;
        Ok(by_key(rows, |m| RegionByCode(m.code.clone())))
    }
}

impl Loader<IcbByCode> for OrgLoader {
    type Value = icb::Model;
    type Error = AppError;
    async fn load(&self, keys: &[IcbByCode]) -> Result<HashMap<IcbByCode, Self::Value>, AppError> {
        let rows = icb::Entity::find()
            .filter(icb::Column::Code.is_in(codes(keys, |k| &k.0)))
            .all(&self.db)
            .await?;
        Ok(by_key(rows, |m| IcbByCode(m.code.clone())))
    }
}

impl Loader<NetworkByCode> for OrgLoader {
    type Value = network::Model;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[NetworkByCode],
    ) -> Result<HashMap<NetworkByCode, Self::Value>, AppError> {
        let rows = network::Entity::find()
            .filter(network::Column::Code.is_in(codes(keys, |k| &k.0)))
            .all(&self.db)
            .await?;
        Ok(by_key(rows, |m| NetworkByCode(m.code.clone())))
    }
}

impl Loader<ProviderByOds> for OrgLoader {
    type Value = provider::Model;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[ProviderByOds],
    ) -> Result<HashMap<ProviderByOds, Self::Value>, AppError> {
        let rows = provider::Entity::find()
            .filter(provider::Column::OdsCode.is_in(codes(keys, |k| &k.0)))
            .all(&self.db)
            .await?;
        Ok(by_key(rows, |m| ProviderByOds(m.ods_code.clone())))
    }
}

impl Loader<MembershipsOfNetwork> for OrgLoader {
    type Value = Vec<network_membership::Model>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[MembershipsOfNetwork],
    ) -> Result<HashMap<MembershipsOfNetwork, Self::Value>, AppError> {
        let rows = network_membership::Entity::find()
            .filter(network_membership::Column::NetworkCode.is_in(codes(keys, |k| &k.0)))
            .order_by_asc(network_membership::Column::ValidFrom)
            .order_by_asc(network_membership::Column::ProviderOds)
            .all(&self.db)
            .await?;
        Ok(grouped(rows, |m| {
            MembershipsOfNetwork(m.network_code.clone())
        }))
    }
}

impl Loader<MembershipsOfProvider> for OrgLoader {
    type Value = Vec<network_membership::Model>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[MembershipsOfProvider],
    ) -> Result<HashMap<MembershipsOfProvider, Self::Value>, AppError> {
        let rows = network_membership::Entity::find()
            .filter(network_membership::Column::ProviderOds.is_in(codes(keys, |k| &k.0)))
            .order_by_asc(network_membership::Column::ValidFrom)
            .all(&self.db)
            .await?;
        Ok(grouped(rows, |m| {
            MembershipsOfProvider(m.provider_ods.clone())
        }))
    }
}

impl Loader<FootprintOfNetwork> for OrgLoader {
    type Value = Vec<network_footprint::Model>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[FootprintOfNetwork],
    ) -> Result<HashMap<FootprintOfNetwork, Self::Value>, AppError> {
        let rows = network_footprint::Entity::find()
            .filter(network_footprint::Column::NetworkCode.is_in(codes(keys, |k| &k.0)))
            .order_by_asc(network_footprint::Column::IcbCode)
            .order_by_asc(network_footprint::Column::ValidFrom)
            .all(&self.db)
            .await?;
        Ok(grouped(rows, |m| {
            FootprintOfNetwork(m.network_code.clone())
        }))
    }
}

impl Loader<FootprintOfIcb> for OrgLoader {
    type Value = Vec<network_footprint::Model>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[FootprintOfIcb],
    ) -> Result<HashMap<FootprintOfIcb, Self::Value>, AppError> {
        let rows = network_footprint::Entity::find()
            .filter(network_footprint::Column::IcbCode.is_in(codes(keys, |k| &k.0)))
            .order_by_asc(network_footprint::Column::NetworkCode)
            .all(&self.db)
            .await?;
        Ok(grouped(rows, |m| FootprintOfIcb(m.icb_code.clone())))
    }
}

impl Loader<SuccessorsOfIcb> for OrgLoader {
    type Value = Vec<String>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[SuccessorsOfIcb],
    ) -> Result<HashMap<SuccessorsOfIcb, Self::Value>, AppError> {
        let rows = icb_succession::Entity::find()
            .filter(icb_succession::Column::PredecessorCode.is_in(codes(keys, |k| &k.0)))
            .order_by_asc(icb_succession::Column::SuccessorCode)
            .all(&self.db)
            .await?;
        let groups = grouped(rows, |m| SuccessorsOfIcb(m.predecessor_code.clone()));
        Ok(groups
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|m| m.successor_code).collect()))
            .collect())
    }
}

impl Loader<PredecessorsOfIcb> for OrgLoader {
    type Value = Vec<String>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[PredecessorsOfIcb],
    ) -> Result<HashMap<PredecessorsOfIcb, Self::Value>, AppError> {
        let rows = icb_succession::Entity::find()
            .filter(icb_succession::Column::SuccessorCode.is_in(codes(keys, |k| &k.0)))
            .order_by_asc(icb_succession::Column::PredecessorCode)
            .all(&self.db)
            .await?;
        let groups = grouped(rows, |m| PredecessorsOfIcb(m.successor_code.clone()));
        Ok(groups
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|m| m.predecessor_code).collect()))
            .collect())
    }
}

impl Loader<IcbsOfRegion> for OrgLoader {
    type Value = Vec<icb::Model>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[IcbsOfRegion],
    ) -> Result<HashMap<IcbsOfRegion, Self::Value>, AppError> {
        let rows = icb::Entity::find()
            .filter(icb::Column::RegionCode.is_in(codes(keys, |k| &k.0)))
            .order_by_asc(icb::Column::Code)
            .all(&self.db)
            .await?;
        Ok(grouped(rows, |m| IcbsOfRegion(m.region_code.clone())))
    }
}

impl Loader<ContactsOfProvider> for OrgLoader {
    type Value = Vec<provider_contact::Model>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[ContactsOfProvider],
    ) -> Result<HashMap<ContactsOfProvider, Self::Value>, AppError> {
        let rows = provider_contact::Entity::find()
            .filter(provider_contact::Column::ProviderOds.is_in(codes(keys, |k| &k.0)))
            .order_by_asc(provider_contact::Column::Role)
            .all(&self.db)
            .await?;
        Ok(grouped(rows, |m| {
            ContactsOfProvider(m.provider_ods.clone())
        }))
    }
}
