//! Errors: [`DecodeError`] for bytes that do not decode, and Twilio's two error bodies:
//! the classic one of Notify v1 and Chat v2 ([`ErrorBody`], `{code, message, more_info,
//! status}`) and the Comms one ([`CommsErrorBody`], `{errors: [{code, message, infoUrl,
//! context}]}`), with the codes of the specs brief (20003, 20404, 21243, 21481, 20001,
//! 20429).

use std::fmt;

use credspec_core::rules::{Location, Violation};
use credspec_core::wire;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use credspec_core::wire::MAX_BODY_BYTES;
pub(crate) use credspec_core::wire::clip_name;

/// Bytes that do not decode as the wire type. Messages never repeat a value (a secret may
/// be one); they name the field by JSON pointer or form parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The JSON is malformed, truncated, not of the expected shape, or has a value of the
    /// wrong type at `path`.
    #[error("{}: {message}", shown_path(.path))]
    Json {
        /// JSON pointer to the offending value (`/appName`); empty for the whole body.
        path: String,
        /// What is wrong, without the offending value.
        message: String,
    },
    /// The body is not UTF-8.
    #[error("body is not UTF-8 (first invalid byte at offset {offset})")]
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The body is larger than [`MAX_BODY_BYTES`].
    #[error("body of {actual} bytes is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
        /// The size received.
        actual: usize,
    },
    /// A form or query parameter holds a `%` that is not followed by two hex digits.
    #[error("parameter {field}: bad percent-encoding at offset {offset}")]
    Percent {
        /// The parameter (as received, clipped).
        field: String,
        /// Offset of the `%` within the raw key or value.
        offset: usize,
    },
    /// A form or query parameter is not UTF-8 once percent-decoded.
    #[error("parameter {field}: not UTF-8 after percent-decoding")]
    ParameterUtf8 {
        /// The parameter (as received, clipped).
        field: String,
    },
    /// A parameter the API reads appears more than once.
    #[error("parameter {field} is repeated")]
    RepeatedKey {
        /// The parameter.
        field: String,
    },
}

impl DecodeError {
    /// The field the error is about: a JSON pointer or a parameter name (`None` for the
    /// whole body).
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Json { path, .. } if !path.is_empty() => Some(path),
            Self::Percent { field, .. }
            | Self::ParameterUtf8 { field }
            | Self::RepeatedKey { field } => Some(field),
            _ => None,
        }
    }
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() { "(body)" } else { path }
}

/// Checks the size, then UTF-8.
pub(crate) fn body_text(bytes: &[u8]) -> Result<&str, DecodeError> {
    check_size(bytes.len())?;
    std::str::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })
}

/// [`DecodeError::TooLarge`] beyond [`MAX_BODY_BYTES`].
pub(crate) fn check_size(len: usize) -> Result<(), DecodeError> {
    if len > MAX_BODY_BYTES {
        return Err(DecodeError::TooLarge {
            limit: MAX_BODY_BYTES,
            actual: len,
        });
    }
    Ok(())
}

impl From<wire::JsonError> for DecodeError {
    fn from(e: wire::JsonError) -> Self {
        // Syntax errors and truncation are about the body, not a member.
        let path = if e.syntax { String::new() } else { e.path };
        Self::Json {
            path,
            message: e.message,
        }
    }
}

/// Decodes a JSON body that must be an object (serde's derive also accepts an array for a
/// struct, which no Twilio API does), then into `T`.
pub(crate) fn decode_json_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let text = body_text(bytes)?;
    // A body that opens with `{` is an object if it is JSON at all: read it straight into
    // `T`. A body that fails is read as a `Value` first, to say what is wrong with it.
    if text.trim_start().starts_with('{')
        && let Ok(value) = serde_json::from_str(text)
    {
        return Ok(value);
    }
    let value: Value = wire::json_from_str(text)?;
    if !value.is_object() {
        return Err(DecodeError::Json {
            path: String::new(),
            message: String::from("invalid type: expected a JSON object"),
        });
    }
    Ok(wire::json_from_value(value)?)
}

/// `20003`: authentication failed (401).
pub const CODE_AUTHENTICATE: u32 = 20003;
/// `20004`: method not allowed (405): the resource exists, the HTTP method is not one of
/// its methods.
pub const CODE_METHOD_NOT_ALLOWED: u32 = 20004;
/// `20404`: resource not found (404).
pub const CODE_NOT_FOUND: u32 = 20404;
/// `21243`: invalid parameter (400).
pub const CODE_INVALID_PARAMETER: u32 = 21243;
/// `21481`: invalid page token (400).
pub const CODE_INVALID_PAGE_TOKEN: u32 = 21481;
/// `20001`: bad request: body too large (classic, 413) or malformed (Comms, 400).
pub const CODE_BAD_REQUEST: u32 = 20001;
/// `20429`: too many requests (429).
pub const CODE_TOO_MANY_REQUESTS: u32 = 20429;
/// An error on the server's side.
pub const CODE_INTERNAL: u32 = 20500;
/// The service is unavailable (503): "The requested Twilio Service is temporarily
/// unavailable", retried with exponential back-off (twilio.com/docs/api/errors/20503).
pub const CODE_SERVICE_UNAVAILABLE: u32 = 20503;

/// The code and message of a server-side status: `20503` "Service Unavailable" for 503,
/// `20500` "Internal Server Error" for any other.
fn server_error_code(status: u16) -> (u32, &'static str) {
    if status == 503 {
        (CODE_SERVICE_UNAVAILABLE, "Service Unavailable")
    } else {
        (CODE_INTERNAL, "Internal Server Error")
    }
}

/// Base of the classic `more_info` URLs.
pub const MORE_INFO_BASE: &str = "https://www.twilio.com/docs/errors/";
/// Base of the Comms `infoUrl` URLs.
pub const INFO_URL_BASE: &str = "https://www.twilio.com/docs/api/errors/";

/// The classic error body (Notify v1, Chat v2): `{"code", "message", "more_info",
/// "status"}`, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The Twilio error code (`21243`).
    pub code: u32,
    /// What is wrong (decoded as empty when missing).
    #[serde(default)]
    pub message: String,
    /// `https://www.twilio.com/docs/errors/<code>` (decoded as empty when missing).
    #[serde(default)]
    pub more_info: String,
    /// The HTTP status, repeated (decoded as 0 when missing).
    #[serde(default)]
    pub status: u16,
}

impl ErrorBody {
    /// A body of `status`, `code` and `message`, with `more_info` for the code.
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            more_info: format!("{MORE_INFO_BASE}{code}"),
            status,
        }
    }

    /// 401, `20003` "Authenticate" (missing, malformed or wrong Basic credentials).
    pub fn unauthorized() -> Self {
        Self::new(401, CODE_AUTHENTICATE, "Authenticate")
    }

    /// 404, `20404` "The requested resource `<path>` was not found" (unknown sid, another
    /// account's sid, malformed sid). `path` is the request path (`/v1/Credentials/CR...`).
    pub fn not_found(path: &str) -> Self {
        Self::new(
            404,
            CODE_NOT_FOUND,
            format!("The requested resource {path} was not found"),
        )
    }

    /// 405, `20004` "Method not allowed": the path names a resource, the method is not one of
    /// its methods (the server adds the `Allow` header).
    pub fn method_not_allowed() -> Self {
        Self::new(405, CODE_METHOD_NOT_ALLOWED, "Method not allowed")
    }

    /// 400, `20001` for a request that is not well-formed HTTP for the API (no `Host`
    /// header, several); `message` says why.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, CODE_BAD_REQUEST, message)
    }

    /// 400, `21243` for core's violations: their messages, joined by `"; "`.
    pub fn from_violations(violations: &[Violation]) -> Self {
        let message = violations
            .iter()
            .map(|v| v.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        Self::new(400, CODE_INVALID_PARAMETER, message)
    }

    /// 400, `21481` "Invalid PageToken".
    pub fn invalid_page_token() -> Self {
        Self::new(400, CODE_INVALID_PAGE_TOKEN, "Invalid PageToken")
    }

    /// 500, `20500` "Internal Server Error": a fault on the server's side.
    pub fn internal() -> Self {
        Self::new(500, CODE_INTERNAL, "Internal Server Error")
    }

    /// 413, `20001` for a body over [`MAX_BODY_BYTES`].
    pub fn too_large() -> Self {
        Self::new(
            413,
            CODE_BAD_REQUEST,
            format!("Request body is larger than {MAX_BODY_BYTES} bytes"),
        )
    }

    /// 429, `20429` "Too Many Requests".
    pub fn too_many_requests() -> Self {
        Self::new(429, CODE_TOO_MANY_REQUESTS, "Too Many Requests")
    }

    /// A server-side `status` (5xx): `20503` for 503, `20500` otherwise.
    pub fn server_error(status: u16) -> Self {
        let (code, message) = server_error_code(status);
        Self::new(status, code, message)
    }

    /// The answer to a body or query that does not decode: 413/20001 when too large,
    /// 400/21243 naming the parameter otherwise.
    pub fn from_decode_error(error: &DecodeError) -> Self {
        match error {
            DecodeError::TooLarge { .. } => Self::too_large(),
            other => Self::new(400, CODE_INVALID_PARAMETER, other.to_string()),
        }
    }

    /// Decodes a body (client side); unknown members are ignored.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json_object(bytes)
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{} {}]", self.status, self.code, self.message)
    }
}

impl std::error::Error for ErrorBody {}

/// One entry of a Comms `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CommsError {
    /// The Twilio error code.
    pub code: u32,
    /// What is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `https://www.twilio.com/docs/api/errors/<code>`.
    #[serde(rename = "infoUrl", default, skip_serializing_if = "Option::is_none")]
    pub info_url: Option<String>,
    /// JSONPath of the errant field (`$.appName`), or the string `"null"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// The `context` of an error about no particular field.
pub const NO_CONTEXT: &str = "null";

impl CommsError {
    /// An entry of `code`, `message` and `context`, with `infoUrl` for the code.
    pub fn new(code: u32, message: impl Into<String>, context: impl Into<String>) -> Self {
        Self {
            code,
            message: Some(message.into()),
            info_url: Some(format!("{INFO_URL_BASE}{code}")),
            context: Some(context.into()),
        }
    }

    /// The entry for one core violation: code 21243, its message, and its field as a
    /// JSONPath (`/content/privateKey` → `$.content.privateKey`; a query parameter
    /// `pageSize` → `$.pageSize`; no field → `"null"`).
    pub fn from_violation(violation: &Violation) -> Self {
        let context = match violation.location {
            _ if violation.path.is_empty() => String::from(NO_CONTEXT),
            Location::Query | Location::Path => format!("$.{}", violation.path),
            _ => json_path(&violation.path),
        };
        Self::new(CODE_INVALID_PARAMETER, violation.message.clone(), context)
    }
}

/// `/content/privateKey` → `$.content.privateKey`; array indices as `[0]`; `""` → `"null"`.
pub fn json_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return String::from(NO_CONTEXT);
    }
    let mut out = String::from("$");
    for raw in pointer.split('/').skip(1) {
        let member = raw.replace("~1", "/").replace("~0", "~");
        if !member.is_empty() && member.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&member);
            out.push(']');
        } else {
            out.push('.');
            out.push_str(&member);
        }
    }
    out
}

/// The Comms error body `{"errors": [...]}`, with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CommsErrorBody {
    /// The errors.
    pub errors: Vec<CommsError>,
}

/// A Comms error status with its body, for a server to send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommsErrorResponse {
    /// HTTP status.
    pub status: u16,
    /// Body (`application/json`).
    pub body: CommsErrorBody,
}

impl CommsErrorBody {
    /// A body of the given entries.
    pub fn new(errors: Vec<CommsError>) -> Self {
        Self { errors }
    }

    /// The first entry's code, if any.
    pub fn code(&self) -> Option<u32> {
        self.errors.first().map(|e| e.code)
    }

    /// Decodes a body (client side); unknown members are ignored.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json_object(bytes)
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl CommsErrorResponse {
    fn single(status: u16, code: u32, message: impl Into<String>, context: &str) -> Self {
        Self {
            status,
            body: CommsErrorBody::new(vec![CommsError::new(code, message, context)]),
        }
    }

    /// 401, `20003` "Authenticate".
    pub fn unauthorized() -> Self {
        Self::single(401, CODE_AUTHENTICATE, "Authenticate", NO_CONTEXT)
    }

    /// 404, `20404` "The resource was not found." (unknown, other account's or malformed id).
    pub fn not_found() -> Self {
        Self::single(
            404,
            CODE_NOT_FOUND,
            "The resource was not found.",
            NO_CONTEXT,
        )
    }

    /// 405, `20004` "Method not allowed" (the server adds the `Allow` header).
    pub fn method_not_allowed() -> Self {
        Self::single(
            405,
            CODE_METHOD_NOT_ALLOWED,
            "Method not allowed",
            NO_CONTEXT,
        )
    }

    /// 400, `21243`, one entry per core violation (validation, App limit, credential limit).
    pub fn validation(violations: &[Violation]) -> Self {
        Self {
            status: 400,
            body: CommsErrorBody::new(violations.iter().map(CommsError::from_violation).collect()),
        }
    }

    /// 400, `20001` for a body that is not JSON or not `application/json`.
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::single(400, CODE_BAD_REQUEST, message, NO_CONTEXT)
    }

    /// The answer to a body or query that does not decode: a wrong-typed member is 21243
    /// naming it (`$.isDefault`); anything else (syntax, truncation, not an object, not
    /// UTF-8, too large, bad query encoding) is 20001.
    pub fn from_decode_error(error: &DecodeError) -> Self {
        match error {
            DecodeError::Json { path, .. } if !path.is_empty() => Self::single(
                400,
                CODE_INVALID_PARAMETER,
                error.to_string(),
                &json_path(path),
            ),
            DecodeError::Percent { field, .. }
            | DecodeError::ParameterUtf8 { field }
            | DecodeError::RepeatedKey { field } => Self::single(
                400,
                CODE_INVALID_PARAMETER,
                error.to_string(),
                &format!("$.{field}"),
            ),
            other => Self::malformed(other.to_string()),
        }
    }

    /// 400, `21481` "Invalid pageToken" (`$.pageToken`): a token the server did not issue.
    pub fn invalid_page_token() -> Self {
        Self::single(
            400,
            CODE_INVALID_PAGE_TOKEN,
            "Invalid pageToken",
            "$.pageToken",
        )
    }

    /// 413, `20001` for a body over [`MAX_BODY_BYTES`].
    pub fn too_large() -> Self {
        Self::single(
            413,
            CODE_BAD_REQUEST,
            format!("Request body is larger than {MAX_BODY_BYTES} bytes"),
            NO_CONTEXT,
        )
    }

    /// 500, `20500` "Internal Server Error": a fault on the server's side.
    pub fn internal() -> Self {
        Self::single(500, CODE_INTERNAL, "Internal Server Error", NO_CONTEXT)
    }

    /// 429, `20429`, with the message of the Comms-family documents (Bulk Messaging's
    /// `TooManyRequests`): "Too many requests. Please retry according to the Retry-After
    /// response header."
    pub fn too_many_requests() -> Self {
        Self::single(
            429,
            CODE_TOO_MANY_REQUESTS,
            "Too many requests. Please retry according to the Retry-After response header.",
            NO_CONTEXT,
        )
    }

    /// A server-side `status` (5xx): `20503` for 503, `20500` otherwise.
    pub fn server_error(status: u16) -> Self {
        let (code, message) = server_error_code(status);
        Self::single(status, code, message, NO_CONTEXT)
    }
}

impl fmt::Display for CommsErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        for e in &self.body.errors {
            write!(
                f,
                " [{} {}",
                e.code,
                e.context.as_deref().unwrap_or(NO_CONTEXT)
            )?;
            if let Some(message) = &e.message {
                write!(f, ": {message}")?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

impl std::error::Error for CommsErrorResponse {}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::rules::RuleId;
    use serde_json::json;

    fn value(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).unwrap()
    }

    #[test]
    fn classic_constructors_match_the_documented_bodies() {
        assert_eq!(
            value(&ErrorBody::unauthorized().encode()),
            json!({"code": 20003, "message": "Authenticate",
                "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
        );
        assert_eq!(
            ErrorBody::not_found("/v1/Credentials/CR123").message,
            "The requested resource /v1/Credentials/CR123 was not found"
        );
        assert_eq!(
            ErrorBody::invalid_page_token().encode(),
            br#"{"code":21481,"message":"Invalid PageToken","more_info":"https://www.twilio.com/docs/errors/21481","status":400}"#
        );
        assert_eq!(
            (ErrorBody::too_large().status, ErrorBody::too_large().code),
            (413, 20001)
        );
        let huge = DecodeError::TooLarge {
            limit: 1,
            actual: 2,
        };
        assert_eq!(ErrorBody::from_decode_error(&huge).status, 413);
        assert_eq!(ErrorBody::too_many_requests().code, 20429);
        let v = Violation::body(RuleId::ClassicTypeRequired, "/Type", "Type is required");
        let body = ErrorBody::from_violations(&[v]);
        assert_eq!((body.status, body.code), (400, 21243));
        assert_eq!(body.message, "Type is required");
        assert_eq!(ErrorBody::decode(&body.encode()).unwrap(), body);
        assert!(ErrorBody::decode(b"[20003, \"x\", \"y\", 401]").is_err());
    }

    #[test]
    fn comms_contexts_are_json_paths() {
        assert_eq!(json_path("/content/privateKey"), "$.content.privateKey");
        assert_eq!(json_path("/errors/0/code"), "$.errors[0].code");
        assert_eq!(json_path(""), "null");
        let v = Violation::body(
            RuleId::CommsAppNameRequired,
            "/appName",
            "appName is required",
        );
        let response = CommsErrorResponse::validation(&[v]);
        assert_eq!(
            value(&response.body.encode()),
            json!({"errors": [{"code": 21243, "message": "appName is required",
                "infoUrl": "https://www.twilio.com/docs/api/errors/21243", "context": "$.appName"}]})
        );
        let page = credspec_core::rules::check_comms_page_size(Some("0")).unwrap_err();
        assert_eq!(
            CommsError::from_violation(&page).context.as_deref(),
            Some("$.pageSize")
        );
        let wrong = DecodeError::Json {
            path: String::from("/isDefault"),
            message: String::from("invalid type"),
        };
        let r = CommsErrorResponse::from_decode_error(&wrong);
        assert_eq!(r.body.code(), Some(21243));
        assert_eq!(r.body.errors[0].context.as_deref(), Some("$.isDefault"));
        let syntax = DecodeError::Json {
            path: String::new(),
            message: String::from("EOF"),
        };
        let r = CommsErrorResponse::from_decode_error(&syntax);
        assert_eq!((r.status, r.body.code()), (400, Some(20001)));
        assert_eq!(r.body.errors[0].context.as_deref(), Some("null"));
        assert_eq!(CommsErrorResponse::not_found().status, 404);
        assert_eq!(CommsErrorResponse::unauthorized().body.code(), Some(20003));
        assert_eq!(
            CommsErrorResponse::too_many_requests().body.code(),
            Some(20429)
        );
        assert_eq!(CommsErrorBody::decode(&r.body.encode()).unwrap(), r.body);
    }

    #[test]
    fn json_errors_name_the_pointer_without_the_value() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct T {
            #[serde(rename = "appName")]
            app_name: Option<String>,
        }
        let err = decode_json_object::<T>(br#"{"appName": 5}"#).unwrap_err();
        assert_eq!(err.field(), Some("/appName"));
        assert!(!err.to_string().contains('5'), "{err}");
        let err = decode_json_object::<T>(br#"["x"]"#).unwrap_err();
        assert_eq!(err.field(), None);
        assert!(matches!(
            decode_json_object::<T>(b"{\"appName\": \"\xff\"}"),
            Err(DecodeError::InvalidUtf8 { offset: 13 })
        ));
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(matches!(
            decode_json_object::<T>(&huge),
            Err(DecodeError::TooLarge { .. })
        ));
        assert_eq!(
            wire::scrub(r#"invalid type: string "-----BEGIN \"x\" KEY", expected a map"#),
            "invalid type: string, expected a map"
        );
    }
}
