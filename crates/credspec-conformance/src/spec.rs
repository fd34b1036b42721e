//! `specs/` as typed data: the OpenAPI document of every API of core's table, the documented example cases and
//! scenarios, and the JSON Schema validators built from them once.
//!
//! The case format is documented in `specs/README.md` and fixed by `specs/case.schema.json`;
//! [`SpecSet::load`] checks every case file against that schema before it reads it into a
//! [`Case`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use credspec_core::timestamp::{Timestamp, TimestampForm};
use jsonschema::Validator;
use serde::Deserialize;
use serde_json::Value;

pub use credspec_core::api::{ApiId, ErrorFormat};

/// Why `specs/` could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not valid JSON or does not have the expected shape.
    #[error("{path}: {source}")]
    Json {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// A case file breaks `case.schema.json`.
    #[error("{path} breaks case.schema.json:\n{errors}")]
    CaseSchema {
        /// The path.
        path: PathBuf,
        /// One line per error: instance path and message.
        errors: String,
    },
    /// A schema in an OpenAPI document (or the case schema) does not compile.
    #[error("schema {pointer} of {api} does not compile: {message}")]
    Schema {
        /// The API (or `case.schema.json`).
        api: String,
        /// The JSON pointer of the schema.
        pointer: String,
        /// The compiler's message.
        message: String,
    },
    /// A document's `x-credspec` block says something the oracle cannot read.
    #[error("{api}: x-credspec: {message}")]
    Oracle {
        /// The API.
        api: ApiId,
        /// What is wrong.
        message: String,
    },
    /// Two operations of one document share an operationId.
    #[error("{api}: operationId {operation} appears twice")]
    DuplicateOperation {
        /// The API.
        api: ApiId,
        /// The operationId.
        operation: String,
    },
}

/// One operation of an OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// Its operationId.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template (`/v1/Credentials/{Sid}`).
    pub path: String,
    /// JSON pointer of the operation object in the document.
    pub pointer: String,
    /// The `default` of each integer query parameter (`PageSize` 50, `page[number]` 1).
    pub query_defaults: BTreeMap<String, u64>,
}

/// What a document says for the oracle beyond JSON Schema, in its `x-credspec` block: the
/// runner reads its facts from `specs/`, never from the codecs the emulator is built from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Oracle {
    /// The form of each timestamp member, from `x-credspec.timestamps`: member → an example
    /// in that form, read by core's parser (`"date_created": "2015-10-07T17:50:01Z"`).
    pub timestamps: BTreeMap<String, TimestampForm>,
    /// The JSON pointer to the code of an error body (`x-credspec.error_code`: `/code`,
    /// `/errors/0/code`).
    pub error_code: String,
    /// The JSON pointer to a member of an error body that repeats the HTTP status, if the
    /// format has one (`x-credspec.error_status`: Twilio classic, `/status`).
    pub error_status: Option<String>,
    /// The `alg` of the access tokens the API answers, if it answers any
    /// (`x-credspec.token_alg`: Telnyx telephony, `HS512`).
    pub token_alg: Option<String>,
    /// The rules on the API's state that generated sequences model, from `x-credspec.state`
    /// ([`crate::generate`]): what each refuses, and with which answer.
    pub state: Vec<StateRule>,
}

/// A rule on an API's state, as `x-credspec.state` states it: which core rule, what it
/// constrains, and the documented refusal of a request that breaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StateRule {
    /// The core rule (`telnyx.push.alias-unique`).
    pub rule: credspec_core::rules::RuleId,
    /// What it constrains.
    pub effect: StateEffect,
}

/// What a [`StateRule`] constrains.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StateEffect {
    /// No two live resources share the value of this create member (`"unique": "alias"`).
    Unique {
        /// The member.
        member: String,
        /// The refusal of a create that repeats a live value.
        refusal: Refusal,
    },
    /// At most `limit` live resources share the value of this create member (`"limit_per":
    /// "appName"`); the limit is core's, for the rule.
    LimitPer {
        /// The member.
        member: String,
        /// Core's limit.
        limit: usize,
        /// The refusal of the create past the limit.
        refusal: Refusal,
    },
    /// At most `limit` distinct values of this create member among live resources
    /// (`"limit_distinct": "appName"`: the Comms Apps of an account); a create with a new
    /// value is refused at the limit, and a value goes when its last resource goes. The limit
    /// is core's, for the rule.
    LimitDistinct {
        /// The member.
        member: String,
        /// Core's limit.
        limit: usize,
        /// The refusal of the create with a new value at the limit.
        refusal: Refusal,
    },
    /// One live resource of each group is its default (`"default_per": ["appName",
    /// "credentialType"], "flag": "isDefault", "at": "/isDefault"`): the first of a group is
    /// its default whatever the request says; a create or update sending `flag` true makes
    /// the resource the default and demotes the previous one; an update sending it false on
    /// the default hands it to the oldest other of the group, if there is one; deleting the
    /// default promotes the oldest remaining one. A fetch answers the flag at `at`.
    DefaultPer {
        /// The members whose values make a group.
        group: Vec<String>,
        /// The boolean request member that asks for the flag.
        flag: String,
        /// The pointer into a fetch answer where the flag is answered.
        at: String,
    },
    /// Once a documented answer reads `true` at this pointer (`"frozen_when":
    /// "/data/expired"`), the operations named in `refuses` are refused.
    Frozen {
        /// The pointer into a create or update answer.
        when: String,
        /// operationId → its refusal.
        refuses: BTreeMap<String, Refusal>,
    },
}

/// A documented refusal: its status, and its code or whole body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// The status.
    pub status: u16,
    /// The error code, when the body has one.
    pub error_code: Option<Value>,
    /// The exact body, when the format is not the API's usual error format.
    pub body: Option<Value>,
}

impl Refusal {
    fn from_value(value: &Value) -> Option<Self> {
        Some(Self {
            status: u16::try_from(value.get("status")?.as_u64()?).ok()?,
            error_code: value.get("error_code").cloned(),
            body: value.get("body").cloned(),
        })
    }
}

impl StateRule {
    fn from_value(value: &Value) -> Result<Self, String> {
        let rule: credspec_core::rules::RuleId = value
            .get("rule")
            .and_then(Value::as_str)
            .ok_or("a state rule has no rule id")?
            .parse()
            .map_err(|e: credspec_core::rules::UnknownRule| e.to_string())?;
        let refusal = || Refusal::from_value(value).ok_or(format!("{rule}: no refusal status"));
        let effect = if let Some(member) = value.get("unique").and_then(Value::as_str) {
            StateEffect::Unique {
                member: member.to_owned(),
                refusal: refusal()?,
            }
        } else if let Some(member) = value.get("limit_per").and_then(Value::as_str) {
            StateEffect::LimitPer {
                member: member.to_owned(),
                limit: rule
                    .limit()
                    .ok_or(format!("{rule}: core states no limit"))?,
                refusal: refusal()?,
            }
        } else if let Some(member) = value.get("limit_distinct").and_then(Value::as_str) {
            StateEffect::LimitDistinct {
                member: member.to_owned(),
                limit: rule
                    .limit()
                    .ok_or(format!("{rule}: core states no limit"))?,
                refusal: refusal()?,
            }
        } else if let Some(group) = value.get("default_per").and_then(Value::as_array) {
            let text = |key: &str| {
                value
                    .get(key)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or(format!("{rule}: default_per without {key}"))
            };
            StateEffect::DefaultPer {
                group: group
                    .iter()
                    .map(|m| {
                        m.as_str()
                            .map(str::to_owned)
                            .ok_or(format!("{rule}: a default_per member is not a string"))
                    })
                    .collect::<Result<_, _>>()?,
                flag: text("flag")?,
                at: text("at")?,
            }
        } else if let Some(when) = value.get("frozen_when").and_then(Value::as_str) {
            let mut refuses = BTreeMap::new();
            for (operation, answer) in value
                .get("refuses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let refusal = Refusal::from_value(answer)
                    .ok_or(format!("{rule}: refuses.{operation} has no status"))?;
                refuses.insert(operation.clone(), refusal);
            }
            StateEffect::Frozen {
                when: when.to_owned(),
                refuses,
            }
        } else {
            return Err(format!(
                "{rule}: none of unique, limit_per, limit_distinct, default_per and frozen_when"
            ));
        };
        Ok(Self { rule, effect })
    }
}

impl Oracle {
    fn from_document(api: ApiId, document: &Value) -> Result<Self, SpecError> {
        let bad = |message: String| SpecError::Oracle { api, message };
        let block = document
            .get("x-credspec")
            .ok_or_else(|| bad(String::from("no x-credspec block")))?;
        let mut timestamps = BTreeMap::new();
        for (member, example) in block
            .get("timestamps")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let example = example
                .as_str()
                .ok_or_else(|| bad(format!("timestamps.{member} is not a string")))?;
            let form = Timestamp::parse(example)
                .map_err(|e| bad(format!("timestamps.{member}: {e}")))?
                .form();
            timestamps.insert(member.clone(), form);
        }
        let error_code = block
            .get("error_code")
            .and_then(Value::as_str)
            .filter(|p| p.starts_with('/'))
            .ok_or_else(|| bad(String::from("error_code is not a JSON pointer")))?
            .to_owned();
        let error_status = block
            .get("error_status")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let token_alg = block
            .get("token_alg")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let state = block
            .get("state")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|rule| StateRule::from_value(rule).map_err(&bad))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            timestamps,
            error_code,
            error_status,
            token_alg,
            state,
        })
    }
}

/// An API's OpenAPI document with its operations indexed and every request and response
/// schema compiled once.
#[derive(Debug)]
pub struct ApiSpec {
    id: ApiId,
    oracle: Oracle,
    document: Value,
    operations: BTreeMap<String, Operation>,
    validators: BTreeMap<String, Validator>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Escapes one JSON pointer token (RFC 6901).
fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Percent-encodes a JSON pointer for use as a URI fragment.
fn fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for b in pointer.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Compiles the schema at `pointer` of `document`, resolving `$ref`s against the document.
fn compile_at(api: &str, document: &Value, pointer: &str) -> Result<Validator, SpecError> {
    let mut root = serde_json::Map::new();
    root.insert(
        "$schema".into(),
        Value::from("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert(
        "$ref".into(),
        Value::from(format!("#{}", fragment(pointer))),
    );
    for key in ["components", "paths"] {
        if let Some(v) = document.get(key) {
            root.insert(key.into(), v.clone());
        }
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .map_err(|e| SpecError::Schema {
            api: api.to_owned(),
            pointer: pointer.to_owned(),
            message: e.to_string(),
        })
}

impl ApiSpec {
    /// Reads an OpenAPI document, indexes its operations and compiles its schemas.
    pub fn new(id: ApiId, document: Value) -> Result<Self, SpecError> {
        let mut operations = BTreeMap::new();
        let mut schema_pointers = Vec::new();
        if let Some(paths) = document.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in METHODS {
                    let Some(op) = item.get(method) else { continue };
                    let pointer = format!("/paths/{}/{method}", escape_token(path));
                    if let Some(op_id) = op.get("operationId").and_then(Value::as_str) {
                        let operation = Operation {
                            id: op_id.to_owned(),
                            method: method.to_ascii_uppercase(),
                            path: path.clone(),
                            pointer: pointer.clone(),
                            query_defaults: query_defaults(&document, item, op),
                        };
                        if operations.insert(op_id.to_owned(), operation).is_some() {
                            return Err(SpecError::DuplicateOperation {
                                api: id,
                                operation: op_id.to_owned(),
                            });
                        }
                    }
                    let request = resolve(&document, op.get("requestBody"))
                        .and_then(|b| b.get("content"))
                        .and_then(Value::as_object);
                    for (media, content) in request.into_iter().flatten() {
                        if content.get("schema").is_some() {
                            schema_pointers.push(format!(
                                "{pointer}/requestBody/content/{}/schema",
                                escape_token(media)
                            ));
                        }
                    }
                    for (status, response) in op
                        .get("responses")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        let content = resolve(&document, Some(response))
                            .and_then(|r| r.get("content"))
                            .and_then(Value::as_object);
                        for (media, c) in content.into_iter().flatten() {
                            if c.get("schema").is_some() {
                                schema_pointers.push(format!(
                                    "{pointer}/responses/{status}/content/{}/schema",
                                    escape_token(media)
                                ));
                            }
                        }
                    }
                }
            }
        }
        let mut validators = BTreeMap::new();
        for pointer in schema_pointers {
            // Responses and request bodies may be `$ref`s: compile through the reference.
            let resolved = resolved_pointer(&document, &pointer);
            let validator = compile_at(id.as_str(), &document, &resolved)?;
            validators.insert(pointer, validator);
        }
        Ok(Self {
            id,
            oracle: Oracle::from_document(id, &document)?,
            document,
            operations,
            validators,
        })
    }

    /// What the document says for the oracle beyond JSON Schema.
    pub fn oracle(&self) -> &Oracle {
        &self.oracle
    }

    /// The API.
    pub fn id(&self) -> ApiId {
        self.id
    }

    /// The OpenAPI document.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// The operations by operationId.
    pub fn operations(&self) -> &BTreeMap<String, Operation> {
        &self.operations
    }

    /// The validator of the response body of `operation` for `status` and `content_type`
    /// (`None` when the document declares no schema for it). Falls back from the exact
    /// status to `4XX`-style ranges and `default`, and from the exact media type to the only
    /// one declared.
    pub fn response_validator(
        &self,
        operation: &str,
        status: u16,
        content_type: Option<&str>,
    ) -> Option<&Validator> {
        let (pointer, content) = self.response_content(operation, status)?;
        let media = pick_media(content, content_type)?;
        self.validators.get(&format!(
            "{pointer}/content/{}/schema",
            escape_token(&media)
        ))
    }

    /// The media types the document declares for the `status` answer of `operation`, with
    /// the fallbacks of [`ApiSpec::response_validator`]; `None` when it declares no content
    /// for it.
    pub fn response_media_types(&self, operation: &str, status: u16) -> Option<Vec<&str>> {
        let (_, content) = self.response_content(operation, status)?;
        (!content.is_empty()).then(|| content.keys().map(String::as_str).collect())
    }

    /// The pointer of the response object of `operation` that answers `status` (exact, then
    /// `4XX`, then `default`) and its content map.
    fn response_content(
        &self,
        operation: &str,
        status: u16,
    ) -> Option<(String, &serde_json::Map<String, Value>)> {
        let op = self.operations.get(operation)?;
        let responses = self
            .document
            .pointer(&format!("{}/responses", op.pointer))?
            .as_object()?;
        let range = format!("{}XX", status / 100);
        let key = [status.to_string(), range, String::from("default")]
            .into_iter()
            .find(|k| responses.contains_key(k))?;
        let content = resolve(&self.document, responses.get(&key))?
            .get("content")?
            .as_object()?;
        Some((format!("{}/responses/{key}", op.pointer), content))
    }

    /// The operation object's pointer, the request body's content map and the media type of
    /// it that `content_type` picks.
    fn request_content(
        &self,
        operation: &str,
        content_type: Option<&str>,
    ) -> Option<(&str, &serde_json::Map<String, Value>, String)> {
        let op = self.operations.get(operation)?;
        let body = resolve(
            &self.document,
            self.document
                .pointer(&format!("{}/requestBody", op.pointer)),
        )?;
        let content = body.get("content")?.as_object()?;
        let media = pick_media(content, content_type)?;
        Some((&op.pointer, content, media))
    }

    /// The request body schema of `operation` for `content_type`, `$ref`s of the body and
    /// of the schema itself resolved (its properties may still hold `$ref`s: see
    /// [`ApiSpec::resolve`]).
    pub fn request_schema(&self, operation: &str, content_type: Option<&str>) -> Option<&Value> {
        let (_, content, media) = self.request_content(operation, content_type)?;
        resolve(&self.document, content.get(&media)?.get("schema"))
    }

    /// `value` with a `$ref` at its top resolved against the document.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Option<&'a Value> {
        resolve(&self.document, Some(value))
    }

    /// The validator of the request body of `operation` for `content_type`.
    pub fn request_validator(
        &self,
        operation: &str,
        content_type: Option<&str>,
    ) -> Option<&Validator> {
        let (pointer, _, media) = self.request_content(operation, content_type)?;
        self.validators.get(&format!(
            "{pointer}/requestBody/content/{}/schema",
            escape_token(&media)
        ))
    }

    /// The statuses the document declares for `operation`.
    pub fn declared_statuses(&self, operation: &str) -> Vec<String> {
        self.operations
            .get(operation)
            .and_then(|op| self.document.pointer(&format!("{}/responses", op.pointer)))
            .and_then(Value::as_object)
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default()
    }
}

/// Follows a `$ref` to a component (one level, as response and request-body objects use).
fn resolve<'a>(document: &'a Value, value: Option<&'a Value>) -> Option<&'a Value> {
    let value = value?;
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => document.pointer(r.strip_prefix('#')?),
        None => Some(value),
    }
}

/// The `default` of each integer query parameter of an operation (path-level parameters
/// too), through `$ref`s.
fn query_defaults(document: &Value, item: &Value, op: &Value) -> BTreeMap<String, u64> {
    [item, op]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| resolve(document, Some(p)))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let default = p.pointer("/schema/default")?.as_u64()?;
            Some((name.to_owned(), default))
        })
        .collect()
}

/// Rewrites a pointer through a `$ref`'d response or request body into the component's own
/// pointer, so that compilation finds the schema.
fn resolved_pointer(document: &Value, pointer: &str) -> String {
    for (marker, keyed) in [("/requestBody", false), ("/responses/", true)] {
        let Some(at) = pointer.find(marker) else {
            continue;
        };
        let mut end = at + marker.len();
        if keyed {
            end += pointer[end..].find('/').unwrap_or(pointer.len() - end);
        }
        if let Some(r) = document
            .pointer(&pointer[..end])
            .and_then(|o| o.get("$ref"))
            .and_then(Value::as_str)
        {
            return format!("{}{}", r.trim_start_matches('#'), &pointer[end..]);
        }
    }
    pointer.to_owned()
}

/// Picks the declared media type matching `content_type` (parameters ignored), or the only
/// one declared.
fn pick_media(
    content: &serde_json::Map<String, Value>,
    content_type: Option<&str>,
) -> Option<String> {
    let wanted = content_type.map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase());
    if let Some(w) = &wanted
        && let Some(k) = content.keys().find(|k| k.eq_ignore_ascii_case(w))
    {
        return Some(k.clone());
    }
    (content.len() == 1)
        .then(|| content.keys().next().cloned())
        .flatten()
}

/// A case's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CaseKind {
    /// A request the API accepts.
    Positive,
    /// A request the API refuses.
    Negative,
    /// Ordered steps with captures and cleanup.
    Scenario,
}

/// Which credentials a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Auth {
    /// The target's valid credentials.
    Valid,
    /// No `Authorization` header.
    Missing,
    /// The right user with a wrong secret.
    Wrong,
    /// An `Authorization` header of the wrong scheme or shape.
    Malformed,
    /// Valid credentials of a second account.
    OtherAccount,
    /// Twilio API key SID and secret instead of the account's token.
    ApiKey,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Body {
    /// `application/x-www-form-urlencoded` fields.
    Form {
        /// The fields.
        form: BTreeMap<String, String>,
    },
    /// A JSON document.
    Json {
        /// The document.
        json: Value,
    },
    /// Raw text with its content type.
    Raw {
        /// The text.
        raw: String,
        /// The `Content-Type` to send, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content_type: Option<String>,
    },
}

/// The request of a case or step.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[non_exhaustive]
pub struct Request {
    /// The operationId.
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// Path relative to the API base, or an absolute URL template (`{{next_page_url}}`).
    pub path: String,
    /// Query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Credentials.
    pub auth: Auth,
    /// Body.
    #[serde(default)]
    pub body: Option<Body>,
}

/// One status or any of several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Status {
    /// Exactly this status.
    One(u16),
    /// Any of these.
    Any(Vec<u16>),
}

impl Status {
    /// Whether `status` is expected.
    pub fn matches(&self, status: u16) -> bool {
        match self {
            Self::One(s) => *s == status,
            Self::Any(list) => list.contains(&status),
        }
    }

    /// Every expected status.
    pub fn all(&self) -> Vec<u16> {
        match self {
            Self::One(s) => vec![*s],
            Self::Any(list) => list.clone(),
        }
    }

    /// The first expected status.
    pub fn first(&self) -> Option<u16> {
        match self {
            Self::One(s) => Some(*s),
            Self::Any(list) => list.first().copied(),
        }
    }
}

/// How the documented body is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum BodyMatch {
    /// Equal after redaction.
    #[default]
    Exact,
    /// Every given member matches.
    Subset,
}

/// A volatile field and how to redact it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Volatile {
    /// JSON pointer into the body.
    pub pointer: String,
    /// Redaction kind: `id`, `timestamp`, `url`, `secret`, `token`.
    pub redact: String,
}

/// The expected response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Expect {
    /// Status.
    pub status: Status,
    /// Content type, if a body is expected.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Required headers: a value, or `null` for "present with any value".
    #[serde(default)]
    pub headers: BTreeMap<String, Option<String>>,
    /// The documented body, or the part that must match.
    #[serde(default)]
    pub body: Option<Value>,
    /// How to compare the body.
    #[serde(default)]
    pub body_match: BodyMatch,
    /// The vendor error code of a refusal (a number for Twilio, a string for Telnyx).
    #[serde(default)]
    pub error_code: Option<Value>,
    /// Volatile fields.
    #[serde(default)]
    pub volatile: Vec<Volatile>,
}

/// What refuses a negative case's request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RefusedBy {
    /// A credspec-core rule, by id.
    Rule(String),
    /// The operation's request schema; the text says why.
    Schema(String),
    /// HTTP-level handling (`auth-missing`, `not-found`, ...).
    Protocol(String),
}

/// A scenario step (or cleanup step).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Step {
    /// Its name.
    pub name: String,
    /// Another API of the case's store that the step is sent to and checked against (the
    /// classic Twilio APIs manage one credential, decision D48); the case's own by default.
    #[serde(default)]
    pub api: Option<ApiId>,
    /// The Twilio region the step is sent to (`au1`; decision D50): the target's base of the
    /// API in that region ([`crate::target::Target::regional_base`]); the default region by
    /// default.
    #[serde(default)]
    pub region: Option<String>,
    /// Another site of the API the step is sent to: one of its vendor hosts in core's table
    /// (`ip-messaging.twilio.com` for Chat v2; [`crate::target::Target::base_at`]).
    #[serde(default)]
    pub site: Option<String>,
    /// How many times to run it (`{{i}}` is the 1-based index).
    #[serde(default)]
    pub repeat: Option<u32>,
    /// Run once per element of this captured list.
    #[serde(default)]
    pub for_each: Option<String>,
    /// The variable bound to each element.
    #[serde(default, rename = "as")]
    pub as_var: Option<String>,
    /// The request.
    pub request: Request,
    /// The expected response.
    pub expect: Expect,
    /// Variables captured from the response: name → JSON pointer or `header:Name`.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Lists collected over repeats: name → JSON pointer.
    #[serde(default)]
    pub capture_all: BTreeMap<String, String>,
}

/// A documented example case or scenario.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Case {
    /// Unique, stable id.
    pub id: String,
    /// One line for people.
    pub title: String,
    /// The API.
    pub api: ApiId,
    /// Positive, negative or scenario.
    pub kind: CaseKind,
    /// Where it comes from: `seed:`, `spec:`, `rule:`, `decision:` references.
    pub source: Vec<String>,
    /// The request (cases).
    #[serde(default)]
    pub request: Option<Request>,
    /// The expected response (cases).
    #[serde(default)]
    pub expect: Option<Expect>,
    /// What refuses it (negative cases).
    #[serde(default)]
    pub refused_by: Option<RefusedBy>,
    /// The profile of target it holds for: `vendor` (only vendor rules refuse; `lint`
    /// findings come back as `Credspec-Lint` headers) or `strict` (every rule refuses).
    /// Absent: it holds for both.
    #[serde(default)]
    pub profile: Option<credspec_core::rules::Profile>,
    /// The steps (scenarios).
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Cleanup steps (scenarios), run even when a step fails.
    #[serde(default)]
    pub cleanup: Vec<Step>,
    /// The file it was read from, relative to `specs/`.
    #[serde(skip)]
    pub file: PathBuf,
}

impl Case {
    /// Every request of the case with its expectation: the case's own, or its steps and
    /// cleanup steps.
    pub fn exchanges(&self) -> Vec<(&Request, &Expect)> {
        match (&self.request, &self.expect) {
            (Some(r), Some(e)) => vec![(r, e)],
            _ => self
                .steps
                .iter()
                .chain(&self.cleanup)
                .map(|s| (&s.request, &s.expect))
                .collect(),
        }
    }
}

/// Everything under `specs/`, loaded and checked once.
#[derive(Debug)]
pub struct SpecSet {
    root: PathBuf,
    apis: BTreeMap<ApiId, ApiSpec>,
    cases: Vec<Case>,
}

fn read_json(path: &Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| SpecError::Json {
        path: path.to_owned(),
        source,
    })
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| SpecError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| SpecError::Io {
                path: dir.to_owned(),
                source,
            })?
            .path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

impl SpecSet {
    /// The `specs/` directory of this workspace.
    pub fn default_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs")
    }

    /// Loads every OpenAPI document and case under `root`, checking each case file against
    /// `case.schema.json` and compiling every schema once.
    pub fn load(root: impl Into<PathBuf>) -> Result<Self, SpecError> {
        let root = root.into();
        let case_schema_path = root.join("case.schema.json");
        let case_schema =
            jsonschema::validator_for(&read_json(&case_schema_path)?).map_err(|e| {
                SpecError::Schema {
                    api: String::from("case.schema.json"),
                    pointer: String::new(),
                    message: e.to_string(),
                }
            })?;
        let mut apis = BTreeMap::new();
        let mut cases = Vec::new();
        for api in ApiId::ALL {
            let dir = root.join(api.as_str());
            apis.insert(
                api,
                ApiSpec::new(api, read_json(&dir.join("openapi.json"))?)?,
            );
            for sub in ["cases", "scenarios"] {
                for path in json_files(&dir.join(sub))? {
                    let value = read_json(&path)?;
                    let errors: Vec<String> = case_schema
                        .iter_errors(&value)
                        .map(|e| format!("  at {:?}: {e}", e.instance_path().to_string()))
                        .collect();
                    if !errors.is_empty() {
                        return Err(SpecError::CaseSchema {
                            path,
                            errors: errors.join("\n"),
                        });
                    }
                    let mut case: Case =
                        serde_json::from_value(value).map_err(|source| SpecError::Json {
                            path: path.clone(),
                            source,
                        })?;
                    case.file = path.strip_prefix(&root).unwrap_or(&path).to_owned();
                    cases.push(case);
                }
            }
        }
        Ok(Self { root, apis, cases })
    }

    /// The directory loaded.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The document of `api`.
    pub fn api(&self, api: ApiId) -> &ApiSpec {
        // Every ApiId is loaded by `load`, or loading failed.
        &self.apis[&api]
    }

    /// Every case and scenario, in file order per API.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fragments_are_percent_encoded() {
        assert_eq!(
            fragment("/paths/~1v1~1Credentials~1{Sid}/get"),
            "/paths/~1v1~1Credentials~1%7BSid%7D/get"
        );
    }

    #[test]
    fn the_oracle_block_is_required_and_read() {
        let doc = |block: Value| json!({"openapi": "3.1.0", "paths": {}, "x-credspec": block});
        let err = |block: Value| ApiSpec::new(ApiId::TwilioNotifyV1, doc(block)).unwrap_err();
        assert!(matches!(
            ApiSpec::new(
                ApiId::TwilioNotifyV1,
                json!({"openapi": "3.1.0", "paths": {}})
            ),
            Err(SpecError::Oracle { .. })
        ));
        assert!(matches!(err(json!({})), SpecError::Oracle { .. }));
        assert!(
            err(json!({"error_code": "/code", "timestamps": {"date_created": "yesterday"}}))
                .to_string()
                .contains("timestamps.date_created")
        );
        let spec = ApiSpec::new(
            ApiId::TwilioNotifyV1,
            doc(json!({"error_code": "/code", "timestamps": {"date_created": "2015-10-07T17:50:01Z"}})),
        )
        .unwrap();
        assert_eq!(
            spec.oracle().timestamps.get("date_created"),
            Some(&TimestampForm::ISO_SECONDS_Z)
        );
        assert_eq!(spec.oracle().error_code, "/code");
    }

    #[test]
    fn schemas_resolve_refs_into_the_document() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {"/v1/Things/{Sid}": {"get": {"operationId": "FetchThing", "responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}},
                "404": {"$ref": "#/components/responses/NotFound"}
            }}}},
            "components": {
                "schemas": {"thing": {"type": "object", "required": ["sid"], "properties": {"sid": {"type": "string", "pattern": "^TH"}}},
                            "error": {"type": "object", "required": ["code"]}},
                "responses": {"NotFound": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}}}}
            },
            "x-credspec": {"api": "twilio/notify-v1", "error_code": "/code"}
        });
        let spec = ApiSpec::new(ApiId::TwilioNotifyV1, doc).unwrap();
        let ok = spec
            .response_validator("FetchThing", 200, Some("application/json; charset=utf-8"))
            .unwrap();
        assert!(ok.is_valid(&json!({"sid": "TH1"})));
        assert!(!ok.is_valid(&json!({"sid": "XX1"})));
        let not_found = spec.response_validator("FetchThing", 404, None).unwrap();
        assert!(not_found.is_valid(&json!({"code": 20404})));
        assert!(!not_found.is_valid(&json!({})));
        assert!(spec.response_validator("FetchThing", 500, None).is_none());
        assert!(spec.response_validator("Nope", 200, None).is_none());
    }
}
