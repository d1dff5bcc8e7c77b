//! The organisation map as at a date (networks, ICBs, footprints, memberships, providers), read
//! in a handful of statements, and today's map cached between requests. Scope
//! (`auth::scope`), area lookups and aggregates all read it.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use entities::{icb, network, network_footprint, network_membership, provider};
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::dated::in_force_on;
use crate::error::AppResult;
use crate::registry::Registry;

/// The rows of the organisation map in force on one date.
#[derive(Debug, Default)]
pub struct OrgSnapshot {
    /// The date the map stands on.
    pub date: NaiveDate,
    /// `(network, lead region)`
    pub networks: Vec<(String, String)>,
    /// `(icb, region)` for ICBs alive on the date.
    pub icbs: Vec<(String, String)>,
    /// `(network, icb)` footprint rows in force.
    pub footprints: Vec<(String, String)>,
    /// `(network, provider)` memberships in force.
    pub memberships: Vec<(String, String)>,
    /// Every provider by ODS code (providers are not dated), so a lookup by code costs no
    /// statement.
    pub providers: BTreeMap<String, provider::Model>,
}

impl OrgSnapshot {
    pub async fn load(db: &DatabaseConnection, date: NaiveDate) -> AppResult<Self> {
        let networks = network::Entity::find()
            .select_only()
            .columns([network::Column::Code, network::Column::LeadRegionCode])
            .into_tuple()
            .all(db)
            .await?;
        let icbs = icb::Entity::find()
            .select_only()
            .columns([icb::Column::Code, icb::Column::RegionCode])
            .filter(in_force_on(
                icb::Column::ValidFrom,
                icb::Column::ValidTo,
                date,
            ))
            .into_tuple()
            .all(db)
            .await?;
        let footprints = network_footprint::Entity::find()
            .select_only()
            .columns([
                network_footprint::Column::NetworkCode,
                network_footprint::Column::IcbCode,
            ])
            .filter(in_force_on(
                network_footprint::Column::ValidFrom,
                network_footprint::Column::ValidTo,
                date,
            ))
            .into_tuple()
            .all(db)
            .await?;
        let memberships = network_membership::Entity::find()
            .select_only()
            .columns([
                network_membership::Column::NetworkCode,
                network_membership::Column::ProviderOds,
            ])
            .filter(in_force_on(
                network_membership::Column::ValidFrom,
                network_membership::Column::ValidTo,
                date,
            ))
            .into_tuple()
            .all(db)
            .await?;
        let providers = provider::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.ods_code.clone(), p))
            .collect();
        Ok(OrgSnapshot {
            date,
            networks,
            icbs,
            footprints,
            memberships,
            providers,
        })
    }
}

/// How long a cached map may serve before it is read again, whatever happened: the safety net
/// for a change notification another instance sent while this one's listener was reconnecting.
const MAP_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// Today's organisation map and the organisation tables whole (`Registry`), shared by every
/// request. Both are dropped when this instance commits a change to the organisation
/// (`UnitOfWork::commit`), when any instance's change event arrives, and after `MAP_TTL`; the map
/// also when the day changes. One read while a change was being dropped is not kept: each drop
/// moves a generation counter on, as in `series::SeriesCache`.
pub struct MapCache {
    cached: std::sync::Mutex<CachedMap>,
    lookups: crate::metrics::CacheCounters,
    registry_lookups: crate::metrics::CacheCounters,
}

#[derive(Default)]
struct CachedMap {
    generation: u64,
    map: Kept<OrgSnapshot>,
    registry: Kept<Registry>,
}

/// A value and when it was read.
type Kept<T> = Option<(std::time::Instant, Arc<T>)>;

impl MapCache {
    /// `lookups` and `registry_lookups` count the hits and misses of the map and the tables.
    pub fn new(
        lookups: crate::metrics::CacheCounters,
        registry_lookups: crate::metrics::CacheCounters,
    ) -> Self {
        MapCache {
            cached: Default::default(),
            lookups,
            registry_lookups,
        }
    }

    /// The organisation tables whole: from the cache while fresh, else read.
    pub async fn registry(&self, db: &DatabaseConnection) -> AppResult<Arc<Registry>> {
        let load = Registry::load(db);
        self.kept(|c| &mut c.registry, |_| true, &self.registry_lookups, load)
            .await
    }

    /// The map in force on `date`: from the cache when it holds that date, else read.
    pub async fn on(
        &self,
        db: &DatabaseConnection,
        date: NaiveDate,
    ) -> AppResult<Arc<OrgSnapshot>> {
        let load = OrgSnapshot::load(db, date);
        self.kept(|c| &mut c.map, |map| map.date == date, &self.lookups, load)
            .await
    }

    /// The value `slot` keeps, when it is fresh and `fits`; else `load`ed, and kept unless a
    /// drop happened meanwhile.
    async fn kept<T>(
        &self,
        slot: fn(&mut CachedMap) -> &mut Kept<T>,
        fits: impl Fn(&T) -> bool,
        lookups: &crate::metrics::CacheCounters,
        load: impl Future<Output = AppResult<T>>,
    ) -> AppResult<Arc<T>> {
        let generation = match self.cached.lock() {
            Ok(mut cached) => {
                if let Some((read_at, value)) = slot(&mut cached)
                    && fits(value)
                    && read_at.elapsed() < MAP_TTL
                {
                    lookups.hit();
                    return Ok(value.clone());
                }
                cached.generation
            }
            Err(_) => u64::MAX,
        };
        lookups.miss();
        let value = Arc::new(load.await?);
        if let Ok(mut cached) = self.cached.lock()
            && cached.generation == generation
        {
            *slot(&mut cached) = Some((std::time::Instant::now(), value.clone()));
        }
        Ok(value)
    }

    pub fn invalidate(&self) {
        if let Ok(mut cached) = self.cached.lock() {
            cached.generation += 1;
            cached.map = None;
            cached.registry = None;
        }
    }
}
