//! Integration tests of the emulator, in process (tower `oneshot`) unless a module says
//! otherwise. Responses are decoded with the codecs and compared field by field.
// Helpers outside `#[test]` functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod admin;
mod basics;
mod connections;
mod durability;
mod http_hygiene;
mod https_proxy;
mod logs;
mod rate_limit;
mod serve;
mod telnyx_push;
mod telnyx_telephony;
mod twilio_classic;
mod twilio_comms;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request};
use base64::Engine as _;
use credspec_core::random::SeededRandom;
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::FixedClock;
use credspec_emulator::{
    Database, Emulator, EmulatorBuilder, TelnyxApiKey, TwilioAccount, TwilioApiKey,
};
use credspec_telnyx::error::ErrorBody;
use serde_json::Value;
use time::macros::datetime;
use tower::ServiceExt as _;

/// Account A's Telnyx key.
pub const KEY_A: &str = "KEY_ACCOUNT_A_0123456789";
/// Account B's Telnyx key.
pub const KEY_B: &str = "KEY_ACCOUNT_B_9876543210";
/// Account A's Twilio sid and auth token.
pub const AC_A: &str = "AC0000000000000000000000000000000a";
pub const TOKEN_A: &str = "auth-token-of-account-a-secret";
/// Account A's Twilio API key sid and secret.
pub const SK_A: &str = "SK0000000000000000000000000000000a";
pub const SK_SECRET_A: &str = "api-key-secret-of-account-a";
/// Account B's Twilio sid and auth token.
pub const AC_B: &str = "AC0000000000000000000000000000000b";
pub const TOKEN_B: &str = "auth-token-of-account-b-secret";
/// The HS512 key tokens are signed with in tests.
pub const TOKEN_KEY: &[u8] = b"emulator-test-signing-key";
/// The fixed clock's start.
pub const START: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);

/// An emulator with its clock.
#[derive(Debug)]
pub struct Harness {
    pub router: Router,
    pub clock: Arc<FixedClock>,
}

/// The builder every test starts from: fixed clock at [`START`], seeded randomness, keys A
/// and B, a fixed token key.
pub fn builder(clock: &Arc<FixedClock>, seed: u64) -> EmulatorBuilder {
    logs::install();
    Emulator::builder()
        .clock(clock.clone())
        .random(SeededRandom::new(seed))
        .telnyx_key(TelnyxApiKey::new(KEY_A).unwrap())
        .telnyx_key(TelnyxApiKey::new(KEY_B).unwrap())
        .twilio_account(TwilioAccount::new(AC_A.parse().unwrap(), TOKEN_A))
        .twilio_account(TwilioAccount::new(AC_B.parse().unwrap(), TOKEN_B))
        .twilio_api_key(TwilioApiKey::new(
            SK_A.parse().unwrap(),
            SK_SECRET_A,
            AC_A.parse().unwrap(),
        ))
        .token_signing_key(TOKEN_KEY)
}

/// A fresh in-memory emulator.
pub fn harness() -> Harness {
    harness_on(Database::memory(), 1)
}

/// An emulator on `database`.
pub fn harness_on(database: Database, seed: u64) -> Harness {
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, seed).database(database).build().unwrap();
    Harness {
        router: emulator.router(),
        clock,
    }
}

/// Serves `emulator` on an ephemeral port until the sender is used.
pub async fn serve(
    emulator: Emulator,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    credspec_emulator::Served,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = emulator
        .serve(listener, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    (served.local_addr(), stop, served)
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The `Credspec-Lint` findings, in order.
    pub fn lint(&self) -> Vec<&str> {
        self.headers
            .get_all("credspec-lint")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    /// The `Credspec-Rule` values: the rules a refusal broke, in order.
    pub fn rules(&self) -> Vec<&str> {
        self.headers
            .get_all("credspec-rule")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as a Telnyx error.
    pub fn telnyx_error(&self) -> ErrorBody {
        ErrorBody::decode(&self.body).unwrap()
    }

    /// Asserts a standard Telnyx error of `status` and `code`; returns the first entry's
    /// title, detail and source as JSON.
    pub fn assert_telnyx(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.content_type(), "application/json");
        let body = self.telnyx_error();
        assert_eq!(body.code(), Some(code), "{body:?}");
        let e = &body.errors()[0];
        assert_eq!(
            e.meta.as_ref().and_then(|m| m.url.as_deref()),
            Some(format!("https://developers.telnyx.com/docs/overview/errors/{code}").as_str())
        );
        serde_json::json!({"title": e.title, "detail": e.detail, "source": e.source})
    }

    /// Asserts a Twilio classic error of `status` and `code`; returns the body.
    pub fn assert_twilio(&self, status: u16, code: u64) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.content_type(), "application/json");
        let body = self.json();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status, "{body}");
        assert!(body["message"].is_string(), "{body}");
        assert_eq!(
            body["more_info"],
            format!("https://www.twilio.com/docs/errors/{code}"),
            "{body}"
        );
        body
    }

    /// Asserts a Comms error of `status` and `code`; returns the first entry.
    pub fn assert_comms(&self, status: u16, code: u64) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.content_type(), "application/json");
        let body = self.json();
        let first = body["errors"][0].clone();
        assert_eq!(first["code"], code, "{body}");
        first
    }

    /// Asserts the status, showing the body when it differs.
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// A request under construction.
#[derive(Debug)]
pub struct Req {
    builder: axum::http::request::Builder,
    body: Body,
}

impl Req {
    pub fn new(method: Method, path: &str) -> Self {
        Self {
            builder: Request::builder().method(method).uri(path),
            body: Body::empty(),
        }
    }

    pub fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    pub fn post(path: &str) -> Self {
        Self::new(Method::POST, path)
    }

    pub fn patch(path: &str) -> Self {
        Self::new(Method::PATCH, path)
    }

    pub fn delete(path: &str) -> Self {
        Self::new(Method::DELETE, path)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    pub fn version(mut self, version: axum::http::Version) -> Self {
        self.builder = self.builder.version(version);
        self
    }

    pub fn bearer(self, key: &str) -> Self {
        self.header("authorization", &format!("Bearer {key}"))
    }

    /// HTTP Basic `user:password`.
    pub fn basic(self, user: &str, password: &str) -> Self {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.header("authorization", &format!("Basic {encoded}"))
    }

    /// Twilio account A.
    pub fn as_a(self) -> Self {
        self.basic(AC_A, TOKEN_A)
    }

    /// Twilio account B.
    pub fn as_b(self) -> Self {
        self.basic(AC_B, TOKEN_B)
    }

    /// A form body (`application/x-www-form-urlencoded`), pairs encoded as given.
    pub fn form(self, pairs: &[(&str, &str)]) -> Self {
        let mut body = String::new();
        for (k, v) in pairs {
            if !body.is_empty() {
                body.push('&');
            }
            body.push_str(&encode_component(k));
            body.push('=');
            body.push_str(&encode_component(v));
        }
        self.raw("application/x-www-form-urlencoded", body)
    }

    pub fn json(self, value: &Value) -> Self {
        self.raw("application/json", serde_json::to_vec(value).unwrap())
    }

    pub fn raw(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.builder = self.builder.header("content-type", content_type);
        self.body = Body::from(body.into());
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Body::from(body.into());
        self
    }

    /// Sends the request as an HTTP/1.1 client would: with `Host: localhost` unless the test
    /// gave a `Host` (see [`Req::send_as_is`] for one without).
    pub async fn send(mut self, router: &Router) -> Reply {
        let has_host = self
            .builder
            .headers_ref()
            .is_some_and(|h| h.contains_key("host"));
        if !has_host {
            self.builder = self.builder.header("host", "localhost");
        }
        self.send_as_is(router).await
    }

    /// Sends the request with exactly the headers the test gave.
    pub async fn send_as_is(self, router: &Router) -> Reply {
        let response = router
            .clone()
            .oneshot(self.builder.body(self.body).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }
}

/// Percent-encodes a form component (unreserved characters kept, space as `+`).
pub fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
