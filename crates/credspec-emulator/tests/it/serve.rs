//! Over real HTTP on `127.0.0.1:0`: a lifecycle of each Telnyx API and graceful shutdown.
//! The client is a few lines of HTTP/1.1 on a TCP stream (no client library needed).

use std::net::SocketAddr;
use std::sync::Arc;

use credspec_core::timestamp::FixedClock;
use credspec_emulator::Database;
use credspec_telnyx::envelope::Data;
use credspec_telnyx::telephony_credentials::{AccessToken, TelephonyCredential};
use serde_json::{Value, json};
use std::io::{Read, Write};

use crate::{KEY_A, START, TOKEN_KEY, builder};

/// Sends one request (`Connection: close`) on a blocking std stream (tokio's io-util is not
/// compiled in) and returns status, headers and body.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    host: Option<&str>,
    body: Option<&Value>,
) -> (u16, String, Vec<u8>) {
    let body = body
        .map(|b| serde_json::to_vec(b).unwrap())
        .unwrap_or_default();
    let host = host.map_or_else(|| addr.to_string(), str::to_owned);
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {KEY_A}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        raw
    })
    .await
    .unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

#[tokio::test]
async fn lifecycles_over_http_and_graceful_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, 9)
        .database(Database::file(dir.path().join("http.db")))
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = emulator
        .serve(listener, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    let addr = served.local_addr();
    assert_ne!(addr.port(), 0);

    let (status, _, body) = http(addr, "GET", "/healthz", None, None).await;
    assert_eq!((status, body), (200, br#"{"status":"ok"}"#.to_vec()));

    // Telephony: create, get, update, token, delete.
    let base = "/telnyx/v2/telephony_credentials";
    let (status, head, body) = http(
        addr,
        "POST",
        base,
        None,
        Some(&json!({"connection_id": "1234567890"})),
    )
    .await;
    assert_eq!(status, 201, "{head}");
    let created = Data::<TelephonyCredential>::decode(&body).unwrap().data;
    let item = format!("{base}/{}", created.id.as_deref().unwrap());
    let (status, _, body) = http(addr, "GET", &item, None, None).await;
    assert_eq!(
        (
            status,
            Data::<TelephonyCredential>::decode(&body).unwrap().data
        ),
        (200, created)
    );
    let (status, _, _) = http(addr, "PATCH", &item, None, Some(&json!({"name": "x"}))).await;
    assert_eq!(status, 200);
    let (status, head, body) = http(addr, "POST", &format!("{item}/token"), None, None).await;
    assert_eq!(status, 201);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain"),
        "{head}"
    );
    AccessToken::decode(&body)
        .unwrap()
        .verify(TOKEN_KEY, START)
        .unwrap();
    let (status, _, _) = http(addr, "DELETE", &item, None, None).await;
    assert_eq!(status, 200);
    let (status, _, _) = http(addr, "GET", &item, None, None).await;
    assert_eq!(status, 404);

    // Mobile push through the vendor host, without the prefix.
    let push = json!({"type": "android", "alias": "a",
        "project_account_json_file": {"client_email": "a@b.c", "private_key": "k..."}});
    let (status, _, body) = http(
        addr,
        "POST",
        "/v2/mobile_push_credentials",
        Some("api.telnyx.com"),
        Some(&push),
    )
    .await;
    assert_eq!(status, 200);
    let id = serde_json::from_slice::<Value>(&body).unwrap()["data"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _, _) = http(
        addr,
        "DELETE",
        &format!("/telnyx/v2/mobile_push_credentials/{id}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 204);

    stop.send(()).unwrap();
    served.wait().await.unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "stopped listening"
    );
}
