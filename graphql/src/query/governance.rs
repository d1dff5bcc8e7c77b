use async_graphql::{Context, Object};

use crate::context::{scope, state, viewer};
use crate::error::{Nullable, nullable};
use crate::object::governance::NetworkBoard;
use crate::scalar::Date;
use crate::service::governance as service;

#[derive(Default)]
pub struct GovernanceQuery;

#[Object]
impl GovernanceQuery {
    /// A network's board on a day (today by default): its posts, members by seat, composition
    /// gaps, meetings and host determinations. Flagged `notMet` when no board meeting was held
    /// within `meetingIntervalMonths` (1-24). Null with NOT_FOUND when you do not reach the
    /// network's governance.
    async fn network_board(
        &self,
        ctx: &Context<'_>,
        network: String,
        as_at: Option<Date>,
        #[graphql(default = 4, validator(minimum = 1, maximum = 24))] meeting_interval_months: u32,
    ) -> Nullable<NetworkBoard> {
        nullable(
            async {
                viewer(ctx)?;
                let scope = scope(ctx).await?;
                let state = state(ctx)?;
                let as_at = as_at.map_or_else(|| state.clock.today(), |d| d.0);
                Ok(Some(NetworkBoard(
                    service::board(state, &scope, &network, as_at, meeting_interval_months).await?,
                )))
            }
            .await,
        )
    }
}
