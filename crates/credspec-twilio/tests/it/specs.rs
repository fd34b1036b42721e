//! specs-driven test: every request body, query and documented response body in
//! `specs/twilio/*/{cases,scenarios}/*.json` decodes with the codec of its operation and
//! status, re-encodes, and compares equal by meaning (JSON equality; form parameters in any
//! order, the ones the API reads; for `body_match: "subset"` bodies, every given member is
//! kept). Passes with no case files at all.
//!
//! Bodies that only a template (`{{...}}`) keeps from decoding, and negative cases whose
//! request is malformed on purpose, are skipped and counted.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use credspec_twilio::classic::{
    CreateCredentialRequest, CredentialResource, ListCredentialQuery, ListCredentialResponse,
    UpdateCredentialRequest,
};
use credspec_twilio::comms::{
    AcceptedResponse, CreatePushCredentialRequest, ListPushCredentialsQuery,
    ListPushCredentialsResponse, PushNotificationCredential, UpdatePushCredentialRequest,
};
use credspec_twilio::error::{CommsErrorBody, DecodeError, ErrorBody};
use serde_json::{Map, Value};

fn specs_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/twilio")
}

/// A body that did not survive decode → encode.
#[derive(Debug)]
enum Mismatch {
    Decode(DecodeError),
    Differs { expected: String, encoded: String },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "does not decode: {e}"),
            Self::Differs { expected, encoded } => {
                write!(
                    f,
                    "re-encoded differs\n--- documented\n{expected}\n+++ re-encoded\n{encoded}"
                )
            }
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

fn compare_json(expected: &Value, encoded: &[u8], subset: bool) -> Result<(), Mismatch> {
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
            expected: expected.to_string(),
            encoded: encoded.to_string(),
        })
    }
}

fn text_of(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// A case's `form`/`query` object as a form string, and the set of (name, value) pairs
/// among `known`.
fn form_of(object: &Map<String, Value>, known: &[&str]) -> (String, BTreeSet<(String, String)>) {
    let mut form = form_urlencoded::Serializer::new(String::new());
    let mut pairs = BTreeSet::new();
    for (k, v) in object {
        form.append_pair(k, &text_of(v));
        if known.contains(&k.as_str()) {
            pairs.insert((k.clone(), text_of(v)));
        }
    }
    (form.finish(), pairs)
}

fn form_round_trip(
    object: &Map<String, Value>,
    known: &[&str],
    codec: impl Fn(&[u8]) -> Result<String, DecodeError>,
) -> Result<(), Mismatch> {
    let (raw, given) = form_of(object, known);
    let encoded = codec(raw.as_bytes()).map_err(Mismatch::Decode)?;
    let back: BTreeSet<(String, String)> = form_urlencoded::parse(encoded.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if back == given {
        Ok(())
    } else {
        Err(Mismatch::Differs {
            expected: format!("{given:?}"),
            encoded,
        })
    }
}

fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("encoders write UTF-8")
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
    fn outcome(&mut self, what: String, body: &Value, lenient: bool, result: Result<(), Mismatch>) {
        match result {
            Ok(()) => self.covered += 1,
            Err(Mismatch::Decode(e)) if lenient || has_template(body) => {
                self.skipped.push(format!("{what}: {e}"));
            }
            Err(e) => self.failures.push(format!("{what}: {e}")),
        }
    }
}

fn request_round_trip(operation: &str, body: &Value) -> Option<Result<(), Mismatch>> {
    if let Some(form) = body.get("form").and_then(Value::as_object) {
        return Some(match operation {
            "CreateCredential" => form_round_trip(form, CreateCredentialRequest::PARAMETERS, |b| {
                CreateCredentialRequest::decode(b).map(|r| utf8(r.encode()))
            }),
            "UpdateCredential" => form_round_trip(form, UpdateCredentialRequest::PARAMETERS, |b| {
                UpdateCredentialRequest::decode(b).map(|r| utf8(r.encode()))
            }),
            _ => return None,
        });
    }
    let json = body.get("json")?;
    let bytes = serde_json::to_vec(json).expect("a JSON value serializes");
    let encoded = match operation {
        "CreatePushCredential" => CreatePushCredentialRequest::decode(&bytes).map(|r| r.encode()),
        "UpdatePushCredential" => UpdatePushCredentialRequest::decode(&bytes).map(|r| r.encode()),
        _ => return None,
    };
    Some(
        encoded
            .map_err(Mismatch::Decode)
            .and_then(|e| compare_json(json, &e, false)),
    )
}

fn response_round_trip(
    operation: &str,
    status: u16,
    body: &Value,
) -> Option<Result<Vec<u8>, DecodeError>> {
    let bytes = serde_json::to_vec(body).expect("a JSON value serializes");
    let comms = operation.contains("PushCredential");
    Some(match (comms, status) {
        (false, 400..) => ErrorBody::decode(&bytes).map(|b| b.encode()),
        (true, 400..) => CommsErrorBody::decode(&bytes).map(|b| b.encode()),
        (false, _) if operation == "ListCredential" => {
            ListCredentialResponse::decode(&bytes).map(|b| b.encode())
        }
        (false, 200 | 201) => CredentialResource::decode(&bytes).map(|b| b.encode()),
        (true, 202) => AcceptedResponse::decode(&bytes).map(|b| b.encode()),
        (true, _) if operation == "ListPushCredentials" => {
            ListPushCredentialsResponse::decode(&bytes).map(|b| b.encode())
        }
        (true, 200) => PushNotificationCredential::decode(&bytes).map(|b| b.encode()),
        _ => return None,
    })
}

fn exchange(tally: &mut Tally, id: &str, negative: bool, request: &Value, expect: &Value) {
    let operation = request["operation"].as_str().unwrap_or_default();
    if let Some(query) = request.get("query").and_then(Value::as_object) {
        let result = match operation {
            "ListCredential" => Some(form_round_trip(
                query,
                ListCredentialQuery::PARAMETERS,
                |b| {
                    let text = std::str::from_utf8(b).unwrap_or_default();
                    ListCredentialQuery::decode(text).map(|q| q.encode())
                },
            )),
            "ListPushCredentials" => Some(form_round_trip(
                query,
                ListPushCredentialsQuery::PARAMETERS,
                |b| {
                    let text = std::str::from_utf8(b).unwrap_or_default();
                    ListPushCredentialsQuery::decode(text).map(|q| q.encode())
                },
            )),
            _ => None,
        };
        if let Some(result) = result {
            tally.outcome(format!("{id} query"), &Value::Null, negative, result);
        }
    }
    if let Some(body) = request.get("body")
        && let Some(result) = request_round_trip(operation, body)
    {
        tally.outcome(format!("{id} request"), body, negative, result);
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
    if let Some(result) = response_round_trip(operation, status, body) {
        let result = result
            .map_err(Mismatch::Decode)
            .and_then(|encoded| compare_json(body, &encoded, subset));
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
const MIN_CASE_FILES: usize = 270;
/// The bodies the round trip covers today, less a margin.
const MIN_BODIES_COVERED: usize = 650;

#[test]
fn every_twilio_spec_body_round_trips() {
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
                // A step that expects an error sends a malformed body on purpose.
                let refused = step["expect"]["status"].as_u64().is_some_and(|s| s >= 400);
                exchange(
                    &mut tally,
                    &format!("{id}/{name}"),
                    refused,
                    &step["request"],
                    &step["expect"],
                );
            }
        } else {
            exchange(&mut tally, &id, negative, &case["request"], &case["expect"]);
        }
    }
    let summary = format!(
        "twilio specs: {} files, {} bodies covered, {} skipped",
        files.len(),
        tally.covered,
        tally.skipped.len()
    );
    let mut report = format!("{summary}\n");
    for s in &tally.skipped {
        report.push_str(&format!("  skipped {s}\n"));
    }
    std::io::Write::write_all(&mut std::io::stderr(), report.as_bytes()).ok();
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
