//! The id of the HTTP request being served (`X-Request-Id`, or one the edge made), for the work
//! it causes beyond its own log lines: a letter it queues keeps it, so the dispatcher's lines
//! for that letter name it. Set by the HTTP edge around each request, read anywhere within it.

use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs `work` as the request `id`.
pub async fn scope<F: Future>(id: String, work: F) -> F::Output {
    REQUEST_ID.scope(id, work).await
}

/// The id of the request being served; `None` outside one (the clock, imports, the CLI).
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
