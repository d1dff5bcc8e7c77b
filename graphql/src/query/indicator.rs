use std::sync::Arc;

use async_graphql::{Context, Object, Result};

use crate::auth::scope::Scope;
use crate::context::scope;
use crate::context::viewer;
use crate::context::{as_at, state};
use crate::input::indicator::{AggregateLens, AreaInput, AreaKind, SegmentInput, SegmentKind};
use crate::object::indicator::{
    FunnelPlot, Indicator, IndicatorAggregate, IndicatorBenchmark, IndicatorValue, SpcChart,
};
use crate::org_map::OrgSnapshot;
use crate::scalar::Date;
use crate::service::analysis::{self, Area, Window};
use crate::service::indicator;
use entities::enums::IndicatorKind;

#[derive(Default)]
pub struct IndicatorQuery;

/// What every indicator read starts from: the caller's scope, the indicator and the window.
struct Asked<'a> {
    scope: Arc<Scope>,
    db: &'a sea_orm::DatabaseConnection,
    indicator: entities::indicator::Model,
    window: Window,
}

async fn asked<'a>(ctx: &Context<'a>, code: &str, from: Date, to: Date) -> Result<Asked<'a>> {
    viewer(ctx)?;
    let db = &state(ctx)?.db;
    Ok(Asked {
        scope: scope(ctx).await?,
        db,
        indicator: indicator::referenced(db, code).await?,
        window: Window::new(from.0, to.0)?,
    })
}

/// The organisation map an area is read on: `asAt`'s, or today's from the shared cache.
async fn map_as_at(ctx: &Context<'_>, as_at: Option<Date>) -> Result<Arc<OrgSnapshot>> {
    Ok(state(ctx)?.org_map_on(self::as_at(ctx, as_at)?).await?)
}

fn area(input: AreaInput) -> Result<Area> {
    let code = || {
        input.code.clone().ok_or_else(|| {
            crate::error::AppError::bad_input("Give the area's code (none only for ENGLAND).")
        })
    };
    Ok(match input.kind {
        AreaKind::Provider => Area::Provider(code()?),
        AreaKind::Network => Area::Network(code()?),
        AreaKind::Icb => Area::Icb(code()?),
        AreaKind::Region => Area::Region(code()?),
        AreaKind::England => Area::England,
    })
}

#[Object]
impl IndicatorQuery {
    /// The catalogue: Appendix 1 of the network specification, the 15 generic network
    /// indicators of its §7.1, and networks' local indicators. Every caller reads it.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        group: Option<String>,
        network: Option<String>,
    ) -> Result<Vec<Indicator>> {
        viewer(ctx)?;
        let rows = indicator::list(&state(ctx)?.db, group.as_deref(), network.as_deref()).await?;
        Ok(rows.into_iter().map(Indicator::from).collect())
    }

    async fn indicator(&self, ctx: &Context<'_>, code: String) -> Result<Indicator> {
        viewer(ctx)?;
        Ok(indicator::get(&state(ctx)?.db, &code).await?.into())
    }

    /// An organisation's current values (every segment, or one kind) in a window of period
    /// starts; only organisations in your scope.
    async fn indicator_values(
        &self,
        ctx: &Context<'_>,
        indicator: String,
        organisation: String,
        from: Date,
        to: Date,
        segment_kind: Option<SegmentKind>,
    ) -> Result<Vec<IndicatorValue>> {
        let asked = asked(ctx, &indicator, from, to).await?;
        let rows = analysis::values_of(
            asked.db,
            &asked.scope,
            &asked.indicator,
            &organisation,
            asked.window,
            segment_kind.map(SegmentKind::as_str),
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|m| IndicatorValue::current(&asked.indicator, m))
            .collect())
    }

    /// Superseded revisions of an organisation's values, newest first.
    async fn indicator_history(
        &self,
        ctx: &Context<'_>,
        indicator: String,
        organisation: String,
        from: Date,
        to: Date,
    ) -> Result<Vec<IndicatorValue>> {
        let asked = asked(ctx, &indicator, from, to).await?;
        let rows = analysis::history_of(
            asked.db,
            &asked.scope,
            &asked.indicator,
            &organisation,
            asked.window,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|m| IndicatorValue::superseded(&asked.indicator, m))
            .collect())
    }

    /// An area's figures by period and over the window, per value of `segmentKind`, combined
    /// as the indicator's kind allows (medians are not combined). The area is made of the
    /// organisations as the map stands on `asAt` (default today). `lens: PROVIDER` (the default)
    /// reads the providers serving the area; `lens: POPULATION` the residents of an ICB, region
    /// or England wherever treated, from the residence breakdown. Figures are exact when you
    /// reach every contributor or the area is England; otherwise counts of 1-7 are suppressed
    /// and others rounded to 5.
    #[allow(clippy::too_many_arguments)]
    async fn indicator_aggregate(
        &self,
        ctx: &Context<'_>,
        indicator: String,
        area: AreaInput,
        from: Date,
        to: Date,
        #[graphql(default_with = "SegmentKind::Total")] segment_kind: SegmentKind,
        #[graphql(default_with = "AggregateLens::Provider")] lens: AggregateLens,
        as_at: Option<Date>,
    ) -> Result<IndicatorAggregate> {
        let asked = asked(ctx, &indicator, from, to).await?;
        let map = map_as_at(ctx, as_at).await?;
        let result = analysis::aggregate(
            asked.db,
            &map,
            &asked.scope,
            &asked.indicator,
            &self::area(area)?,
            asked.window,
            segment_kind.as_str(),
            lens.into(),
        )
        .await?;
        Ok(IndicatorAggregate::new(asked.indicator.code, result))
    }

    /// National and peer quartiles and ranks over the window; rows for organisations in your
    /// scope.
    async fn indicator_benchmark(
        &self,
        ctx: &Context<'_>,
        indicator: String,
        from: Date,
        to: Date,
        as_at: Option<Date>,
    ) -> Result<IndicatorBenchmark> {
        let asked = asked(ctx, &indicator, from, to).await?;
        let map = map_as_at(ctx, as_at).await?;
        let result =
            analysis::benchmark(asked.db, &map, &asked.scope, &asked.indicator, asked.window)
                .await?;
        Ok(IndicatorBenchmark::new(asked.indicator.code, result))
    }

    /// A funnel plot across every organisation with data in the window, with alert (95%) and
    /// alarm (99.8%) limits, over-dispersion, outliers named positive or negative, and
    /// non-participation; points for organisations in your scope, each saying how many of its
    /// values are still provisional. `validatedOnly` plots validated values alone.
    async fn indicator_funnel(
        &self,
        ctx: &Context<'_>,
        indicator: String,
        from: Date,
        to: Date,
        as_at: Option<Date>,
        #[graphql(default)] validated_only: bool,
    ) -> Result<FunnelPlot> {
        let asked = asked(ctx, &indicator, from, to).await?;
        let map = map_as_at(ctx, as_at).await?;
        let view = analysis::funnel_plot(
            asked.db,
            &map,
            &asked.scope,
            &asked.indicator,
            asked.window,
            validated_only,
        )
        .await?;
        Ok(FunnelPlot::new(
            asked.indicator.code,
            view,
            asked.indicator.kind == IndicatorKind::Proportion,
            asked.indicator.direction.into(),
        ))
    }

    /// An XmR chart of one organisation's series with the Making Data Count rules and icons.
    async fn indicator_spc(
        &self,
        ctx: &Context<'_>,
        indicator: String,
        organisation: String,
        from: Date,
        to: Date,
        #[graphql(default)] segment: SegmentInput,
    ) -> Result<SpcChart> {
        let asked = asked(ctx, &indicator, from, to).await?;
        let view = analysis::spc_chart(
            asked.db,
            &asked.scope,
            &asked.indicator,
            &organisation,
            asked.window,
            (segment.kind.as_str(), &segment.value),
        )
        .await?;
        Ok(SpcChart::new(&asked.indicator, organisation, view))
    }
}
