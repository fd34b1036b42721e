//! The observer on real exchanges with the emulator: a create, a fetch, a list and a delete
//! of Notify v1 pass every check; the same answers tampered with fail the right check.

use std::sync::Arc;

use base64::Engine as _;
use credspec_conformance::check::CheckKind;
use credspec_conformance::exchange::Response;
use credspec_conformance::observe::{ObservedRequest, Observer};
use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_conformance::target::Target;
use credspec_emulator::ephemeral::Ephemeral;

use super::emulator::runtime;

async fn send(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    method: &str,
    path: &str,
    form: &str,
) -> (ObservedRequest, Response) {
    let url = format!("{base}{path}");
    let mut headers = vec![(String::from("Authorization"), auth.to_owned())];
    if !form.is_empty() {
        headers.push((
            String::from("Content-Type"),
            String::from("application/x-www-form-urlencoded"),
        ));
    }
    let mut builder = client.request(method.parse().unwrap(), &url);
    for (k, v) in &headers {
        builder = builder.header(k, v);
    }
    let answer = builder.body(form.to_owned()).send().await.unwrap();
    let status = answer.status().as_u16();
    let response_headers = answer
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    let body = answer.bytes().await.unwrap().to_vec();
    let request = ObservedRequest::new(method, path, "", &url, headers, form.as_bytes().to_vec());
    (
        request,
        Response {
            status,
            headers: response_headers,
            body,
        },
    )
}

fn failed(report: &credspec_conformance::observe::ObservedReport) -> Vec<CheckKind> {
    report.violations().map(|c| c.kind).collect()
}

#[test]
fn observed_crud_passes_and_tampered_answers_fail_the_right_check() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    runtime().block_on(async {
        let e = Ephemeral::start().await.unwrap();
        let api = ApiId::TwilioNotifyV1;
        let base = e.base_url(api.as_str()).unwrap();
        let target = Target::default().with_base(api, &base).unwrap();
        let observer = Observer::new(
            Arc::new(SpecSet::load(SpecSet::default_root()).unwrap()),
            target,
        );
        let [account, _] = &e.twilio;
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                account.sid,
                account.auth_token.expose_str()
            ))
        );
        let client = reqwest::Client::new();
        let create = "Type=fcm&FriendlyName=observed&Secret=observed-server-key-0000000000";
        let (request, response) =
            send(&client, &base, &auth, "POST", "/v1/Credentials", create).await;
        let created: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        let report = observer.check(api, &request, response.clone());
        assert_eq!(failed(&report), [], "{:?}", report.violation_lines());
        assert!(
            !report.curl.contains("observed-server-key"),
            "{}",
            report.curl
        );
        assert!(!report.curl.contains(account.auth_token.expose_str()));

        // Tampered: the content type, a required member, the error format.
        let mut wrong_type = response.clone();
        for (k, v) in &mut wrong_type.headers {
            if k.eq_ignore_ascii_case("content-type") {
                *v = String::from("text/html");
            }
        }
        assert!(failed(&observer.check(api, &request, wrong_type)).contains(&CheckKind::Headers));
        let mut no_sid = created.clone();
        no_sid.as_object_mut().unwrap().remove("sid");
        let mut missing = response.clone();
        missing.body = serde_json::to_vec(&no_sid).unwrap();
        assert!(failed(&observer.check(api, &request, missing)).contains(&CheckKind::Schema));

        let sid = created["sid"].as_str().unwrap();
        let item = format!("/v1/Credentials/{sid}");
        for (method, path) in [
            ("GET", item.as_str()),
            ("GET", "/v1/Credentials"),
            ("DELETE", item.as_str()),
        ] {
            let (request, response) = send(&client, &base, &auth, method, path, "").await;
            let report = observer.check(api, &request, response);
            assert_eq!(failed(&report), [], "{:?}", report.violation_lines());
        }
        let (request, response) = send(&client, &base, &auth, "GET", &item, "").await;
        assert_eq!(response.status, 404);
        assert_eq!(failed(&observer.check(api, &request, response.clone())), []);
        let mut telnyx_shaped = response;
        telnyx_shaped.body = br#"{"errors":[{"code":"10005","title":"Not found"}]}"#.to_vec();
        assert!(failed(&observer.check(api, &request, telnyx_shaped)).contains(&CheckKind::Error));

        let (request, response) = send(&client, &base, &auth, "PUT", "/v1/Nothing", "").await;
        let report = observer.check(api, &request, response);
        assert_eq!(report.operation, None);
        assert_eq!(failed(&report), [CheckKind::Status]);

        // A method the path does not declare: the vendor's 405 keeps the contract (D40), any
        // other answer does not.
        let (request, response) = send(&client, &base, &auth, "TRACE", "/v1/Credentials", "").await;
        assert_eq!(response.status, 405);
        let report = observer.check(api, &request, response.clone());
        assert_eq!((report.operation, failed(&report)), (None, vec![]));
        assert_eq!(report.checks.len(), 1, "the status was checked");
        let mut answered = response;
        answered.status = 200;
        assert_eq!(
            failed(&observer.check(api, &request, answered)),
            [CheckKind::Status]
        );
        e.stop().await;
    });
}
