use async_graphql::{Context, Object, Result};

use crate::context::{scope, state, viewer};
use crate::input::governance::{
    AddBoardMemberInput, AppointToNetworkPostInput, DetermineNetworkHostInput, RecordMeetingInput,
};
use crate::object::governance::{BoardMember, Meeting, NetworkPost, PostHolder};
use crate::object::network::Network;
use crate::scalar::Date;
use crate::service::governance::{self as service, Appointment, HostChoice, NewMember};

#[derive(Default)]
pub struct GovernanceMutation;

#[Object]
impl GovernanceMutation {
    /// Appoints the chair, the clinical lead or the manager from a day (the network's
    /// NETWORK_MANAGER, a REGIONAL_LEAD of its lead region, or a NATIONAL_ADMIN); the current
    /// holder's term ends the day before. The network clinical lead may not be the chair; a
    /// chair with the clinical lead's main employer or from the host is accepted with a warning.
    async fn appoint_to_network_post(
        &self,
        ctx: &Context<'_>,
        input: AppointToNetworkPostInput,
    ) -> Result<PostHolder> {
        let scope = scope(ctx).await?;
        let appointment = Appointment {
            network: input.network,
            post: input.post.into(),
            holder_name: input.holder_name,
            holder_email: input.holder_email,
            main_employer: input.main_employer,
            from: input.from.0,
            appointment: input.appointment,
        };
        Ok(PostHolder(
            service::appoint(state(ctx)?, viewer(ctx)?, &scope, appointment).await?,
        ))
    }

    /// Ends the current holder's term on `lastDay`.
    async fn vacate_network_post(
        &self,
        ctx: &Context<'_>,
        network: String,
        post: NetworkPost,
        last_day: Date,
        reason: String,
    ) -> Result<PostHolder> {
        let scope = scope(ctx).await?;
        Ok(PostHolder(
            service::vacate(
                state(ctx)?,
                viewer(ctx)?,
                &scope,
                &network,
                post.into(),
                last_day.0,
                &reason,
            )
            .await?,
        ))
    }

    /// Seats a board member (the network's NETWORK_MANAGER or NETWORK_CLINICAL_LEAD).
    async fn add_board_member(
        &self,
        ctx: &Context<'_>,
        input: AddBoardMemberInput,
    ) -> Result<BoardMember> {
        let scope = scope(ctx).await?;
        let new = NewMember {
            network: input.network,
            seat: input.seat.into(),
            name: input.name,
            organisation: input.organisation,
            main_employer: input.main_employer,
            profession: input.profession.map(Into::into),
            specialty: input.specialty.map(Into::into),
            from: input.from.0,
        };
        Ok(BoardMember(
            service::add_member(state(ctx)?, viewer(ctx)?, &scope, new).await?,
        ))
    }

    /// A member leaves the board after `lastDay`.
    async fn end_board_membership(
        &self,
        ctx: &Context<'_>,
        id: i32,
        last_day: Date,
        reason: String,
    ) -> Result<BoardMember> {
        let scope = scope(ctx).await?;
        Ok(BoardMember(
            service::end_member(state(ctx)?, viewer(ctx)?, &scope, id, last_day.0, &reason).await?,
        ))
    }

    /// Records a board meeting, regional audit meeting or M&M review that was held (the
    /// network's NETWORK_MANAGER or NETWORK_CLINICAL_LEAD). Text that looks like an NHS number
    /// is refused.
    async fn record_meeting(
        &self,
        ctx: &Context<'_>,
        input: RecordMeetingInput,
    ) -> Result<Meeting> {
        let scope = scope(ctx).await?;
        Ok(Meeting(
            service::record_meeting(state(ctx)?, viewer(ctx)?, &scope, input.into()).await?,
        ))
    }

    /// The chair approves a meeting's minutes at a later board meeting.
    async fn approve_minutes(
        &self,
        ctx: &Context<'_>,
        meeting_id: i32,
        at_meeting_id: i32,
        expected_version: i32,
    ) -> Result<Meeting> {
        let scope = scope(ctx).await?;
        Ok(Meeting(
            service::approve_minutes(
                state(ctx)?,
                viewer(ctx)?,
                &scope,
                meeting_id,
                at_meeting_id,
                expected_version,
            )
            .await?,
        ))
    }

    /// Records the commissioners' determination of the host: any member provider (an
    /// ICB_COMMISSIONER of one of the determining ICBs, or a NATIONAL_ADMIN for them).
    async fn determine_network_host(
        &self,
        ctx: &Context<'_>,
        input: DetermineNetworkHostInput,
    ) -> Result<Network> {
        let scope = scope(ctx).await?;
        let choice = HostChoice {
            network: input.network,
            provider: input.ods_code,
            icbs: input.icbs,
            determined_on: input.determined_on.0,
            citation: input.citation,
        };
        let (network, _) =
            service::determine_host(state(ctx)?, viewer(ctx)?, &scope, choice).await?;
        Ok(Network(network))
    }
}
