use async_graphql::{Context, Object, Result};

use crate::context::{scope, state, viewer};
use crate::input::indicator::{
    DefineLocalIndicatorInput, EditIndicatorInput, OpenCaseFromOutlierInput,
    SubmitIndicatorValuesInput,
};
use crate::object::case::Case;
use crate::object::indicator::{Indicator, SubmissionResult};
use crate::service::analysis::Window;
use crate::service::case::{self as cases, Caller, Outlier};
use crate::service::indicator::{self, IndicatorEdit, LocalIndicator};
use crate::service::submission::{self, Line, Submitted};

#[derive(Default)]
pub struct IndicatorMutation;

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[Object]
impl IndicatorMutation {
    /// Submits a batch of values. The whole batch is checked first; one bad row rejects it all
    /// (`BAD_USER_INPUT`, every bad row in `extensions.problems` as `{line, reason}`, line 1
    /// being the first value) and nothing is written. Identical values change nothing; a
    /// changed value becomes a new revision and the old one stays in `indicatorHistory`.
    async fn submit_indicator_values(
        &self,
        ctx: &Context<'_>,
        input: SubmitIndicatorValuesInput,
    ) -> Result<SubmissionResult> {
        let viewer = viewer(ctx)?;
        let lines = input.values.into_iter().enumerate().map(|(i, v)| Line {
            line: i + 1,
            row: Ok(Submitted {
                indicator: v.indicator,
                organisation: v.organisation,
                period: v.period.0,
                segment_kind: v.segment.kind.as_str().to_owned(),
                segment_value: v.segment.value,
                numerator: v.numerator,
                denominator: v.denominator,
                value: v.value,
                status: v.status.into(),
            }),
        });
        let outcome =
            submission::submit(state(ctx)?, viewer, lines, "API", input.reason.as_deref()).await?;
        Ok(SubmissionResult {
            batch_id: outcome.batch_id,
            rows: count(outcome.rows),
            created: count(outcome.created),
            revised: count(outcome.revised),
            unchanged: count(outcome.unchanged),
        })
    }

    /// Edits a catalogue entry (NATIONAL_ADMIN; a network's team for its local indicators),
    /// with a reason, audited.
    async fn edit_indicator(
        &self,
        ctx: &Context<'_>,
        input: EditIndicatorInput,
    ) -> Result<Indicator> {
        let edit = IndicatorEdit {
            name: input.name,
            direction: input.direction.map(Into::into),
            target: if input.clear_target {
                Some(None)
            } else {
                input.target.map(Some)
            },
            funnel_method: input.funnel_method.map(|m| Some(m.into())),
            spc_trend_length: input.spc_trend_length,
            spc_shift_length: input.spc_shift_length,
            spc_screen_moving_ranges: input.spc_screen_moving_ranges,
            spc_rebase_on: input
                .spc_rebase_on
                .map(|dates| dates.into_iter().map(|d| d.0).collect()),
        };
        let model =
            indicator::edit(state(ctx)?, viewer(ctx)?, &input.code, edit, &input.reason).await?;
        Ok(model.into())
    }

    /// Defines a local indicator of a network's workplan (the network's team or
    /// NATIONAL_ADMIN), audited.
    async fn define_local_indicator(
        &self,
        ctx: &Context<'_>,
        input: DefineLocalIndicatorInput,
    ) -> Result<Indicator> {
        let new = LocalIndicator {
            network: input.network,
            code: input.code,
            name: input.name,
            kind: input.kind.into(),
            unit: input.unit,
            direction: input.direction.into(),
            target: input.target,
            frequency: input.frequency.into(),
            level: input.level.into(),
            funnel_method: input.funnel_method.map(Into::into),
        };
        let model = indicator::define_local(state(ctx)?, viewer(ctx)?, new, &input.reason).await?;
        Ok(model.into())
    }

    /// Opens a cause-for-concern case (REGISTRY_ANALYST) about a provider that is a negative
    /// alarm (beyond the 99.8% limit on the worse side) on the indicator's funnel for the
    /// window, with the evidence attached: indicator, window, value, limits, z-score and method.
    /// Category 4 for PROMs (EQ5D), otherwise 3 (emerging aggregate data).
    async fn open_case_from_outlier(
        &self,
        ctx: &Context<'_>,
        input: OpenCaseFromOutlierInput,
    ) -> Result<Case> {
        let viewer = viewer(ctx)?;
        let scope = scope(ctx).await?;
        let caller = Caller {
            viewer,
            scope: &scope,
        };
        let outlier = Outlier {
            indicator: input.indicator,
            provider_ods: input.provider_ods,
            window: Window::new(input.from.0, input.to.0)?,
            summary: input.summary,
        };
        let model = cases::open_from_outlier(state(ctx)?, &caller, outlier).await?;
        Ok(Case::read_by(&scope, model))
    }
}
