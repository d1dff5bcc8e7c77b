//! One pass of the portal's clock: what happens because a date passed without a person acting.
//! `serve` runs a pass every `PORTAL_CLOCK_INTERVAL`; `portal tick` runs one from the command line
//! (a separate process: on SQLite its events reach the serving process through the event relay).
//! Each part runs even when another fails.

use crate::error::AppResult;
use crate::service::{case, document, risk, workplan};
use crate::state::AppState;

/// What one pass did, part by part.
#[derive(Debug)]
pub struct ClockPass {
    /// Stage limits passed: stage 7's reminder, non-compliance, overdue flags.
    pub cases: AppResult<case::TickReport>,
    /// Workplan deliverables past their due date.
    pub workplans: AppResult<workplan::TickReport>,
    /// Risk escalations unanswered past their response date.
    pub risks: AppResult<risk::TickReport>,
    /// In-force documents past their review date.
    pub documents: AppResult<document::TickReport>,
}

pub async fn pass(state: &AppState) -> ClockPass {
    ClockPass {
        cases: case::tick(state).await,
        workplans: workplan::tick(state).await,
        risks: risk::tick(state).await,
        documents: document::tick(state).await,
    }
}

impl ClockPass {
    /// One line saying what the pass did, or the first part's failure.
    pub fn summary(&self) -> Result<String, String> {
        let cases = self.cases.as_ref().map_err(|e| e.cause())?;
        let workplans = self.workplans.as_ref().map_err(|e| e.cause())?;
        let risks = self.risks.as_ref().map_err(|e| e.cause())?;
        let documents = self.documents.as_ref().map_err(|e| e.cause())?;
        Ok(format!(
            "{} reminded (stage 7), {} closed as non-compliant, {} flagged overdue, {} skipped; \
             {} workplan deliverables past due; {} risk escalations unanswered; {} documents due \
             for review",
            cases.reminded,
            cases.non_compliant,
            cases.flagged_overdue,
            cases.skipped,
            workplans.past_due,
            risks.responses_overdue,
            documents.reviews_due
        ))
    }

    /// Counts the pass, ended now, and each part's outcome.
    pub fn count(&self, metrics: &crate::metrics::Metrics) {
        metrics.clock_pass(
            chrono::Utc::now(),
            &[
                ("case", self.cases.is_ok()),
                ("workplan", self.workplans.is_ok()),
                ("risk", self.risks.is_ok()),
                ("document", self.documents.is_ok()),
            ],
        );
    }

    /// Logs each part: what it did, or why it failed.
    pub fn log(&self) {
        fn part<T: std::fmt::Debug>(name: &str, result: &AppResult<T>) {
            match result {
                Ok(report) => tracing::debug!(?report, "{name} clock pass"),
                Err(e) => tracing::error!(error = %e.cause(), "the {name} clock's pass failed"),
            }
        }
        part("case", &self.cases);
        part("workplan", &self.workplans);
        part("risk", &self.risks);
        part("document", &self.documents);
    }
}
