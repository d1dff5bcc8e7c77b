use async_graphql::InputObject;

use crate::object::workplan::{NetworkFunction, PriorityLevel};
use crate::scalar::Date;
use crate::service::workplan as service;

/// Everything a version of a workplan says; revising a draft replaces all of it.
#[derive(InputObject)]
pub struct WorkplanContentInput {
    /// National, regional and local priorities the plan reflects (§4.4).
    #[graphql(default)]
    pub priorities: Vec<PriorityInput>,
    #[graphql(default)]
    pub resources: ResourcesInput,
    /// Objectives under the §4.3 function headings, each with its deliverables.
    #[graphql(default)]
    pub objectives: Vec<ObjectiveInput>,
}

#[derive(InputObject)]
pub struct PriorityInput {
    pub level: PriorityLevel,
    pub text: String,
    /// Where it comes from: a national programme, the region's plan, a needs analysis.
    pub source: String,
}

/// The resources available to deliver the plan (§6).
#[derive(InputObject, Default)]
pub struct ResourcesInput {
    pub funding_gbp: Option<f64>,
    pub team_wte: Option<f64>,
    pub analytical_support: Option<String>,
}

#[derive(InputObject)]
pub struct ObjectiveInput {
    pub function: NetworkFunction,
    pub title: String,
    #[graphql(default)]
    pub deliverables: Vec<DeliverableInput>,
}

#[derive(InputObject)]
pub struct DeliverableInput {
    /// Stable across versions (1-16 letters, digits, `-`, `.`, `_`); `D1`, `D2`… when left out.
    pub reference: Option<String>,
    pub title: String,
    #[graphql(default)]
    pub expected_benefits: String,
    pub owner: String,
    /// Inside the plan's financial year.
    pub due_on: Date,
    #[graphql(default)]
    pub quality_improvement: bool,
    /// National indicators or the network's local ones.
    #[graphql(default)]
    pub indicators: Vec<IndicatorTargetInput>,
}

#[derive(InputObject)]
pub struct IndicatorTargetInput {
    pub code: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
}

impl From<WorkplanContentInput> for service::Content {
    fn from(input: WorkplanContentInput) -> Self {
        service::Content {
            priorities: input
                .priorities
                .into_iter()
                .map(|p| service::Priority {
                    level: p.level.into(),
                    text: p.text,
                    source: p.source,
                })
                .collect(),
            resources: service::Resources {
                funding_gbp: input.resources.funding_gbp,
                team_wte: input.resources.team_wte,
                analytical_support: input
                    .resources
                    .analytical_support
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty()),
            },
            objectives: input
                .objectives
                .into_iter()
                .map(|o| service::ObjectivePlan {
                    function: o.function.into(),
                    title: o.title,
                    deliverables: o
                        .deliverables
                        .into_iter()
                        .map(|d| service::DeliverablePlan {
                            reference: d.reference,
                            title: d.title,
                            expected_benefits: d.expected_benefits,
                            owner: d.owner,
                            due_on: d.due_on.0,
                            quality_improvement: d.quality_improvement,
                            indicators: d
                                .indicators
                                .into_iter()
                                .map(|i| service::IndicatorTarget {
                                    code: i.code,
                                    baseline: i.baseline,
                                    target: i.target,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
