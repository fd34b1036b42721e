//! The checks a response goes through, each named and reported on its own: one module per
//! kind, each a function from one exchange ([`Exchange`]) to its failures, registered in
//! [`CHECKS`] in the order they run.

pub mod domain;

mod body;
mod error;
mod headers;
mod schema;
mod status;

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::exchange::Exchanged;
use crate::fixtures::Fixtures;
use crate::spec::{ApiId, Expect, Request, SpecSet};
use crate::target::Target;
use crate::template::Scope;

/// What the checks of one exchange read: the request as the case wrote it, what the case
/// expects, what came back, and the run's specs, target and fixtures.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exchange<'a> {
    /// The API the request went to.
    pub(crate) api: ApiId,
    /// The request, as the case writes it.
    pub(crate) request: &'a Request,
    /// What the case expects.
    pub(crate) expect: &'a Expect,
    /// The variables the request and expectations were rendered with.
    pub(crate) scope: &'a Scope,
    /// What came back.
    pub(crate) exchanged: &'a Exchanged,
    /// The run's fixture material.
    pub(crate) fixtures: &'a Fixtures,
    /// The documents.
    pub(crate) specs: &'a SpecSet,
    /// The target (base URLs and accounts).
    pub(crate) target: &'a Target,
}

impl Exchange<'_> {
    /// Whether the status is one the case expects.
    pub(crate) fn status_ok(&self) -> bool {
        self.expect.status.matches(self.exchanged.response.status)
    }
}

/// A check: the failures of one exchange, or `None` where it does not apply (no documented
/// body, no expected error code, a status the case does not expect, ...).
pub(crate) type Check = fn(&Exchange<'_>) -> Option<Vec<Failure>>;

/// Every check of an exchange, in the order they run. Transport, capture and cleanup are
/// the runner's own: they judge the sending and the scenario, not one answer.
pub(crate) const CHECKS: &[(CheckKind, Check)] = &[
    (CheckKind::Status, status::check),
    (CheckKind::Headers, headers::check),
    (CheckKind::Schema, schema::check),
    (CheckKind::Domain, domain::on_exchange),
    (CheckKind::Body, body::check),
    (CheckKind::Error, error::check),
];

/// The checks of an exchange no case wrote (one the proxy saw): those of [`CHECKS`] that
/// need no documented body or expected code, the error check judging the format alone.
pub(crate) const OBSERVED_CHECKS: &[(CheckKind, Check)] = &[
    (CheckKind::Status, status::check),
    (CheckKind::Headers, headers::check),
    (CheckKind::Schema, schema::check),
    (CheckKind::Domain, domain::on_exchange),
    (CheckKind::Error, error::format),
];

/// A JSON value as text: a string without its quotes.
pub(crate) fn string_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The kinds of check, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CheckKind {
    /// The request could be built and sent and a response came back.
    Transport,
    /// The status code.
    Status,
    /// Required headers and the content type.
    Headers,
    /// The body against the operation's JSON Schema.
    Schema,
    /// Domain rules of credspec-core (id formats, accounts, self links, dates, secrets).
    Domain,
    /// The documented body, field by field after redaction.
    Body,
    /// A refusal in the vendor's error format with the expected code.
    Error,
    /// Scenario captures.
    Capture,
    /// Scenario cleanup.
    Cleanup,
}

impl CheckKind {
    /// Every kind.
    pub const ALL: [Self; 9] = [
        Self::Transport,
        Self::Status,
        Self::Headers,
        Self::Schema,
        Self::Domain,
        Self::Body,
        Self::Error,
        Self::Capture,
        Self::Cleanup,
    ];

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transport => "transport",
            Self::Status => "status",
            Self::Headers => "headers",
            Self::Schema => "schema",
            Self::Domain => "domain",
            Self::Body => "body",
            Self::Error => "error",
            Self::Capture => "capture",
            Self::Cleanup => "cleanup",
        }
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found by a check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// What is wrong, in one line.
    pub message: String,
    /// What was expected (a JSON pointer's value, a status, ...), if one thing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What was received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

impl Failure {
    /// A failure with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            expected: None,
            actual: None,
        }
    }

    /// A failure with expected and actual values.
    pub fn diff(
        message: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Self {
            message: message.into(),
            expected: Some(expected.into()),
            actual: Some(actual.into()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(e) = &self.expected {
            write!(f, "\n    - expected: {e}")?;
        }
        if let Some(a) = &self.actual {
            write!(f, "\n    + actual:   {a}")?;
        }
        Ok(())
    }
}

/// How one check ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// Every condition held.
    Passed,
    /// At least one did not.
    Failed {
        /// Every problem found.
        failures: Vec<Failure>,
    },
}

/// One check's result within a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    /// Which check.
    pub kind: CheckKind,
    /// The scenario step (or `request` for a single-request case).
    pub step: String,
    /// The API the step's request went to, when the check judged one exchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiId>,
    /// The operation of that request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl CheckResult {
    /// A result from a list of failures (none = passed).
    pub fn from_failures(kind: CheckKind, step: &str, failures: Vec<Failure>) -> Self {
        let outcome = if failures.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed { failures }
        };
        Self {
            kind,
            step: step.to_owned(),
            api: None,
            operation: None,
            outcome,
        }
    }

    /// The same result, of an exchange of `api`'s `operation`.
    #[must_use]
    pub fn on(mut self, api: ApiId, operation: &str) -> Self {
        self.api = Some(api);
        self.operation = Some(operation.to_owned());
        self
    }

    /// True if it failed.
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed { .. })
    }
}

/// A short rendering of a JSON value for messages, every secret in it masked (core's
/// [`credspec_core::secret::mask_json`]: a failure message of a run against the live vendor
/// must not print its SIP passwords, keys or tokens).
pub fn show(value: &Value) -> String {
    let mut value = value.clone();
    credspec_core::secret::mask_json(&mut value);
    let s = value.to_string();
    if s.chars().count() > 300 {
        let cut: String = s.chars().take(300).collect();
        format!("{cut}...")
    } else {
        s
    }
}

/// Compares `expected` with `actual` member by member, appending one failure per differing
/// JSON pointer. With `subset`, members of `actual` not named in `expected` are ignored.
pub fn compare(
    expected: &Value,
    actual: &Value,
    subset: bool,
    pointer: &str,
    out: &mut Vec<Failure>,
) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                match a.get(k) {
                    Some(av) => compare(ev, av, subset, &p, out),
                    None => out.push(Failure::diff(format!("{p}: missing"), show(ev), "(absent)")),
                }
            }
            if !subset {
                for (k, av) in a {
                    if !e.contains_key(k) {
                        let p = format!("{pointer}/{k}");
                        out.push(Failure::diff(
                            format!("{p}: unexpected member"),
                            "(absent)",
                            show(av),
                        ));
                    }
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if subset => {
            // Subset arrays mean "contains": each expected element matches some element,
            // in any order.
            for (i, ev) in e.iter().enumerate() {
                let found = a.iter().any(|av| {
                    let mut scratch = Vec::new();
                    compare(ev, av, true, "", &mut scratch);
                    scratch.is_empty()
                });
                if !found {
                    out.push(Failure::diff(
                        format!("{pointer}/{i}: no matching element"),
                        show(ev),
                        show(&Value::Array(a.clone())),
                    ));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(Failure::diff(
                    format!(
                        "{}: array length",
                        if pointer.is_empty() { "/" } else { pointer }
                    ),
                    e.len().to_string(),
                    a.len().to_string(),
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                compare(ev, av, subset, &format!("{pointer}/{i}"), out);
            }
        }
        (e, a) if e == a => {}
        // A secret member that differs: say where, never what.
        (_, _) if credspec_core::secret::is_secret_pointer(pointer) => out.push(Failure::diff(
            format!("{pointer}: differs"),
            credspec_core::secret::MASK,
            credspec_core::secret::MASK,
        )),
        (e, a) => out.push(Failure::diff(
            format!(
                "{}: differs",
                if pointer.is_empty() { "/" } else { pointer }
            ),
            show(e),
            show(a),
        )),
    }
}

/// Every concrete pointer matching `pattern`, where a `*` segment stands for every array
/// element or object member.
pub fn expand_pointer(value: &Value, pattern: &str) -> Vec<String> {
    fn walk(value: &Value, segments: &[&str], prefix: String, out: &mut Vec<String>) {
        let Some((first, rest)) = segments.split_first() else {
            out.push(prefix);
            return;
        };
        if *first == "*" {
            match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        walk(item, rest, format!("{prefix}/{i}"), out);
                    }
                }
                Value::Object(map) => {
                    for (k, v) in map {
                        walk(v, rest, format!("{prefix}/{k}"), out);
                    }
                }
                _ => {}
            }
        } else if let Some(next) = value.pointer(&format!("/{first}")) {
            walk(next, rest, format!("{prefix}/{first}"), out);
        }
    }
    if pattern.is_empty() {
        return vec![String::new()];
    }
    let segments: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    let mut out = Vec::new();
    walk(value, &segments, String::new(), &mut out);
    out
}

/// Replaces the value at each pointer matching `pattern` with `[kind]` (when present and
/// not null).
pub fn redact(value: &mut Value, pattern: &str, kind: &str) {
    for pointer in expand_pointer(value, pattern) {
        if let Some(slot) = value.pointer_mut(&pointer)
            && !slot.is_null()
        {
            *slot = Value::String(format!("[{kind}]"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compare_reports_each_differing_pointer() {
        let mut out = Vec::new();
        compare(
            &json!({"a": 1, "b": {"c": [1, 2]}, "d": "x"}),
            &json!({"a": 2, "b": {"c": [1]}, "e": true}),
            false,
            "",
            &mut out,
        );
        let messages: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "/a: differs",
                "/b/c: array length",
                "/d: missing",
                "/e: unexpected member"
            ]
        );
        let mut out = Vec::new();
        compare(
            &json!({"a": 1}),
            &json!({"a": 1, "b": 2}),
            true,
            "",
            &mut out,
        );
        assert!(out.is_empty());
        compare(
            &json!({"a": 1}),
            &json!({"a": 1, "b": 2}),
            false,
            "",
            &mut out,
        );
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn wildcard_redaction() {
        let mut v = json!({"credentials": [{"sid": "CR1", "x": null}, {"sid": "CR2", "x": 1}]});
        redact(&mut v, "/credentials/*/sid", "id");
        redact(&mut v, "/credentials/*/x", "id");
        assert_eq!(
            v,
            json!({"credentials": [{"sid": "[id]", "x": null}, {"sid": "[id]", "x": "[id]"}]})
        );
        assert_eq!(expand_pointer(&v, "/nope/*"), Vec::<String>::new());
    }
}
