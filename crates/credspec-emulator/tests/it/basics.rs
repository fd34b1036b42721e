//! Routing, health, vendor hosts, unknown routes and input that must never cause a 5xx.

use credspec_core::random::{RandomSource as _, SeededRandom};
use serde_json::json;

use crate::{KEY_A, Req, harness};

#[tokio::test]
async fn healthz() {
    let h = harness();
    let reply = Req::get("/healthz").send(&h.router).await;
    assert_eq!((reply.status, reply.json()), (200, json!({"status": "ok"})));
    let reply = Req::get("/healthz")
        .header("host", "api.telnyx.com")
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 200, "healthz stays on vendor hosts");
}

#[tokio::test]
async fn unknown_routes_are_404_in_the_vendors_format() {
    let h = harness();
    for path in [
        "/telnyx/v2/nope",
        "/telnyx/v2/mobile_push_credentials/",
        "/telnyx",
        "/telnyx/v2/telephony_credentials/0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7/other",
    ] {
        Req::get(path)
            .bearer(KEY_A)
            .send(&h.router)
            .await
            .assert_telnyx(404, "10005");
    }
    // A method the route does not have is 405 (`http_hygiene`).
    let reply = Req::get("/nowhere").send(&h.router).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["status"], 404);
}

#[tokio::test]
async fn vendor_hosts_route_without_the_prefix() {
    let h = harness();
    let body = json!({"connection_id": "1"});
    let reply = Req::post("/v2/telephony_credentials")
        .header("host", "api.telnyx.com")
        .bearer(KEY_A)
        .json(&body)
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 201);
    let id = reply.json()["data"]["id"].as_str().unwrap().to_owned();
    let reply = Req::get(&format!("/telnyx/v2/telephony_credentials/{id}"))
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 200, "the same store under the prefix");
    let reply = Req::get(&format!("/v2/telephony_credentials/{id}"))
        .header("host", "API.TELNYX.COM:443")
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 200);
    // Without a vendor host, the bare path is no API's.
    let reply = Req::get("/v2/telephony_credentials")
        .bearer(KEY_A)
        .send(&h.router)
        .await;
    assert_eq!(reply.status, 404);
}

/// Random methods, paths, headers and bodies: never a 5xx.
#[tokio::test]
async fn no_input_causes_a_server_error() {
    let h = harness();
    let mut rng = SeededRandom::new(42);
    let paths = [
        "/telnyx/v2/mobile_push_credentials",
        "/telnyx/v2/mobile_push_credentials/0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7",
        "/telnyx/v2/telephony_credentials",
        "/telnyx/v2/telephony_credentials/0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7",
        "/telnyx/v2/telephony_credentials/0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7/token",
        "/telnyx/v2/mobile_push_credentials?page[size]=%00&page[number]=-1",
        "/healthz",
        "/twilio/notify/v1/Credentials",
    ];
    let methods = ["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "HEAD"];
    let content_types = [
        "application/json",
        "text/plain",
        "",
        "application/json; charset=latin1",
    ];
    let fragments: [&[u8]; 8] = [
        b"{",
        b"}",
        b"\"type\":\"ios\"",
        b"\"connection_id\":",
        b"\xff\xfe",
        b"[1,2",
        b"null",
        b"\"alias\":{}",
    ];
    for _ in 0..400 {
        let pick = |rng: &mut SeededRandom, n: usize| (rng.next_u64() % n as u64) as usize;
        let method = methods[pick(&mut rng, methods.len())];
        let path = paths[pick(&mut rng, paths.len())];
        let mut body = Vec::new();
        for _ in 0..pick(&mut rng, 6) {
            body.extend_from_slice(fragments[pick(&mut rng, fragments.len())]);
        }
        let mut req = Req::new(method.parse().unwrap(), path).bearer(KEY_A);
        let content_type = content_types[pick(&mut rng, content_types.len())];
        req = if content_type.is_empty() {
            req.body(body)
        } else {
            req.raw(content_type, body)
        };
        let reply = req.send(&h.router).await;
        assert!(reply.status < 500, "{method} {path}: {}", reply.status);
    }
    // Whole valid bodies with fields of every JSON type.
    for value in [
        json!(null),
        json!(1),
        json!("s"),
        json!([]),
        json!({}),
        json!(true),
        json!({"a": [1]}),
    ] {
        for field in [
            "type",
            "alias",
            "certificate",
            "private_key",
            "project_account_json_file",
            "connection_id",
            "name",
            "tag",
            "expires_at",
        ] {
            let body = json!({"type": "ios", "connection_id": "1", field: value.clone()});
            for path in [
                "/telnyx/v2/mobile_push_credentials",
                "/telnyx/v2/telephony_credentials",
            ] {
                let reply = Req::post(path)
                    .bearer(KEY_A)
                    .json(&body)
                    .send(&h.router)
                    .await;
                assert!(reply.status < 500, "{path} {body}: {}", reply.status);
            }
        }
    }
}

/// Random methods, paths, content types and bodies on the Twilio APIs, authenticated: never
/// a 5xx.
#[tokio::test]
async fn no_twilio_input_causes_a_server_error() {
    let h = harness();
    let mut rng = SeededRandom::new(7);
    let paths = [
        "/twilio/notify/v1/Credentials",
        "/twilio/notify/v1/Credentials/CR00000000000000000000000000000000",
        "/twilio/chat/v2/Credentials?PageSize=%00&Page=-1&PageToken=%FF",
        "/twilio/ip-messaging/v2/Credentials/CR0",
        "/twilio/notify/v1/Credentials?PageSize=99999999999999999999&Page=99999999999",
        "/twilio/comms/v1/PushNotifications/Credentials",
        "/twilio/comms/v1/PushNotifications/Credentials?pageSize=%FF&appName=%00&pageToken=1.x",
        "/twilio/comms/v1/PushNotifications/Credentials/comms_credential_00000000000000000000000000",
    ];
    let methods = ["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "HEAD"];
    let content_types = [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "",
    ];
    let fragments: [&[u8]; 12] = [
        b"{",
        b"}",
        b"\"credentialType\":\"APN\"",
        b"\"appName\":",
        b"\xff\xfe",
        b"Type=apn&",
        b"Sandbox=%ZZ&",
        b"FriendlyName=%FF&",
        b"\"content\":{}",
        b"&&==",
        b"null",
        b"\"isDefault\":[",
    ];
    for _ in 0..400 {
        let pick = |rng: &mut SeededRandom, n: usize| (rng.next_u64() % n as u64) as usize;
        let method = methods[pick(&mut rng, methods.len())];
        let path = paths[pick(&mut rng, paths.len())];
        let mut body = Vec::new();
        for _ in 0..pick(&mut rng, 6) {
            body.extend_from_slice(fragments[pick(&mut rng, fragments.len())]);
        }
        let mut req = Req::new(method.parse().unwrap(), path).as_a();
        let content_type = content_types[pick(&mut rng, content_types.len())];
        req = if content_type.is_empty() {
            req.body(body)
        } else {
            req.raw(content_type, body)
        };
        let reply = req.send(&h.router).await;
        assert!(reply.status < 500, "{method} {path}: {}", reply.status);
    }
    // Whole bodies with Comms members of every JSON type.
    for value in [
        json!(null),
        json!(1),
        json!("s"),
        json!([]),
        json!({}),
        json!(true),
        json!({"a": [1]}),
    ] {
        for field in ["credentialType", "appName", "content", "isDefault", "tags"] {
            let mut body = json!({"credentialType": "APN", "appName": "a", "content": {}});
            body[field] = value.clone();
            let reply = Req::post("/twilio/comms/v1/PushNotifications/Credentials")
                .as_a()
                .json(&body)
                .send(&h.router)
                .await;
            assert!(reply.status < 500, "{body}: {}", reply.status);
        }
    }
}
