//! Runs cases and scenarios against a [`Target`] and checks every response.
//!
//! Cases of one store (core's table: one API, or the four classic Twilio APIs, which manage
//! one credential) share an account's state (limits, aliases, paging totals), so they run
//! one after another; the stores run concurrently (up to `jobs` at once). Within a store,
//! single-request cases run first, then scenarios. A positive create case
//! deletes what it created, and every scenario runs its cleanup steps even when a step
//! fails, so a run against a live account leaves nothing behind.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::check::{CHECKS, CheckKind, CheckResult, Exchange, Failure, Outcome, string_of};
use crate::exchange::{self, Exchanged, PrepareError, Response};
use crate::fixtures::Fixtures;
use crate::known::KnownFailures;
use crate::normalize::Normalizer;
use crate::report::{CaseReport, CaseStatus, SuiteReport};
use crate::spec::{ApiId, Case, CaseKind, Expect, Request, SpecSet, Step};
use crate::target::{MissingAuth, Target};
use crate::template::{Scope, Var};
use credspec_core::rules::Profile;

/// Runs `specs/` against a target.
#[derive(Debug, Clone)]
pub struct Runner {
    specs: Arc<SpecSet>,
    target: Arc<Target>,
    /// The target of the cases of the strict profile, when it is another one.
    strict: Option<Arc<Target>>,
    fixtures: Arc<Fixtures>,
    known: Arc<KnownFailures>,
    /// Cases generated from the documents ([`crate::generate`]), run after those of
    /// `specs/` in the same lanes.
    generated: Arc<Vec<Case>>,
    client: reqwest::Client,
}

/// Why a runner could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunnerError {
    /// Fixture material could not be generated.
    #[error(transparent)]
    Fixtures(#[from] crate::fixtures::FixtureError),
    /// The HTTP client could not be built.
    #[error("building the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// `specs/known-failures.toml` lists a case id that no case of `specs/` has.
    #[error("specs/known-failures.toml lists {0:?}, which names no case of specs/")]
    UnknownKnownFailure(String),
    /// A target's base URL answered nothing (no connection, or no response in time).
    #[error("{api} at {base} cannot be reached: {reason}")]
    Unreachable {
        /// The API.
        api: ApiId,
        /// Its base URL.
        base: String,
        /// Why.
        reason: String,
    },
}

/// Counts the failures of one step's repeats so a 1000-fold step reports once per check.
#[derive(Default)]
struct StepChecks {
    failures: BTreeMap<CheckKind, Vec<Failure>>,
    ran: BTreeMap<CheckKind, bool>,
}

impl StepChecks {
    fn record(&mut self, kind: CheckKind, failures: Vec<Failure>) {
        self.ran.insert(kind, true);
        let slot = self.failures.entry(kind).or_default();
        for f in failures {
            if slot.len() < 5 {
                slot.push(f);
            }
        }
    }

    fn failed(&self) -> bool {
        self.failures.values().any(|f| !f.is_empty())
    }

    fn into_results(self, step: &str, api: ApiId, operation: &str) -> Vec<CheckResult> {
        let mut failures = self.failures;
        self.ran
            .into_keys()
            .map(|kind| {
                CheckResult::from_failures(kind, step, failures.remove(&kind).unwrap_or_default())
                    .on(api, operation)
            })
            .collect()
    }
}

/// What sending one request came to.
enum Sent {
    /// It was sent (or failed to be, a transport failure); the exchange, when one happened.
    Answered(Option<Exchanged>),
    /// The target cannot run it.
    Skipped(Skip),
}

/// Why a case, or the rest of a scenario, does not run against this target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Skip {
    /// The target lacks what the request's authentication needs.
    #[error(transparent)]
    Auth(#[from] MissingAuth),
    /// The case's API has no base URL.
    #[error("{0} is not targeted")]
    NotTargeted(ApiId),
    /// The case is of the other profile, and no target of its profile is given.
    #[error(
        "a case of the {wanted} profile, and the target is of the {actual} profile (--profile {wanted})"
    )]
    Profile {
        /// The case's profile.
        wanted: Profile,
        /// The target's.
        actual: Profile,
    },
    /// A step names a site or region the target's base cannot be moved to.
    #[error("the target gives {api} no base at {site} in region {region}")]
    NoBase {
        /// The step's API.
        api: ApiId,
        /// The site asked for.
        site: String,
        /// The region asked for.
        region: String,
    },
    /// A single-request case without its request or expectation.
    #[error("the case has no request")]
    NoRequest,
}

/// The header a target reports a `lint` finding of an accepted request in.
pub const LINT_HEADER: &str = "credspec-lint";

/// The header a target names a rule that refused a request in.
pub const RULE_HEADER: &str = "credspec-rule";

/// The rules a response names in `header` ([`LINT_HEADER`]: findings of an accepted
/// request; [`RULE_HEADER`]: why it was refused), `<rule id>; <json pointer>` each.
fn named_rules<'r>(response: &'r Response, header: &str) -> impl Iterator<Item = String> + 'r {
    response
        .header_values(header)
        .into_iter()
        .map(str::to_owned)
}

impl Runner {
    /// A runner of `specs` against `target`.
    pub fn new(
        specs: Arc<SpecSet>,
        target: Target,
        known: KnownFailures,
    ) -> Result<Self, RunnerError> {
        // rustls needs a process-wide crypto provider; ring builds with only a C compiler.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(8)
            .build()
            .map_err(RunnerError::Client)?;
        // An entry that names no case could never fail, so the ledger would hold it forever.
        if let Some(id) = known
            .ids()
            .find(|id| !specs.cases().iter().any(|c| c.id == *id))
        {
            return Err(RunnerError::UnknownKnownFailure(id.to_owned()));
        }
        Ok(Self {
            specs,
            target: Arc::new(target),
            strict: None,
            fixtures: Arc::new(Fixtures::generate()?),
            known: Arc::new(known),
            generated: Arc::new(Vec::new()),
            client,
        })
    }

    /// The same runner, also running `cases` (generated from the documents: the protocol
    /// phase of [`crate::generate`]).
    #[must_use]
    pub fn with_generated(mut self, cases: Vec<Case>) -> Self {
        self.generated = Arc::new(cases);
        self
    }

    /// Every case it runs: those of `specs/`, then the generated ones.
    fn case_at(&self, index: usize) -> Option<&Case> {
        let files = self.specs.cases();
        files.get(index).or_else(|| {
            index
                .checked_sub(files.len())
                .and_then(|i| self.generated.get(i))
        })
    }

    /// The generated case `id`, if this runner runs one.
    pub fn generated_case(&self, id: &str) -> Option<&Case> {
        self.generated.iter().find(|c| c.id == id)
    }

    /// The specs.
    pub fn specs(&self) -> &SpecSet {
        &self.specs
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Runs the cases of the strict profile against `target` (a second, strict emulator)
    /// instead of skipping them.
    #[must_use]
    pub fn with_strict_target(mut self, target: Target) -> Self {
        self.strict = Some(Arc::new(target.with_profile(Profile::Strict)));
        self
    }

    /// The runner of a case: this one, the one of the strict target, or why the case cannot
    /// run here (its profile is not the target's).
    fn for_profile(&self, case: &Case) -> Result<Cow<'_, Self>, Skip> {
        match (case.profile, self.target.profile(), &self.strict) {
            (None, _, _) => Ok(Cow::Borrowed(self)),
            (Some(Profile::Strict), _, Some(strict)) => Ok(Cow::Owned(Self {
                target: Arc::clone(strict),
                strict: None,
                ..self.clone()
            })),
            (Some(wanted), profile, _) if wanted == profile => Ok(Cow::Borrowed(self)),
            (Some(wanted), actual, _) => Err(Skip::Profile { wanted, actual }),
        }
    }

    /// Runs every check of [`CHECKS`] that applies to one exchange.
    fn expect_checks(
        &self,
        case: &Case,
        request: &Request,
        expect: &Expect,
        scope: &Scope,
        exchanged: &Exchanged,
        checks: &mut StepChecks,
    ) {
        let exchange = Exchange {
            api: case.api,
            request,
            expect,
            scope,
            exchanged,
            fixtures: &self.fixtures,
            specs: &self.specs,
            target: &self.target,
        };
        for (kind, check) in CHECKS {
            if let Some(failures) = check(&exchange) {
                checks.record(*kind, failures);
            }
        }
    }

    async fn exchange(
        &self,
        case: &Case,
        request: &Request,
        expect: &Expect,
        scope: &Scope,
        checks: &mut StepChecks,
        curl: &mut Option<String>,
    ) -> Sent {
        let prepared =
            match exchange::prepare(case.api, request, scope, &self.fixtures, &self.target) {
                Ok(p) => p,
                Err(PrepareError::Unsupported(why)) => return Sent::Skipped(why.into()),
                Err(PrepareError::NotTargeted(api)) => {
                    return Sent::Skipped(Skip::NotTargeted(api));
                }
                Err(e) => {
                    checks.record(CheckKind::Transport, vec![Failure::new(e.to_string())]);
                    return Sent::Answered(None);
                }
            };
        *curl = Some(prepared.curl.clone());
        let response = match exchange::send(&self.client, &prepared).await {
            Ok(r) => r,
            Err(e) => {
                checks.record(
                    CheckKind::Transport,
                    vec![Failure::new(format!("request failed: {e}"))],
                );
                return Sent::Answered(None);
            }
        };
        let (body, parse_failure) = match response.json() {
            None => (None, None),
            Some(Ok(v)) => (Some(v), None),
            Some(Err(e)) => (
                None,
                Some(Failure::diff(
                    format!("the body is not JSON: {e}"),
                    "JSON",
                    String::from_utf8_lossy(&response.body)
                        .chars()
                        .take(200)
                        .collect::<String>(),
                )),
            ),
        };
        checks.record(CheckKind::Transport, parse_failure.into_iter().collect());
        let query = prepared
            .url
            .split_once('?')
            .map(|(_, q)| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let exchanged = Exchanged {
            response,
            body,
            query,
        };
        self.expect_checks(case, request, expect, scope, &exchanged, checks);
        Sent::Answered(Some(exchanged))
    }

    fn normalized(&self, case: &Case, step: &str, expect: &Expect, exchanged: &Exchanged) -> Value {
        let normalizer = Normalizer {
            base: self.target.base(case.api).unwrap_or_default(),
            account_sid: self.target.twilio.as_ref().map(|t| t.account_sid.as_str()),
            fixtures: &self.fixtures,
        };
        let mut out = serde_json::Map::new();
        out.insert(String::from("step"), Value::String(step.to_owned()));
        out.insert(
            String::from("status"),
            Value::from(exchanged.response.status),
        );
        out.insert(
            String::from("content_type"),
            exchanged
                .response
                .media_type()
                .map_or(Value::Null, Value::String),
        );
        out.insert(
            String::from("body"),
            exchanged.body.as_ref().map_or(Value::Null, |b| {
                normalizer.body(case.api, b, &expect.volatile)
            }),
        );
        Value::Object(out)
    }

    /// The request that deletes what a successful create made, for positive create cases,
    /// and its expected answer: the table's delete operation and status, on the collection
    /// path and the id the answer names.
    fn cleanup_request(case: &Case, body: &Value) -> Option<(Request, Expect)> {
        let api = case.api.api();
        let id = body.pointer(api.id_pointer)?.as_str()?;
        let request = serde_json::json!({
            "operation": api.delete.operation,
            "method": "DELETE",
            "path": api.item_path(id),
            "auth": "valid",
        });
        let expect = serde_json::json!({ "status": api.delete.status });
        Some((
            serde_json::from_value(request).ok()?,
            serde_json::from_value(expect).ok()?,
        ))
    }

    async fn single(
        &self,
        case: &Case,
        request: &Request,
        expect: &Expect,
        report: &mut CaseReport,
    ) -> Result<(), Skip> {
        let scope = self.base_scope(case);
        let mut checks = StepChecks::default();
        let mut curl = None;
        match self
            .exchange(case, request, expect, &scope, &mut checks, &mut curl)
            .await
        {
            Sent::Skipped(why) => return Err(why),
            Sent::Answered(exchanged) => {
                if let Some(ex) = &exchanged {
                    report.lint.extend(named_rules(&ex.response, LINT_HEADER));
                    report.rules.extend(named_rules(&ex.response, RULE_HEADER));
                    report
                        .snapshot
                        .push(self.normalized(case, "request", expect, ex));
                    if (200..300).contains(&ex.response.status)
                        && request.operation.starts_with("Create")
                        && !request.operation.ends_with("Token")
                        && let Some(body) = &ex.body
                        && let Some((delete, expect)) = Self::cleanup_request(case, body)
                    {
                        let mut cleanup = StepChecks::default();
                        let mut cleanup_curl = None;
                        if let Sent::Answered(_) = self
                            .exchange(
                                case,
                                &delete,
                                &expect,
                                &scope,
                                &mut cleanup,
                                &mut cleanup_curl,
                            )
                            .await
                        {
                            let failed = cleanup
                                .failures
                                .get(&CheckKind::Status)
                                .is_some_and(|f| !f.is_empty());
                            report.checks.push(
                                CheckResult::from_failures(
                                    CheckKind::Cleanup,
                                    "cleanup",
                                    if failed {
                                        vec![Failure::new("deleting the created resource failed")]
                                    } else {
                                        Vec::new()
                                    },
                                )
                                .on(case.api, &delete.operation),
                            );
                            if failed && let Some(c) = cleanup_curl {
                                report.curls.insert(String::from("cleanup"), c);
                            }
                        }
                    }
                }
            }
        }
        if checks.failed()
            && let Some(c) = curl
        {
            report.curls.insert(String::from("request"), c);
        }
        let mut results = checks.into_results("request", case.api, &request.operation);
        report.checks.splice(0..0, results.drain(..));
        Ok(())
    }

    fn base_scope(&self, case: &Case) -> Scope {
        let mut scope = Scope::default();
        if let Some(base) = self.target.base(case.api) {
            scope.set("base_url", base);
        }
        if let Some(t) = &self.target.twilio {
            scope.set("account_sid", t.account_sid.clone());
        }
        scope
    }

    fn capture(
        step: &Step,
        exchanged: Option<&Exchanged>,
        scope: &mut Scope,
        i: u32,
    ) -> Vec<Failure> {
        let mut failures = Vec::new();
        let lookup = |source: &str| -> Option<String> {
            let ex = exchanged?;
            if let Some(header) = source.strip_prefix("header:") {
                return ex.response.header(header).map(str::to_owned);
            }
            ex.body
                .as_ref()?
                .pointer(source)
                .filter(|v| !v.is_null())
                .map(string_of)
        };
        for (var, source) in &step.capture {
            match lookup(source) {
                Some(v) => scope.set(var.clone(), v),
                None => failures.push(Failure::new(format!(
                    "capture {var}: nothing at {source}{}",
                    if step.repeat.is_some() {
                        format!(" (repeat {i})")
                    } else {
                        String::new()
                    }
                ))),
            }
        }
        for (var, source) in &step.capture_all {
            match lookup(source) {
                Some(v) => scope.push(var, v),
                None => failures.push(Failure::new(format!(
                    "capture_all {var}: nothing at {source} (repeat {i})"
                ))),
            }
        }
        failures
    }

    /// Runs one step (all its repeats or for_each items). Returns false when a later step
    /// should not run.
    async fn step(
        &self,
        case: &Case,
        step: &Step,
        scope: &mut Scope,
        report: &mut CaseReport,
        cleanup: bool,
    ) -> Result<bool, Skip> {
        let mut checks = StepChecks::default();
        let mut curl = None;
        let mut first_failed_curl = None;
        let iterations: Vec<(u32, Option<String>)> = match (&step.for_each, step.repeat) {
            (Some(list), _) => match scope.get(list) {
                Some(Var::List(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (u32::try_from(i + 1).unwrap_or(u32::MAX), Some(v.clone())))
                    .collect(),
                Some(Var::One(v)) => vec![(1, Some(v.clone()))],
                None if cleanup => Vec::new(),
                None => {
                    checks.record(
                        CheckKind::Capture,
                        vec![Failure::new(format!("for_each: no variable {list}"))],
                    );
                    Vec::new()
                }
            },
            (None, Some(n)) => (1..=n).map(|i| (i, None)).collect(),
            (None, None) => vec![(1, None)],
        };
        let mut ok = true;
        for (i, item) in iterations {
            scope.set("i", i.to_string());
            if let (Some(item), Some(var)) = (item, step.as_var.as_ref().or(step.for_each.as_ref()))
            {
                scope.set(var.clone(), item);
            }
            let before = checks.failed();
            match self
                .exchange(
                    case,
                    &step.request,
                    &step.expect,
                    scope,
                    &mut checks,
                    &mut curl,
                )
                .await
            {
                Sent::Skipped(why) => return Err(why),
                Sent::Answered(exchanged) => {
                    if let Some(ex) = &exchanged {
                        report.lint.extend(named_rules(&ex.response, LINT_HEADER));
                        report.rules.extend(named_rules(&ex.response, RULE_HEADER));
                    }
                    if !cleanup {
                        if i == 1
                            && let Some(ex) = &exchanged
                        {
                            report.snapshot.push(self.normalized(
                                case,
                                &step.name,
                                &step.expect,
                                ex,
                            ));
                        }
                        let failures = Self::capture(step, exchanged.as_ref(), scope, i);
                        if !step.capture.is_empty() || !step.capture_all.is_empty() {
                            checks.record(CheckKind::Capture, failures);
                        }
                    }
                    if exchanged
                        .as_ref()
                        .is_none_or(|e| !step.expect.status.matches(e.response.status))
                    {
                        ok = false;
                    }
                }
            }
            if !before && checks.failed() && first_failed_curl.is_none() {
                first_failed_curl = curl.clone();
            }
        }
        if checks.failed()
            && let Some(c) = first_failed_curl
        {
            report.curls.insert(step.name.clone(), c);
        }
        let results = checks.into_results(&step.name, case.api, &step.request.operation);
        if cleanup {
            // Cleanup reports one check kind: did it succeed.
            let failures: Vec<Failure> = results
                .iter()
                .filter_map(|r| match &r.outcome {
                    Outcome::Failed { failures }
                        if matches!(r.kind, CheckKind::Status | CheckKind::Transport) =>
                    {
                        Some(failures.clone())
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            report.checks.push(
                CheckResult::from_failures(CheckKind::Cleanup, &step.name, failures)
                    .on(case.api, &step.request.operation),
            );
        } else {
            report.checks.extend(results);
        }
        Ok(ok)
    }

    async fn scenario(&self, case: &Case, report: &mut CaseReport) -> Result<(), Skip> {
        let mut scope = self.base_scope(case);
        let mut skip = None;
        for step in &case.steps {
            let sent = match self.placed(case, step, &mut scope) {
                Ok((runner, on)) => runner.step(&on, step, &mut scope, report, false).await,
                Err(why) => Err(why),
            };
            match sent {
                Ok(true) => {}
                Ok(false) => break,
                Err(why) => {
                    skip = Some(why);
                    break;
                }
            }
        }
        for step in &case.cleanup {
            // Cleanup runs whatever happened, over whatever was captured.
            if let Ok((runner, on)) = self.placed(case, step, &mut scope) {
                let _ = runner.step(&on, step, &mut scope, report, true).await;
            }
        }
        skip.map_or(Ok(()), Err)
    }

    /// Where a step of `case` is sent: a step on another API of the store runs as a case of
    /// that API (its base URL, its document, its domain checks), a step on another site or
    /// in another region against the API's base there; `{{base_url}}` becomes that base. `Err` (the case is
    /// skipped) when the target gives no base in the step's region.
    fn placed<'a>(
        &'a self,
        case: &'a Case,
        step: &Step,
        scope: &mut Scope,
    ) -> Result<(Cow<'a, Self>, Cow<'a, Case>), Skip> {
        let api = step.api.unwrap_or(case.api);
        // Most steps stay where their case is: nothing is cloned for them.
        let on = if api == case.api {
            Cow::Borrowed(case)
        } else {
            Cow::Owned(Case {
                api,
                ..case.clone()
            })
        };
        let runner = if step.site.is_none() && step.region.is_none() {
            Cow::Borrowed(self)
        } else {
            let (site, region) = (step.site.as_deref(), step.region.as_deref());
            let base = self
                .target
                .base_at(api, site, region)
                .ok_or_else(|| Skip::NoBase {
                    api,
                    site: site.unwrap_or("its own site").to_owned(),
                    region: region
                        .unwrap_or(credspec_core::api::TWILIO_DEFAULT_REGION)
                        .to_owned(),
                })?;
            Cow::Owned(self.rebased(api, &base))
        };
        if let Some(base) = runner.target.base(api) {
            scope.set("base_url", base);
        }
        Ok((runner, on))
    }

    /// The same runner with `api` at `base` (a step in another region).
    fn rebased(&self, api: ApiId, base: &str) -> Self {
        let mut runner = self.clone();
        runner.target = Arc::new(self.target.rebased(api, base));
        runner
    }

    /// Sends one request to the base URL of each of `apis` that the targets (this one, and
    /// the strict one) cover, and fails on the first that answers nothing: against an
    /// unreachable target every case would fail as `transport`, which says nothing about
    /// conformance. Any HTTP response, whatever its status, counts as reachable.
    pub async fn probe(&self, apis: impl IntoIterator<Item = ApiId>) -> Result<(), RunnerError> {
        let apis: std::collections::BTreeSet<ApiId> = apis.into_iter().collect();
        let mut seen = std::collections::BTreeSet::new();
        let targets = std::iter::once(&self.target).chain(self.strict.as_ref());
        for target in targets {
            for api in apis.iter().copied() {
                let Some(base) = target.base(api) else {
                    continue;
                };
                if !seen.insert(base.to_owned()) {
                    continue;
                }
                let sent = self
                    .client
                    .get(base)
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await;
                if let Err(e) = sent {
                    let mut reason = e.to_string();
                    let mut source = std::error::Error::source(&e);
                    while let Some(s) = source {
                        reason.push_str(&format!(": {s}"));
                        source = s.source();
                    }
                    return Err(RunnerError::Unreachable {
                        api,
                        base: base.to_owned(),
                        reason,
                    });
                }
            }
        }
        Ok(())
    }

    /// Runs one case, against the target of its profile.
    pub async fn run_case(&self, case: &Case) -> CaseReport {
        let mut report = match self.for_profile(case) {
            Ok(runner) => runner.run_case_here(case).await,
            Err(why) => {
                let mut report = Self::blank_report(case, CaseStatus::Skipped);
                report.note = Some(why.to_string());
                report
            }
        };
        // A listed case that did not run proves nothing either way: say so.
        if report.status == CaseStatus::Skipped
            && let Some(reason) = self.known.reason(&case.id)
        {
            let why = report.note.take().unwrap_or_default();
            report.note = Some(format!(
                "{why}; listed as a known failure ({reason}), not checked in this run"
            ));
        }
        report
    }

    /// The report of a case before it runs.
    fn blank_report(case: &Case, status: CaseStatus) -> CaseReport {
        CaseReport {
            id: case.id.clone(),
            title: case.title.clone(),
            api: case.api.to_string(),
            status,
            note: None,
            checks: Vec::new(),
            curls: BTreeMap::new(),
            lint: Vec::new(),
            rules: Vec::new(),
            snapshot: Vec::new(),
            millis: 0,
            shrunk: None,
        }
    }

    async fn run_case_here(&self, case: &Case) -> CaseReport {
        let started = Instant::now();
        let mut report = Self::blank_report(case, CaseStatus::Passed);
        let outcome = if self.target.base(case.api).is_none() {
            Err(Skip::NotTargeted(case.api))
        } else if case.kind == CaseKind::Scenario {
            self.scenario(case, &mut report).await
        } else if let (Some(request), Some(expect)) = (&case.request, &case.expect) {
            self.single(case, request, expect, &mut report).await
        } else {
            Err(Skip::NoRequest)
        };
        let failed = report.checks.iter().any(CheckResult::failed);
        report.status = match (outcome, failed, self.known.reason(&case.id)) {
            (Err(why), _, _) => {
                report.note = Some(why.to_string());
                CaseStatus::Skipped
            }
            (Ok(()), true, Some(reason)) => {
                report.note = Some(reason.to_owned());
                CaseStatus::KnownFailure
            }
            (Ok(()), true, None) => CaseStatus::Failed,
            (Ok(()), false, Some(reason)) => {
                report.note = Some(format!(
                    "listed as a known failure ({reason}) but passed: remove it from specs/known-failures.toml"
                ));
                CaseStatus::UnexpectedPass
            }
            (Ok(()), false, None) => CaseStatus::Passed,
        };
        report.millis = started.elapsed().as_millis();
        report
    }

    /// Runs every case whose id contains `filter` (all when `None`), `jobs` APIs at a time,
    /// calling `progress` as each case ends. Reports come back in spec order.
    pub async fn run_all(
        &self,
        filter: Option<&str>,
        jobs: usize,
        progress: Arc<dyn Fn(&CaseReport) + Send + Sync>,
    ) -> SuiteReport {
        self.run_selected(
            |case| filter.is_none_or(|f| case.id.contains(f)),
            jobs,
            progress,
        )
        .await
    }

    /// [`Runner::run_all`] over the cases `select` picks.
    pub async fn run_selected(
        &self,
        select: impl Fn(&Case) -> bool,
        jobs: usize,
        progress: Arc<dyn Fn(&CaseReport) + Send + Sync>,
    ) -> SuiteReport {
        let started = Instant::now();
        // One lane per store of core's table: the APIs of a store share the account's state
        // (the four classic Twilio APIs list each other's credentials), so their cases run
        // one after another.
        let mut lanes: BTreeMap<&str, Vec<(bool, usize)>> = BTreeMap::new();
        let cases = self.specs.cases().iter().chain(self.generated.iter());
        for (index, case) in cases.enumerate() {
            if select(case) {
                let scenario = case.kind == CaseKind::Scenario;
                lanes
                    .entry(case.api.api().store)
                    .or_default()
                    .push((scenario, index));
            }
        }
        // Single-request cases first, then scenarios, within each lane.
        let lanes: BTreeMap<&str, Vec<usize>> = lanes
            .into_iter()
            .map(|(store, mut indices)| {
                indices.sort_unstable();
                (store, indices.into_iter().map(|(_, i)| i).collect())
            })
            .collect();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
        let mut set = tokio::task::JoinSet::new();
        for (_, indices) in lanes {
            let runner = self.clone();
            let semaphore = Arc::clone(&semaphore);
            let progress = Arc::clone(&progress);
            set.spawn(async move {
                let _permit = semaphore.acquire_owned().await.ok();
                let mut out = Vec::new();
                for index in indices {
                    let Some(case) = runner.case_at(index) else {
                        continue;
                    };
                    let report = runner.run_case(case).await;
                    progress(&report);
                    out.push((index, report));
                }
                out
            });
        }
        let mut all = Vec::new();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(reports) => all.extend(reports),
                Err(e) => all.push((
                    usize::MAX,
                    CaseReport {
                        id: String::from("(runner)"),
                        title: String::from("a lane of the runner stopped"),
                        api: String::new(),
                        status: CaseStatus::Failed,
                        note: Some(e.to_string()),
                        checks: vec![CheckResult::from_failures(
                            CheckKind::Transport,
                            "lane",
                            vec![Failure::new(e.to_string())],
                        )],
                        curls: BTreeMap::new(),
                        lint: Vec::new(),
                        rules: Vec::new(),
                        snapshot: Vec::new(),
                        millis: 0,
                        shrunk: None,
                    },
                )),
            }
        }
        all.sort_by_key(|(i, _)| *i);
        let cases: Vec<CaseReport> = all.into_iter().map(|(_, r)| r).collect();
        SuiteReport {
            coverage: crate::coverage::matrix(&self.specs, &cases),
            cases,
            elapsed: started.elapsed(),
        }
    }
}
