use async_graphql::InputObject;

use crate::service::annual_report as service;

/// What a revision of an annual report changes; a part left out stays as it is.
#[derive(InputObject)]
pub struct AnnualReportRevisionInput {
    pub activities: Option<String>,
    /// Commentary on the delivery of deliverables, by reference.
    #[graphql(default)]
    pub delivery: Vec<DeliveryCommentaryInput>,
    pub financial_statement: Option<FinancialStatementInput>,
}

#[derive(InputObject)]
pub struct DeliveryCommentaryInput {
    pub reference: String,
    pub commentary: String,
}

/// The year's accounts (§4.4 "accounts", §6 "ring-fenced").
#[derive(InputObject)]
pub struct FinancialStatementInput {
    /// Income by source.
    pub income: Vec<MoneyLineInput>,
    /// The host's allocation ring-fenced for the network's programme.
    pub ring_fenced_allocation_gbp: f64,
    /// Expenditure by category.
    pub expenditure: Vec<MoneyLineInput>,
}

#[derive(InputObject)]
pub struct MoneyLineInput {
    pub label: String,
    pub amount_gbp: f64,
}

impl From<AnnualReportRevisionInput> for service::Revision {
    fn from(input: AnnualReportRevisionInput) -> Self {
        let lines = |lines: Vec<MoneyLineInput>| {
            lines
                .into_iter()
                .map(|l| service::Line {
                    label: l.label,
                    amount_gbp: l.amount_gbp,
                })
                .collect()
        };
        service::Revision {
            activities: input.activities,
            commentary: input
                .delivery
                .into_iter()
                .map(|d| (d.reference, d.commentary))
                .collect(),
            financial_statement: input
                .financial_statement
                .map(|f| service::FinancialStatement {
                    income: lines(f.income),
                    ring_fenced_allocation_gbp: f.ring_fenced_allocation_gbp,
                    expenditure: lines(f.expenditure),
                }),
        }
    }
}
