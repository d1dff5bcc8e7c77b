//! A network's annual report as read.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::annual_report;

use super::case::ExportFormat;
use super::network::Network;
use super::workplan::Brag;
use crate::service::annual_report as service;
use crate::service::workplan::FinancialYear;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entities::enums::AnnualReportStatus")]
pub enum AnnualReportStatus {
    Draft,
    BoardApproved,
    Published,
}

pub struct AnnualReport(pub annual_report::Model);

#[Object]
impl AnnualReport {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn network(&self, ctx: &Context<'_>) -> Result<Network> {
        Network::of(ctx, &self.0.network_code).await
    }
    async fn network_code(&self) -> &str {
        &self.0.network_code
    }
    async fn financial_year(&self) -> String {
        FinancialYear(self.0.financial_year).label()
    }
    async fn status(&self) -> AnnualReportStatus {
        self.0.status.into()
    }
    /// The plan in force at year end that delivery is reported against.
    async fn workplan_id(&self) -> Option<i32> {
        self.0.workplan_id
    }
    async fn activities(&self) -> &str {
        &self.0.activities
    }
    /// Delivery against the plan, one line per deliverable.
    async fn delivery(&self) -> Vec<DeliveryLine> {
        service::delivery(&self.0)
            .into_iter()
            .map(|d| DeliveryLine {
                reference: d.reference,
                title: d.title,
                status: d.status.into(),
                commentary: d.commentary,
            })
            .collect()
    }
    /// The network's indicators over the year, frozen when the report was published (empty
    /// before).
    async fn outcomes(&self) -> Vec<Outcome> {
        service::outcomes(&self.0)
            .into_iter()
            .map(|o| Outcome {
                code: o.code,
                name: o.name,
                value: o.value,
                unit: o.unit,
                values: i32::try_from(o.values).unwrap_or(i32::MAX),
                suppressed: o.suppressed,
                note: o.note,
            })
            .collect()
    }
    async fn financial_statement(&self) -> Option<FinancialStatement> {
        service::financial_statement(&self.0).map(FinancialStatement)
    }
    async fn board_meeting(&self) -> Option<&str> {
        self.0.board_meeting.as_deref()
    }
    async fn approved_by_name(&self) -> Option<&str> {
        self.0.approved_by_name.as_deref()
    }
    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.approved_at
    }
    async fn published_by_name(&self) -> Option<&str> {
        self.0.published_by_name.as_deref()
    }
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// The report as a document: JSON (everything) or CSV (a row per delivery line, outcome and
    /// account line; formula-like fields made inert).
    async fn export(&self, format: ExportFormat) -> Result<String> {
        Ok(match format {
            ExportFormat::Json => service::export_json(&self.0)?,
            ExportFormat::Csv => service::export_csv(&self.0)?,
        })
    }
    /// Pass it back as `expectedVersion` with the next step.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

#[derive(SimpleObject)]
pub struct DeliveryLine {
    reference: String,
    title: String,
    status: Brag,
    commentary: String,
}

#[derive(SimpleObject)]
pub struct Outcome {
    code: String,
    name: String,
    value: Option<f64>,
    unit: String,
    /// Stored values combined over the year.
    values: i32,
    suppressed: bool,
    note: Option<String>,
}

pub struct FinancialStatement(service::FinancialStatement);

#[Object]
impl FinancialStatement {
    async fn income(&self) -> Vec<MoneyLine> {
        self.0.income.iter().map(MoneyLine::from).collect()
    }
    /// The host's allocation ring-fenced for the network's programme (specification §6).
    async fn ring_fenced_allocation_gbp(&self) -> f64 {
        self.0.ring_fenced_allocation_gbp
    }
    async fn expenditure(&self) -> Vec<MoneyLine> {
        self.0.expenditure.iter().map(MoneyLine::from).collect()
    }
    async fn total_income_gbp(&self) -> f64 {
        self.0.total_income()
    }
    async fn total_expenditure_gbp(&self) -> f64 {
        self.0.total_expenditure()
    }
    /// Income less expenditure: positive is an underspend.
    async fn variance_gbp(&self) -> f64 {
        self.0.variance()
    }
}

#[derive(SimpleObject)]
pub struct MoneyLine {
    /// The income source or expenditure category.
    label: String,
    amount_gbp: f64,
}

impl From<&service::Line> for MoneyLine {
    fn from(line: &service::Line) -> Self {
        MoneyLine {
            label: line.label.clone(),
            amount_gbp: line.amount_gbp,
        }
    }
}
