//! Subscriptions over WebSocket: `graphql-transport-ws` (and the legacy `graphql-ws`), run by
//! async-graphql's protocol state machine over an actix-ws socket. The token travels in
//! `connection_init`'s payload as `{"Authorization": "Bearer …"}` (or `{"token": "…"}`); a bad or
//! missing one closes the socket with 4403. A client's close is answered with a close frame
//! echoing its code; when the process stops, every open subscription is completed and the socket
//! closed with 1001 (Going Away), so clients reconnect elsewhere instead of seeing 1006.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, Session};
use async_graphql::http::{WebSocket, WebSocketProtocols, WsMessage};
use futures_util::StreamExt;
use graphql::error::ErrorCode;
use graphql::metrics::Metrics;
use serde_json::json;

use super::graphql::{Edge, authenticate};

/// How often the server pings, and how long a silent client is kept.
const HEARTBEAT: Duration = Duration::from_secs(5);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);

/// graphql-transport-ws: "If the server receives a `Subscribe` message before the connection
/// has been acknowledged, it must close the socket with 4401: Unauthorized".
const UNAUTHORIZED: u16 = 4401;

/// graphql-transport-ws: a `ConnectionInit` the server refuses closes the socket with
/// "4403: Forbidden" (async-graphql 7 sends 1002, which also means a malformed message).
const FORBIDDEN: u16 = 4403;

/// The close code async-graphql 7 sends for exactly that case (a `Subscribe` while it holds no
/// connection data, "The handshake is not completed.").
const HANDSHAKE_NOT_COMPLETED: u16 = 1011;

pub fn upgrade(req: HttpRequest, edge: web::Data<Edge>, payload: web::Payload) -> HttpResponse {
    let protocol = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|offered| {
            offered
                .split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        });
    let Some(protocol) = protocol else {
        return HttpResponse::build(StatusCode::BAD_REQUEST)
            .content_type("application/json; charset=utf-8")
            .body(
                json!({ "errors": [{
                    "message": "Ask for the graphql-transport-ws subprotocol (Sec-WebSocket-Protocol).",
                    "extensions": { "code": ErrorCode::BadUserInput.as_str() }
                }] })
                .to_string(),
            );
    };
    let (response, session, messages) = match actix_ws::handle_with_protocols(
        &req,
        payload,
        &[protocol.sec_websocket_protocol()],
    ) {
        Ok(parts) => parts,
        Err(error) => return HttpResponse::from_error(error),
    };
    let limit = edge.max_message_bytes;
    let messages = messages
        .max_frame_size(limit)
        .aggregate_continuations()
        .max_continuation_size(limit);
    actix_web::rt::spawn(serve(edge.into_inner(), protocol, session, messages));
    response
}

/// Carries messages both ways until either side closes, pinging the client meanwhile.
async fn serve(
    edge: Arc<Edge>,
    protocol: WebSocketProtocols,
    mut session: Session,
    mut messages: AggregatedMessageStream,
) {
    let (to_graphql, from_client) = tokio::sync::mpsc::channel::<Vec<u8>>(16);
    let incoming = futures_util::stream::unfold(from_client, |mut rx| async move {
        rx.recv().await.map(|message| (message, rx))
    });
    let init_edge = edge.clone();
    let refused = Arc::new(AtomicBool::new(false));
    let init_refused = refused.clone();
    let graphql = WebSocket::new(edge.portal.clone(), incoming, protocol).on_connection_init(
        move |init: serde_json::Value| async move {
            let header = ["Authorization", "authorization"]
                .iter()
                .find_map(|k| init.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
                .or_else(|| {
                    init.get("token")
                        .and_then(|v| v.as_str())
                        .map(|t| format!("Bearer {t}"))
                });
            let viewer = authenticate(&init_edge, header.as_deref())
                .await
                .map_err(|refusal| {
                    init_refused.store(true, Ordering::Relaxed);
                    async_graphql::Error::from(refusal)
                })?;
            Ok(init_edge.portal.connection_data(viewer))
        },
    );
    let mut graphql = std::pin::pin!(graphql);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut last_heard = Instant::now();
    let mut open = OpenSubscriptions::new(edge.metrics.clone());
    let mut stopping = edge.stopping.clone();
    let reason = loop {
        tokio::select! {
            message = messages.next() => {
                last_heard = Instant::now();
                let bytes = match message {
                    Some(Ok(AggregatedMessage::Text(text))) => {
                        open.heard(text.as_bytes());
                        text.as_bytes().to_vec()
                    }
                    Some(Ok(AggregatedMessage::Binary(bytes))) => bytes.to_vec(),
                    Some(Ok(AggregatedMessage::Ping(bytes))) => {
                        if session.pong(&bytes).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    Some(Ok(AggregatedMessage::Pong(_))) => continue,
                    Some(Ok(AggregatedMessage::Close(reason))) => break reason,
                    None => break None,
                    Some(Err(error)) => {
                        tracing::debug!(%error, "WebSocket protocol error");
                        break Some(CloseReason::from(CloseCode::Protocol));
                    }
                };
                if to_graphql.send(bytes).await.is_err() {
                    break None;
                }
            }
            out = graphql.next() => match out {
                Some(WsMessage::Text(text)) => {
                    open.said(&text);
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                Some(WsMessage::Close(code, description)) => {
                    let (code, description) = if code == HANDSHAKE_NOT_COMPLETED {
                        (UNAUTHORIZED, "Unauthorized".to_owned())
                    } else if refused.load(Ordering::Relaxed) {
                        (FORBIDDEN, description)
                    } else {
                        (code, description)
                    };
                    break Some(CloseReason { code: code.into(), description: Some(description) });
                }
                None => break None,
            },
            Ok(_) = stopping.wait_for(|stopping| *stopping) => {
                for id in open.drain() {
                    let complete = json!({ "id": id, "type": "complete" }).to_string();
                    if session.text(complete).await.is_err() {
                        return;
                    }
                }
                break Some(CloseReason {
                    code: CloseCode::Away,
                    description: Some("The server is stopping; reconnect.".to_owned()),
                });
            }
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > CLIENT_TIMEOUT {
                    break None;
                }
                if session.ping(b"").await.is_err() {
                    return;
                }
            }
        }
    };
    let _ = session.close(reason).await;
}

/// The ids of the subscriptions running on one socket, followed from the messages both ways, so
/// a stopping server can complete each one. The socket and its subscriptions are counted in the
/// metrics while it is open.
struct OpenSubscriptions {
    ids: HashSet<String>,
    metrics: Arc<Metrics>,
}

#[derive(serde::Deserialize)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

impl OpenSubscriptions {
    fn new(metrics: Arc<Metrics>) -> Self {
        metrics.websocket(1);
        OpenSubscriptions {
            ids: HashSet::new(),
            metrics,
        }
    }

    fn begin(&mut self, id: String) {
        if self.ids.insert(id) {
            self.metrics.subscriptions(1);
        }
    }

    fn end(&mut self, id: &str) {
        if self.ids.remove(id) {
            self.metrics.subscriptions(-1);
        }
    }

    /// Every id still open, ended.
    fn drain(&mut self) -> Vec<String> {
        self.metrics.subscriptions(-(self.ids.len() as i64));
        self.ids.drain().collect()
    }

    /// A client's message: `subscribe` opens an id, `complete` ends it.
    fn heard(&mut self, message: &[u8]) {
        let Ok(Frame { kind, id: Some(id) }) = serde_json::from_slice(message) else {
            return;
        };
        match kind.as_str() {
            "subscribe" | "start" => self.begin(id),
            "complete" | "stop" => self.end(&id),
            _ => {}
        }
    }

    /// A server's message: `complete` or `error` ends an id. async-graphql writes the `type`
    /// first, so the many `next` messages are told apart without parsing their payloads.
    fn said(&mut self, message: &str) {
        if !(message.starts_with(r#"{"type":"complete""#)
            || message.starts_with(r#"{"type":"error""#))
        {
            return;
        }
        if let Ok(Frame { id: Some(id), .. }) = serde_json::from_str(message) {
            self.end(&id);
        }
    }
}

impl Drop for OpenSubscriptions {
    fn drop(&mut self) {
        self.drain();
        self.metrics.websocket(-1);
    }
}
