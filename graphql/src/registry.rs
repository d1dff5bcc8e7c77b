//! The organisation tables whole, every date (regions, ICBs and their successions, networks,
//! providers, memberships, footprints): what organisation queries answer from. They are small
//! (hundreds of rows) and change rarely, so they are read in seven statements and shared by
//! requests, kept and dropped with today's organisation map (`org_map::MapCache`): a warm
//! organisation query costs no statement at all.

use std::collections::{BTreeMap, HashMap};

use entities::{
    icb, icb_succession, network, network_footprint, network_membership, provider, region,
};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use crate::error::{AppError, AppResult};

/// Request data: the tables one request answers from, taken on first use, so every field of it
/// sees the same snapshot.
#[derive(Default)]
pub struct RequestRegistry(pub(crate) tokio::sync::OnceCell<std::sync::Arc<Registry>>);

#[derive(Debug, Default)]
pub struct Registry {
    pub regions: BTreeMap<String, region::Model>,
    pub icbs: BTreeMap<String, icb::Model>,
    pub networks: BTreeMap<String, network::Model>,
    pub providers: BTreeMap<String, provider::Model>,
    /// By network, ordered by start and provider.
    memberships_of_network: HashMap<String, Vec<network_membership::Model>>,
    /// By provider, ordered by start.
    memberships_of_provider: HashMap<String, Vec<network_membership::Model>>,
    /// By network, ordered by ICB and start.
    footprint_of_network: HashMap<String, Vec<network_footprint::Model>>,
    /// By ICB, ordered by network.
    footprint_of_icb: HashMap<String, Vec<network_footprint::Model>>,
    successors: HashMap<String, Vec<String>>,
    predecessors: HashMap<String, Vec<String>>,
}

fn grouped<M>(rows: &[M], key: impl Fn(&M) -> &str) -> HashMap<String, Vec<M>>
where
    M: Clone,
{
    let mut groups: HashMap<String, Vec<M>> = HashMap::new();
    for row in rows {
        groups
            .entry(key(row).to_owned())
            .or_default()
            .push(row.clone());
    }
    groups
}

impl Registry {
    pub async fn load(db: &DatabaseConnection) -> AppResult<Self> {
        let regions = region::Entity::find().all(db).await?;
        let icbs = icb::Entity::find().all(db).await?;
        let networks = network::Entity::find().all(db).await?;
        let providers = provider::Entity::find().all(db).await?;
        let memberships = network_membership::Entity::find()
            .order_by_asc(network_membership::Column::ValidFrom)
            .order_by_asc(network_membership::Column::ProviderOds)
            .order_by_asc(network_membership::Column::Id)
            .all(db)
            .await?;
        let mut footprints = network_footprint::Entity::find()
            .order_by_asc(network_footprint::Column::IcbCode)
            .order_by_asc(network_footprint::Column::ValidFrom)
            .order_by_asc(network_footprint::Column::Id)
            .all(db)
            .await?;
        let successions = icb_succession::Entity::find()
            .order_by_asc(icb_succession::Column::PredecessorCode)
            .order_by_asc(icb_succession::Column::SuccessorCode)
            .all(db)
            .await?;
        let footprint_of_network = grouped(&footprints, |f| &f.network_code);
        // Stable: within a network, by ICB and start still.
        footprints.sort_by(|a, b| a.network_code.cmp(&b.network_code));
        let mut successors: HashMap<String, Vec<String>> = HashMap::new();
        let mut predecessors: HashMap<String, Vec<String>> = HashMap::new();
        for s in &successions {
            successors
                .entry(s.predecessor_code.clone())
                .or_default()
                .push(s.successor_code.clone());
            predecessors
                .entry(s.successor_code.clone())
                .or_default()
                .push(s.predecessor_code.clone());
        }
        Ok(Registry {
            regions: regions.into_iter().map(|r| (r.code.clone(), r)).collect(),
            icbs: icbs.into_iter().map(|i| (i.code.clone(), i)).collect(),
            networks: networks.into_iter().map(|n| (n.code.clone(), n)).collect(),
            providers: providers
                .into_iter()
                .map(|p| (p.ods_code.clone(), p))
                .collect(),
            memberships_of_network: grouped(&memberships, |m| &m.network_code),
            memberships_of_provider: grouped(&memberships, |m| &m.provider_ods),
            footprint_of_network,
            footprint_of_icb: grouped(&footprints, |f| &f.icb_code),
            successors,
            predecessors,
        })
    }

    /// A row another row refers to: `NOT_FOUND` naming `what` and the code when it is missing.
    fn required<'a, M>(rows: &'a BTreeMap<String, M>, code: &str, what: &str) -> AppResult<&'a M> {
        rows.get(code)
            .ok_or_else(|| AppError::not_found(what, code))
    }

    pub fn region(&self, code: &str) -> AppResult<&region::Model> {
        Self::required(&self.regions, code, "region")
    }

    pub fn icb(&self, code: &str) -> AppResult<&icb::Model> {
        Self::required(&self.icbs, code, "ICB")
    }

    pub fn network(&self, code: &str) -> AppResult<&network::Model> {
        Self::required(&self.networks, code, "network")
    }

    pub fn provider(&self, ods: &str) -> AppResult<&provider::Model> {
        Self::required(&self.providers, ods, "provider")
    }

    /// Every membership row of a network, past, present and scheduled.
    pub fn memberships_of_network(&self, code: &str) -> &[network_membership::Model] {
        self.memberships_of_network
            .get(code)
            .map_or(&[], Vec::as_slice)
    }

    /// Every membership row of a provider, by start.
    pub fn memberships_of_provider(&self, ods: &str) -> &[network_membership::Model] {
        self.memberships_of_provider
            .get(ods)
            .map_or(&[], Vec::as_slice)
    }

    /// Every footprint row of a network, by ICB and start.
    pub fn footprint_of_network(&self, code: &str) -> &[network_footprint::Model] {
        self.footprint_of_network
            .get(code)
            .map_or(&[], Vec::as_slice)
    }

    /// Every footprint row naming an ICB, by network.
    pub fn footprint_of_icb(&self, code: &str) -> &[network_footprint::Model] {
        self.footprint_of_icb.get(code).map_or(&[], Vec::as_slice)
    }

    /// ICBs that succeeded an ICB, by code.
    pub fn successors(&self, code: &str) -> &[String] {
        self.successors.get(code).map_or(&[], Vec::as_slice)
    }

    /// ICBs an ICB succeeded, by code.
    pub fn predecessors(&self, code: &str) -> &[String] {
        self.predecessors.get(code).map_or(&[], Vec::as_slice)
    }

    /// ICBs (all dates) of a region, by code.
    pub fn icbs_of_region<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a icb::Model> {
        self.icbs.values().filter(move |i| i.region_code == code)
    }
}
