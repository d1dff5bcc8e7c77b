//! Scope implemented once: which networks, ICBs and providers a caller reaches, and whose
//! named contacts it may read. Resolved as at today (Europe/London), once per request, from a
//! snapshot of the current organisation map, shared between requests (`org_map::MapCache`).

use std::collections::BTreeSet;
use std::sync::Arc;

use entities::case;
use sea_orm::{ColumnTrait, Condition};
use tokio::sync::OnceCell;

use super::{GrantScope, Role, Viewer};
use crate::org_map::OrgSnapshot;

/// Roles that reach every organisation.
const NATIONAL_REACH: &[Role] = &[
    Role::NationalAdmin,
    Role::NationalViewer,
    Role::RegistryAnalyst,
    Role::RegistryClinicalLead,
    Role::HqipAssociateDirector,
];

/// Roles that may read every provider's named contacts (NATIONAL_VIEWER is excluded:
/// it sees "everything but named individuals").
const CONTACTS_EVERYWHERE: &[Role] = &[
    Role::NationalAdmin,
    Role::RegistryAnalyst,
    Role::RegistryClinicalLead,
    Role::HqipAssociateDirector,
];

/// What one caller reaches.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    /// Reaches every organisation (national, registry and HQIP roles; unscoped integrations).
    pub everything: bool,
    pub networks: BTreeSet<String>,
    pub icbs: BTreeSet<String>,
    pub providers: BTreeSet<String>,
    /// Networks whose governance (workplans in every state, drafts of reports) the caller
    /// reads: its team, footprint ICBs, regions led in or reaching into it, national roles and
    /// scoped integrations. Member providers read only what is signed off or published.
    pub governance: BTreeSet<String>,
    /// Providers the caller holds a provider-scoped grant for (their own organisation): they
    /// read its service risks.
    pub own_providers: BTreeSet<String>,
    /// May read every provider's named contacts.
    pub contacts_everywhere: bool,
    /// Providers whose named contacts the caller may read.
    pub contact_providers: BTreeSet<String>,
    /// Which cases the caller reads.
    pub cases: CaseReach,
}

/// How much of a case a caller reads: everything, or everything but named individuals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CaseAccess {
    WithoutPeople,
    Full,
}

/// The cases a caller reaches.
#[derive(Debug, Default, Clone)]
pub struct CaseReach {
    /// Every case, at this access (registry, HQIP and national roles; unscoped integrations).
    pub everywhere: Option<CaseAccess>,
    /// Cases about these providers, in full (the provider's Lead Clinician and CEO).
    pub providers: BTreeSet<String>,
    /// Cases about these providers once the registry has informed the provider (stage 2), in
    /// full: the Medical Director is copied from then on (BSR Cause for Concern Policy, January
    /// 2026, Tables 1-2, stage 2).
    pub providers_from_stage_2: BTreeSet<String>,
    /// Cases about these providers once the provider's CEO recorded informing the commissioners,
    /// as stage 5 decided, without named individuals (ICB commissioners and integrations scoped
    /// to an ICB or network: their networks' providers). BSR Cause for Concern Policy, January
    /// 2026, Table 1, stage 5 ("for the Provider CEO to inform commissioners"); NHS Resolution's
    /// significant-concerns guidance ¶26-27 (a justified, documented share).
    pub providers_once_informed: BTreeSet<String>,
}

/// The stage from which the provider's Medical Director sees a case: the copy of stage 2.
pub const COPIED_FROM_STAGE: i32 = 2;

impl CaseReach {
    /// What the caller reads of a case about `provider` (None for an implant) that has reached
    /// `reached_stage`, and whose commissioners were or were not informed.
    pub fn access(
        &self,
        provider: Option<&str>,
        reached_stage: i32,
        commissioners_informed: bool,
    ) -> Option<CaseAccess> {
        let mut best = self.everywhere;
        if let Some(provider) = provider {
            if self.providers.contains(provider)
                || (reached_stage >= COPIED_FROM_STAGE
                    && self.providers_from_stage_2.contains(provider))
            {
                best = Some(CaseAccess::Full);
            } else if commissioners_informed && self.providers_once_informed.contains(provider) {
                best = best.max(Some(CaseAccess::WithoutPeople));
            }
        }
        best
    }

    /// The same reach as a SQL condition on `cases`, for lists and counts; `None` when the caller
    /// reaches no case at all. Keep it beside `access`: a test checks the two agree.
    pub fn condition(&self) -> Option<Condition> {
        if self.everywhere.is_some() {
            return Some(Condition::all());
        }
        let mut reach = Condition::any();
        if !self.providers.is_empty() {
            reach = reach.add(case::Column::ProviderOds.is_in(self.providers.iter()));
        }
        if !self.providers_from_stage_2.is_empty() {
            reach = reach.add(
                Condition::all()
                    .add(case::Column::ProviderOds.is_in(self.providers_from_stage_2.iter()))
                    .add(case::Column::ReachedStage.gte(COPIED_FROM_STAGE)),
            );
        }
        if !self.providers_once_informed.is_empty() {
            reach = reach.add(
                Condition::all()
                    .add(case::Column::ProviderOds.is_in(self.providers_once_informed.iter()))
                    .add(case::Column::CommissionersInformedAt.is_not_null()),
            );
        }
        (!self.providers.is_empty()
            || !self.providers_from_stage_2.is_empty()
            || !self.providers_once_informed.is_empty())
        .then_some(reach)
    }
}

impl Scope {
    /// Unions what each grant reaches ("a user may hold several grants; the union
    /// applies").
    pub fn resolve(viewer: &Viewer, map: &OrgSnapshot) -> Scope {
        let mut scope = Scope {
            contacts_everywhere: viewer.has_any_role(CONTACTS_EVERYWHERE),
            ..Scope::default()
        };
        let networks_serving = |icbs: &BTreeSet<String>| -> BTreeSet<String> {
            map.footprints
                .iter()
                .filter(|(_, i)| icbs.contains(i))
                .map(|(n, _)| n.clone())
                .collect()
        };
        let members_of = |networks: &BTreeSet<String>| -> BTreeSet<String> {
            map.memberships
                .iter()
                .filter(|(n, _)| networks.contains(n))
                .map(|(_, p)| p.clone())
                .collect()
        };
        let mut governance_everywhere = false;
        for grant in &viewer.grants {
            let case_access = match grant.role {
                Role::NationalAdmin
                | Role::RegistryAnalyst
                | Role::RegistryClinicalLead
                | Role::HqipAssociateDirector => Some(CaseAccess::Full),
                Role::NationalViewer => Some(CaseAccess::WithoutPeople),
                Role::Integration if grant.scope == GrantScope::All => {
                    Some(CaseAccess::WithoutPeople)
                }
                _ => None,
            };
            scope.cases.everywhere = scope.cases.everywhere.max(case_access);
            if NATIONAL_REACH.contains(&grant.role) || grant.scope == GrantScope::All {
                scope.everything = true;
                // HQIP's Associate Director reads cases, not networks' governance.
                governance_everywhere |= grant.role != Role::HqipAssociateDirector;
                continue;
            }
            match &grant.scope {
                GrantScope::All => {}
                // A region reaches the networks led in it or whose footprint reaches into it.
                GrantScope::Region(region) => {
                    let icbs: BTreeSet<String> = map
                        .icbs
                        .iter()
                        .filter(|(_, r)| r == region)
                        .map(|(i, _)| i.clone())
                        .collect();
                    let mut networks = networks_serving(&icbs);
                    networks.extend(
                        map.networks
                            .iter()
                            .filter(|(_, r)| r == region)
                            .map(|(n, _)| n.clone()),
                    );
                    scope.providers.extend(members_of(&networks));
                    scope.governance.extend(networks.iter().cloned());
                    scope.networks.extend(networks);
                    scope.icbs.extend(icbs);
                }
                // An ICB reaches the networks whose footprint includes it.
                GrantScope::Icb(icb) => {
                    let icbs = BTreeSet::from([icb.clone()]);
                    let networks = networks_serving(&icbs);
                    let members = members_of(&networks);
                    scope
                        .cases
                        .providers_once_informed
                        .extend(members.iter().cloned());
                    scope.providers.extend(members);
                    scope.governance.extend(networks.iter().cloned());
                    scope.networks.extend(networks);
                    if map.icbs.iter().any(|(i, _)| i == icb) {
                        scope.icbs.extend(icbs);
                    }
                }
                GrantScope::Network(network) => {
                    let networks = BTreeSet::from([network.clone()]);
                    let members = members_of(&networks);
                    if grant.role == Role::Integration {
                        scope
                            .cases
                            .providers_once_informed
                            .extend(members.iter().cloned());
                    }
                    if grant.role == Role::NetworkManager {
                        scope.contact_providers.extend(members.iter().cloned());
                    }
                    scope.providers.extend(members);
                    scope.icbs.extend(
                        map.footprints
                            .iter()
                            .filter(|(n, _)| n == network)
                            .map(|(_, i)| i.clone()),
                    );
                    scope.governance.extend(networks.iter().cloned());
                    scope.networks.extend(networks);
                }
                // A provider reaches itself and its network.
                GrantScope::Provider(provider) => {
                    if matches!(grant.role, Role::ProviderLeadClinician | Role::ProviderCeo) {
                        scope.cases.providers.insert(provider.clone());
                    }
                    if grant.role == Role::ProviderMedicalDirector {
                        scope.cases.providers_from_stage_2.insert(provider.clone());
                    }
                    scope.providers.insert(provider.clone());
                    scope.own_providers.insert(provider.clone());
                    scope.contact_providers.insert(provider.clone());
                    scope.networks.extend(
                        map.memberships
                            .iter()
                            .filter(|(_, p)| p == provider)
                            .map(|(n, _)| n.clone()),
                    );
                }
            }
        }
        if scope.everything {
            scope.networks = map.networks.iter().map(|(n, _)| n.clone()).collect();
            if governance_everywhere {
                scope.governance = scope.networks.clone();
            }
            scope.icbs = map.icbs.iter().map(|(i, _)| i.clone()).collect();
            scope.providers = map.memberships.iter().map(|(_, p)| p.clone()).collect();
        }
        scope
    }

    pub fn may_read_contacts_of(&self, provider: &str) -> bool {
        self.contacts_everywhere || self.contact_providers.contains(provider)
    }

    pub fn reaches_provider(&self, provider: &str) -> bool {
        self.everything || self.providers.contains(provider)
    }
}

/// Request data: the caller's scope, resolved on first use.
#[derive(Default)]
pub struct RequestScope(pub(crate) OnceCell<Arc<Scope>>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;

    fn map() -> OrgSnapshot {
        let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        OrgSnapshot {
            networks: vec![s("WESSEX", "Y59"), s("SWLSS", "Y56")],
            icbs: vec![s("QRL", "Y59"), s("S9B9J", "Y59"), s("QWE", "Y56")],
            footprints: vec![s("WESSEX", "QRL"), s("SWLSS", "S9B9J"), s("SWLSS", "QWE")],
            memberships: vec![s("WESSEX", "RHM"), s("WESSEX", "RHU"), s("SWLSS", "RJ7")],
            ..OrgSnapshot::default()
        }
    }

    fn viewer(grants: &[(Role, GrantScope)]) -> Viewer {
        Viewer {
            sub: "u".into(),
            name: "U".into(),
            email: None,
            grants: grants
                .iter()
                .map(|(r, s)| Grant::new(*r, s.clone()).unwrap())
                .collect(),
        }
    }

    #[test]
    fn a_region_reaches_networks_led_in_it_and_networks_reaching_into_it() {
        let scope = Scope::resolve(
            &viewer(&[(Role::RegionalLead, GrantScope::Region("Y59".into()))]),
            &map(),
        );
        assert_eq!(
            scope.networks,
            BTreeSet::from(["WESSEX".to_owned(), "SWLSS".to_owned()])
        );
        assert!(!scope.contacts_everywhere && scope.contact_providers.is_empty());
    }

    #[test]
    fn an_icb_reaches_only_networks_whose_footprint_includes_it() {
        let scope = Scope::resolve(
            &viewer(&[(Role::IcbCommissioner, GrantScope::Icb("QRL".into()))]),
            &map(),
        );
        assert_eq!(scope.networks, BTreeSet::from(["WESSEX".to_owned()]));
        assert!(scope.reaches_provider("RHM") && !scope.reaches_provider("RJ7"));
    }

    #[test]
    fn only_a_network_manager_reads_its_members_contacts() {
        let manager = Scope::resolve(
            &viewer(&[(Role::NetworkManager, GrantScope::Network("WESSEX".into()))]),
            &map(),
        );
        assert!(manager.may_read_contacts_of("RHU") && !manager.may_read_contacts_of("RJ7"));
        let lead = Scope::resolve(
            &viewer(&[(
                Role::NetworkClinicalLead,
                GrantScope::Network("WESSEX".into()),
            )]),
            &map(),
        );
        assert!(!lead.may_read_contacts_of("RHU"));
    }

    #[test]
    fn grants_union() {
        let scope = Scope::resolve(
            &viewer(&[
                (Role::ProviderCeo, GrantScope::Provider("RJ7".into())),
                (Role::IcbCommissioner, GrantScope::Icb("QRL".into())),
            ]),
            &map(),
        );
        assert_eq!(scope.networks.len(), 2);
        assert!(scope.may_read_contacts_of("RJ7") && !scope.may_read_contacts_of("RHM"));
    }
}
