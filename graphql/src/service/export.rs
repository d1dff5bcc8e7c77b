//! Documents for download (case trails, annual reports): CSV written one way everywhere.

use crate::error::{AppError, AppResult};

/// A table as CSV, RFC 4180 quoting. A field a spreadsheet would run as a formula (starting
/// `=`, `+`, `-`, `@`) is prefixed with `'`, so opening the export runs nothing.
pub fn csv_table(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> AppResult<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(AppError::internal)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|f| inert(f)))
            .map_err(AppError::internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

fn inert(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_owned()
    }
}
