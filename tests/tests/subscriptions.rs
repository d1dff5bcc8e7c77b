//! Subscriptions over WebSocket (`graphql-transport-ws`), authenticated in `connection_init`.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(
    a_subscriber_receives_organisation_changes,
    a_socket_without_a_valid_token_is_closed_with_4403,
    a_subscribe_before_connection_init_closes_with_4401,
    a_client_close_is_answered_with_its_own_code,
);

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn open(app: &TestApp) -> Socket {
    open_at(&app.graphql_url()).await
}

/// A socket speaking graphql-transport-ws to the portal whose GraphQL endpoint is `url`.
pub async fn open_at(url: &str) -> Socket {
    let mut request = url
        .replace("http://", "ws://")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

/// The next text message as JSON, or `None` when the socket closes.
pub async fn next(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message in time")?;
        match message.ok()? {
            Message::Text(text) => return Some(serde_json::from_str(&text).unwrap()),
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

pub async fn send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .unwrap();
}

/// A socket subscribed to `organisationChanged`, as an integration scoped to an ICB.
pub async fn subscribe(app: &TestApp) -> Socket {
    let mut socket = open(app).await;
    let token = app.token(&["INTEGRATION:icb=QRL"]);
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { organisationChanged { entity key auditEntryId at } }" } }),
    )
    .await;
    socket
}

/// Fails if the socket carries another message within `wait`.
async fn assert_quiet(socket: &mut Socket, wait: Duration) {
    if let Ok(Some(Ok(message))) = tokio::time::timeout(wait, socket.next()).await {
        panic!("an unexpected second message: {message:?}");
    }
}

async fn a_subscriber_receives_organisation_changes(app: TestApp) {
    let mut socket = subscribe(&app).await;
    // Give the server a moment to register the subscription before the change commits.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.admin(r#"mutation { determineNetworkHost(input: { network: "WESSEX", odsCode: "RHU", icbs: ["QRL"], determinedOn: "2026-11-02", citation: "host moved" }) { code } }"#, json!({})).await;
    let event = next(&mut socket).await.unwrap();
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["id"], "1");
    let change = &event["payload"]["data"]["organisationChanged"];
    assert_eq!(change["entity"], "NETWORK_HOST");
    assert_eq!(change["key"], "WESSEX");
    assert!(change["auditEntryId"].as_i64().unwrap() > 0);
    assert_quiet(&mut socket, Duration::from_millis(500)).await;
}

/// Behind a load balancer: a change made through instance A reaches the subscribers of A and of
/// B, each exactly once (PostgreSQL LISTEN/NOTIFY).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_reaches_subscribers_of_every_instance_exactly_once() {
    let Some(a) = crate::support::spawn(crate::support::Db::Postgres).await else {
        return;
    };
    let b = crate::support::spawn_another_instance(&a).await;
    let mut on_a = subscribe(&a).await;
    let mut on_b = subscribe(&b).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.admin(r#"mutation { determineNetworkHost(input: { network: "WESSEX", odsCode: "RHU", icbs: ["QRL"], determinedOn: "2026-11-02", citation: "host moved" }) { code } }"#, json!({})).await;
    for socket in [&mut on_a, &mut on_b] {
        let event = next(socket).await.unwrap();
        assert_eq!(
            event["payload"]["data"]["organisationChanged"]["key"], "WESSEX",
            "{event}"
        );
        assert_quiet(socket, Duration::from_millis(700)).await;
    }
}

async fn a_socket_without_a_valid_token_is_closed_with_4403(app: TestApp) {
    for payload in [json!({}), json!({ "Authorization": "Bearer not-a-token" })] {
        let mut socket = open(&app).await;
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        let frame = close_frame(&mut socket).await;
        assert_eq!(
            u16::from(frame.code),
            4403,
            "Forbidden, as the protocol says: {frame:?}"
        );
    }
}

/// The close frame the server sends next, skipping other messages; fails on none.
async fn close_frame(socket: &mut Socket) -> CloseFrame {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a close in time");
        match message {
            Some(Ok(Message::Close(frame))) => return frame.expect("a close code"),
            Some(Ok(_)) => continue,
            other => panic!("no close frame: {other:?}"),
        }
    }
}

/// RFC 6455 section 5.5.1: a close frame is answered with a close frame, echoing its code.
async fn a_client_close_is_answered_with_its_own_code(app: TestApp) {
    let mut socket = subscribe(&app).await;
    socket
        .send(Message::Close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: "done".into(),
        })))
        .await
        .unwrap();
    let frame = close_frame(&mut socket).await;
    assert_eq!(frame.code, CloseCode::Normal, "{frame:?}");
}

/// SIGTERM to a serving process: every open subscription is completed and its socket closed
/// with 1001 (Going Away), and the process exits cleanly within a few seconds. The number of
/// subscribers is `PORTAL_SHUTDOWN_SUBSCRIBERS` (default 25; the note's figure used 1,000).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_completes_subscriptions_and_closes_sockets_with_1001() {
    let subscribers: usize = std::env::var("PORTAL_SHUTDOWN_SUBSCRIBERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(25);
    let database = crate::support::migrated_database(crate::support::Db::Sqlite)
        .await
        .unwrap();
    let server = tests::process::PortalProcess::start(
        env!("CARGO_BIN_EXE_portal-test-child"),
        &database.url,
    )
    .await;
    let url = format!("{}/graphql", server.address);
    let token = server.token(&["INTEGRATION:icb=QRL"]);
    let mut sockets = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        let mut socket = open_at(&url).await;
        send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
        assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
        send(
            &mut socket,
            json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { organisationChanged { key } }" } }),
        )
        .await;
        sockets.push(socket);
    }
    // Let the server register the last subscription after its acknowledgement.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let started = std::time::Instant::now();
    let exit = tokio::spawn(server.terminate());
    for socket in &mut sockets {
        let complete = next(socket).await.expect("a complete before the close");
        assert_eq!(complete, json!({ "id": "1", "type": "complete" }));
        assert_eq!(close_frame(socket).await.code, CloseCode::Away);
    }
    let exit = exit.await.unwrap();
    let elapsed = started.elapsed();
    eprintln!("shutdown with {subscribers} open subscriptions: {elapsed:?}");
    assert!(exit.success(), "{exit:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

/// graphql-transport-ws: a `Subscribe` before the connection is acknowledged closes the socket
/// with 4401 Unauthorized (async-graphql's own code is 1011).
async fn a_subscribe_before_connection_init_closes_with_4401(app: TestApp) {
    let mut socket = open(&app).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { organisationChanged { key } }" } }),
    )
    .await;
    let frame = close_frame(&mut socket).await;
    assert_eq!(u16::from(frame.code), 4401, "{frame:?}");
}

/// The stock `graphql-ws` client (npm) in a child process, subscribed to one subscription
/// field; each event it receives is a line of JSON.
pub struct WsClient {
    _child: tokio::process::Child,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

impl WsClient {
    /// Subscribes with `token` to `query`, whose one field is `field`.
    pub async fn subscribe(app: &TestApp, token: &str, query: &str) -> WsClient {
        tokio::task::spawn_blocking(crate::http_audit::install_suite)
            .await
            .unwrap();
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new("node")
            .arg(crate::http_audit::audit_dir().join("subscribe.mjs"))
            .arg(app.graphql_url().replace("http://", "ws://"))
            .arg(token)
            .arg(query)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs the graphql-ws client");
        let stdout = child.stdout.take().unwrap();
        let mut client = WsClient {
            _child: child,
            lines: tokio::io::BufReader::new(stdout).lines(),
        };
        let first = client
            .line(Duration::from_secs(20))
            .await
            .expect("connected");
        assert_eq!(first["type"], "connected", "{first}");
        // Let the server register the subscription after the acknowledgement.
        tokio::time::sleep(Duration::from_millis(300)).await;
        client
    }

    async fn line(&mut self, within: Duration) -> Option<Value> {
        let line = tokio::time::timeout(within, self.lines.next_line())
            .await
            .ok()?
            .unwrap()?;
        Some(serde_json::from_str(&line).unwrap())
    }

    /// The events received within `within`: each the value of the subscribed field.
    pub async fn events(&mut self, within: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + within;
        let mut events = Vec::new();
        while let Some(line) = self
            .line(deadline.saturating_duration_since(tokio::time::Instant::now()))
            .await
        {
            assert_eq!(line["type"], "next", "{line}");
            let data = line["payload"]["data"].as_object().expect("data");
            events.push(data.values().next().cloned().expect("one field"));
        }
        events
    }
}
