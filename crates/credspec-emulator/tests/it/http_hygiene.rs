//! HTTP-level answers that come before any handler: a method the path does not serve is 405
//! with `Allow` in the vendor's format; a request without exactly one valid `Host` is 400 in
//! the vendor's format of its path (RFC 9112 §3.2).

use axum::http::Method;
use serde_json::json;

use crate::twilio_comms::COMMS;
use crate::{KEY_A, Reply, Req, harness};

const NOTIFY: &str = "/twilio/notify/v1/Credentials";
const CHAT: &str = "/twilio/chat/v2/Credentials";
const IP_MESSAGING: &str = "/twilio/ip-messaging/v2/Credentials";
const PUSH: &str = "/telnyx/v2/mobile_push_credentials";
const TELEPHONY: &str = "/telnyx/v2/telephony_credentials";
const TELNYX_ID: &str = "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7";
const CR: &str = "CR00000000000000000000000000000000";
const COMMS_ID: &str = "comms_credential_00000000000000000000000000";

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap()
}

/// The methods an `Allow` header lists, upper case, sorted.
fn allowed(reply: &Reply) -> Vec<String> {
    let value = reply
        .headers
        .get("allow")
        .unwrap_or_else(|| panic!("no Allow header: {:?}", reply.headers))
        .to_str()
        .unwrap();
    let mut methods: Vec<String> = value
        .split(',')
        .map(|m| m.trim().to_ascii_uppercase())
        .collect();
    methods.sort();
    methods
}

#[tokio::test]
async fn twilio_classic_answers_an_undeclared_method_405_20004_with_allow() {
    let h = harness();
    let item = format!("{NOTIFY}/{CR}");
    for (path, allow) in [
        (NOTIFY, ["GET", "HEAD", "POST"].as_slice()),
        (item.as_str(), ["DELETE", "GET", "HEAD", "POST"].as_slice()),
        (CHAT, ["GET", "HEAD", "POST"].as_slice()),
        (IP_MESSAGING, ["GET", "HEAD", "POST"].as_slice()),
    ] {
        for name in ["TRACE", "PUT", "PATCH", "OPTIONS", "QUERY"] {
            let reply = Req::new(method(name), path).as_a().send(&h.router).await;
            let body = reply.assert_twilio(405, 20004);
            assert_eq!(body["message"], "Method not allowed", "{name} {path}");
            assert_eq!(allowed(&reply), allow, "{name} {path}");
            assert!(
                reply.headers.contains_key("access-control-allow-origin"),
                "the classic CORS headers come with every answer"
            );
        }
    }
    // Before authentication, as routing comes first.
    let reply = Req::new(Method::TRACE, NOTIFY).send(&h.router).await;
    reply.assert_twilio(405, 20004);
    // An unknown path stays 404 whatever the method.
    Req::new(Method::TRACE, "/twilio/notify/v1/Nope")
        .as_a()
        .send(&h.router)
        .await
        .assert_twilio(404, 20404);
}

#[tokio::test]
async fn comms_answers_an_undeclared_method_405_20004_with_allow() {
    let h = harness();
    let item = format!("{COMMS}/{COMMS_ID}");
    for (path, allow) in [
        (COMMS, ["GET", "HEAD", "POST"].as_slice()),
        (item.as_str(), ["DELETE", "GET", "HEAD", "PATCH"].as_slice()),
    ] {
        for name in ["TRACE", "PUT", "OPTIONS", "QUERY"] {
            let reply = Req::new(method(name), path).as_a().send(&h.router).await;
            let first = reply.assert_comms(405, 20004);
            assert_eq!(
                first,
                json!({
                    "code": 20004,
                    "message": "Method not allowed",
                    "infoUrl": "https://www.twilio.com/docs/api/errors/20004",
                    "context": "null"
                }),
                "{name} {path}"
            );
            assert_eq!(allowed(&reply), allow, "{name} {path}");
        }
    }
    Req::post(&item)
        .as_a()
        .json(&json!({}))
        .send(&h.router)
        .await
        .assert_comms(405, 20004);
}

#[tokio::test]
async fn telnyx_answers_an_undeclared_method_405_with_allow() {
    let h = harness();
    let push_item = format!("{PUSH}/{TELNYX_ID}");
    let telephony_item = format!("{TELEPHONY}/{TELNYX_ID}");
    let token = format!("{TELEPHONY}/{TELNYX_ID}/token");
    for (path, allow) in [
        (PUSH, ["GET", "HEAD", "POST"].as_slice()),
        (push_item.as_str(), ["DELETE", "GET", "HEAD"].as_slice()),
        (TELEPHONY, ["GET", "HEAD", "POST"].as_slice()),
        (
            telephony_item.as_str(),
            ["DELETE", "GET", "HEAD", "PATCH"].as_slice(),
        ),
        (token.as_str(), ["POST"].as_slice()),
    ] {
        for name in ["TRACE", "PUT", "OPTIONS", "QUERY"] {
            let reply = Req::new(method(name), path)
                .bearer(KEY_A)
                .send(&h.router)
                .await;
            let error = reply.assert_telnyx(405, "10015");
            assert_eq!(error["title"], "Method Not Allowed", "{name} {path}");
            assert!(error["detail"].as_str().unwrap().contains(name), "{error}");
            assert_eq!(allowed(&reply), allow, "{name} {path}");
        }
    }
}

#[tokio::test]
async fn a_request_without_one_host_is_400_in_the_vendors_format() {
    let h = harness();
    // No Host at all.
    Req::get(NOTIFY)
        .as_a()
        .send_as_is(&h.router)
        .await
        .assert_twilio(400, 20001);
    Req::get(CHAT)
        .as_a()
        .send_as_is(&h.router)
        .await
        .assert_twilio(400, 20001);
    Req::get(COMMS)
        .as_a()
        .send_as_is(&h.router)
        .await
        .assert_comms(400, 20001);
    for path in [PUSH, TELEPHONY] {
        let error = Req::get(path)
            .bearer(KEY_A)
            .send_as_is(&h.router)
            .await
            .assert_telnyx(400, "10015");
        assert_eq!(error["detail"], "The request has no Host header.");
    }
    // Two different ones, and two equal ones (RFC 9112 §3.2: more than one field line).
    for second in ["other.example", "localhost"] {
        let reply = Req::get(PUSH)
            .bearer(KEY_A)
            .header("host", "localhost")
            .header("host", second)
            .send_as_is(&h.router)
            .await;
        let error = reply.assert_telnyx(400, "10015");
        assert_eq!(
            error["detail"], "The request has more than one Host header.",
            "{second}"
        );
    }
    // A vendor host first: routed to that vendor, refused in its format.
    Req::get("/v1/Credentials")
        .as_a()
        .header("host", "notify.twilio.com")
        .header("host", "api.telnyx.com")
        .send_as_is(&h.router)
        .await
        .assert_twilio(400, 20001);
    // An invalid value.
    Req::get(COMMS)
        .as_a()
        .header("host", "user@localhost")
        .send_as_is(&h.router)
        .await
        .assert_comms(400, 20001);
    // Refused before authentication and before the method is looked at.
    Req::new(Method::TRACE, TELEPHONY)
        .send_as_is(&h.router)
        .await
        .assert_telnyx(400, "10015");
    // A path under no API: the emulator's own format.
    let reply = Req::get("/nowhere").send_as_is(&h.router).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["status"], 400);
    // `/healthz` stays lenient, for probes that send no Host.
    let reply = Req::get("/healthz").send_as_is(&h.router).await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn http_1_0_may_omit_host() {
    let h = harness();
    let reply = Req::get(PUSH)
        .bearer(KEY_A)
        .version(axum::http::Version::HTTP_10)
        .send_as_is(&h.router)
        .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
}
