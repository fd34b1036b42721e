//! Fault rules: `POST /_credspec/faults` adds one, `GET` lists them with what is left of
//! them, `DELETE` clears them; `--faults FILE` loads a JSON list of them at start.
//!
//! A rule is deterministic, no probabilities:
//!
//! ```json
//! {"match": {"api": "telnyx/mobile-push-credentials", "operation": "CreatePushCredential"},
//!  "then": {"kind": "status", "status": 429, "retry_after": 1},
//!  "times": 2, "after": 0}
//! ```
//!
//! - `match` (every member optional, all given must hold): `api` (a `specs/` id), `operation`
//!   (an operationId of that API, or of any), `method`, `path` (a pattern of the path as the
//!   vendor's host sees it, `/v2/telephony_credentials/*/token`; `*` stands for any run of
//!   characters but `/`), `account` (a Twilio account SID, or a Telnyx key's `user_id`).
//!   Only requests to an API's operations are matched.
//! - `then`: `{"kind": "status", "status": 429 | 5xx, "retry_after": seconds, "should_retry":
//!   bool}` answers in that API's own error body and code (Telnyx 10011, 10008 for 504,
//!   10007; Twilio 20429/20500/20503), with `Retry-After` (default 1 s for 429 and 503), Telnyx's
//!   `x-ratelimit-limit`/`-remaining`/`-reset` on a 429, and Telnyx's `x-should-retry` when
//!   `should_retry` is given; `{"kind": "latency", "ms": n}` answers as usual `n` ms late
//!   (at most 60 000); `{"kind": "close"}` closes the connection without an answer.
//! - `after` (default 0) matching requests pass untouched, then `times` (default 1) get the
//!   fault; then the rule is spent and matches nothing.
//!
//! Rules are tried in the order they were added: the first one that is not spent and matches
//! takes the request (counting it toward its `after` or its `times`); later rules do not see
//! it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use credspec_core::api::{APIS, Api, ApiId};
use serde::{Deserialize, Serialize};

use super::{AdminError, lock};
use crate::Shared;
use crate::http;
use crate::place::Place;

/// The longest latency a rule may add.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// One fault rule: which requests, what happens to them, how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FaultRule {
    /// Which requests (all of them when empty).
    #[serde(rename = "match", default)]
    pub matches: Match,
    /// What happens to them.
    pub then: Fault,
    /// How many matching requests get the fault (at least 1).
    #[serde(default = "one")]
    pub times: u64,
    /// How many matching requests pass untouched first.
    #[serde(default)]
    pub after: u64,
}

fn one() -> u64 {
    1
}

/// Which requests a rule matches; every member given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Match {
    /// The API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiId>,
    /// An operationId (`CreatePushCredential`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The HTTP method (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// A pattern of the vendor path; `*` is any run of characters but `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A Twilio account SID or a Telnyx `user_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// What happens to a matching request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Fault {
    /// An answer of `status` (429 or 5xx) in the API's error format.
    Status {
        /// The status.
        status: u16,
        /// `Retry-After` in seconds (default 1 for 429 and 503, none otherwise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u32>,
        /// Telnyx's `x-should-retry` header (`true`/`false`), when given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        should_retry: Option<bool>,
    },
    /// The usual answer, `ms` milliseconds late.
    Latency {
        /// The delay.
        ms: u64,
    },
    /// The connection closed without an answer.
    Close,
}

/// A rule that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// A status that is neither 429 nor 5xx.
    #[error("status {0} is not a fault status (429 or 500-599)")]
    Status(u16),
    /// `times` of 0.
    #[error("times must be at least 1")]
    Times,
    /// Too long a latency.
    #[error("latency {0} ms is over {MAX_LATENCY_MS} ms")]
    Latency(u64),
    /// An operation no API (or not the given API) has.
    #[error("operation {0:?} is not an operation of the API")]
    Operation(String),
    /// A method that is not an HTTP token.
    #[error("method {0:?} is not an HTTP method")]
    Method(String),
    /// A path pattern that does not start with `/`.
    #[error("path pattern {0:?} must start with /")]
    Path(String),
}

impl FaultRule {
    /// A rule matching `matches` that does `then` once.
    pub fn new(matches: Match, then: Fault) -> Self {
        Self {
            matches,
            then,
            times: 1,
            after: 0,
        }
    }

    /// This rule for `times` matching requests.
    #[must_use]
    pub fn times(mut self, times: u64) -> Self {
        self.times = times;
        self
    }

    /// This rule after `after` matching requests passed.
    #[must_use]
    pub fn after(mut self, after: u64) -> Self {
        self.after = after;
        self
    }

    /// Checks every member.
    pub fn validate(&self) -> Result<(), RuleError> {
        match self.then {
            Fault::Status { status, .. } if status != 429 && !(500..=599).contains(&status) => {
                return Err(RuleError::Status(status));
            }
            Fault::Latency { ms } if ms > MAX_LATENCY_MS => return Err(RuleError::Latency(ms)),
            _ => {}
        }
        if self.times == 0 {
            return Err(RuleError::Times);
        }
        let m = &self.matches;
        if let Some(operation) = &m.operation {
            let mut apis = APIS
                .iter()
                .filter(|api| m.api.is_none_or(|id| id == api.id));
            if !apis.any(|api| api.operations().iter().any(|op| op.id == operation)) {
                return Err(RuleError::Operation(operation.clone()));
            }
        }
        if let Some(method) = &m.method
            && (method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            return Err(RuleError::Method(method.clone()));
        }
        if let Some(path) = &m.path
            && !path.starts_with('/')
        {
            return Err(RuleError::Path(path.clone()));
        }
        Ok(())
    }
}

impl Match {
    /// Matches requests to `api`.
    #[must_use]
    pub fn api(mut self, api: ApiId) -> Self {
        self.api = Some(api);
        self
    }

    /// Matches requests of `operation`.
    #[must_use]
    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Matches requests of `method` on a path matching `path`.
    #[must_use]
    pub fn request(mut self, method: impl Into<String>, path: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self.path = Some(path.into());
        self
    }

    /// Matches requests of `account`.
    #[must_use]
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    fn holds(&self, place: &Place<'_>, account: &dyn Fn() -> Option<String>) -> bool {
        self.api.is_none_or(|id| id == place.api.id)
            && self
                .operation
                .as_ref()
                .is_none_or(|id| *id == place.operation)
            && self
                .method
                .as_ref()
                .is_none_or(|m| m.eq_ignore_ascii_case(place.method))
            && self
                .path
                .as_ref()
                .is_none_or(|p| glob(p.as_bytes(), place.path.as_bytes()))
            && self
                .account
                .as_ref()
                .is_none_or(|a| account().is_some_and(|found| found == *a))
    }
}

/// Whether `path` matches `pattern`, where `*` is any run of bytes but `/`.
fn glob(pattern: &[u8], path: &[u8]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((b'*', rest)) => {
            let run = path.iter().position(|&b| b == b'/').unwrap_or(path.len());
            (0..=run).any(|n| glob(rest, &path[n..]))
        }
        Some((&c, rest)) => path
            .split_first()
            .is_some_and(|(&b, tail)| b == c && glob(rest, tail)),
    }
}

/// Why a `--faults` file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FaultsFileError {
    /// The file cannot be read.
    #[error("cannot read faults file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a JSON list of rules.
    #[error("faults file {path} is not a JSON list of rules: {source}")]
    Shape {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// A rule that cannot be used.
    #[error("faults file {path}: rule {index}: {source}")]
    Rule {
        /// The file.
        path: String,
        /// The rule's position, from 0.
        index: usize,
        /// Why.
        source: RuleError,
    },
}

/// Reads and checks a `--faults` file: a JSON list of [`FaultRule`]s.
pub fn load(path: &std::path::Path) -> Result<Vec<FaultRule>, FaultsFileError> {
    let name = || path.display().to_string();
    let text = std::fs::read(path).map_err(|source| FaultsFileError::Read {
        path: name(),
        source,
    })?;
    let rules: Vec<FaultRule> =
        serde_json::from_slice(&text).map_err(|source| FaultsFileError::Shape {
            path: name(),
            source,
        })?;
    for (index, rule) in rules.iter().enumerate() {
        rule.validate().map_err(|source| FaultsFileError::Rule {
            path: name(),
            index,
            source,
        })?;
    }
    Ok(rules)
}

/// One rule and its counts, as `GET /_credspec/faults` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entry {
    /// Its number, from 1, in the order rules were added.
    pub id: u64,
    /// The rule.
    #[serde(flatten)]
    pub rule: FaultRule,
    /// Matching requests it took so far.
    pub matched: u64,
    /// Faults it has left to give.
    pub remaining: u64,
}

/// The rules, in order.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    state: Mutex<(u64, Vec<Entry>)>,
}

impl Faults {
    pub(crate) fn new(rules: Vec<FaultRule>) -> Self {
        let faults = Self::default();
        for rule in rules {
            faults.add(rule);
        }
        faults
    }

    fn add(&self, rule: FaultRule) -> Entry {
        let mut state = lock(&self.state);
        state.0 += 1;
        let entry = Entry {
            id: state.0,
            remaining: rule.times,
            rule,
            matched: 0,
        };
        state.1.push(entry.clone());
        entry
    }

    /// The fault for a request at `place`, if a rule gives it one.
    fn decide(&self, place: &Place<'_>, account: &dyn Fn() -> Option<String>) -> Option<Fault> {
        let mut state = lock(&self.state);
        let entry = state
            .1
            .iter_mut()
            .find(|e| e.remaining > 0 && e.rule.matches.holds(place, account))?;
        entry.matched += 1;
        if entry.matched <= entry.rule.after {
            return None;
        }
        entry.remaining -= 1;
        Some(entry.rule.then.clone())
    }
}

/// `GET /_credspec/faults`: `{"rules": [...]}`, each with its `id`, `matched` and
/// `remaining`.
pub(crate) async fn list(State(shared): State<Arc<Shared>>) -> Response {
    let rules = shared.admin.as_ref().map_or_else(Vec::new, |admin| {
        let state = lock(&admin.faults.state);
        state.1.clone()
    });
    http::json(
        StatusCode::OK,
        serde_json::json!({ "rules": rules })
            .to_string()
            .into_bytes(),
    )
}

/// `POST /_credspec/faults`: 201 with the rule as listed, or 400 naming what is wrong.
pub(crate) async fn add(
    State(shared): State<Arc<Shared>>,
    body: axum::body::Bytes,
) -> Result<Response, AdminError> {
    let rule: FaultRule =
        serde_json::from_slice(&body).map_err(|e| AdminError::BadInput(format!("rule: {e}")))?;
    rule.validate()
        .map_err(|e| AdminError::BadInput(format!("rule: {e}")))?;
    let admin = super::state(&shared)?;
    let entry = admin.faults.add(rule);
    let body = serde_json::to_vec(&entry).unwrap_or_default();
    Ok(http::json(StatusCode::CREATED, body))
}

/// `DELETE /_credspec/faults`: 204, no rule left.
pub(crate) async fn clear(State(shared): State<Arc<Shared>>) -> StatusCode {
    if let Some(admin) = &shared.admin {
        let mut state = lock(&admin.faults.state);
        state.1.clear();
    }
    StatusCode::NO_CONTENT
}

/// Marks a response whose connection must close without it being sent (a `close` fault);
/// the accept loop drops the connection. Driven in process, the response is an empty 502.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CloseConnection;

/// Marks a response a fault rule acted on, with the fault's kind (for the inspector).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FaultApplied(pub(crate) &'static str);

/// Middleware of the vendor routes: applies the first rule that takes the request.
pub(crate) async fn inject(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(admin) = super::watching(&shared, &request) else {
        return next.run(request).await;
    };
    let fault = {
        let method = request.method().as_str();
        let path = request.uri().path();
        let Some(place) = Place::of(method, path) else {
            return next.run(request).await;
        };
        let account = || place.account(&shared, request.headers());
        admin
            .faults
            .decide(&place, &account)
            .map(|f| (f, place.api))
    };
    let kind = match &fault {
        None => return next.run(request).await,
        Some((Fault::Status { .. }, _)) => "status",
        Some((Fault::Latency { .. }, _)) => "latency",
        Some((Fault::Close, _)) => "close",
    };
    if !matches!(fault, Some((Fault::Latency { .. }, _))) {
        // The inspector keeps the body a fault answers without.
        let request = http::discard_body(request).await;
        return answer(fault, kind, next, request).await;
    }
    answer(fault, kind, next, request).await
}

async fn answer(
    fault: Option<(Fault, &'static Api)>,
    kind: &'static str,
    next: Next,
    request: Request,
) -> Response {
    let mut response = match fault {
        None => next.run(request).await,
        Some((Fault::Latency { ms }, _)) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        Some((Fault::Close, _)) => {
            let mut response = StatusCode::BAD_GATEWAY.into_response();
            response.extensions_mut().insert(CloseConnection);
            response
        }
        Some((
            Fault::Status {
                status,
                retry_after,
                should_retry,
            },
            api,
        )) => crate::throttle::Refusal {
            status,
            retry_after: retry_after.map(u64::from),
            should_retry,
            rate: None,
        }
        .answer(api),
    };
    response.extensions_mut().insert(FaultApplied(kind));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_stay_within_segments() {
        let cases = [
            (
                "/v2/telephony_credentials/*/token",
                "/v2/telephony_credentials/abc/token",
                true,
            ),
            (
                "/v2/telephony_credentials/*",
                "/v2/telephony_credentials/abc/token",
                false,
            ),
            (
                "/v2/telephony_credentials/*",
                "/v2/telephony_credentials/abc",
                true,
            ),
            ("/v1/Credentials*", "/v1/Credentials", true),
            ("/v1/Credentials", "/v1/Credentials/CR1", false),
        ];
        for (pattern, path, expected) in cases {
            assert_eq!(
                glob(pattern.as_bytes(), path.as_bytes()),
                expected,
                "{pattern} {path}"
            );
        }
    }

    #[test]
    fn a_faults_file_is_a_checked_list_of_rules() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("faults.json");
        let write = |text: &str| std::fs::write(&file, text).unwrap();
        write(r#"[{"match": {"api": "twilio/comms-v1"}, "then": {"kind": "close"}, "times": 3}]"#);
        let rules = load(&file).unwrap();
        assert_eq!(
            rules,
            [FaultRule::new(Match::default().api(ApiId::TwilioCommsV1), Fault::Close).times(3)]
        );
        write(r#"{"then": {"kind": "close"}}"#);
        assert!(matches!(load(&file), Err(FaultsFileError::Shape { .. })));
        write(r#"[{"then": {"kind": "close"}}, {"then": {"kind": "status", "status": 200}}]"#);
        assert!(matches!(
            load(&file),
            Err(FaultsFileError::Rule {
                index: 1,
                source: RuleError::Status(200),
                ..
            })
        ));
        let missing = dir.path().join("none.json");
        assert!(matches!(load(&missing), Err(FaultsFileError::Read { .. })));
    }

    #[test]
    fn bad_rules_are_refused() {
        let status = |status| Fault::Status {
            status,
            retry_after: None,
            should_retry: None,
        };
        let ok = FaultRule::new(Match::default(), status(503));
        assert_eq!(ok.validate(), Ok(()));
        let cases = [
            (
                FaultRule::new(Match::default(), status(404)),
                RuleError::Status(404),
            ),
            (ok.clone().times(0), RuleError::Times),
            (
                FaultRule::new(Match::default(), Fault::Latency { ms: 60_001 }),
                RuleError::Latency(60_001),
            ),
            (
                FaultRule::new(
                    Match::default()
                        .api(ApiId::TwilioNotifyV1)
                        .operation("CreatePushCredential"),
                    status(500),
                ),
                RuleError::Operation(String::from("CreatePushCredential")),
            ),
            (
                FaultRule::new(Match::default().request("G T", "/x"), status(500)),
                RuleError::Method(String::from("G T")),
            ),
            (
                FaultRule::new(Match::default().request("GET", "x"), status(500)),
                RuleError::Path(String::from("x")),
            ),
        ];
        for (rule, expected) in cases {
            assert_eq!(rule.validate(), Err(expected));
        }
    }
}
