//! The bodies the codec benches decode, read from `specs/`: every documented example of the
//! OpenAPI documents (`examples.*.value` of each request body and each 2xx response), and
//! the request bodies (JSON or form), query strings and exact response bodies of the
//! positive cases. A `{{fixture:NAME}}` placeholder is replaced by the material the caller
//! gives for NAME (the conformance runner's generated certificates and keys, so that the
//! material rules parse real PEM); a body with any other `{{` template is left out.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Which side of an exchange a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// A request body (JSON, or form-encoded for Twilio's classic APIs) as a server
    /// decodes it.
    Request,
    /// A request's query string (form-encoded) as a server decodes it.
    Query,
    /// A response body as a client decodes it.
    Response,
}

impl Direction {
    /// `request`, `query` or `response`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Query => "query",
            Self::Response => "response",
        }
    }
}

/// One body to bench.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The API as `specs/` names it (`telnyx/telephony-credentials`).
    pub api: String,
    /// The OpenAPI `operationId`.
    pub operation: String,
    /// Where it comes from: `openapi:<example>` or `case:<file stem>`.
    pub source: String,
    /// Request, query or response.
    pub direction: Direction,
    /// The bytes as sent on the wire (JSON compact, or the query string).
    pub bytes: Vec<u8>,
}

/// A `specs/` file that cannot be read.
#[derive(Debug)]
pub struct FixtureError(String);

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FixtureError {}

/// The workspace's `specs/` directory.
pub fn specs_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

fn read_json(path: &Path) -> Result<Value, FixtureError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| FixtureError(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| FixtureError(format!("{}: {e}", path.display())))
}

fn has_template(value: &Value) -> bool {
    value.to_string().contains("{{")
}

/// The material of a fixture by name (`apns-dev-cert`), or `None` when there is none.
pub type Material<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `value` with each string that is exactly `{{fixture:NAME}}` replaced by NAME's material
/// (left as it is when `material` has none, so that the body is then left out).
fn with_material(value: &Value, material: Material<'_>) -> Value {
    match value {
        Value::String(s) => s
            .strip_prefix("{{fixture:")
            .and_then(|rest| rest.strip_suffix("}}"))
            .and_then(material)
            .map_or_else(|| value.clone(), Value::String),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| with_material(v, material)).collect())
        }
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), with_material(v, material)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every fixture of `vendor`'s APIs (`telnyx`, `twilio`), deduplicated per API, operation
/// and direction, in a stable order; `material` fills `{{fixture:NAME}}` placeholders.
pub fn load(vendor: &str, material: Material<'_>) -> Result<Vec<Fixture>, FixtureError> {
    let dir = specs_root().join(vendor);
    let mut apis: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| FixtureError(format!("{}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("openapi.json").is_file())
        .collect();
    apis.sort();
    let mut out = Vec::new();
    for api_dir in apis {
        let name = api_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let api = format!("{vendor}/{name}");
        openapi_examples(&api, &read_json(&api_dir.join("openapi.json"))?, &mut out);
        let mut cases: Vec<PathBuf> = std::fs::read_dir(api_dir.join("cases"))
            .map_err(|e| FixtureError(format!("{}: {e}", api_dir.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        cases.sort();
        for path in cases {
            let case = with_material(&read_json(&path)?, material);
            case_bodies(&api, &path, &case, &mut out);
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|f| {
        seen.insert((
            f.api.clone(),
            f.operation.clone(),
            f.direction,
            f.bytes.clone(),
        ))
    });
    Ok(out)
}

fn push_json(
    out: &mut Vec<Fixture>,
    api: &str,
    op: &str,
    source: String,
    dir: Direction,
    v: &Value,
) {
    if has_template(v) {
        return;
    }
    out.push(Fixture {
        api: api.to_owned(),
        operation: op.to_owned(),
        source,
        direction: dir,
        bytes: v.to_string().into_bytes(),
    });
}

fn openapi_examples(api: &str, doc: &Value, out: &mut Vec<Fixture>) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    for item in paths.values().filter_map(Value::as_object) {
        for op in item.values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let request = op.pointer("/requestBody/content/application~1json/examples");
            for (name, example) in request.and_then(Value::as_object).into_iter().flatten() {
                if let Some(value) = example.get("value") {
                    let source = format!("openapi:{name}");
                    push_json(out, api, id, source, Direction::Request, value);
                }
            }
            let form =
                op.pointer("/requestBody/content/application~1x-www-form-urlencoded/examples");
            for (name, example) in form.and_then(Value::as_object).into_iter().flatten() {
                if let Some(fields) = example.get("value").and_then(Value::as_object)
                    && !has_template(&Value::Object(fields.clone()))
                {
                    out.push(Fixture {
                        api: api.to_owned(),
                        operation: id.to_owned(),
                        source: format!("openapi:{name}"),
                        direction: Direction::Request,
                        bytes: form_text(fields).into_bytes(),
                    });
                }
            }
            let responses = op.get("responses").and_then(Value::as_object);
            for (status, response) in responses.into_iter().flatten() {
                if !status.starts_with('2') {
                    continue;
                }
                let content = response.get("content").and_then(Value::as_object);
                for (content_type, media) in content.into_iter().flatten() {
                    let mut examples: Vec<(String, &Value)> = media
                        .get("examples")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                        .filter_map(|(n, e)| Some((format!("openapi:{n}"), e.get("value")?)))
                        .collect();
                    if let Some(value) = media.get("example") {
                        examples.push((String::from("openapi:example"), value));
                    }
                    for (source, value) in examples {
                        match (content_type.as_str(), value) {
                            ("application/json", _) => {
                                push_json(out, api, id, source, Direction::Response, value);
                            }
                            (_, Value::String(text)) if !text.contains("{{") => out.push(Fixture {
                                api: api.to_owned(),
                                operation: id.to_owned(),
                                source,
                                direction: Direction::Response,
                                bytes: text.clone().into_bytes(),
                            }),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}

fn case_bodies(api: &str, path: &Path, case: &Value, out: &mut Vec<Fixture>) {
    if case.get("kind").and_then(Value::as_str) != Some("positive") {
        return;
    }
    let Some(op) = case.pointer("/request/operation").and_then(Value::as_str) else {
        return;
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let source = format!("case:{stem}");
    if let Some(body) = case.pointer("/request/body/json") {
        push_json(out, api, op, source.clone(), Direction::Request, body);
    }
    if let Some(form) = case
        .pointer("/request/body/form")
        .and_then(Value::as_object)
        && !form.is_empty()
        && !has_template(&Value::Object(form.clone()))
    {
        out.push(Fixture {
            api: api.to_owned(),
            operation: op.to_owned(),
            source: source.clone(),
            direction: Direction::Request,
            bytes: form_text(form).into_bytes(),
        });
    }
    if let Some(query) = case.pointer("/request/query").and_then(Value::as_object)
        && !query.is_empty()
        && !has_template(&Value::Object(query.clone()))
    {
        let text = form_text(query);
        out.push(Fixture {
            api: api.to_owned(),
            operation: op.to_owned(),
            source: source.clone(),
            direction: Direction::Query,
            bytes: text.into_bytes(),
        });
    }
    let exact = case.pointer("/expect/body_match").and_then(Value::as_str) == Some("exact");
    let ok = case
        .pointer("/expect/status")
        .and_then(Value::as_u64)
        .is_some_and(|s| (200..300).contains(&s));
    if let (true, true, Some(body)) = (exact, ok, case.pointer("/expect/body")) {
        push_json(out, api, op, source, Direction::Response, body);
    }
}

/// `k=v&...` with each key and value percent-encoded (a non-string value as its JSON text).
fn form_text(members: &serde_json::Map<String, Value>) -> String {
    members
        .iter()
        .map(|(k, v)| {
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            format!("{}={}", encode(k), encode(&v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query key or value as a client would (`[` and `]` included).
fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
