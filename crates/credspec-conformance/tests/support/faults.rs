//! The faulty layer of the fault tests, shared by the conformance runner's
//! (`credspec-conformance/tests/faults.rs`) and the checking proxy's
//! (`credspec-proxy/tests/it/faults.rs`), each including this file with `#[path]`: the
//! emulator on 127.0.0.1:0, as it is or behind one deliberate defect (an axum middleware
//! around `Emulator::router()`), with the accounts and keys of its target.
#![allow(
    dead_code,
    reason = "each test binary that includes this file uses a part of it"
)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use credspec_conformance::target::Target;
use credspec_core::id::{AccountSid, ApiKeySid};
use credspec_core::secret::Secret;
use credspec_emulator::{
    Database, Emulator, SystemClock, TelnyxApiKey, TwilioAccount, TwilioApiKey,
};
use serde_json::{Value, json};
use tower::ServiceExt as _;

pub(crate) const KEY: &str = "KEYFAULTS0000000000000000000000001";
pub(crate) const OTHER_KEY: &str = "KEYFAULTS0000000000000000000000002";
/// The caller's Twilio account and "another account", each with its auth token.
pub(crate) const ACCOUNTS: [(&str, &str); 2] = [
    (
        "ACfa0170000000000000000000000000a1",
        "faults-token-of-the-first-account",
    ),
    (
        "ACfa0170000000000000000000000000a2",
        "faults-token-of-the-other-account",
    ),
];
/// An API key of the first Twilio account.
pub(crate) const API_KEY: (&str, &str) = (
    "SKfa01700000000000000000000000000a",
    "faults-secret-of-the-api-key",
);

/// What the faulty layer saw of a request.
#[derive(Debug)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) authorization: Option<String>,
    /// The request body as sent.
    pub(crate) body: Vec<u8>,
}

/// A response as the faulty layer may rewrite it: the body is parsed when it is JSON.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) json: Option<Value>,
    pub(crate) raw: Vec<u8>,
    /// Headers to take out of the response.
    pub(crate) removed_headers: Vec<header::HeaderName>,
}

pub(crate) type Rewrite = Box<dyn Fn(&Seen, &mut Answer) + Send + Sync>;

/// One deliberate defect.
#[derive(Default)]
pub(crate) struct Fault {
    /// Requests without an `Authorization` header get this one.
    pub(crate) authorize: Option<String>,
    /// A 422 refusing a member as taken is answered by the success of the same request with
    /// that member made unique (and restored in the answer): the limit is not enforced.
    pub(crate) bypass_limit: bool,
    /// A Comms 400/21243 on `$.appName` (an App limit) is answered by the success of the same
    /// request with the credential put in a new App: the limit is not enforced.
    pub(crate) bypass_comms_limit: bool,
    /// A Twilio classic update refused for a `FriendlyName` past 64 characters is answered
    /// by the success of the same request with the name cut to 64 (and the whole name
    /// restored in the answer): the length rule is enforced on create only.
    pub(crate) accept_long_friendly_names_on_update: bool,
    /// Rewrites every response.
    pub(crate) rewrite: Option<Rewrite>,
}

impl Fault {
    pub(crate) fn rewrite(f: impl Fn(&Seen, &mut Answer) + Send + Sync + 'static) -> Self {
        Self {
            rewrite: Some(Box::new(f)),
            ..Self::default()
        }
    }

    /// Rewrites each Telnyx resource (`data` object or each `data` element) of a JSON body.
    pub(crate) fn each_resource(
        f: impl Fn(&Seen, &mut serde_json::Map<String, Value>) + Send + Sync + 'static,
    ) -> Self {
        Self::rewrite(move |seen, answer| {
            let Some(data) = answer.json.as_mut().and_then(|b| b.get_mut("data")) else {
                return;
            };
            match data {
                Value::Object(r) => f(seen, r),
                Value::Array(items) => {
                    for item in items {
                        if let Value::Object(r) = item {
                            f(seen, r);
                        }
                    }
                }
                _ => {}
            }
        })
    }
}

impl Fault {
    /// Rewrites each classic Twilio credential (Notify v1, Chat v2) of a JSON body: the body
    /// itself or each element of its `credentials` page.
    pub(crate) fn each_classic_credential(
        f: impl Fn(&Seen, &mut serde_json::Map<String, Value>) + Send + Sync + 'static,
    ) -> Self {
        Self::rewrite(move |seen, answer| {
            let Some(body) = answer.json.as_mut() else {
                return;
            };
            if let Some(Value::Array(items)) = body.get_mut("credentials") {
                for item in items {
                    if let Value::Object(r) = item {
                        f(seen, r);
                    }
                }
            } else if let Value::Object(r) = body
                && r.get("sid")
                    .and_then(Value::as_str)
                    .is_some_and(|sid| sid.starts_with("CR"))
            {
                f(seen, r);
            }
        })
    }
}

pub(crate) struct Faulty {
    inner: Router,
    fault: Arc<Fault>,
    retries: AtomicUsize,
}

async fn faulty(State(state): State<Arc<Faulty>>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap();
    if let Some(auth) = &state.fault.authorize
        && !parts.headers.contains_key(header::AUTHORIZATION)
    {
        parts
            .headers
            .insert(header::AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
    }
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        authorization: parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: body.to_vec(),
    };
    let response = next
        .run(Request::from_parts(parts.clone(), Body::from(body.clone())))
        .await;
    let (mut response_parts, response_body) = response.into_parts();
    let mut raw = to_bytes(response_body, usize::MAX).await.unwrap().to_vec();
    let mut status = response_parts.status;
    if state.fault.bypass_limit
        && status == StatusCode::UNPROCESSABLE_ENTITY
        && let Ok(refusal) = serde_json::from_slice::<Value>(&raw)
        && refusal.pointer("/errors/0/detail").and_then(Value::as_str)
            == Some("has already been taken")
        && let Some(member) = refusal
            .pointer("/errors/0/source/pointer")
            .and_then(Value::as_str)
            .map(|p| p.trim_start_matches('/').to_owned())
    {
        let mut sent: Value = serde_json::from_slice(&body).unwrap();
        let original = sent[&member].clone();
        let n = state.retries.fetch_add(1, Ordering::Relaxed);
        sent[&member] = json!(format!("{}-bypass-{n}", original.as_str().unwrap()));
        parts.headers.remove(header::CONTENT_LENGTH);
        let retried = state
            .inner
            .clone()
            .oneshot(Request::from_parts(
                parts.clone(),
                Body::from(serde_json::to_vec(&sent).unwrap()),
            ))
            .await
            .unwrap();
        let (retried_parts, retried_body) = retried.into_parts();
        let mut created: Value =
            serde_json::from_slice(&to_bytes(retried_body, usize::MAX).await.unwrap()).unwrap();
        created["data"][&member] = original;
        raw = serde_json::to_vec(&created).unwrap();
        status = retried_parts.status;
        response_parts.headers = retried_parts.headers;
    }
    if state.fault.bypass_comms_limit
        && status == StatusCode::BAD_REQUEST
        && let Ok(refusal) = serde_json::from_slice::<Value>(&raw)
        && refusal.pointer("/errors/0/code").and_then(Value::as_u64) == Some(21243)
        && refusal.pointer("/errors/0/context").and_then(Value::as_str) == Some("$.appName")
        && let Ok(mut sent) = serde_json::from_slice::<Value>(&body)
        && sent.get("appName").is_some_and(Value::is_string)
    {
        let n = state.retries.fetch_add(1, Ordering::Relaxed);
        // A short name of its own: a drawn App name may already be 64 characters long.
        sent["appName"] = json!(format!("bypass_{n}"));
        let mut retry_parts = parts.clone();
        retry_parts.headers.remove(header::CONTENT_LENGTH);
        let retried = state
            .inner
            .clone()
            .oneshot(Request::from_parts(
                retry_parts,
                Body::from(serde_json::to_vec(&sent).unwrap()),
            ))
            .await
            .unwrap();
        // Only a refusal that a new App name lifts is a limit; anything else stays refused.
        if retried.status().is_success() {
            let (retried_parts, retried_body) = retried.into_parts();
            raw = to_bytes(retried_body, usize::MAX).await.unwrap().to_vec();
            status = retried_parts.status;
            response_parts.headers = retried_parts.headers;
        }
    }
    if state.fault.accept_long_friendly_names_on_update
        && status.is_client_error()
        && parts.uri.path().contains("/Credentials/CR")
        && let Some(long) = form_urlencoded::parse(&body)
            .find(|(k, v)| k == "FriendlyName" && v.chars().count() > 64)
            .map(|(_, v)| v.into_owned())
    {
        let cut: String = long.chars().take(64).collect();
        let resent: Vec<u8> = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form_urlencoded::parse(&body).map(|(k, v)| {
                let v = if k == "FriendlyName" {
                    cut.clone()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            }))
            .finish()
            .into_bytes();
        let mut retry_parts = parts.clone();
        retry_parts.headers.remove(header::CONTENT_LENGTH);
        let retried = state
            .inner
            .clone()
            .oneshot(Request::from_parts(retry_parts, Body::from(resent)))
            .await
            .unwrap();
        if retried.status().is_success() {
            let (retried_parts, retried_body) = retried.into_parts();
            let mut answered: Value =
                serde_json::from_slice(&to_bytes(retried_body, usize::MAX).await.unwrap()).unwrap();
            answered["friendly_name"] = json!(long);
            raw = serde_json::to_vec(&answered).unwrap();
            status = retried_parts.status;
            response_parts.headers = retried_parts.headers;
        }
    }
    let content_type = response_parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let json = content_type
        .starts_with("application/json")
        .then(|| serde_json::from_slice(&raw).ok())
        .flatten();
    let mut answer = Answer {
        status: status.as_u16(),
        content_type,
        json,
        raw,
        removed_headers: Vec::new(),
    };
    if let Some(rewrite) = &state.fault.rewrite {
        rewrite(&seen, &mut answer);
    }
    response_parts.status = StatusCode::from_u16(answer.status).unwrap();
    for name in &answer.removed_headers {
        response_parts.headers.remove(name);
    }
    response_parts.headers.remove(header::CONTENT_LENGTH);
    response_parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&answer.content_type).unwrap(),
    );
    let bytes = match &answer.json {
        Some(v) => serde_json::to_vec(v).unwrap(),
        None => answer.raw,
    };
    Response::from_parts(response_parts, Body::from(bytes))
}

/// An emulator on 127.0.0.1:0, behind `fault` when one is given, with its target.
pub(crate) struct Running {
    /// Where it listens.
    pub(crate) addr: std::net::SocketAddr,
    /// Its base URLs (the emulator's prefix of each API) and the accounts and keys above.
    pub(crate) target: Target,
    pub(crate) stop: tokio::sync::oneshot::Sender<()>,
    pub(crate) task: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub(crate) async fn start(fault: Option<Arc<Fault>>) -> Running {
    let mut builder = Emulator::builder()
        .clock(Arc::new(SystemClock::new()))
        .database(Database::memory())
        .telnyx_key(KEY.parse::<TelnyxApiKey>().unwrap())
        .telnyx_key(OTHER_KEY.parse::<TelnyxApiKey>().unwrap())
        .twilio_api_key(TwilioApiKey::new(
            API_KEY.0.parse::<ApiKeySid>().unwrap(),
            API_KEY.1.to_owned(),
            ACCOUNTS[0].0.parse::<AccountSid>().unwrap(),
        ));
    for (sid, token) in ACCOUNTS {
        builder = builder.twilio_account(TwilioAccount::new(
            sid.parse::<AccountSid>().unwrap(),
            token.to_owned(),
        ));
    }
    let emulator = builder.build().unwrap();
    let inner = emulator.router();
    let app = match fault {
        None => inner,
        Some(fault) => inner.clone().layer(from_fn_with_state(
            Arc::new(Faulty {
                inner,
                fault,
                retries: AtomicUsize::new(0),
            }),
            faulty,
        )),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let target = target_at(addr);
    Running {
        addr,
        target,
        stop,
        task,
    }
}

/// The target of an emulator at `addr` started by [`start`]: each API at its emulator prefix,
/// with the accounts and keys above.
pub(crate) fn target_at(addr: std::net::SocketAddr) -> Target {
    let account = |(sid, token): (&str, &str)| (sid.to_owned(), Secret::new(token.to_owned()));
    Target::from_parts(
        |api| {
            api.api()
                .sites
                .first()
                .map(|site| format!("http://{addr}{}", site.prefix))
        },
        ACCOUNTS.map(account),
        account(API_KEY),
        [
            Secret::new(KEY.to_owned()),
            Secret::new(OTHER_KEY.to_owned()),
        ],
    )
    .unwrap()
}

// The faults both the runner's and the proxy's tests inject, each named for its defect.

/// Every resource without its required `created_at`.
pub(crate) fn dropped_created_at() -> Fault {
    Fault::each_resource(|_, r| {
        r.remove("created_at");
    })
}

/// A 201 answered 200.
pub(crate) fn created_answered_200() -> Fault {
    Fault::rewrite(|_, a| {
        if a.status == 201 {
            a.status = 200;
        }
    })
}

/// A Comms create (documented 202) answered 201.
pub(crate) fn comms_create_answered_201() -> Fault {
    Fault::rewrite(|seen, a| {
        if seen.method == "POST" && a.status == 202 {
            a.status = 201;
        }
    })
}

/// Microseconds (push `created_at`) and milliseconds (telephony `updated_at`) cut to seconds.
pub(crate) fn dates_cut_to_seconds() -> Fault {
    Fault::each_resource(|_, r| {
        for member in ["created_at", "updated_at"] {
            if let Some(Value::String(s)) = r.get_mut(member)
                && s.ends_with('Z')
                && let Some((seconds, _)) = s.split_once('.')
            {
                *s = format!("{seconds}Z");
            }
        }
    })
}

/// JSON answered as `application/vnd.api+json`.
pub(crate) fn json_as_vnd_api() -> Fault {
    Fault::rewrite(|_, a| {
        if a.content_type.starts_with("application/json") {
            a.content_type = String::from("application/vnd.api+json");
        }
    })
}

/// A Telnyx API answering its errors in Twilio's format.
pub(crate) fn twilio_errors_from_telnyx() -> Fault {
    Fault::rewrite(|_, a| {
        let status = a.status;
        if let Some(body) = a.json.as_mut()
            && let Some(error) = body.pointer("/errors/0")
        {
            let code: u64 = error["code"].as_str().unwrap().parse().unwrap();
            let message = error["title"].clone();
            *body = json!({"code": code, "message": message, "status": status});
        }
    })
}

/// A Twilio API answering its errors in Telnyx's format.
pub(crate) fn telnyx_errors_from_twilio() -> Fault {
    Fault::rewrite(|_, a| {
        let status = a.status;
        if let Some(body) = a.json.as_mut()
            && let Some(code) = body.get("code").and_then(Value::as_u64)
            && let Some(message) = body.get("message").cloned()
        {
            *body = json!({"errors": [{
                "code": code.to_string(),
                "title": message,
                "detail": message,
                "meta": {"status": status},
            }]});
        }
    })
}

/// The caller's `Authorization` echoed as `sip_password`.
pub(crate) fn caller_key_as_sip_password() -> Fault {
    Fault::each_resource(|seen, r| {
        if let Some(auth) = &seen.authorization {
            r.insert(String::from("sip_password"), json!(auth));
        }
    })
}

/// A classic credential answered with the other account's SID.
pub(crate) fn other_account_sid() -> Fault {
    Fault::each_classic_credential(|_, r| {
        r.insert(String::from("account_sid"), json!(ACCOUNTS[1].0));
    })
}

/// A classic credential's `sandbox` answered as a JSON boolean instead of "True"/"False" (D2).
pub(crate) fn sandbox_as_boolean() -> Fault {
    Fault::each_classic_credential(|_, r| {
        if let Some(Value::String(s)) = r.get("sandbox") {
            let sandbox = s == "True";
            r.insert(String::from("sandbox"), json!(sandbox));
        }
    })
}
