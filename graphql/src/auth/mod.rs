//! Who is calling and what they may reach.
//!
//! The token is verified at the edge (`token`); the viewer it yields travels as request data;
//! `scope` turns grants into the sets of rows a caller may reach, computed once per request and
//! used by every list, lookup, loader and subscription.

pub mod scope;
pub mod token;

use async_graphql::Enum;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// The roles a grant may carry.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    NationalAdmin,
    NationalViewer,
    RegionalLead,
    IcbCommissioner,
    NetworkManager,
    NetworkClinicalLead,
    /// Chairs the network board (Spinal Services Clinical Network Specification §5.2).
    NetworkChair,
    ProviderSubmitter,
    ProviderLeadClinician,
    ProviderCeo,
    /// Copied at stage 2 of a case, when the data and analyses are "made available to the
    /// Medical Director and CEO" (BSR Cause for Concern Policy, January 2026, Tables 1-2,
    /// stages 2 and 5).
    ProviderMedicalDirector,
    RegistryAnalyst,
    RegistryClinicalLead,
    HqipAssociateDirector,
    Integration,
}

impl Role {
    pub const ALL: [Role; 15] = [
        Role::NationalAdmin,
        Role::NationalViewer,
        Role::RegionalLead,
        Role::IcbCommissioner,
        Role::NetworkManager,
        Role::NetworkClinicalLead,
        Role::NetworkChair,
        Role::ProviderSubmitter,
        Role::ProviderLeadClinician,
        Role::ProviderCeo,
        Role::ProviderMedicalDirector,
        Role::RegistryAnalyst,
        Role::RegistryClinicalLead,
        Role::HqipAssociateDirector,
        Role::Integration,
    ];

    /// The scope kinds a grant of this role may carry.
    pub fn allowed_scopes(self) -> &'static [ScopeKind] {
        use ScopeKind::*;
        match self {
            Role::NationalAdmin
            | Role::NationalViewer
            | Role::RegistryAnalyst
            | Role::RegistryClinicalLead
            | Role::HqipAssociateDirector => &[All],
            Role::RegionalLead => &[Region],
            Role::IcbCommissioner => &[Icb],
            Role::NetworkManager | Role::NetworkClinicalLead | Role::NetworkChair => &[Network],
            Role::ProviderSubmitter
            | Role::ProviderLeadClinician
            | Role::ProviderCeo
            | Role::ProviderMedicalDirector => &[Provider],
            Role::Integration => &[Network, Icb, All],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::NationalAdmin => "NATIONAL_ADMIN",
            Role::NationalViewer => "NATIONAL_VIEWER",
            Role::RegionalLead => "REGIONAL_LEAD",
            Role::IcbCommissioner => "ICB_COMMISSIONER",
            Role::NetworkManager => "NETWORK_MANAGER",
            Role::NetworkClinicalLead => "NETWORK_CLINICAL_LEAD",
            Role::NetworkChair => "NETWORK_CHAIR",
            Role::ProviderSubmitter => "PROVIDER_SUBMITTER",
            Role::ProviderLeadClinician => "PROVIDER_LEAD_CLINICIAN",
            Role::ProviderCeo => "PROVIDER_CEO",
            Role::ProviderMedicalDirector => "PROVIDER_MEDICAL_DIRECTOR",
            Role::RegistryAnalyst => "REGISTRY_ANALYST",
            Role::RegistryClinicalLead => "REGISTRY_CLINICAL_LEAD",
            Role::HqipAssociateDirector => "HQIP_ASSOCIATE_DIRECTOR",
            Role::Integration => "INTEGRATION",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    All,
    Region,
    Icb,
    Network,
    Provider,
}

/// What a grant reaches: everything, or one organisation by code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GrantScope {
    All,
    Region(String),
    Icb(String),
    Network(String),
    Provider(String),
}

impl GrantScope {
    pub fn kind(&self) -> ScopeKind {
        match self {
            GrantScope::All => ScopeKind::All,
            GrantScope::Region(_) => ScopeKind::Region,
            GrantScope::Icb(_) => ScopeKind::Icb,
            GrantScope::Network(_) => ScopeKind::Network,
            GrantScope::Provider(_) => ScopeKind::Provider,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Grant {
    pub role: Role,
    pub scope: GrantScope,
}

impl Grant {
    /// A grant is valid when its scope kind is one its role allows.
    pub fn new(role: Role, scope: GrantScope) -> Result<Self, String> {
        if role.allowed_scopes().contains(&scope.kind()) {
            Ok(Grant { role, scope })
        } else {
            let allowed: Vec<String> = role
                .allowed_scopes()
                .iter()
                .map(|k| match k {
                    ScopeKind::All => "no scope".to_owned(),
                    other => format!("a {}", format!("{other:?}").to_lowercase()),
                })
                .collect();
            Err(format!(
                "a {} grant takes {}",
                role.as_str(),
                allowed.join(" or ")
            ))
        }
    }
}

/// The authenticated caller, from a verified token.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub sub: String,
    pub name: String,
    pub email: Option<String>,
    pub grants: Vec<Grant>,
}

impl Viewer {
    /// The portal itself acting (its clock, its derivations), holding no grant: what it does
    /// is recorded under this name.
    pub fn portal(sub: &str, name: &str) -> Viewer {
        Viewer {
            sub: sub.to_owned(),
            name: name.to_owned(),
            email: None,
            grants: Vec::new(),
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn has_any_role(&self, roles: &[Role]) -> bool {
        self.grants.iter().any(|g| roles.contains(&g.role))
    }

    /// Holds `role` for exactly this organisation (or for everything).
    pub fn holds(&self, role: Role, scope: &GrantScope) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && (g.scope == *scope || g.scope == GrantScope::All))
    }

    /// Fails with `FORBIDDEN` unless the caller holds one of `roles`.
    pub fn require_any(&self, roles: &[Role], to_do: &str) -> AppResult<()> {
        if self.has_any_role(roles) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(AppError::forbidden(format!(
                "Only {} may {to_do}.",
                names.join(" or ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_must_carry_the_scope_its_role_takes() {
        assert!(Grant::new(Role::NetworkManager, GrantScope::Network("WESSEX".into())).is_ok());
        assert!(Grant::new(Role::NetworkManager, GrantScope::All).is_err());
        assert!(Grant::new(Role::NationalAdmin, GrantScope::Icb("QRL".into())).is_err());
        assert!(Grant::new(Role::Integration, GrantScope::Icb("QRL".into())).is_ok());
        assert!(Grant::new(Role::Integration, GrantScope::Provider("RHM".into())).is_err());
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
