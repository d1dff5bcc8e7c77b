//! The host is the commissioners' choice (Spinal Services Clinical Network Specification §5.1:
//! "hosted by a named lead provider from within the network determined by the network's
//! commissioners"): any member provider, hub or partner. Each determination is kept (which
//! ICBs, on which day, citing what) and the organisation map names the latest determined.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use entities::host_determination;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    Set,
};
use serde_json::json;

use super::{memberships_on, within_reach};
use crate::auth::scope::Scope;
use crate::auth::{GrantScope, Role, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::{Event, GovernanceChange, GovernanceChangeKind, OrganisationEntity};
use crate::service::audit::{Change, Subject};
use crate::service::filled_in;
use crate::service::unit_of_work::UnitOfWork;
use crate::state::AppState;

pub struct HostChoice {
    pub network: String,
    pub provider: String,
    /// The footprint ICBs that determined it.
    pub icbs: Vec<String>,
    pub determined_on: NaiveDate,
    /// The decision (e.g. the joint committee's minute).
    pub citation: String,
}

/// Records the commissioners' determination of the host: by an ICB_COMMISSIONER of one of the
/// determining ICBs, or a NATIONAL_ADMIN recording it for them.
pub async fn determine_host(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    choice: HostChoice,
) -> AppResult<(entities::network::Model, host_determination::Model)> {
    let network_code = choice.network.trim().to_owned();
    let icbs: BTreeSet<String> = choice
        .icbs
        .iter()
        .map(|i| i.trim().to_uppercase())
        .collect();
    let commissioner = icbs
        .iter()
        .any(|icb| viewer.holds(Role::IcbCommissioner, &GrantScope::Icb(icb.clone())));
    if !commissioner && !viewer.has_role(Role::NationalAdmin) {
        return Err(AppError::forbidden(
            "Only a commissioner of one of the determining ICBs (ICB_COMMISSIONER), or a NATIONAL_ADMIN for them, records the host.",
        ));
    }
    if !scope.governance.contains(&network_code) {
        return Err(AppError::not_found("network", &network_code));
    }
    let citation = filled_in(&choice.citation, "citation")?;
    let provider = choice.provider.trim().to_uppercase();
    if icbs.is_empty() || icbs.len() > 20 {
        return Err(AppError::bad_input(
            "Name the ICBs that determined the host (`icbs`): 1 to 20 of the network's footprint.",
        ));
    }

    let mut work = UnitOfWork::begin(state).await?;
    within_reach(choice.determined_on, work.today, "determinedOn")?;
    if choice.determined_on > work.today {
        return Err(AppError::bad_input(format!(
            "determinedOn {} is after today; record the determination once made.",
            choice.determined_on
        )));
    }
    let network = super::hold_network(work.db(), &network_code).await?;
    let footprint =
        crate::service::network::footprint_icbs(work.db(), &network_code, choice.determined_on)
            .await?;
    if let Some(stranger) = icbs.iter().find(|i| !footprint.contains(i)) {
        return Err(AppError::bad_input(format!(
            "{stranger} is not in {network_code}'s footprint on {}; the host is determined by the network's commissioners ({}).",
            choice.determined_on,
            footprint.join(", ")
        )));
    }
    for day in [choice.determined_on, work.today] {
        let members = memberships_on(work.db(), &network_code, day).await?;
        if !members.iter().any(|m| m.provider_ods == provider) {
            return Err(AppError::bad_input(format!(
                "{provider} is not a member of {network_code} on {day}; the host is a provider from within the network."
            )));
        }
    }
    let determination = host_determination::Entity::insert(host_determination::ActiveModel {
        id: NotSet,
        network_code: Set(network_code.clone()),
        provider_ods: Set(provider.clone()),
        determined_on: Set(choice.determined_on),
        icbs: Set(json!(icbs)),
        citation: Set(citation.clone()),
        recorded_by_name: Set(viewer.name.clone()),
        recorded_at: Set(work.now),
    })
    .exec_with_returning(work.db())
    .await?;
    // A determination recorded late, older than one already kept, joins the history without
    // replacing the host chosen since.
    let superseded = host_determination::Entity::find()
        .filter(host_determination::Column::NetworkCode.eq(network_code.as_str()))
        .filter(host_determination::Column::DeterminedOn.gt(choice.determined_on))
        .count(work.db())
        .await?
        > 0;
    let before = json!({ "host": network.host_provider_ods });
    let network = if superseded {
        network
    } else {
        let mut active = network.into_active_model();
        active.host_provider_ods = Set(Some(provider.clone()));
        entities::network::Entity::update(active)
            .exec(work.db())
            .await?
    };
    work.audit(
        viewer,
        Change {
            action: "determineNetworkHost",
            subject: Subject::Organisation(OrganisationEntity::NetworkHost),
            key: &network_code,
            before: Some(before),
            after: Some(json!({ "host": network.host_provider_ods, "determined": provider, "icbs": icbs, "determinedOn": choice.determined_on, "determinationId": determination.id })),
            reason: &citation,
        },
    )
    .await?;
    work.publish(Event::GovernanceChanged(GovernanceChange {
        party: Some(provider),
        ..GovernanceChange::of(
            GovernanceChangeKind::HostDetermined,
            &network_code,
            work.now,
        )
    }))
    .await?;
    work.commit().await?;
    Ok((network, determination))
}
