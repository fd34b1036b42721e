//! A Twilio API in another processing region, through the proxy: by the emulator's regional
//! prefix and by the regional vendor host, forwarded to the upstream's store of that region
//! and checked against links of that region (decision D50).

use std::sync::Arc;

use credspec_conformance::known::KnownFailures;
use credspec_conformance::report::CaseStatus;
use credspec_conformance::runner::Runner;
use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_conformance::target::Target;
use credspec_core::id::AccountSid;
use credspec_emulator::{Emulator, Served, SystemClock, TwilioAccount};
use credspec_proxy::{Proxy, Recorder};
use serde_json::Value;

const ACCOUNT: (&str, &str) = ("AC0000000000000000000000000000a001", "regions-token");

async fn emulator() -> Served {
    let emulator = Emulator::builder()
        .twilio_account(TwilioAccount::new(
            ACCOUNT.0.parse::<AccountSid>().unwrap(),
            ACCOUNT.1.to_owned(),
        ))
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    emulator
        .serve(listener, std::future::pending())
        .await
        .unwrap()
}

fn target(addr: std::net::SocketAddr) -> Target {
    Target::default()
        .with_base(
            ApiId::TwilioNotifyV1,
            &format!("http://{addr}/twilio/notify"),
        )
        .unwrap()
        .with_credentials_from_vars(|var| match var {
            "CREDSPEC_TWILIO_ACCOUNT_SID" => Some(ACCOUNT.0.to_owned()),
            "CREDSPEC_TWILIO_AUTH_TOKEN" => Some(ACCOUNT.1.to_owned()),
            _ => None,
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regional_request_reaches_that_region_s_store_and_passes_the_checks() {
    let upstream = emulator().await;
    let to_upstream = target(upstream.local_addr());
    let specs = Arc::new(SpecSet::load(SpecSet::default_root()).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let recorder =
        Arc::new(Recorder::create(dir.path(), &specs, Arc::new(SystemClock::new())).unwrap());
    let recording = Arc::clone(&recorder);
    let proxy = Proxy::builder(Arc::clone(&specs), to_upstream)
        .on_exchange(move |exchange| {
            recording.record(exchange).unwrap();
        })
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let front = proxy
        .serve(listener, None, std::future::pending())
        .await
        .unwrap();
    let at = format!("http://{}", front.local_addr());
    let client = reqwest::Client::new();
    let auth = |r: reqwest::RequestBuilder| r.basic_auth(ACCOUNT.0, Some(ACCOUNT.1));

    // Created in au1 by the emulator's regional prefix.
    let created: Value = auth(client.post(format!("{at}/twilio/au1/notify/v1/Credentials")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Type=fcm&FriendlyName=in-au1")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    let sid = created["sid"].as_str().unwrap().to_owned();
    assert!(
        created["url"]
            .as_str()
            .unwrap()
            .contains("/twilio/au1/notify/v1/Credentials/"),
        "{created}"
    );
    // Listed in au1 by the regional vendor host, as an SDK with region and edge set sends it.
    let listed: Value = auth(client.get(format!("{at}/v1/Credentials")))
        .header("host", "notify.sydney.au1.twilio.com")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    let sids: Vec<&str> = listed["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["sid"].as_str())
        .collect();
    assert_eq!(sids, [sid.as_str()]);
    // The default region's store does not hold it.
    let default: Value = auth(client.get(format!("{at}/twilio/notify/v1/Credentials")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert_eq!(default["credentials"], Value::Array(Vec::new()));

    let reports = proxy.reports();
    assert_eq!(reports.len(), 3);
    for report in &reports {
        assert_eq!(report.api, ApiId::TwilioNotifyV1);
        assert!(
            report.violations().next().is_none(),
            "{}",
            report.violation_lines().join("\n")
        );
    }

    // The recording names the region of each regional step and replays green.
    recorder.flush().unwrap();
    let recorded = SpecSet::load(dir.path()).unwrap();
    let [scenario] = recorded.cases() else {
        panic!("one scenario: {:?}", recorded.cases().len());
    };
    let regions: Vec<Option<&str>> = scenario.steps.iter().map(|s| s.region.as_deref()).collect();
    assert_eq!(regions, [Some("au1"), Some("au1"), None]);
    let fresh = emulator().await;
    let runner = Runner::new(
        Arc::new(SpecSet::load(dir.path()).unwrap()),
        target(fresh.local_addr()),
        KnownFailures::default(),
    )
    .unwrap();
    let report = runner.run_case(scenario).await;
    assert_eq!(
        report.status,
        CaseStatus::Passed,
        "{}",
        report.failure_text()
    );
}
