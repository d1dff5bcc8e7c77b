//! Log lines on stderr, as `PORTAL_LOG_FORMAT` asks: plain (coloured only on a terminal) or one
//! JSON object per line for a log shipper, each carrying its request span's `request_id`. What
//! is logged never includes a token, a header's or a body's contents, or a person's name or
//! address: ids, codes, counts and timings only.

use tracing_subscriber::EnvFilter;

use crate::settings::LogFormat;

/// Installs the process's logger; `RUST_LOG` filters it (default: info, quieter SQL).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Plain => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}
