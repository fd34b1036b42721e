//! Over real HTTP on `127.0.0.1:0`: a lifecycle of each API (Telnyx and Twilio) and
//! graceful shutdown. The client is a few lines of HTTP/1.1 on a TCP stream (no client library needed).

use std::net::SocketAddr;
use std::sync::Arc;

use credspec_core::timestamp::FixedClock;
use credspec_emulator::Database;
use credspec_telnyx::envelope::Data;
use credspec_telnyx::telephony_credentials::{AccessToken, TelephonyCredential};
use serde_json::{Value, json};
use std::io::{Read, Write};

use base64::Engine as _;

use crate::{AC_A, KEY_A, START, TOKEN_A, TOKEN_KEY, builder, serve};

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
    let headers = [
        ("Authorization", format!("Bearer {KEY_A}")),
        ("Content-Type", String::from("application/json")),
    ];
    raw_http(addr, method, path, host, &headers, body).await
}

/// Sends one request with `headers` and `body` as given.
async fn raw_http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    host: Option<&str>,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> (u16, String, Vec<u8>) {
    let host = host.map_or_else(|| addr.to_string(), str::to_owned);
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
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

fn twilio_auth() -> (&'static str, String) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{AC_A}:{TOKEN_A}"));
    ("Authorization", format!("Basic {encoded}"))
}

fn form_headers() -> Vec<(&'static str, String)> {
    vec![
        twilio_auth(),
        (
            "Content-Type",
            String::from("application/x-www-form-urlencoded"),
        ),
    ]
}

fn json_headers() -> Vec<(&'static str, String)> {
    vec![
        twilio_auth(),
        ("Content-Type", String::from("application/json")),
    ]
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap()
}

/// Over HTTP: a create, fetch, list, update, delete of each Twilio API (Chat read back
/// through IP-Messaging, Notify through its vendor host).
#[tokio::test]
async fn twilio_lifecycles_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, 11)
        .database(Database::file(dir.path().join("twilio-http.db")))
        .build()
        .unwrap();
    let (addr, stop, served) = serve(emulator).await;

    for (create_base, read_base) in [
        (
            "/twilio/notify/v1/Credentials",
            "/twilio/notify/v1/Credentials",
        ),
        (
            "/twilio/chat/v2/Credentials",
            "/twilio/ip-messaging/v2/Credentials",
        ),
    ] {
        let form = format!(
            "Type=gcm&ApiKey={}&FriendlyName=over+http",
            crate::twilio_classic::GCM_KEY
        );
        let (status, head, body) = raw_http(
            addr,
            "POST",
            create_base,
            None,
            &form_headers(),
            form.into_bytes(),
        )
        .await;
        assert_eq!(status, 201, "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("access-control-allow-origin: *")
        );
        let created = json(&body);
        let sid = created["sid"].as_str().unwrap().to_owned();
        assert_eq!(
            created["url"],
            format!("http://{addr}{create_base}/{sid}").as_str()
        );
        let item = format!("{read_base}/{sid}");
        let (status, _, body) =
            raw_http(addr, "GET", &item, None, &form_headers(), Vec::new()).await;
        assert_eq!(status, 200);
        assert_eq!(json(&body)["url"], format!("http://{addr}{item}").as_str());
        let (status, _, body) =
            raw_http(addr, "GET", read_base, None, &form_headers(), Vec::new()).await;
        assert_eq!(status, 200);
        let listed = json(&body);
        assert_eq!(listed["credentials"][0]["sid"], sid.as_str());
        assert_eq!(
            listed["meta"]["url"],
            format!("http://{addr}{read_base}?PageSize=50&Page=0").as_str()
        );
        let (status, _, body) = raw_http(
            addr,
            "POST",
            &item,
            None,
            &form_headers(),
            b"FriendlyName=renamed".to_vec(),
        )
        .await;
        assert_eq!(
            (status, json(&body)["friendly_name"].clone()),
            (200, Value::from("renamed"))
        );
        let (status, _, body) =
            raw_http(addr, "DELETE", &item, None, &form_headers(), Vec::new()).await;
        assert_eq!((status, body.len()), (204, 0));
        let (status, _, _) = raw_http(addr, "GET", &item, None, &form_headers(), Vec::new()).await;
        assert_eq!(status, 404);
    }

    // Notify through its vendor host: paths without the prefix, URLs naming the host.
    let form = format!("Type=gcm&ApiKey={}", crate::twilio_classic::GCM_KEY);
    let (status, _, body) = raw_http(
        addr,
        "POST",
        "/v1/Credentials",
        Some("notify.twilio.com"),
        &form_headers(),
        form.into_bytes(),
    )
    .await;
    assert_eq!(status, 201);
    let sid = json(&body)["sid"].as_str().unwrap().to_owned();
    assert_eq!(
        json(&body)["url"],
        format!("http://notify.twilio.com/v1/Credentials/{sid}").as_str()
    );
    let (status, _, _) = raw_http(
        addr,
        "DELETE",
        &format!("/twilio/notify/v1/Credentials/{sid}"),
        None,
        &form_headers(),
        Vec::new(),
    )
    .await;
    assert_eq!(status, 204);

    // Comms: create, fetch, list, PATCH, delete.
    let comms = "/twilio/comms/v1/PushNotifications/Credentials";
    let create = serde_json::to_vec(&crate::twilio_comms::apn("http_app")).unwrap();
    let (status, head, body) = raw_http(addr, "POST", comms, None, &json_headers(), create).await;
    assert_eq!(status, 202, "{head}");
    let accepted = json(&body);
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let location = format!("http://{addr}{comms}/{id}");
    assert_eq!(accepted["resourceLocation"], location.as_str());
    assert!(head.contains(&location), "{head}");
    let item = format!("{comms}/{id}");
    let (status, _, body) = raw_http(addr, "GET", &item, None, &json_headers(), Vec::new()).await;
    assert_eq!(
        (status, json(&body)["appName"].clone()),
        (200, Value::from("http_app"))
    );
    let (status, _, body) = raw_http(addr, "GET", comms, None, &json_headers(), Vec::new()).await;
    assert_eq!(status, 200);
    assert_eq!(json(&body)["credentials"][0]["id"], id.as_str());
    let patch = serde_json::to_vec(&json!({"tags": {"env": "http"}})).unwrap();
    let (status, _, _) = raw_http(addr, "PATCH", &item, None, &json_headers(), patch).await;
    assert_eq!(status, 202);
    let (status, _, body) = raw_http(addr, "GET", &item, None, &json_headers(), Vec::new()).await;
    assert_eq!(
        (status, json(&body)["tags"].clone()),
        (200, json!({"env": "http"}))
    );
    let (status, _, _) = raw_http(addr, "DELETE", &item, None, &json_headers(), Vec::new()).await;
    assert_eq!(status, 202);
    let (status, _, _) = raw_http(addr, "GET", &item, None, &json_headers(), Vec::new()).await;
    assert_eq!(status, 404);

    stop.send(()).unwrap();
    served.wait().await.unwrap();
}

#[tokio::test]
async fn lifecycles_over_http_and_graceful_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, 9)
        .database(Database::file(dir.path().join("http.db")))
        .build()
        .unwrap();
    let (addr, stop, served) = serve(emulator).await;
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

/// The one curl example of the seeds (seed 001), sent as curl sends it: to
/// `ip-messaging.twilio.com` (here through the `Host` header, as a hosts-file entry would),
/// HTTP Basic, form-encoded `Type=apn`. Without material it is created with the 201 the seed
/// documents and two `Credspec-Lint` findings (decision D12); with the documented placeholder
/// material added it is created and read back at the vendor path.
#[tokio::test]
async fn the_seed_curl_example_as_curl_sends_it() {
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, 12)
        .database(Database::memory())
        .build()
        .unwrap();
    let (addr, stop, served) = serve(emulator).await;
    let host = Some("ip-messaging.twilio.com");

    let (status, head, body) = raw_http(
        addr,
        "POST",
        "/v2/Credentials",
        host,
        &form_headers(),
        b"Type=apn".to_vec(),
    )
    .await;
    let documented = json(&body);
    assert_eq!(status, 201, "{documented}");
    assert_eq!(
        (&documented["type"], &documented["sandbox"]),
        (&serde_json::json!("apn"), &serde_json::json!("False"))
    );
    let head = head.to_ascii_lowercase();
    for pointer in ["/certificate", "/privatekey"] {
        let line = format!("credspec-lint: twilio.classic.apn-required-fields; {pointer}\r\n");
        assert!(head.contains(&line), "{line:?} in {head}");
    }

    let with_material = "Type=apn&FriendlyName=Test+slow+create&Sandbox=false\
        &Certificate=-----BEGIN+CERTIFICATE-----MIIFnTCCBIWgAwIBAgIIAjy9H849%2BE8w...-----END+CERTIFICATE-----\
        &PrivateKey=-----BEGIN+RSA+PRIVATE+KEY-----MIIEpQIBAAKCAQEAuyf%2FlNrH9ck8DmNy...-----END+RSA+PRIVATE+KEY-----";
    let (status, _, body) = raw_http(
        addr,
        "POST",
        "/v2/Credentials",
        host,
        &form_headers(),
        with_material.as_bytes().to_vec(),
    )
    .await;
    let created = json(&body);
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["type"], "apn");
    assert_eq!(created["sandbox"], "False");
    assert_eq!(created["account_sid"], AC_A);
    let sid = created["sid"].as_str().unwrap();
    assert_eq!(
        created["url"],
        format!("http://ip-messaging.twilio.com/v2/Credentials/{sid}"),
        "the self link names the host the request was sent to"
    );
    let (status, _, body) = raw_http(
        addr,
        "GET",
        &format!("/v2/Credentials/{sid}"),
        host,
        &form_headers(),
        Vec::new(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(json(&body)["sid"], sid);
    let _ = stop.send(());
    served.wait().await.unwrap();
}
