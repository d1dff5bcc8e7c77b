//! Reading cases within the caller's scope.

use sea_orm::PaginatorTrait;

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

/// One page of the cases the caller may read, newest first: scope, filters, cursor and limit
/// all in SQL, with the count of every page. `after` is the reference of the last case of the
/// previous page.
pub async fn page(
    state: &AppState,
    scope: &Scope,
    filter: &CaseFilter,
    after: Option<&str>,
    limit: u64,
) -> AppResult<(Vec<case::Model>, u64)> {
    let Some(reach) = scope.cases.condition() else {
        return Ok((Vec::new(), 0));
    };
    let today = state.clock.today();
    let mut query = case::Entity::find().filter(reach);
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
    let total = query.clone().count(&state.db).await?;
    if let Some(cursor) = after {
        let id: Option<i32> = query
            .clone()
            .select_only()
            .column(case::Column::Id)
            .filter(case::Column::Reference.eq(cursor))
            .into_tuple()
            .one(&state.db)
            .await?;
        let id = id.ok_or_else(|| {
            AppError::bad_input(format!(
                "The cursor \"{cursor}\" is not in this list; start again without `after`."
            ))
        })?;
        query = query.filter(case::Column::Id.lt(id));
    }
    let rows = query
        .order_by_desc(case::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?;
    Ok((rows, total))
}
