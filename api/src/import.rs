//! `portal import indicators FILE.csv`: a file of indicator values submitted as one batch, with
//! the same checks as the `submitIndicatorValues` mutation (all or nothing, every bad line
//! listed). Columns, in any order (a header row names them):
//!
//! `indicator,organisation,period,segment_kind,segment_value,numerator,denominator,value,status`
//!
//! `segment_kind` empty means `TOTAL`; empty figures are absent; `status` is `PROVISIONAL` or
//! `VALIDATED`.

use std::io::{BufRead, Read};
use std::path::Path;
use std::sync::Arc;

use graphql::AppState;
use graphql::clock::SystemClock;
use graphql::error::AppError;
use graphql::service::submission;

use crate::settings::Settings;
use crate::startup::BoxError;

use chrono::NaiveDate;
use entities::enums::ValueStatus;
use graphql::auth::{Grant, GrantScope, Role, Viewer};
use graphql::service::submission::{Line, Submitted};
use serde::Deserialize;

#[derive(Deserialize)]
struct Row {
    indicator: String,
    organisation: String,
    period: String,
    #[serde(default)]
    segment_kind: String,
    #[serde(default)]
    segment_value: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    value: String,
    status: String,
}

fn figure(name: &str, s: &str) -> Result<Option<f64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>()
        .map(Some)
        .map_err(|_| format!("{name} \"{s}\" is not a number"))
}

fn submitted(row: Row) -> Result<Submitted, String> {
    let period = NaiveDate::parse_from_str(row.period.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "period \"{}\" is not a date like 2026-04-01 (the first day of the period)",
            row.period
        )
    })?;
    let status = match row.status.trim() {
        "PROVISIONAL" => ValueStatus::Provisional,
        "VALIDATED" => ValueStatus::Validated,
        other => {
            return Err(format!(
                "status \"{other}\" is not PROVISIONAL or VALIDATED"
            ));
        }
    };
    let segment_kind = row.segment_kind.trim();
    Ok(Submitted {
        indicator: row.indicator.trim().to_owned(),
        organisation: row.organisation.trim().to_owned(),
        period,
        segment_kind: if segment_kind.is_empty() {
            "TOTAL".to_owned()
        } else {
            segment_kind.to_owned()
        },
        segment_value: row.segment_value.trim().to_owned(),
        numerator: figure("numerator", &row.numerator)?,
        denominator: figure("denominator", &row.denominator)?,
        value: figure("value", &row.value)?,
        status,
    })
}

/// `portal import indicators FILE --by BY [--reason R]`: migrates, loads reference data, and
/// submits the file as one batch in one transaction, so a process killed midway leaves nothing.
/// Answers the summary line, or why nothing was written (every bad line printed to stderr as
/// `FILE:LINE: reason`).
pub async fn run(
    settings: &Settings,
    file: &Path,
    by: &str,
    reason: Option<&str>,
) -> Result<String, BoxError> {
    let viewer = operator(by)?;
    let name = file.display().to_string();
    let open = || std::fs::File::open(file).map_err(|e| format!("cannot open {name}: {e}"));
    // A record ends at a line break, so the file holds at most as many records as line breaks:
    // the batch makes room for that many at once. `take` never ends the reading early.
    let most = line_breaks(open()?).map_err(|e| format!("cannot read {name}: {e}"))?;
    let lines = read_lines(open()?)?.take(most);
    let conn = crate::db::prepared(settings).await?;
    let state = AppState::new(conn, Arc::new(SystemClock), settings.mail_identity());
    let origin = format!(
        "FILE {}",
        file.file_name()
            .map(|f| f.to_string_lossy())
            .unwrap_or_default()
    );
    match submission::submit(&state, &viewer, lines, &origin, reason).await {
        Ok(o) => Ok(format!(
            "{name}: {} rows; {} created, {} revised, {} unchanged{}",
            o.rows,
            o.created,
            o.revised,
            o.unchanged,
            o.batch_id
                .map(|b| format!(" (batch {b})"))
                .unwrap_or_default()
        )),
        Err(AppError::Rejected { message, problems }) => {
            for p in &problems {
                eprintln!("{name}:{}: {}", p.line, p.reason);
            }
            Err(message.into())
        }
        Err(e) => Err(e.cause().into()),
    }
}

/// How many `\n` the input holds.
fn line_breaks(input: impl Read) -> std::io::Result<usize> {
    let mut reader = std::io::BufReader::with_capacity(1 << 16, input);
    let mut count = 0;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(count);
        }
        count += buffer.iter().filter(|byte| **byte == b'\n').count();
        let read = buffer.len();
        reader.consume(read);
    }
}

/// The header the README documents; the columns a row cannot do without.
const COLUMNS: &str =
    "indicator,organisation,period,segment_kind,segment_value,numerator,denominator,value,status";
const REQUIRED_COLUMNS: [&str; 4] = ["indicator", "organisation", "period", "status"];

/// The file's lines, read one at a time as the batch takes them; a line that cannot be read
/// carries why, so the batch's report lists it with the rest. Line 1 is the header, read here.
pub fn read_lines(input: impl Read) -> Result<impl Iterator<Item = Line>, String> {
    let mut reader = csv::Reader::from_reader(input);
    let header = reader
        .headers()
        .map_err(|e| format!("the file has no readable header row: {e}"))?;
    // A missing column is one error at line 1, not one per row.
    if let Some(missing) = REQUIRED_COLUMNS
        .iter()
        .find(|column| !header.iter().any(|h| h.trim() == **column))
    {
        return Err(format!(
            "line 1: the header has no `{missing}` column; the columns are {COLUMNS}"
        ));
    }
    Ok(reader
        .into_deserialize::<Row>()
        .enumerate()
        .map(|(i, row)| Line {
            line: i + 2,
            row: row
                .map_err(|e| format!("unreadable: {e}"))
                .and_then(submitted),
        }))
}

/// The operator running the import, recorded as the batch's submitter.
pub fn operator(by: &str) -> Result<Viewer, String> {
    let by = by.trim();
    if by.is_empty() {
        return Err("--by names who is importing; it is recorded with the batch".into());
    }
    Ok(Viewer {
        sub: format!("cli:{by}"),
        name: by.to_owned(),
        email: None,
        grants: vec![Grant::new(Role::NationalAdmin, GrantScope::All)?],
    })
}
