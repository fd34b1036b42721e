//! Recording: every exchange the proxy checks, written as a step of a scenario in the
//! `specs/` case format, so that `credspec conform --specs DIR` replays it against any
//! target.
//!
//! A recording is one scenario per API (`DIR/<api>/scenarios/recorded.<session>.json`), its
//! steps the exchanges in the order they ended: an exchange that names a credential made
//! earlier in the session needs that earlier step, so exchanges are not separate cases. The
//! directory is made loadable by itself: the case schema and every API's document the proxy
//! checked with are written beside the scenarios (once; existing files are kept).
//!
//! What is written, and what is not:
//! - An id a response creates (`/sid`, `/id`, `/data/id`) is captured as `{{idN}}` and every
//!   later occurrence (paths, query values, bodies, expected bodies) names the variable; a
//!   next-page link is captured as `{{nextN}}` and a request for it becomes a request of
//!   that variable. The account is `{{account_sid}}`, the upstream's base `{{base_url}}`.
//! - Volatile members of expected bodies are marked from the conformance crate's one list
//!   ([`credspec_conformance::normalize::volatile_kind`]): ids, timestamps, links, SIP
//!   credentials, tokens.
//! - Secrets are never written. `Authorization` becomes the case format's `auth` kind
//!   (`valid`, `missing`, `wrong`, `malformed`, `api_key`, `other_account`); no header or
//!   cookie of the request is kept. Credential material in a body becomes the runner's
//!   fixture of the same kind, judged by core's parsers: an APNs certificate of the same
//!   environment (or the expired one), its own key when the recorded key matched the
//!   certificate and `other-key` when it did not, an FCM service account, server key or GCM
//!   key. Every other secret member (SIP passwords, tokens, unknown material) and any
//!   PEM- or JWT-shaped text becomes [`MASK`]; an echoed secret in an answer is masked and
//!   marked volatile.
//! - A list's expected body is a `subset`: the page's members, with only the items this
//!   session created, so a replay against a target holding other credentials still passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use credspec_conformance::fixtures::{Setting, fixture_for};
use credspec_conformance::normalize::volatile_kind;
use credspec_conformance::spec::{ApiId, Auth, Body, SpecSet};
use credspec_core::api::{Shape, Vendor};
use credspec_core::material::Certificate;
use credspec_core::secret::{MASK, Secret, is_secret_name, looks_secret};
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::{Clock, Timestamp};
use serde_json::{Map, Value, json};

use crate::Exchange;

/// Why an exchange could not be recorded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// A file of the recording cannot be written.
    #[error("writing {path}: {source}", path = path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A document cannot be serialized.
    #[error("serializing {path}: {source}", path = path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}

/// Request headers never written: credentials, cookies, and what the runner sets itself.
const DROPPED_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "host",
    "content-type",
    "content-length",
    "user-agent",
    "accept",
    "accept-encoding",
    "connection",
    "traceparent",
];

/// Writes the exchanges of one proxy run as scenarios under a directory.
pub struct Recorder {
    dir: PathBuf,
    clock: Arc<dyn Clock>,
    session: String,
    state: Mutex<State>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("dir", &self.dir)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct State {
    /// The scenarios, by store.
    scenarios: BTreeMap<&'static str, Scenario>,
    /// The stores whose file lags behind their steps.
    dirty: BTreeSet<&'static str>,
    /// When the files were last written.
    written: Option<Instant>,
    /// The first account credentials seen per vendor: later different ones are
    /// `other_account`.
    first_auth: BTreeMap<&'static str, Secret<String>>,
}

/// The scenario of one store: the classic Twilio APIs share one (decision D48; its steps
/// for another of them name their `api`), every other API has its own.
struct Scenario {
    /// The API of its first exchange: the scenario's `api`.
    api: ApiId,
    steps: Vec<Value>,
    vars: Vars,
}

/// The store an API's credentials live in.
fn store_of(api: ApiId) -> &'static str {
    match api.api().shape {
        Shape::TwilioClassic { .. } => "twilio-classic",
        _ => api.as_str(),
    }
}

/// What earlier exchanges taught: ids and links to template, material already replaced.
#[derive(Default)]
struct Vars {
    /// (raw id, variable).
    ids: Vec<(String, String)>,
    /// (path and query of a link, variable).
    links: Vec<(String, String)>,
    /// (raw secret, what replaces it).
    material: Vec<(Secret<String>, String)>,
    account: Option<String>,
    next_id: usize,
    next_link: usize,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RecordError + '_ {
    move |source| RecordError::Io {
        path: path.to_owned(),
        source,
    }
}

fn write_json(path: &Path, value: &Value) -> Result<(), RecordError> {
    let text = serde_json::to_string_pretty(value).map_err(|source| RecordError::Json {
        path: path.to_owned(),
        source,
    })?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    // Written whole and renamed, so a reader (or a proxy killed mid-write) never sees half.
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, format!("{text}\n")).map_err(io(&partial))?;
    std::fs::rename(&partial, path).map_err(io(path))
}

/// `20261204-201500`: the session's UTC start, as the case id format allows.
fn session_name(now: OffsetDateTime) -> String {
    let now = now.to_offset(credspec_core::time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

impl Recorder {
    /// A recorder writing under `dir`, which is made a directory `SpecSet::load` reads: the
    /// case schema and the documents of `specs` are written there unless present.
    /// `clock` names the session and judges whether a recorded certificate has expired.
    pub fn create(
        dir: impl Into<PathBuf>,
        specs: &SpecSet,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, RecordError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let schema = dir.join("case.schema.json");
        if !schema.exists() {
            let from = specs.root().join("case.schema.json");
            std::fs::copy(&from, &schema).map_err(io(&from))?;
        }
        for api in ApiId::ALL {
            let document = dir.join(api.as_str()).join("openapi.json");
            if !document.exists() {
                write_json(&document, specs.api(api).document())?;
            }
        }
        let mut session = session_name(clock.now());
        let taken = |s: &str| {
            ApiId::ALL
                .iter()
                .any(|api| scenario_path(&dir, *api, s).exists())
        };
        if taken(&session) {
            let base = session.clone();
            let mut n = 2;
            while taken(&format!("{base}-{n}")) {
                n += 1;
            }
            session = format!("{base}-{n}");
        }
        Ok(Self {
            dir,
            clock,
            session,
            state: Mutex::new(State::default()),
        })
    }

    /// The session's name: the `recording:` source of its scenarios and part of their ids.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// Records one exchange: appends its step to its API's scenario and rewrites the file.
    /// Returns the file, or `None` when the exchange is of no operation of its API (a case
    /// must name one).
    pub fn record(&self, exchange: &Exchange<'_>) -> Result<Option<PathBuf>, RecordError> {
        let Some(operation) = exchange.report.operation else {
            return Ok(None);
        };
        let mut guard = self.lock();
        let state = &mut *guard;
        let api = exchange.api;
        let store = store_of(api);
        let State {
            scenarios,
            first_auth,
            ..
        } = state;
        let scenario = scenarios.entry(store).or_insert_with(|| Scenario {
            api,
            steps: Vec::new(),
            vars: Vars::default(),
        });
        let own_api = scenario.api == api;
        let scenario_api = scenario.api;
        let Scenario { steps, vars, .. } = scenario;
        let request = exchange.request;
        let response = exchange.response;
        let answer = response.json().and_then(Result::ok);
        if vars.account.is_none()
            && let Some(account) = answer.as_ref().and_then(find_account)
        {
            vars.account = Some(account);
        }
        // `{{base_url}}` is the base of the scenario's API at its first site in the default
        // region: a step of another API, site or region keeps its own.
        let base = if own_api && exchange.region.is_none() && exchange.site.is_none() {
            base_of(&request.url, &request.path, &request.query)
        } else {
            String::new()
        };
        let auth = auth_kind(api, request, response.status, first_auth);
        let (path, query) = vars.request_target(&request.path, &request.query);
        let now = self.clock.now();
        let body = request.case_body().map(|b| vars.scrub_body(b, now));
        let headers = request
            .headers
            .iter()
            .filter(|(k, v)| {
                let k = k.to_ascii_lowercase();
                // Without a body the runner sets no `Content-Type`: one sent is kept.
                let kept = k == "content-type" && request.body.is_empty();
                kept || !DROPPED_HEADERS.contains(&k.as_str())
                    && !k.starts_with("x-forwarded")
                    && !is_secret_name(&k)
                    && !looks_secret(v)
            })
            .map(|(k, v)| (k.to_ascii_lowercase(), vars.template(v)))
            .collect::<BTreeMap<String, String>>();
        let mut recorded = json!({
            "operation": operation,
            "method": request.method,
            "path": path,
            "auth": auth,
        });
        if !query.is_empty() {
            recorded["query"] = json!(query);
        }
        if !headers.is_empty() {
            recorded["headers"] = json!(headers);
        }
        if let Some(body) = body {
            recorded["body"] = serde_json::to_value(&body).map_err(|source| RecordError::Json {
                path: self.dir.clone(),
                source,
            })?;
        }
        let list = api
            .api()
            .operation(&request.method, &request.path)
            .is_some_and(|o| o.method == "GET" && o.suffix.is_empty());
        let expect = vars.expect(api, response, answer.as_ref(), list, &base);
        let capture = if (200..300).contains(&response.status) {
            vars.capture(answer.as_ref(), list)
        } else {
            Map::new()
        };
        let mut step = json!({
            "name": format!("{} {} {} -> {}", steps.len() + 1, operation, request.method, response.status),
            "request": recorded,
            "expect": expect,
        });
        if !capture.is_empty() {
            step["capture"] = Value::Object(capture);
        }
        if !own_api {
            step["api"] = Value::from(api.as_str());
        }
        if let Some(region) = exchange.region {
            step["region"] = Value::from(region);
        }
        if let Some(site) = exchange.site {
            step["site"] = Value::from(site);
        }
        steps.push(step);
        state.dirty.insert(store);
        let path = scenario_path(&self.dir, scenario_api, &self.session);
        // Rewriting a long scenario on every exchange would make recording quadratic: the
        // files are written at most once per interval, and by `flush` (on exit).
        if state
            .written
            .is_none_or(|at| at.elapsed() >= WRITE_INTERVAL)
        {
            self.write(state)?;
        }
        Ok(Some(path))
    }

    /// Writes every scenario with steps not yet on disk.
    pub fn flush(&self) -> Result<(), RecordError> {
        self.write(&mut self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self, state: &mut State) -> Result<(), RecordError> {
        for store in std::mem::take(&mut state.dirty) {
            let Some(Scenario { api, steps, .. }) = state.scenarios.get(store) else {
                continue;
            };
            let api = *api;
            let dir_name = api.as_str().rsplit('/').next().unwrap_or(api.as_str());
            let scenario = json!({
                "id": format!("{dir_name}.recorded.{}", self.session),
                "title": format!(
                    "Recorded by credspec proxy (session {}): {} exchange(s) with {}",
                    self.session,
                    steps.len(),
                    if store == api.as_str() { api.as_str() } else { "the classic Twilio APIs" },
                ),
                "api": api.as_str(),
                "kind": "scenario",
                "source": [format!("recording:{}", self.session)],
                "notes": "Written by `credspec proxy --record`: one step per exchange, in the order they ended. Secrets are left out: credentials are `auth` kinds, material is the runner's fixture of the same kind or masked.",
                "steps": steps,
            });
            if let Err(e) = write_json(&scenario_path(&self.dir, api, &self.session), &scenario) {
                state.dirty.insert(store);
                return Err(e);
            }
        }
        state.written = Some(Instant::now());
        Ok(())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        // Best effort: a caller that wants the error calls `flush` first.
        let _ = self.flush();
    }
}

/// How often, at most, the recording's files are rewritten while exchanges go on.
const WRITE_INTERVAL: Duration = Duration::from_secs(1);

fn scenario_path(dir: &Path, api: ApiId, session: &str) -> PathBuf {
    dir.join(api.as_str())
        .join("scenarios")
        .join(format!("recorded.{session}.json"))
}

/// The upstream base the request went to: its URL without the path and query.
fn base_of(url: &str, path: &str, query: &str) -> String {
    let url = if query.is_empty() {
        url
    } else {
        url.strip_suffix(query)
            .and_then(|u| u.strip_suffix('?'))
            .unwrap_or(url)
    };
    url.strip_suffix(path).unwrap_or(url).to_owned()
}

/// The first `account_sid` (or `accountSid`) member of an answer.
fn find_account(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| {
                (k == "account_sid" || k == "accountSid")
                    .then(|| v.as_str().map(str::to_owned))
                    .flatten()
            })
            .or_else(|| map.values().find_map(find_account)),
        Value::Array(items) => items.iter().find_map(find_account),
        _ => None,
    }
}

/// The case format's `auth` kind of a request: what its `Authorization` was, judged by
/// the answer and by the first account credentials of the vendor this session saw.
fn auth_kind(
    api: ApiId,
    request: &crate::ObservedRequest,
    status: u16,
    first: &mut BTreeMap<&'static str, Secret<String>>,
) -> Auth {
    let Some(value) = request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim())
    else {
        return Auth::Missing;
    };
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let vendor = api.api().vendor;
    let expected_scheme = match vendor {
        Vendor::Twilio => "basic",
        Vendor::Telnyx => "bearer",
    };
    let scheme_ok = scheme.eq_ignore_ascii_case(expected_scheme) && !rest.trim().is_empty();
    if !scheme_ok {
        return Auth::Malformed;
    }
    if status == 401 {
        return Auth::Wrong;
    }
    if vendor == Vendor::Twilio {
        let user = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.split_once(':').map(|(u, _)| u.to_owned()));
        if user.as_deref().is_some_and(|u| u.starts_with("SK")) {
            return Auth::ApiKey;
        }
    }
    let key = match vendor {
        Vendor::Twilio => "twilio",
        Vendor::Telnyx => "telnyx",
    };
    match first.get(key) {
        None => {
            first.insert(key, Secret::new(value.to_owned()));
            Auth::Valid
        }
        Some(seen) if seen.expose() == value => Auth::Valid,
        Some(_) => Auth::OtherAccount,
    }
}

/// A member whose value is not secret although its name says `token`: a page token.
fn is_page_token(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("pagetoken")
}

impl Vars {
    /// `text` with captured ids and links as their variables and the account as
    /// `{{account_sid}}`.
    fn template(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (raw, var) in &self.ids {
            if out.contains(raw.as_str()) {
                out = out.replace(raw.as_str(), &format!("{{{{{var}}}}}"));
            }
        }
        if let Some(account) = &self.account
            && out.contains(account.as_str())
        {
            out = out.replace(account.as_str(), "{{account_sid}}");
        }
        out
    }

    /// The path and query of a request, with a request for a captured link made a request
    /// of its variable.
    fn request_target(&self, path: &str, query: &str) -> (String, BTreeMap<String, String>) {
        let target = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        if let Some((_, var)) = self.links.iter().find(|(link, _)| *link == target) {
            return (format!("{{{{{var}}}}}"), BTreeMap::new());
        }
        let query = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .map(|(k, v)| {
                let v = if is_secret_name(&k) && !is_page_token(&k) {
                    MASK.to_owned()
                } else {
                    self.template(&v)
                };
                (k, v)
            })
            .collect();
        (self.template(path), query)
    }

    /// What replaces the secret `text` of member `name`: the fixture of its kind, the same
    /// replacement as before for the same secret, or [`MASK`].
    fn replace_secret(&mut self, name: &str, text: &str, context: Setting<'_>) -> String {
        if let Some((_, replacement)) = self.material.iter().find(|(raw, _)| raw.expose() == text) {
            return replacement.clone();
        }
        let replacement = fixture_for(name, text, context)
            .map_or_else(|| MASK.to_owned(), |f| format!("{{{{fixture:{f}}}}}"));
        self.material
            .push((Secret::new(text.to_owned()), replacement.clone()));
        replacement
    }

    fn scrub_body(&mut self, body: Body, now: OffsetDateTime) -> Body {
        match body {
            Body::Form { form } => {
                let certificate =
                    certificate_in(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                let context = Setting {
                    now,
                    certificate: certificate.as_ref(),
                    service_account: false,
                };
                let form = form
                    .iter()
                    .map(|(k, v)| {
                        let v = if (is_secret_name(k) || looks_secret(v)) && !v.is_empty() {
                            self.replace_secret(k, v, context)
                        } else {
                            self.template(v)
                        };
                        (k.clone(), v)
                    })
                    .collect();
                Body::Form { form }
            }
            Body::Json { mut json } => {
                let certificate = json.as_object().and_then(|map| {
                    certificate_in(
                        map.iter()
                            .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v))),
                    )
                });
                let context = Setting {
                    now,
                    certificate: certificate.as_ref(),
                    service_account: false,
                };
                self.scrub_json("", &mut json, context);
                Body::Json { json }
            }
            Body::Raw { raw, content_type } => {
                // A template cannot be filled inside raw JSON text (a PEM's line breaks
                // would break it), so material in raw text is masked, not made a fixture.
                let raw = match serde_json::from_str::<Value>(&raw) {
                    Ok(mut json) => {
                        credspec_core::secret::mask_json(&mut json);
                        let text = json.to_string();
                        self.template(&text)
                    }
                    Err(_) if looks_secret(&raw) => MASK.to_owned(),
                    Err(_) => self.template(&raw),
                };
                Body::Raw { raw, content_type }
            }
            other => other,
        }
    }

    fn scrub_json(&mut self, name: &str, value: &mut Value, context: Setting<'_>) {
        match value {
            Value::String(text) if text.is_empty() => {}
            Value::String(text) if is_secret_name(name) || looks_secret(text) => {
                *text = self.replace_secret(name, text, context);
            }
            Value::String(text) => *text = self.template(text),
            Value::Object(map) => {
                let context = Setting {
                    service_account: context.service_account || is_secret_name(name),
                    ..context
                };
                for (k, v) in map.iter_mut() {
                    self.scrub_json(k, v, context);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.scrub_json(name, item, context);
                }
            }
            _ => {}
        }
    }

    /// The expectation of a step: the answer's status, media type and body (volatile members
    /// marked, secrets masked; a list's as a subset of the items this session created), and
    /// the vendor error code of a refusal.
    fn expect(
        &mut self,
        api: ApiId,
        response: &credspec_conformance::exchange::Response,
        answer: Option<&Value>,
        list: bool,
        base: &str,
    ) -> Value {
        let mut expect = json!({ "status": response.status });
        if !response.body.is_empty()
            && let Some(media) = response.media_type()
        {
            expect["content_type"] = Value::String(media);
        }
        let Some(answer) = answer else {
            return expect;
        };
        let mut body = answer.clone();
        let mut volatile = Vec::new();
        if let Value::String(text) = &body
            && (looks_secret(text) || api == ApiId::TelnyxTelephony)
        {
            // A token answered as text/plain.
            body = Value::String(MASK.to_owned());
            volatile.push(json!({"pointer": "", "redact": "token"}));
        } else {
            if list {
                self.keep_own_items(&mut body);
                expect["body_match"] = Value::from("subset");
            }
            self.expected("", "", &mut body, base, &mut volatile);
        }
        if (400..500).contains(&response.status) {
            let code = match api.api().vendor {
                Vendor::Twilio => answer.get("code").cloned(),
                Vendor::Telnyx => answer.pointer("/errors/0/code").cloned(),
            };
            if let Some(code) = code.filter(|c| !c.is_null()) {
                expect["error_code"] = code;
            }
        }
        expect["body"] = body;
        if !volatile.is_empty() {
            expect["volatile"] = Value::Array(volatile);
        }
        expect
    }

    /// Drops the items of a list page that this session did not create.
    fn keep_own_items(&self, body: &mut Value) {
        let Value::Object(map) = body else { return };
        for value in map.values_mut() {
            if let Value::Array(items) = value {
                items.retain(|item| {
                    ["sid", "id", "resourceId"].iter().any(|k| {
                        item.get(k)
                            .and_then(Value::as_str)
                            .is_some_and(|id| self.ids.iter().any(|(raw, _)| raw == id))
                    })
                });
            }
        }
    }

    fn expected(
        &mut self,
        pointer: &str,
        name: &str,
        value: &mut Value,
        base: &str,
        volatile: &mut Vec<Value>,
    ) {
        let mark = |volatile: &mut Vec<Value>, kind: &str| {
            volatile.push(json!({"pointer": pointer, "redact": kind}));
        };
        match value {
            Value::String(text) => {
                let kind = volatile_kind(name);
                let captured = self.ids.iter().find(|(raw, _)| raw == text).cloned();
                match kind {
                    Some("id") if captured.is_some() => *text = self.template(text),
                    Some("id" | "timestamp") => mark(volatile, kind.unwrap_or("id")),
                    Some("url") => {
                        // Compared as `[url]`: the query (a page token) is left out.
                        let shown = match text.split_once('?') {
                            Some((link, _)) => format!("{link}?..."),
                            None => text.clone(),
                        };
                        *text = self.template(&with_base(&shown, base));
                        mark(volatile, "url");
                    }
                    Some(other) => {
                        *text = MASK.to_owned();
                        mark(volatile, other);
                    }
                    None if text.is_empty() => {}
                    // A time in any form core knows, in a member of another name (a telephony
                    // credential's default name is its creation time, D27).
                    None if Timestamp::parse(text).is_ok() => mark(volatile, "timestamp"),
                    None if is_secret_name(name) || looks_secret(text) => {
                        // An echoed secret: the request's replacement when it is the same
                        // material (so a replay compares like with like), else masked.
                        match self
                            .material
                            .iter()
                            .find(|(raw, _)| raw.expose() == text)
                            .map(|(_, r)| r.clone())
                        {
                            Some(replacement) if replacement != MASK => *text = replacement,
                            _ => {
                                *text = MASK.to_owned();
                                mark(volatile, "secret");
                            }
                        }
                    }
                    None => *text = self.template(&with_base(text, base)),
                }
            }
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    let pointer = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                    self.expected(&pointer, k, v, base, volatile);
                }
            }
            Value::Array(items) => {
                // `*`: the runner redacts the member in every element, of the expected array
                // and of the actual one alike (a subset's element may match any of them).
                let each = format!("{pointer}/*");
                for item in items.iter_mut() {
                    self.expected(&each, name, item, base, volatile);
                }
                let mut seen = BTreeSet::new();
                volatile.retain(|v| seen.insert(v.to_string()));
            }
            _ => {}
        }
    }

    /// The captures of a successful answer: the id of the resource it names, when new, and
    /// its next-page link.
    fn capture(&mut self, answer: Option<&Value>, list: bool) -> Map<String, Value> {
        let mut capture = Map::new();
        let Some(answer) = answer else {
            return capture;
        };
        if !list {
            for pointer in ["/sid", "/id", "/resourceId", "/data/id", "/data/sid"] {
                if let Some(id) = answer.pointer(pointer).and_then(Value::as_str)
                    && !id.is_empty()
                    && !self.ids.iter().any(|(raw, _)| raw == id)
                {
                    self.next_id += 1;
                    let var = format!("id{}", self.next_id);
                    self.ids.push((id.to_owned(), var.clone()));
                    capture.insert(var, Value::from(pointer));
                    break;
                }
            }
        }
        // Generated credentials a client may send back (a SIP username in a list filter):
        // captured, so a later request names the variable, never the value.
        if !list {
            for prefix in ["", "/data"] {
                let Some(Value::Object(members)) = answer.pointer(prefix) else {
                    continue;
                };
                for (name, value) in members {
                    if let (Some("secret"), Some(raw)) = (volatile_kind(name), value.as_str())
                        && !raw.is_empty()
                        && !self.ids.iter().any(|(r, _)| r == raw)
                    {
                        self.next_link += 1;
                        let var = format!("secret{}", self.next_link);
                        self.ids.push((raw.to_owned(), var.clone()));
                        capture.insert(var, Value::from(format!("{prefix}/{name}")));
                    }
                }
            }
        }
        // A page token a client sends back as a query value (Comms' `nextToken`).
        if let Some(token) = answer.pointer("/meta/nextToken").and_then(Value::as_str)
            && !token.is_empty()
        {
            self.next_link += 1;
            let var = format!("token{}", self.next_link);
            self.ids.push((token.to_owned(), var.clone()));
            capture.insert(var, Value::from("/meta/nextToken"));
        }
        for pointer in ["/meta/next_page_url", "/meta/nextPageUrl", "/next_page_url"] {
            if let Some(link) = answer.pointer(pointer).and_then(Value::as_str)
                && let Some(target) = path_and_query(link)
            {
                self.next_link += 1;
                let var = format!("next{}", self.next_link);
                self.links.push((target, var.clone()));
                capture.insert(var, Value::from(pointer));
            }
        }
        capture
    }
}

/// The path and query of an absolute URL as the upstream sees it (an emulator link carries
/// the API's prefix before the vendor path, which is cut at the version segment).
fn path_and_query(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let from = rest.find('/')?;
    let target = &rest[from..];
    // `/twilio/notify/v1/Credentials?...` -> `/v1/Credentials?...`
    let version = target
        .match_indices("/v")
        .find(|(at, _)| {
            target[at + 2..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
        .map_or(0, |(at, _)| at);
    Some(target[version..].to_owned())
}

/// `text` with `base` (when there is one) as `{{base_url}}`.
fn with_base(text: &str, base: &str) -> String {
    if base.is_empty() {
        text.to_owned()
    } else {
        text.replace(base, "{{base_url}}")
    }
}

/// The certificate of a body, when one of its members holds a parsable one.
fn certificate_in<'a>(members: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Certificate> {
    members
        .filter(|(k, _)| k.to_ascii_lowercase().contains("certificate"))
        .find_map(|(_, v)| Certificate::from_pem(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_and_links_are_cut_where_the_vendor_path_starts() {
        assert_eq!(
            base_of(
                "http://127.0.0.1:9/twilio/notify/v1/Credentials?PageSize=2",
                "/v1/Credentials",
                "PageSize=2"
            ),
            "http://127.0.0.1:9/twilio/notify"
        );
        assert_eq!(
            path_and_query("http://127.0.0.1:9/twilio/notify/v1/Credentials?PageSize=2&Page=1")
                .as_deref(),
            Some("/v1/Credentials?PageSize=2&Page=1")
        );
        assert_eq!(
            path_and_query("https://notify.twilio.com/v1/Credentials?Page=1").as_deref(),
            Some("/v1/Credentials?Page=1")
        );
    }

    #[test]
    fn secret_query_members_are_masked_but_page_tokens_kept() {
        let vars = Vars::default();
        let (_, query) = vars.request_target("/v1/Credentials", "PageToken=PT1&Secret=s3");
        assert_eq!(query["PageToken"], "PT1");
        assert_eq!(query["Secret"], MASK);
    }

    #[test]
    fn unknown_secrets_are_masked_and_the_same_secret_replaced_alike() {
        let mut vars = Vars::default();
        let context = Setting {
            now: OffsetDateTime::UNIX_EPOCH,
            certificate: None,
            service_account: false,
        };
        let first = vars.replace_secret("sip_password", "hunter2-secret", context);
        assert_eq!(first, MASK);
        let not_pem = vars.replace_secret("certificate", "plain words", context);
        assert_eq!(not_pem, "{{fixture:not-pem}}");
        assert_eq!(
            vars.replace_secret("other", "plain words", context),
            "{{fixture:not-pem}}"
        );
    }
}
