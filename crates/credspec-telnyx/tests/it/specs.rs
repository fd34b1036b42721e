//! specs-driven test: every request body, query and documented response body in
//! `specs/telnyx/*/{cases,scenarios}/*.json` decodes with the codec of its operation and
//! status, re-encodes, and compares equal by meaning (JSON equality; for `body_match:
//! "subset"` bodies, every given member is kept).
//!
//! Bodies that only a template (`{{...}}`) keeps from decoding, and negative cases whose
//! request is malformed on purpose, are skipped and counted.

use std::fmt;
use std::path::{Path, PathBuf};

use credspec_telnyx::envelope::{
    Data, FindTelephonyCredentialsQuery, ListData, ListPushCredentialsQuery,
};
use credspec_telnyx::error::{DecodeError, ErrorBody};
use credspec_telnyx::mobile_push_credentials::{CreatePushCredentialRequest, PushCredential};
use credspec_telnyx::telephony_credentials::{
    AccessToken, CreateTelephonyCredentialRequest, TelephonyCredential,
    UpdateTelephonyCredentialRequest,
};
use serde_json::Value;

fn specs_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/telnyx")
}

/// A body that did not survive decode → encode.
#[derive(Debug)]
enum Mismatch {
    Decode(DecodeError),
    Differs { expected: Value, encoded: Value },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "does not decode: {e}"),
            Self::Differs { expected, encoded } => write!(
                f,
                "re-encoded body differs\n--- documented\n{}\n+++ re-encoded\n{}",
                serde_json::to_string_pretty(expected).unwrap_or_default(),
                serde_json::to_string_pretty(encoded).unwrap_or_default()
            ),
        }
    }
}

/// `subset` ⊆ `full` by meaning: objects member-wise, everything else equal.
fn is_subset(subset: &Value, full: &Value) -> bool {
    match (subset, full) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| is_subset(v, w))),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| is_subset(x, y))
        }
        _ => subset == full,
    }
}

fn compare(expected: &Value, encoded: &[u8], subset: bool) -> Result<(), Mismatch> {
    let encoded: Value = serde_json::from_slice(encoded).expect("encoders write JSON");
    let same = if subset {
        is_subset(expected, &encoded)
    } else {
        *expected == encoded
    };
    if same {
        Ok(())
    } else {
        Err(Mismatch::Differs {
            expected: expected.clone(),
            encoded,
        })
    }
}

fn round_trip(operation: &str, body: &Value) -> Option<Result<Vec<u8>, DecodeError>> {
    let bytes = serde_json::to_vec(body).expect("a JSON value serializes");
    Some(match operation {
        "CreatePushCredential" => CreatePushCredentialRequest::decode(&bytes).map(|r| r.encode()),
        "CreateTelephonyCredential" => {
            CreateTelephonyCredentialRequest::decode(&bytes).map(|r| r.encode())
        }
        "UpdateTelephonyCredential" => {
            UpdateTelephonyCredentialRequest::decode(&bytes).map(|r| r.encode())
        }
        _ => return None,
    })
}

fn response_round_trip(
    operation: &str,
    status: u16,
    body: &Value,
) -> Option<Result<Vec<u8>, DecodeError>> {
    let bytes = serde_json::to_vec(body).expect("a JSON value serializes");
    if status >= 400 {
        return Some(ErrorBody::decode(&bytes).map(|b| b.encode()));
    }
    Some(match operation {
        "CreatePushCredential" | "GetPushCredentialById" => {
            Data::<PushCredential>::decode(&bytes).map(|d| d.encode())
        }
        "ListPushCredentials" => ListData::<PushCredential>::decode(&bytes).map(|d| d.encode()),
        "FindTelephonyCredentials" => {
            ListData::<TelephonyCredential>::decode(&bytes).map(|d| d.encode())
        }
        "CreateTelephonyCredential"
        | "GetTelephonyCredential"
        | "UpdateTelephonyCredential"
        | "DeleteTelephonyCredential" => {
            Data::<TelephonyCredential>::decode(&bytes).map(|d| d.encode())
        }
        _ => return None,
    })
}

/// Builds a raw query string from a case's `query` object (values percent-encoded).
fn raw_query(query: &serde_json::Map<String, Value>) -> String {
    let mut out = Vec::new();
    for (k, v) in query {
        let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        let enc: String = v
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        out.push(format!("{k}={enc}"));
    }
    out.join("&")
}

fn has_template(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains("{{"),
        Value::Array(a) => a.iter().any(has_template),
        Value::Object(o) => o.values().any(has_template),
        _ => false,
    }
}

#[derive(Default, Debug)]
struct Tally {
    covered: usize,
    skipped: Vec<String>,
    failures: Vec<String>,
}

impl Tally {
    fn outcome(
        &mut self,
        what: String,
        body: &Value,
        negative: bool,
        result: Result<(), Mismatch>,
    ) {
        match result {
            Ok(()) => self.covered += 1,
            Err(Mismatch::Decode(e)) if negative || has_template(body) => {
                self.skipped.push(format!("{what}: {e}"));
            }
            Err(e) => self.failures.push(format!("{what}: {e}")),
        }
    }
}

fn exchange(tally: &mut Tally, id: &str, negative: bool, request: &Value, expect: &Value) {
    let operation = request["operation"].as_str().unwrap_or_default();
    if let Some(query) = request.get("query").and_then(Value::as_object) {
        let raw = raw_query(query);
        let parsed = match operation {
            "ListPushCredentials" => {
                Some(ListPushCredentialsQuery::decode(&raw).map(|q| q.encode()))
            }
            "FindTelephonyCredentials" => {
                Some(FindTelephonyCredentialsQuery::decode(&raw).map(|q| q.encode()))
            }
            _ => None,
        };
        if let Some(parsed) = parsed {
            let result = parsed.map_err(Mismatch::Decode).and_then(|encoded| {
                let back: Vec<(String, String)> = encoded
                    .split('&')
                    .filter(|p| !p.is_empty())
                    .filter_map(|p| p.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
                    .collect();
                let known = back.len();
                let given = query
                    .keys()
                    .filter(|k| k.starts_with("page[") || k.starts_with("filter["))
                    .count();
                if known == given {
                    Ok(())
                } else {
                    Err(Mismatch::Differs {
                        expected: Value::from(raw.clone()),
                        encoded: Value::from(encoded),
                    })
                }
            });
            tally.outcome(format!("{id} query"), &Value::Null, negative, result);
        }
    }
    if let Some((json, result)) = request
        .get("body")
        .and_then(|b| b.get("json"))
        .and_then(|json| Some((json, round_trip(operation, json)?)))
    {
        let result = result
            .map_err(Mismatch::Decode)
            .and_then(|encoded| compare(json, &encoded, false));
        tally.outcome(format!("{id} request"), json, negative, result);
    }
    let status = match &expect["status"] {
        Value::Number(n) => n.as_u64(),
        Value::Array(a) => a.first().and_then(Value::as_u64),
        _ => None,
    }
    .and_then(|s| u16::try_from(s).ok())
    .unwrap_or(0);
    let Some(body) = expect.get("body").filter(|b| !b.is_null()) else {
        return;
    };
    let subset = expect["body_match"].as_str() == Some("subset");
    if operation == "CreateTelephonyCredentialToken" && status == 201 {
        if let Some(text) = body.as_str() {
            let result = AccessToken::decode(text.as_bytes())
                .map_err(Mismatch::Decode)
                .and_then(|t| {
                    if t.encode() == text.as_bytes() {
                        Ok(())
                    } else {
                        Err(Mismatch::Differs {
                            expected: body.clone(),
                            encoded: Value::from(String::from_utf8_lossy(&t.encode()).into_owned()),
                        })
                    }
                });
            tally.outcome(format!("{id} token"), body, negative, result);
        }
        return;
    }
    if let Some(result) = response_round_trip(operation, status, body) {
        let result = result
            .map_err(Mismatch::Decode)
            .and_then(|encoded| compare(body, &encoded, subset));
        // A partial ("subset") body may lack members a decoder needs: not a failure.
        tally.outcome(
            format!("{id} response {status}"),
            body,
            negative || subset,
            result,
        );
    }
}

fn case_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(apis) = std::fs::read_dir(root) else {
        return files;
    };
    for api in apis.flatten() {
        for sub in ["cases", "scenarios"] {
            if let Ok(entries) = std::fs::read_dir(api.path().join(sub)) {
                files.extend(
                    entries
                        .flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|e| e == "json")),
                );
            }
        }
    }
    files.sort();
    files
}

/// The case files of `specs/` today, less a margin; raise it as cases are added.
const MIN_CASE_FILES: usize = 105;
/// The bodies the round trip covers today, less a margin.
const MIN_BODIES_COVERED: usize = 280;

#[test]
fn every_telnyx_spec_body_round_trips() {
    let mut tally = Tally::default();
    let files = case_files(&specs_root());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let case: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let id = case["id"].as_str().unwrap_or("?").to_owned();
        let negative = case["kind"].as_str() == Some("negative");
        if let Some(steps) = case.get("steps").and_then(Value::as_array) {
            let cleanup = case.get("cleanup").and_then(Value::as_array);
            for (i, step) in steps
                .iter()
                .chain(cleanup.into_iter().flatten())
                .enumerate()
            {
                let name = step["name"]
                    .as_str()
                    .map_or_else(|| i.to_string(), str::to_owned);
                exchange(
                    &mut tally,
                    &format!("{id}/{name}"),
                    false,
                    &step["request"],
                    &step["expect"],
                );
            }
        } else {
            exchange(&mut tally, &id, negative, &case["request"], &case["expect"]);
        }
    }
    // Reported in the test output (`--nocapture`) for the coverage count.
    let summary = format!(
        "telnyx specs: {} files, {} bodies covered, {} skipped",
        files.len(),
        tally.covered,
        tally.skipped.len()
    );
    std::io::Write::write_all(&mut std::io::stderr(), format!("{summary}\n").as_bytes()).ok();
    for s in &tally.skipped {
        std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("  skipped {s}\n").as_bytes(),
        )
        .ok();
    }
    assert!(
        tally.failures.is_empty(),
        "{summary}\n{}",
        tally.failures.join("\n\n")
    );
    // Without case files (a moved or empty specs/ directory) every loop above is empty and
    // nothing would fail: hold the suite to about its present size.
    assert!(
        files.len() >= MIN_CASE_FILES && tally.covered >= MIN_BODIES_COVERED,
        "{summary}: expected at least {MIN_CASE_FILES} case files and {MIN_BODIES_COVERED} bodies covered"
    );
}
