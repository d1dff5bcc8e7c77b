use async_graphql::{Context, Object, Result};

use crate::context::state;
use crate::context::viewer;
use crate::input::network::{FootprintRowInput, RemoveFootprintRowInput, SetNetworkHubsInput};
use crate::object::network::{FootprintRow, Network};
use crate::service::network::{self, FootprintChoice, HubChoice};

#[derive(Default)]
pub struct NetworkMutation;

#[Object]
impl NetworkMutation {
    /// Replaces a network's hubs from `effectiveFrom` (national administrators).
    async fn set_network_hubs(
        &self,
        ctx: &Context<'_>,
        input: SetNetworkHubsInput,
    ) -> Result<Network> {
        let hubs = input
            .hubs
            .into_iter()
            .map(|h| HubChoice {
                ods_code: h.ods_code,
                verified: h.verified,
            })
            .collect();
        let model = network::set_hubs(
            state(ctx)?,
            viewer(ctx)?,
            &input.network,
            hubs,
            input.effective_from.0,
            &input.reason,
        )
        .await?;
        Ok(Network(model))
    }

    /// Adds or corrects a footprint row (national administrators).
    async fn set_footprint_row(
        &self,
        ctx: &Context<'_>,
        input: FootprintRowInput,
    ) -> Result<FootprintRow> {
        let row = FootprintChoice {
            id: input.id,
            network_code: input.network,
            icb_code: input.icb,
            valid_from: input.valid_from.0,
            valid_to: input.valid_to.map(|d| d.0),
        };
        Ok(FootprintRow(
            network::set_footprint_row(state(ctx)?, viewer(ctx)?, row, &input.reason).await?,
        ))
    }

    /// Removes a footprint row entered in error (national administrators); returns its network.
    async fn remove_footprint_row(
        &self,
        ctx: &Context<'_>,
        input: RemoveFootprintRowInput,
    ) -> Result<Network> {
        Ok(Network(
            network::remove_footprint_row(state(ctx)?, viewer(ctx)?, input.id, &input.reason)
                .await?,
        ))
    }
}
