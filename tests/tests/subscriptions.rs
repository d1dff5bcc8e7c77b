//! Subscriptions over WebSocket (`graphql-transport-ws`), authenticated in `connection_init`.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(
    a_subscriber_receives_organisation_changes,
    a_socket_without_a_valid_token_is_closed
);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(app: &TestApp) -> Socket {
    let mut request = app
        .graphql_url()
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
async fn next(socket: &mut Socket) -> Option<Value> {
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

async fn send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .unwrap();
}

async fn a_subscriber_receives_organisation_changes(app: TestApp) {
    let mut socket = open(&app).await;
    let token = app.token(&["INTEGRATION:icb=QRL"]);
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { organisationChanged { entity key auditEntryId at } }" } }),
    )
    .await;
    // Give the server a moment to register the subscription before the change commits.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.admin(r#"mutation { setNetworkHost(input: { network: "WESSEX", odsCode: "RHU", reason: "host moved" }) { code } }"#, json!({})).await;
    let event = next(&mut socket).await.unwrap();
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["id"], "1");
    let change = &event["payload"]["data"]["organisationChanged"];
    assert_eq!(change["entity"], "NETWORK_HOST");
    assert_eq!(change["key"], "WESSEX");
    assert!(change["auditEntryId"].as_i64().unwrap() > 0);
}

async fn a_socket_without_a_valid_token_is_closed(app: TestApp) {
    for payload in [json!({}), json!({ "Authorization": "Bearer not-a-token" })] {
        let mut socket = open(&app).await;
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        let reply = next(&mut socket).await;
        assert!(
            reply.as_ref().is_none_or(|r| r["type"] != "connection_ack"),
            "acknowledged without a valid token: {reply:?}"
        );
    }
}
