//! Reading cases within the caller's scope.

use super::*;

/// The case `reference`, if the caller may read it.
pub async fn find_visible(
    state: &AppState,
    caller: &Caller<'_>,
    reference: &str,
) -> AppResult<case::Model> {
    case::Entity::find()
        .filter(case::Column::Reference.eq(reference.trim()))
        .one(&state.db)
        .await?
        .filter(|c| access(caller.scope, c).is_some())
        .ok_or_else(|| unknown_case(reference))
}

/// Filters for the case list.
#[derive(Debug, Default, Clone)]
pub struct CaseFilter {
    pub open: Option<bool>,
    pub overdue: Option<bool>,
    pub provider_ods: Option<String>,
    pub stage: Option<i32>,
}

/// The cases the caller may read, newest first, filtered in SQL by scope.
pub async fn list(
    state: &AppState,
    scope: &Scope,
    filter: &CaseFilter,
) -> AppResult<Vec<case::Model>> {
    let today = state.clock.today();
    let mut query = case::Entity::find();
    if scope.cases.everywhere.is_none() {
        let reach = &scope.cases;
        let mut condition = sea_orm::Condition::any();
        if !reach.providers.is_empty() {
            condition = condition.add(case::Column::ProviderOds.is_in(reach.providers.iter()));
        }
        if !reach.providers_from_stage_5.is_empty() {
            condition = condition.add(
                sea_orm::Condition::all()
                    .add(case::Column::ProviderOds.is_in(reach.providers_from_stage_5.iter()))
                    .add(case::Column::ReachedStage.gte(crate::auth::scope::WATCHED_FROM_STAGE)),
            );
        }
        if reach.providers.is_empty() && reach.providers_from_stage_5.is_empty() {
            return Ok(Vec::new());
        }
        query = query.filter(condition);
    }
    if let Some(open) = filter.open {
        query = if open {
            query.filter(case::Column::Step.ne(CaseStep::Closed))
        } else {
            query.filter(case::Column::Step.eq(CaseStep::Closed))
        };
    }
    if let Some(overdue) = filter.overdue {
        let overdue_condition = sea_orm::Condition::all()
            .add(case::Column::Step.ne(CaseStep::Closed))
            .add(case::Column::DueOn.lt(today));
        query = if overdue {
            query.filter(overdue_condition)
        } else {
            query.filter(overdue_condition.not())
        };
    }
    if let Some(provider) = &filter.provider_ods {
        query = query.filter(case::Column::ProviderOds.eq(provider.trim()));
    }
    if let Some(stage) = filter.stage {
        query = query.filter(case::Column::Stage.eq(stage));
    }
    Ok(query.order_by_desc(case::Column::Id).all(&state.db).await?)
}
