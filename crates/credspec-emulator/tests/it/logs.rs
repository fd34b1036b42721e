//! Every log line of a full run of the Telnyx APIs and of the Twilio APIs (and of every
//! other test of this binary), captured at TRACE: no secret appears.
//!
//! The capture is the global subscriber, installed before any emulator is built: a
//! thread-local one would miss callsites that tests on other threads registered first.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;

use credspec_emulator::Database;

use crate::{KEY_A, KEY_B, Req, harness_on};

#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    /// Everything logged so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

static CAPTURE: OnceLock<Capture> = OnceLock::new();

/// Installs the capturing global subscriber (once per test binary).
pub(crate) fn install() -> &'static Capture {
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        capture
    })
}

#[tokio::test]
async fn logs_never_contain_secrets() {
    let capture = install();

    // A seed of its own: the tests of this binary share one log capture, and another test's
    // logged sid must not repeat this test's SIP password by drawing the same random bytes.
    let h = harness_on(Database::memory(), 0x5EC2E7);
    let private_key = "-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czsSECRET... -----END RSA PRIVATE KEY-----";
    let sa_key = "SERVICE-ACCOUNT-SECRET-KEY...";
    let mut secrets = vec![
        KEY_A.to_owned(),
        KEY_B.to_owned(),
        String::from("WRONG_KEY_SECRET"),
        String::from("MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czsSECRET"),
        sa_key.to_owned(),
    ];
    let push = "/telnyx/v2/mobile_push_credentials";
    let ios = json!({"type": "ios", "alias": "a", "private_key": private_key,
        "certificate": "-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----"});
    let android = json!({"type": "android", "alias": "b",
        "project_account_json_file": {"client_email": "x@y.z", "private_key": sa_key}});
    let mut ids = Vec::new();
    for body in [&ios, &android] {
        let reply = Req::post(push)
            .bearer(KEY_A)
            .json(body)
            .send(&h.router)
            .await;
        assert_eq!(reply.status, 200);
        ids.push(reply.json()["data"]["id"].as_str().unwrap().to_owned());
    }
    // Refusals that carry secrets in the request.
    Req::post(push)
        .bearer(KEY_A)
        .json(&ios)
        .send(&h.router)
        .await
        .assert_telnyx(422, "10015");
    Req::post(push)
        .bearer(KEY_A)
        .json(&json!({"type": "ios", "alias": "c", "certificate": "x", "private_key": private_key}))
        .send(&h.router)
        .await;
    Req::get(push)
        .bearer("WRONG_KEY_SECRET")
        .send(&h.router)
        .await
        .assert_telnyx(401, "10009");
    Req::get(push).bearer(KEY_A).send(&h.router).await;
    for id in &ids {
        Req::get(&format!("{push}/{id}"))
            .bearer(KEY_A)
            .send(&h.router)
            .await;
        Req::delete(&format!("{push}/{id}"))
            .bearer(KEY_A)
            .send(&h.router)
            .await;
    }

    let tel = "/telnyx/v2/telephony_credentials";
    let reply = Req::post(tel)
        .bearer(KEY_B)
        .json(&json!({"connection_id": "1"}))
        .send(&h.router)
        .await;
    let data = reply.json()["data"].clone();
    secrets.push(data["sip_password"].as_str().unwrap().to_owned());
    let item = format!("{tel}/{}", data["id"].as_str().unwrap());
    Req::get(tel).bearer(KEY_B).send(&h.router).await;
    Req::get(&item).bearer(KEY_B).send(&h.router).await;
    Req::patch(&item)
        .bearer(KEY_B)
        .json(&json!({"name": "n"}))
        .send(&h.router)
        .await;
    let token = Req::post(&format!("{item}/token"))
        .bearer(KEY_B)
        .send(&h.router)
        .await;
    secrets.push(String::from_utf8(token.body).unwrap());
    Req::delete(&item).bearer(KEY_B).send(&h.router).await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.matches("request").count() >= 15,
        "the run was logged:\n{logs}"
    );
    assert!(logs.contains("status=201"));
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "{secret:?} in the logs:\n{logs}"
        );
    }
    for word in ["BEGIN", "Bearer", "authorization"] {
        assert!(!logs.contains(word), "{word} in the logs:\n{logs}");
    }
}

/// A CRUD run of the three Twilio APIs, refusals included: no auth token, API key secret or
/// credential material reaches the logs.
#[tokio::test]
async fn twilio_logs_never_contain_secrets() {
    use crate::{AC_A, SK_A, SK_SECRET_A, TOKEN_A, TOKEN_B};

    let capture = install();
    // A seed of its own, not the Telnyx test's: the tests of this binary share one log
    // capture, and the same seed made this test's logged `CR` sid the Telnyx test's SIP
    // password.
    let h = harness_on(Database::memory(), 0x7111_0C5E);
    let gcm_key = "AIzaSyLOGSECRETLOGSECRETLOGSECRET012345";
    let fcm_secret = format!("AAAAlogsecret:APA91b{}", "LOGSECRET".repeat(16));
    let cert =
        "-----BEGIN CERTIFICATE-----MIIFnTCCBIWgAwIBAgIICERTLOGSECRET...-----END CERTIFICATE-----";
    let key = "-----BEGIN RSA PRIVATE KEY-----MIIEpQIBAAKCAQEAKEYLOGSECRET...-----END RSA PRIVATE KEY-----";
    let secrets = [
        TOKEN_A,
        TOKEN_B,
        SK_SECRET_A,
        "WRONG-TOKEN-LOGSECRET",
        gcm_key,
        &fcm_secret,
        "CERTLOGSECRET",
        "KEYLOGSECRET",
    ];
    for base in [
        "/twilio/notify/v1/Credentials",
        "/twilio/chat/v2/Credentials",
        "/twilio/ip-messaging/v2/Credentials",
    ] {
        let mut sids = Vec::new();
        for form in [
            vec![("Type", "gcm"), ("ApiKey", gcm_key)],
            vec![("Type", "fcm"), ("Secret", fcm_secret.as_str())],
            vec![("Type", "apn"), ("Certificate", cert), ("PrivateKey", key)],
        ] {
            let reply = Req::post(base).as_a().form(&form).send(&h.router).await;
            assert_eq!(reply.status, 201, "{:?}", reply.json());
            sids.push(reply.json()["sid"].as_str().unwrap().to_owned());
        }
        // A lint finding on a request that carries secrets: accepted, logged at warn with the
        // rule and pointer only.
        let linted = Req::post(base)
            .as_a()
            .form(&[
                ("Type", "gcm"),
                ("ApiKey", gcm_key),
                ("Secret", &fcm_secret),
            ])
            .send(&h.router)
            .await;
        assert_eq!(linted.status, 201);
        sids.push(linted.json()["sid"].as_str().unwrap().to_owned());
        // A refusal that carries secrets.
        let long_name = "n".repeat(65);
        Req::post(base)
            .as_a()
            .form(&[
                ("Type", "gcm"),
                ("ApiKey", gcm_key),
                ("FriendlyName", &long_name),
            ])
            .send(&h.router)
            .await
            .assert_twilio(400, 21243);
        Req::get(base)
            .basic(AC_A, "WRONG-TOKEN-LOGSECRET")
            .send(&h.router)
            .await
            .assert_twilio(401, 20003);
        Req::get(base)
            .basic(SK_A, SK_SECRET_A)
            .send(&h.router)
            .await;
        for sid in &sids {
            let item = format!("{base}/{sid}");
            Req::get(&item).as_a().send(&h.router).await;
            Req::post(&item)
                .as_a()
                .form(&[("Certificate", cert), ("PrivateKey", key)])
                .send(&h.router)
                .await;
            Req::get(&item).as_b().send(&h.router).await;
            Req::delete(&item).as_a().send(&h.router).await;
        }
    }
    let comms = "/twilio/comms/v1/PushNotifications/Credentials";
    let body = json!({"credentialType": "APN", "appName": "logs",
        "content": {"certificate": cert, "privateKey": key}});
    let reply = Req::post(comms).as_a().json(&body).send(&h.router).await;
    assert_eq!(reply.status, 202);
    let item = format!("{comms}/{}", reply.json()["resourceId"].as_str().unwrap());
    Req::get(&item).as_a().send(&h.router).await;
    Req::get(comms).as_a().send(&h.router).await;
    Req::patch(&item)
        .as_a()
        .json(&json!({"content": {"certificate": cert, "privateKey": "not pem KEYLOGSECRET"}}))
        .send(&h.router)
        .await;
    Req::patch(&item)
        .as_a()
        .json(&json!({"tags": {"a": "KEY LOGSECRET with spaces"}}))
        .send(&h.router)
        .await
        .assert_comms(400, 21243);
    Req::patch(&item)
        .as_a()
        .json(&json!({"isDefault": true, "tags": {"a": "b"}}))
        .send(&h.router)
        .await;
    Req::delete(&item).as_a().send(&h.router).await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/twilio/comms/v1/PushNotifications/Credentials"),
        "{logs}"
    );
    assert!(logs.contains("status=202"));
    assert!(
        logs.contains("lint finding")
            && logs.contains("rule=\"twilio.classic.forbidden-fields\"")
            && logs.contains("pointer=\"/Secret\""),
        "the lint findings are logged:\n{logs}"
    );
    for secret in secrets {
        assert!(!logs.contains(secret), "{secret:?} in the logs:\n{logs}");
    }
    for word in ["BEGIN", "Basic", "authorization"] {
        assert!(!logs.contains(word), "{word} in the logs:\n{logs}");
    }
}
