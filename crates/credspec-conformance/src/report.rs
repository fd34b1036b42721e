//! Reports of a run: the closing summary table ([`summary_table`]), JUnit XML ([`junit`])
//! and JSON ([`json`]).
//!
//! # JUnit XML
//!
//! One `<testsuite>` per API (`name`, `tests`, `failures`, `skipped`), one `<testcase>` per
//! case (`classname` = the API, `name` = the case id, `time` in seconds). A failed case has
//! a `<failure message="first line">` holding every failed check with expected and actual
//! values and the curl command of each failed step; a skipped case or a known failure has
//! `<skipped message="why"/>`. Characters XML 1.0 cannot hold (control characters other
//! than tab and line breaks) are written as `\u{..}`.
//!
//! # JSON
//!
//! `credspec conform --report json=FILE` writes the [`SuiteReport`] (pretty-printed):
//!
//! ```json
//! {
//!   "cases": [
//!     {
//!       "id": "telephony-credentials.create.documented-response",
//!       "title": "Create a credential as documented",
//!       "api": "telnyx/telephony-credentials",
//!       "status": "failed",
//!       "checks": [
//!         { "kind": "status", "step": "request", "outcome": "passed" },
//!         { "kind": "domain", "step": "request", "outcome": "failed",
//!           "failures": [ { "message": "created_at is not ISO-8601",
//!                           "expected": "2020-06-18T21:32:38.000Z",
//!                           "actual": "Thu, 18 Jun 2020 21:32:38 +0000" } ] }
//!       ],
//!       "curls": { "request": "curl -X POST 'http://127.0.0.1:4010/telnyx/v2/telephony_credentials' ..." },
//!       "millis": 3
//!     }
//!   ],
//!   "coverage": [
//!     { "api": "telnyx/telephony-credentials", "operation": "CreateTelephonyCredential",
//!       "checks": { "status": { "runs": 37, "failed": 1 }, "capture": { "runs": 0, "failed": 0 } } }
//!   ]
//! }
//! ```
//!
//! - `status`: `passed`, `failed`, `skipped`, `known-failure` or `unexpected-pass` (listed in
//!   `specs/known-failures.toml` but passed; fails the run like `failed`).
//! - `note`: present for `skipped` (why) and `known-failure` / `unexpected-pass` (the listed
//!   reason).
//! - `checks[].kind`: `transport`, `status`, `headers`, `schema`, `domain`, `body`, `error`,
//!   `capture` or `cleanup`; `step`: the scenario step's name, `request` for a single-request
//!   case, `cleanup` for cleanup; `outcome`: `passed` or `failed` (with `failures`, each with
//!   `message` and, when the check compared one value, `expected` and `actual`). A check
//!   that does not apply (the schema of an unexpected status, the domain rules of a
//!   refusal) is not listed.
//! - `curls`: for each failed step, a curl command that reproduces its request, secrets
//!   masked.
//! - `lint` (present when not empty): the `lint` findings the target reported on accepted
//!   requests, each a `Credspec-Lint` header value `<rule id>; <json pointer>`
//!   (`"material.key-matches-certificate; /private_key"`), in the order received.
//! - `rules` (present when not empty): the rules the target named for refused requests,
//!   each a `Credspec-Rule` header value `<rule id>; <json pointer>`
//!   (`"twilio.classic.friendly-name-length; /FriendlyName"`); the credspec emulator sends
//!   them beside the vendor's error body, a vendor sends none.
//! - `millis`: the case's wall time.
//! - `checks[].api`, `checks[].operation`: the API and operation of the step's request.
//! - `coverage`: every operation of every document, with the steps each check kind judged
//!   and how many of them failed ([`crate::coverage`]); `credspec conform --coverage` prints
//!   it as a table.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::check::{CheckKind, CheckResult, Outcome};

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    /// Every check passed.
    Passed,
    /// A check failed.
    Failed,
    /// The target cannot run it (API not targeted, no second account, ...).
    Skipped,
    /// It failed and is listed in `specs/known-failures.toml`.
    KnownFailure,
    /// It is listed as a known failure but passed: the list must shrink.
    UnexpectedPass,
}

impl CaseStatus {
    /// True for the outcomes that fail a run.
    pub fn fails_run(self) -> bool {
        matches!(self, Self::Failed | Self::UnexpectedPass)
    }
}

/// The result of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    /// Case id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its API.
    pub api: String,
    /// How it ended.
    pub status: CaseStatus,
    /// Why it was skipped, or the known-failure reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every check, in order.
    pub checks: Vec<CheckResult>,
    /// The request of each failed step as a curl command (secrets masked).
    pub curls: BTreeMap<String, String>,
    /// The `lint` findings the target reported on accepted requests, one `Credspec-Lint`
    /// header value (`<rule id>; <json pointer>`) each, in the order received.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lint: Vec<String>,
    /// The rules the target named for refused requests, one `Credspec-Rule` header value
    /// (`<rule id>; <json pointer>`) each, in the order received. The credspec emulator sends
    /// them beside the vendor's error body; other targets send none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// The normalized responses, for snapshots.
    #[serde(skip)]
    pub snapshot: Vec<Value>,
    /// Wall time.
    pub millis: u128,
    /// For a failed case of drawn values, the smallest draw found that still fails the same
    /// way ([`crate::generate::shrink`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shrunk: Option<Box<Shrunk>>,
}

/// A failed drawn case shrunk: the simplest draw found that fails by one of the same checks.
#[derive(Debug, Clone, Serialize)]
pub struct Shrunk {
    /// How many candidates were run to find it.
    pub runs: usize,
    /// The requests it sends (the original's count beside it in the text).
    pub requests: usize,
    /// The seed that draws the original: `--seed` with the same `--generate` replays it.
    pub seed: u64,
    /// The shrunk case's own report: its failures and their curl lines.
    pub report: CaseReport,
    /// The shrunk case itself.
    #[serde(skip)]
    pub case: crate::spec::Case,
}

impl CaseReport {
    /// The kinds of check that failed it.
    pub fn failed_kinds(&self) -> std::collections::BTreeSet<CheckKind> {
        self.checks
            .iter()
            .filter(|c| c.failed())
            .map(|c| c.kind)
            .collect()
    }

    /// A readable account of why the case fails the run: every failed check, or, for an
    /// unexpected pass, why passing fails it.
    pub fn failure_text(&self) -> String {
        let mut out = String::new();
        if self.status == CaseStatus::UnexpectedPass {
            out.push_str(self.note.as_deref().unwrap_or(
                "listed as a known failure but passed: remove it from specs/known-failures.toml",
            ));
            out.push('\n');
            return out;
        }
        for check in self.checks.iter().filter(|c| c.failed()) {
            if let Outcome::Failed { failures } = &check.outcome {
                out.push_str(&format!("[{}] {}:\n", check.kind, check.step));
                for f in failures {
                    out.push_str(&format!("  {f}\n"));
                }
                if let Some(curl) = self.curls.get(&check.step) {
                    out.push_str(&format!("  reproduce: {curl}\n"));
                }
            }
        }
        if let Some(shrunk) = &self.shrunk {
            out.push_str(&format!(
                "shrunk after {} runs to {} request(s) (seed {}; `--seed {}` with the same \
                 --generate replays the original):\n",
                shrunk.runs, shrunk.requests, shrunk.seed, shrunk.seed
            ));
            for line in shrunk.report.failure_text().lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }
}

/// The result of a whole run.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteReport {
    /// Every case run, in spec order.
    pub cases: Vec<CaseReport>,
    /// What the run exercised: every operation against every check kind
    /// ([`crate::coverage`]).
    pub coverage: Vec<crate::coverage::CoverageRow>,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl SuiteReport {
    /// True when no case failed the run.
    pub fn passed(&self) -> bool {
        !self.cases.iter().any(|c| c.status.fails_run())
    }
}

/// Counts of cases by how they ended, or of checks (only `passed` and `failed`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Failed, or (cases) passed though listed as known failures.
    pub failed: usize,
    /// Cases that failed as `specs/known-failures.toml` expects: neither passes nor
    /// failures of the run.
    pub known: usize,
    /// Cases the target could not run.
    pub skipped: usize,
}

/// Counts per API: cases, and checks per kind.
pub fn tally(report: &SuiteReport) -> BTreeMap<String, (Counts, BTreeMap<CheckKind, Counts>)> {
    let mut out: BTreeMap<String, (Counts, BTreeMap<CheckKind, Counts>)> = BTreeMap::new();
    for case in &report.cases {
        let (cases, checks) = out.entry(case.api.clone()).or_default();
        match case.status {
            CaseStatus::Passed => cases.passed += 1,
            CaseStatus::Failed | CaseStatus::UnexpectedPass => cases.failed += 1,
            CaseStatus::KnownFailure => cases.known += 1,
            CaseStatus::Skipped => cases.skipped += 1,
        }
        for check in &case.checks {
            let c = checks.entry(check.kind).or_default();
            match check.outcome {
                Outcome::Passed => c.passed += 1,
                Outcome::Failed { .. } => c.failed += 1,
            }
        }
    }
    out
}

/// The closing summary: one row per API with its cases as passed/failed/known/skipped and
/// each check kind as passed/failed, then the totals.
pub fn summary_table(report: &SuiteReport) -> String {
    let tally = tally(report);
    let kinds: Vec<CheckKind> = CheckKind::ALL
        .into_iter()
        .filter(|k| tally.values().any(|(_, m)| m.contains_key(k)))
        .collect();
    let mut header = vec![String::from("API"), String::from("cases")];
    header.extend(kinds.iter().map(|k| k.to_string()));
    let mut rows = vec![header];
    let case_cell = |c: &Counts| format!("{}/{}/{}/{}", c.passed, c.failed, c.known, c.skipped);
    let check_cell = |c: &Counts| format!("{}/{}", c.passed, c.failed);
    let mut total = Counts::default();
    for (api, (cases, checks)) in &tally {
        total.passed += cases.passed;
        total.failed += cases.failed;
        total.known += cases.known;
        total.skipped += cases.skipped;
        let mut row = vec![api.clone(), case_cell(cases)];
        row.extend(
            kinds
                .iter()
                .map(|k| checks.get(k).map_or_else(|| String::from("-"), check_cell)),
        );
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::from("cases: passed/failed/known/skipped; checks: passed/failed\n");
    for (n, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
        if n == 0 {
            out.push_str(
                &widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  "),
            );
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "{} cases, {} failed, {} passed, {} known failures, {} skipped, in {:.2}s",
        report.cases.len(),
        total.failed,
        total.passed,
        total.known,
        total.skipped,
        report.elapsed.as_secs_f64()
    );
    out
}

/// Escapes text for an XML attribute or element. XML 1.0 cannot hold most control
/// characters even escaped (a response body in a failure may contain any), so those are
/// written as `\u{..}`.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test suite per API, one test case per case.
pub fn junit(report: &SuiteReport) -> String {
    let mut by_api: BTreeMap<&str, Vec<&CaseReport>> = BTreeMap::new();
    for case in &report.cases {
        by_api.entry(case.api.as_str()).or_default().push(case);
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"credspec\">\n",
    );
    for (api, cases) in by_api {
        let failures = cases.iter().filter(|c| c.status.fails_run()).count();
        // Known failures are written as `<skipped>` too, so they count here.
        let skipped = cases
            .iter()
            .filter(|c| matches!(c.status, CaseStatus::Skipped | CaseStatus::KnownFailure))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
            xml_escape(api),
            cases.len()
        );
        for case in cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml_escape(api),
                xml_escape(&case.id),
                case.millis as f64 / 1000.0
            );
            match case.status {
                CaseStatus::Failed | CaseStatus::UnexpectedPass => {
                    let text = if case.status == CaseStatus::UnexpectedPass {
                        case.note.clone().unwrap_or_default()
                    } else {
                        case.failure_text()
                    };
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        xml_escape(text.lines().next().unwrap_or("failed")),
                        xml_escape(&text)
                    );
                }
                CaseStatus::Skipped | CaseStatus::KnownFailure => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        xml_escape(case.note.as_deref().unwrap_or(""))
                    );
                }
                CaseStatus::Passed => out.push_str("/>\n"),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The whole report as JSON, in the shape the module documentation shows.
pub fn json(report: &SuiteReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
