//! The `portal` process: settings, database, HTTP routes and the CLI's commands.

pub mod cli;
pub mod db;
pub mod demo;
pub mod import;
pub mod jwks;
pub mod keys;
pub mod logs;
pub mod routes;
pub mod settings;
pub mod startup;

/// Makes ring the process's TLS crypto provider, as reqwest (built without one) needs before any
/// client is built; the rest of the process uses ring already. Calling it again does nothing.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Lower-case hexadecimal, two digits a byte (secrets, request ids, query hashes).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
