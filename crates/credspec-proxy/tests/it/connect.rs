//! A client that reaches the vendor's host through the proxy as `HTTPS_PROXY`: the proxy
//! answers `CONNECT notify.twilio.com:443`, terminates the tunnel's TLS with a certificate
//! of the local CA the client trusts, and forwards each request inside to the plain-HTTP
//! emulator, its upstream for the API of the host.

use base64::Engine as _;
use credspec_conformance::spec::ApiId;
use credspec_emulator::{HttpsFront, LocalCa};

use crate::support::ACCOUNTS;
use crate::{Proxied, violation_lines};

#[tokio::test(flavor = "multi_thread")]
async fn a_vendor_host_through_connect_reaches_the_emulator_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let ca = LocalCa::load_or_create(dir.path()).unwrap();
    let proxied = Proxied::start(None, Some(HttpsFront::new(&ca).unwrap())).await;
    let pem = std::fs::read(ca.cert_path()).unwrap();
    // Only the local CA is trusted: an answer from anywhere else fails the handshake.
    let client = reqwest::Client::builder()
        .proxy(reqwest::Proxy::https(format!("http://{}", proxied.addr)).unwrap())
        .tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()])
        .build()
        .unwrap();
    let (sid, token) = ACCOUNTS[0];
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{sid}:{token}"));
    let auth = format!("Basic {basic}");
    let collection = "https://notify.twilio.com/v1/Credentials";

    let listed = client
        .get(collection)
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let listed: serde_json::Value = serde_json::from_slice(&listed.bytes().await.unwrap()).unwrap();
    assert_eq!(listed["credentials"], serde_json::json!([]), "{listed}");

    // A create and a delete of it, through the same tunnel machinery.
    let created = client
        .post(collection)
        .header("authorization", &auth)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Type=fcm&Secret=credspec-connect-secret&FriendlyName=connect")
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: serde_json::Value =
        serde_json::from_slice(&created.bytes().await.unwrap()).unwrap();
    let item = format!("{collection}/{}", created["sid"].as_str().unwrap());
    let deleted = client
        .delete(&item)
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);

    let observed = proxied.stop().await;
    let seen: Vec<(ApiId, &str)> = observed
        .iter()
        .map(|r| (r.api, r.request_line.as_str()))
        .collect();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen.iter().all(|(api, _)| *api == ApiId::TwilioNotifyV1),
        "{seen:?}"
    );
    assert_eq!(seen[0].1, "GET /v1/Credentials");
    let violations: usize = observed.iter().map(|r| r.violations().count()).sum();
    assert_eq!(violations, 0, "{}", violation_lines(&observed));
}
