//! `--rate-limit`: a token bucket per account, answered with each vendor's own 429 and
//! headers. Time is the emulator's `FixedClock`: a test moves it instead of waiting.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use credspec_core::timestamp::FixedClock;
use credspec_emulator::RateLimit;
use serde_json::json;

use crate::{AC_A, KEY_A, KEY_B, Reply, Req, SK_A, SK_SECRET_A, START, builder, harness};

const ADMIN_TOKEN: &str = "admin-token-for-rate-limit-tests";

/// An emulator limited to `limit`, with its clock (and the admin API on, to show it is never
/// limited).
fn limited(limit: &str) -> (Router, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(START));
    let limit: RateLimit = limit.parse().unwrap();
    let router = builder(&clock, 1)
        .rate_limit(limit)
        .admin(Some(ADMIN_TOKEN.into()))
        .build()
        .unwrap()
        .router();
    (router, clock)
}

/// A request of each error format, as account A or B.
fn request_of(format: &str, b: bool) -> Req {
    match (format, b) {
        ("telnyx", false) => Req::get("/telnyx/v2/telephony_credentials").bearer(KEY_A),
        ("telnyx", true) => Req::get("/telnyx/v2/mobile_push_credentials").bearer(KEY_B),
        ("classic", false) => Req::get("/twilio/notify/v1/Credentials").as_a(),
        ("classic", true) => Req::get("/twilio/conversations/v1/Credentials").as_b(),
        (_, false) => Req::get("/twilio/comms/v1/PushNotifications/Credentials").as_a(),
        (_, true) => Req::get("/twilio/comms/v1/PushNotifications/Credentials").as_b(),
    }
}

const FORMATS: [&str; 3] = ["telnyx", "classic", "comms"];

/// Telnyx's three rate-limit headers, `None` where one is missing.
fn telnyx_rate(reply: &Reply) -> [Option<&str>; 3] {
    [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ]
    .map(|name| reply.headers.get(name).map(|v| v.to_str().unwrap()))
}

fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn off_by_default_every_request_is_served() {
    let h = harness();
    for format in FORMATS {
        for _ in 0..150 {
            let reply = request_of(format, false).send(&h.router).await;
            reply.assert_status(200);
            assert_eq!(telnyx_rate(&reply), [None; 3], "{format}");
            assert_eq!(header(&reply, "retry-after"), None, "{format}");
        }
    }
}

#[tokio::test]
async fn past_the_burst_each_vendor_answers_its_own_429_and_other_accounts_go_on() {
    for format in FORMATS {
        let (router, _clock) = limited("1/min,burst=3");
        for served in 1..=3 {
            let reply = request_of(format, false).send(&router).await;
            reply.assert_status(200);
            if format == "telnyx" {
                // Telnyx reports the bucket on every answer: 3 at once, one more each minute.
                let remaining = (3 - served).to_string();
                let reset = (60 * served).to_string();
                assert_eq!(
                    telnyx_rate(&reply),
                    [Some("3"), Some(remaining.as_str()), Some(reset.as_str())]
                );
            } else {
                assert_eq!(telnyx_rate(&reply), [None; 3], "Twilio sends none");
            }
        }
        let reply = request_of(format, false).send(&router).await;
        // One request comes back each minute: Retry-After is the whole minute.
        assert_eq!(header(&reply, "retry-after"), Some("60"), "{format}");
        match format {
            "telnyx" => {
                let first = reply.assert_telnyx(429, "10011");
                assert_eq!(
                    first["title"], "Too many requests",
                    "the rate-limiting page's body"
                );
                assert_eq!(
                    first["detail"],
                    "You have exceeded the maximum number of allowed requests."
                );
                assert_eq!(telnyx_rate(&reply), [Some("3"), Some("0"), Some("180")]);
                assert_eq!(header(&reply, "x-should-retry"), None);
            }
            "classic" => {
                let body = reply.assert_twilio(429, 20429);
                assert_eq!(body["message"], "Too Many Requests");
                assert_eq!(telnyx_rate(&reply), [None; 3]);
            }
            _ => {
                let first = reply.assert_comms(429, 20429);
                assert_eq!(
                    first["message"],
                    "Too many requests. Please retry according to the Retry-After response header."
                );
                assert_eq!(
                    first["infoUrl"],
                    "https://www.twilio.com/docs/api/errors/20429"
                );
                assert_eq!(telnyx_rate(&reply), [None; 3]);
            }
        }
        // Another account has a bucket of its own, on any API of the vendor.
        let other = request_of(format, true).send(&router).await;
        other.assert_status(200);
        if format == "telnyx" {
            assert_eq!(telnyx_rate(&other)[1], Some("2"), "{format}");
        }
    }
}

#[tokio::test]
async fn an_account_has_one_bucket_across_its_apis_and_keys() {
    let (router, _clock) = limited("1/h,burst=2");
    // Telnyx: both APIs count against the key's account.
    Req::get("/telnyx/v2/telephony_credentials")
        .bearer(KEY_A)
        .send(&router)
        .await
        .assert_status(200);
    Req::get("/telnyx/v2/mobile_push_credentials")
        .bearer(KEY_A)
        .send(&router)
        .await
        .assert_status(200);
    Req::get("/telnyx/v2/telephony_credentials")
        .bearer(KEY_A)
        .send(&router)
        .await
        .assert_telnyx(429, "10011");
    // Twilio: the account SID and its API key, on any API and region.
    Req::get("/twilio/notify/v1/Credentials")
        .as_a()
        .send(&router)
        .await
        .assert_status(200);
    Req::get("/twilio/au1/chat/v2/Credentials")
        .basic(SK_A, SK_SECRET_A)
        .send(&router)
        .await
        .assert_status(200);
    Req::get("/twilio/comms/v1/PushNotifications/Credentials")
        .as_a()
        .send(&router)
        .await
        .assert_comms(429, 20429);
}

#[tokio::test]
async fn only_authenticated_api_requests_count() {
    let (router, _clock) = limited("1/h,burst=1");
    for _ in 0..5 {
        // No credentials, wrong ones: the API's own 401, never a 429, and nothing counted.
        Req::get("/telnyx/v2/telephony_credentials")
            .send(&router)
            .await
            .assert_telnyx(401, "10009");
        Req::get("/twilio/notify/v1/Credentials")
            .basic(AC_A, "not-the-token")
            .send(&router)
            .await
            .assert_twilio(401, 20003);
        // Health and the admin API are never limited.
        Req::get("/healthz").send(&router).await.assert_status(200);
        Req::get("/_credspec/faults")
            .bearer(ADMIN_TOKEN)
            .send(&router)
            .await
            .assert_status(200);
        // Nor is a path that is no operation.
        Req::get("/telnyx/v2/no_such_resource")
            .bearer(KEY_A)
            .send(&router)
            .await
            .assert_status(404);
    }
    let first = request_of("telnyx", false).send(&router).await;
    first.assert_status(200);
    assert_eq!(telnyx_rate(&first)[1], Some("0"));
    request_of("telnyx", false)
        .send(&router)
        .await
        .assert_telnyx(429, "10011");
    request_of("classic", false)
        .send(&router)
        .await
        .assert_status(200);
}

/// The statuses of `n` requests of Twilio account A, one after another.
async fn statuses(router: &Router, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(request_of("classic", false).send(router).await.status);
    }
    statuses
}

#[tokio::test]
async fn the_bucket_refills_as_time_passes() {
    let (router, clock) = limited("2/s,burst=2");
    assert_eq!(statuses(&router, 2).await, [200, 200]);
    let refused = request_of("classic", false).send(&router).await;
    refused.assert_twilio(429, 20429);
    // 2 per second: one request back in 500 ms, which Retry-After rounds up to 1 s.
    assert_eq!(header(&refused, "retry-after"), Some("1"));
    clock.advance(time::Duration::milliseconds(499));
    let still = request_of("classic", false).send(&router).await;
    still.assert_twilio(429, 20429);
    assert_eq!(header(&still, "retry-after"), Some("1"), "never 0");
    clock.advance(time::Duration::milliseconds(1));
    assert_eq!(statuses(&router, 2).await, [200, 429]);
    // A long pause fills the bucket to its burst, no further.
    clock.advance(time::Duration::hours(1));
    assert_eq!(statuses(&router, 3).await, [200, 200, 429]);
}

/// A client that retries a 429 as the official SDKs built by Stainless (Telnyx's) do: after
/// `Retry-After` seconds, at most `tries` times. Its sleep is the emulator's clock moving,
/// so the test waits for nothing; returns the answer and how long it waited.
async fn honouring_retry_after(
    router: &Router,
    clock: &FixedClock,
    tries: usize,
    make: impl Fn() -> Req,
) -> (Reply, Duration) {
    let mut waited = Duration::ZERO;
    let mut reply = make().send(router).await;
    for _ in 1..tries {
        if reply.status != 429 {
            break;
        }
        let seconds: u64 = header(&reply, "retry-after").unwrap().parse().unwrap();
        let wait = Duration::from_secs(seconds);
        clock.advance(time::Duration::try_from(wait).unwrap());
        waited += wait;
        reply = make().send(router).await;
    }
    (reply, waited)
}

#[tokio::test]
async fn a_client_that_honours_retry_after_gets_through() {
    let (router, clock) = limited("10/min,burst=1");
    let create = || {
        Req::post("/telnyx/v2/telephony_credentials")
            .bearer(KEY_A)
            .json(&json!({"connection_id": "1234567890", "name": "retried"}))
    };
    let (first, _) = honouring_retry_after(&router, &clock, 1, create).await;
    first.assert_status(201);
    let (second, waited) = honouring_retry_after(&router, &clock, 3, create).await;
    second.assert_status(201);
    assert_eq!(
        waited,
        Duration::from_secs(6),
        "one retry, after the 6 s that one request of 10 per minute takes"
    );
    let listed = Req::get("/telnyx/v2/telephony_credentials")
        .bearer(KEY_A)
        .send(&router)
        .await;
    assert_eq!(listed.status, 429, "the retry took the token");
    clock.advance(time::Duration::seconds(6));
    let listed = Req::get("/telnyx/v2/telephony_credentials")
        .bearer(KEY_A)
        .send(&router)
        .await;
    listed.assert_status(200);
    assert_eq!(
        listed.json()["meta"]["total_results"],
        2,
        "the refused create was not made"
    );
}

#[test]
fn the_binary_refuses_a_bad_rate_limit_naming_the_flag() {
    for (value, reason) in [
        (
            "100/minute",
            "the period \"minute\" is not one of s, min, h",
        ),
        ("0/s", "the count \"0\" is not a whole number"),
        ("100/s,burst=x", "the burst \"x\" is not a whole number"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_credspec-emulator"))
            .args(["--db", ":memory:", "--addr", "127.0.0.1:0"])
            .args(["--rate-limit", value])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("--rate-limit"), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
        assert!(out.stdout.is_empty(), "it never started");
    }
}
