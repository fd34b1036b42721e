//! Checks of exchanges no case wrote: the traffic a team's own client exchanges with an
//! upstream, as `credspec proxy` sees it.
//!
//! An observed exchange has no case, so the observer builds the case it stands for: the
//! operation from core's table ([`credspec_core::api::Api::operation`] of the method and the
//! vendor path), an expectation that the status is one the operation's document declares
//! ([`crate::spec::ApiSpec::declared_statuses`]), no documented body, and no expected error
//! code. The checks are the runner's own ([`crate::check`]), less the body check (there is
//! no documented body) and with the error check judging the vendor's format alone.
//!
//! What it does not judge: the lint rules of the request. The conformance crate does not
//! link the codecs (it is an independent oracle), so the findings reported are those the
//! upstream sends as `Credspec-Lint` headers (the credspec emulator does); other upstreams
//! send none.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::check::{CheckKind, CheckResult, Exchange, Failure, OBSERVED_CHECKS};
use crate::exchange::{Exchanged, Response, curl};
use crate::fixtures::Fixtures;
use crate::report::{CaseReport, CaseStatus};
use crate::spec::{ApiId, Auth, Body, Expect, Request, SpecSet, Status};
use crate::target::Target;
use crate::template::Scope;

/// A request as a client sent it, addressed to its API's upstream.
#[derive(Clone)]
#[non_exhaustive]
pub struct ObservedRequest {
    /// HTTP method, upper-case.
    pub method: String,
    /// The path as the vendor's host sees it (`/v1/Credentials/CR...`), without the query.
    pub path: String,
    /// The raw query, without `?` (empty when none).
    pub query: String,
    /// The absolute URL it was forwarded to.
    pub url: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for ObservedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Headers and body may carry secrets: the masked curl command is the only form shown.
        f.write_str(&masked_curl(self))
    }
}

impl ObservedRequest {
    /// A request of `method` on `url` (whose path is `path` as the vendor sees it, and whose
    /// query is `query`).
    pub fn new(
        method: &str,
        path: &str,
        query: &str,
        url: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            query: query.to_owned(),
            url: url.to_owned(),
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as the case format writes it, so that a case sends it as it was sent: form
    /// fields under the form media type, JSON under `application/json`, else raw text with
    /// the `Content-Type` it came with (a JSON text under another media type stays raw).
    pub fn case_body(&self) -> Option<Body> {
        if self.body.is_empty() {
            return None;
        }
        let content_type = self.header("content-type");
        let media =
            content_type.map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase());
        let raw = || Body::Raw {
            raw: String::from_utf8_lossy(&self.body).into_owned(),
            content_type: content_type.map(str::to_owned),
        };
        match media.as_deref() {
            Some("application/x-www-form-urlencoded") => Some(Body::Form {
                form: form_urlencoded::parse(&self.body).into_owned().collect(),
            }),
            Some("application/json") => Some(
                serde_json::from_slice(&self.body)
                    .map_or_else(|_| raw(), |json| Body::Json { json }),
            ),
            _ => Some(raw()),
        }
    }
}

/// The request as a curl command: `Authorization` reduced to its scheme, every secret
/// member of a JSON or form body masked ([`credspec_core::secret::mask_json`]), and a body of
/// another kind left out.
fn masked_curl(request: &ObservedRequest) -> String {
    let body = match request.case_body() {
        None => None,
        Some(Body::Json { mut json }) => {
            credspec_core::secret::mask_json(&mut json);
            Some(json.to_string())
        }
        Some(Body::Form { form }) => {
            let mut json = Value::Object(
                form.into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            );
            credspec_core::secret::mask_json(&mut json);
            let mut out = form_urlencoded::Serializer::new(String::new());
            if let Value::Object(members) = json {
                for (k, v) in members {
                    out.append_pair(&k, &crate::check::string_of(&v));
                }
            }
            Some(out.finish())
        }
        Some(Body::Raw { raw, .. }) => Some(format!("(a body of {} bytes, not shown)", raw.len())),
    };
    curl(
        &request.method,
        &request.url,
        &request.headers,
        body.as_deref(),
    )
}

/// What the checks found in one observed exchange.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ObservedReport {
    /// The API it went to.
    pub api: ApiId,
    /// The method and vendor path (`POST /v1/Credentials`).
    pub request_line: String,
    /// The operation it is, or `None` when no operation of the API is that method and path
    /// (then [`Self::checks`] holds one failed status check saying so).
    pub operation: Option<&'static str>,
    /// The status the upstream answered.
    pub status: u16,
    /// Every check, in order.
    pub checks: Vec<CheckResult>,
    /// The `lint` findings the upstream reported (`Credspec-Lint` headers).
    pub lint: Vec<String>,
    /// The request as a curl command, secrets masked.
    pub curl: String,
}

impl ObservedReport {
    /// The failed checks.
    pub fn violations(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| c.failed())
    }

    /// One line per failed check: `VIOLATION [kind] request (api operation): failures`, then
    /// the curl command reproducing it.
    pub fn violation_lines(&self) -> Vec<String> {
        self.violations()
            .map(|c| {
                let failures = match &c.outcome {
                    crate::check::Outcome::Failed { failures } => failures
                        .iter()
                        .map(|f| f.to_string().replace('\n', " "))
                        .collect::<Vec<_>>()
                        .join("; "),
                    crate::check::Outcome::Passed => String::new(),
                };
                format!(
                    "VIOLATION [{}] {} ({} {}): {failures}\n  reproduce: {}",
                    c.kind,
                    self.request_line,
                    self.api,
                    self.operation.unwrap_or("(unknown operation)"),
                    self.curl
                )
            })
            .collect()
    }

    /// The exchange as a case of a report (`observed-<n>`), so the runner's JUnit and JSON
    /// formats carry it.
    pub fn case_report(&self, n: usize) -> CaseReport {
        let failed = self.violations().next().is_some();
        CaseReport {
            id: format!("observed-{n}"),
            title: format!("{} -> {}", self.request_line, self.status),
            api: self.api.to_string(),
            status: if failed {
                CaseStatus::Failed
            } else {
                CaseStatus::Passed
            },
            note: None,
            checks: self.checks.clone(),
            curls: if failed {
                BTreeMap::from([(String::from("request"), self.curl.clone())])
            } else {
                BTreeMap::new()
            },
            lint: self.lint.clone(),
            rules: Vec::new(),
            snapshot: Vec::new(),
            millis: 0,
            shrunk: None,
        }
    }
}

/// Checks observed exchanges against the documents.
#[derive(Debug, Clone)]
pub struct Observer {
    specs: Arc<SpecSet>,
    target: Target,
    fixtures: Fixtures,
    scope: Scope,
}

impl Observer {
    /// An observer of exchanges with `target`'s upstreams (its base URLs are where the
    /// answers' self links must point).
    pub fn new(specs: Arc<SpecSet>, target: Target) -> Self {
        Self {
            specs,
            target,
            fixtures: Fixtures::none(),
            scope: Scope::default(),
        }
    }

    /// Checks one exchange of `api`.
    pub fn check(
        &self,
        api: ApiId,
        request: &ObservedRequest,
        response: Response,
    ) -> ObservedReport {
        let curl = masked_curl(request);
        let request_line = format!("{} {}", request.method, request.path);
        let lint = response
            .header_values("credspec-lint")
            .into_iter()
            .map(str::to_owned)
            .collect();
        let status = response.status;
        let step = "request";
        let Some(operation) = api.api().operation(&request.method, &request.path) else {
            // A method the path does not declare (a TRACE, say) is answered 405 by every
            // vendor of the table (D40): that answer keeps the contract.
            let failures = if api.api().operations_at(&request.path).next().is_none() {
                vec![Failure::new(format!(
                    "no operation of {api} is {request_line}: the documents declare no status for it"
                ))]
            } else if status == 405 {
                Vec::new()
            } else {
                vec![Failure::diff(
                    format!("{} is not a method of {}", request.method, request.path),
                    "405 (decision D40)",
                    status.to_string(),
                )]
            };
            return ObservedReport {
                api,
                request_line,
                operation: None,
                status,
                checks: vec![CheckResult::from_failures(
                    CheckKind::Status,
                    step,
                    failures,
                )],
                lint,
                curl,
            };
        };
        let spec = self.specs.api(api);
        let statuses = spec
            .declared_statuses(operation.id)
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect();
        let case_request = Request {
            operation: operation.id.to_owned(),
            method: request.method.clone(),
            path: request.path.clone(),
            query: form_urlencoded::parse(request.query.as_bytes())
                .into_owned()
                .collect(),
            headers: BTreeMap::new(),
            auth: if request.header("authorization").is_some() {
                Auth::Valid
            } else {
                Auth::Missing
            },
            body: request.case_body(),
        };
        let expect = Expect {
            status: Status::Any(statuses),
            content_type: None,
            headers: BTreeMap::new(),
            body: None,
            body_match: crate::spec::BodyMatch::Exact,
            error_code: None,
            volatile: Vec::new(),
        };
        let mut checks = Vec::new();
        let (body, parse_failure) = match response.json() {
            None => (None, None),
            Some(Ok(v)) => (Some(v), None),
            Some(Err(e)) => (
                None,
                Some(Failure::new(format!("the body is not JSON: {e}"))),
            ),
        };
        if let Some(failure) = parse_failure {
            checks.push(
                CheckResult::from_failures(CheckKind::Transport, step, vec![failure])
                    .on(api, operation.id),
            );
        }
        let exchanged = Exchanged {
            query: case_request.query.clone(),
            response,
            body,
        };
        let exchange = Exchange {
            api,
            request: &case_request,
            expect: &expect,
            scope: &self.scope,
            exchanged: &exchanged,
            fixtures: &self.fixtures,
            specs: &self.specs,
            target: &self.target,
        };
        for (kind, check) in OBSERVED_CHECKS {
            if let Some(failures) = check(&exchange) {
                checks
                    .push(CheckResult::from_failures(*kind, step, failures).on(api, operation.id));
            }
        }
        ObservedReport {
            api,
            request_line,
            operation: Some(operation.id),
            status,
            checks,
            lint,
            curl,
        }
    }
}
