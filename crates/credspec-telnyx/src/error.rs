//! Errors: [`DecodeError`] for bytes that do not decode, and Telnyx's error body
//! ([`ErrorBody`], [`ErrorResponse`]) with the codes of the specs brief.
//!
//! Telnyx error bodies are `{"errors":[{"code":"10015","title":"Bad Request","detail":...,
//! "source":{"pointer":"/alias"},"meta":{"url":...}}]}` (`code` is a string of digits). The
//! telephony API also answers an update of an expired credential with a non-standard body
//! whose `errors` is an object: `{"errors":{"status":"can't update credentials in expired
//! status"}}` (decision D9). [`ErrorBody`] decodes and encodes both.

use std::collections::BTreeMap;
use std::fmt;

use credspec_core::rules::{Location, RuleId, Violation};
use credspec_core::wire;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use credspec_core::wire::MAX_BODY_BYTES;
pub(crate) use credspec_core::wire::clip_name;

/// Bytes that do not decode as the wire type. Messages never repeat a value (a secret may
/// be one); they name the field by JSON pointer or query parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The JSON is malformed, truncated, or has a value of the wrong type at `path`.
    #[error("{}: {message}", shown_path(.path))]
    Json {
        /// JSON pointer to the offending value (`/data/alias`); empty for the whole body.
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
    /// A query parameter holds a `%` that is not followed by two hex digits.
    #[error("query parameter {field}: bad percent-encoding at offset {offset}")]
    Percent {
        /// The parameter (as received, clipped).
        field: String,
        /// Offset of the `%` within the raw key or value.
        offset: usize,
    },
    /// A query parameter is not UTF-8 once percent-decoded.
    #[error("query parameter {field}: not UTF-8 after percent-decoding")]
    ParameterUtf8 {
        /// The parameter (as received, clipped).
        field: String,
    },
    /// A query parameter the API reads appears more than once.
    #[error("query parameter {field} is repeated")]
    RepeatedKey {
        /// The parameter.
        field: String,
    },
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() { "(body)" } else { path }
}

/// Checks the size, then UTF-8.
pub(crate) fn body_text(bytes: &[u8]) -> Result<&str, DecodeError> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(DecodeError::TooLarge {
            limit: MAX_BODY_BYTES,
            actual: bytes.len(),
        });
    }
    std::str::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })
}

/// Decodes a JSON body into `T`, naming the offending field by JSON pointer.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let text = body_text(bytes)?;
    // Every Telnyx body is a JSON object; serde would otherwise read a struct from an array
    // (`["1234"]` as a create request).
    if !text.trim_start().starts_with('{') && !text.trim().is_empty() {
        return Err(DecodeError::Json {
            path: String::new(),
            message: String::from("expected a JSON object"),
        });
    }
    Ok(wire::json_from_str(text)?)
}

impl From<wire::JsonError> for DecodeError {
    fn from(e: wire::JsonError) -> Self {
        Self::Json {
            path: e.path,
            message: e.message,
        }
    }
}

/// Decodes an already-parsed JSON value into `T`; `prefix` is the pointer of `value` in
/// the body.
pub(crate) fn decode_value<T: DeserializeOwned>(
    value: Value,
    prefix: &str,
) -> Result<T, DecodeError> {
    wire::json_from_value(value).map_err(|e| DecodeError::Json {
        path: format!("{prefix}{}", e.path),
        message: e.message,
    })
}

/// Where an error comes from: a JSON pointer into the body or a query parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorSource {
    /// JSON pointer (RFC 6901) to the offending value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The offending query (or path) parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

impl ErrorSource {
    /// A source that points into the body.
    pub fn pointer(pointer: impl Into<String>) -> Self {
        Self {
            pointer: Some(pointer.into()),
            parameter: None,
        }
    }

    /// A source that names a parameter.
    pub fn parameter(name: impl Into<String>) -> Self {
        Self {
            pointer: None,
            parameter: Some(name.into()),
        }
    }
}

/// `meta` of an error: the documentation URL, and any other member kept as received.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorMeta {
    /// `https://developers.telnyx.com/docs/overview/errors/<code>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Other members.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// One entry of `errors[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TelnyxError {
    /// The code, a string of digits (`"10015"`).
    pub code: String,
    /// A short title (`"Bad Request"`).
    pub title: String,
    /// What is wrong (`"has already been taken"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
    /// Documentation link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ErrorMeta>,
}

/// Base of the error documentation URLs.
pub const ERROR_URL_BASE: &str = "https://developers.telnyx.com/docs/overview/errors/";

/// `10009`: authentication failed (401).
pub const CODE_AUTHENTICATION_FAILED: &str = "10009";
/// `10005`: resource not found (404).
pub const CODE_NOT_FOUND: &str = "10005";
/// `10015`: bad request (400 malformed or invalid pagination, 422 validation).
pub const CODE_BAD_REQUEST: &str = "10015";
/// `10011`: too many requests (429).
pub const CODE_TOO_MANY_REQUESTS: &str = "10011";
/// `10007`: unexpected error (500 and the other server-side statuses).
pub const CODE_UNEXPECTED: &str = "10007";
/// `10008`: request timeout (504), "The request timed out." in Telnyx's list of API error
/// codes (developers.telnyx.com, API Error Messages).
pub const CODE_REQUEST_TIMEOUT: &str = "10008";

impl TelnyxError {
    /// An error with `code`, `title`, an optional `detail`, and `meta.url` for the code.
    pub fn new(code: &str, title: impl Into<String>, detail: Option<String>) -> Self {
        Self {
            code: code.to_owned(),
            title: title.into(),
            detail,
            source: None,
            meta: Some(ErrorMeta {
                url: Some(format!("{ERROR_URL_BASE}{code}")),
                other: BTreeMap::new(),
            }),
        }
    }

    /// The same error with a source.
    pub fn with_source(mut self, source: ErrorSource) -> Self {
        self.source = Some(source);
        self
    }

    /// The error for one rule violation: code 10015, title `Invalid pagination` for rule
    /// `telnyx.page` and `Bad Request` otherwise, the message as detail, and the source from
    /// the location (a query or path parameter → `source.parameter`, anything else →
    /// `source.pointer`; an empty path gives no source).
    pub fn from_violation(violation: &Violation) -> Self {
        let title = if violation.rule == RuleId::TelnyxPage {
            "Invalid pagination"
        } else {
            "Bad Request"
        };
        let error = Self::new(CODE_BAD_REQUEST, title, Some(violation.message.clone()));
        if violation.path.is_empty() {
            return error;
        }
        let source = match violation.location {
            Location::Query | Location::Path => ErrorSource::parameter(&violation.path),
            _ => ErrorSource::pointer(&violation.path),
        };
        error.with_source(source)
    }
}

/// A Telnyx error body: the standard `errors[]`, or the expired-update object.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// `{"errors":[...]}`.
    Errors(Vec<TelnyxError>),
    /// `{"errors":{"status":"..."}}`: members kept as received.
    Object(BTreeMap<String, Value>),
}

#[derive(Serialize)]
struct ErrorsOut<'a, T> {
    errors: &'a T,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorsShape {
    List(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl ErrorBody {
    /// The detail of the expired-update body (decision D9).
    pub const EXPIRED_STATUS: &'static str = "can't update credentials in expired status";

    /// A body of one error.
    pub fn single(error: TelnyxError) -> Self {
        Self::Errors(vec![error])
    }

    /// The body for `violations`, one entry each (see [`TelnyxError::from_violation`]).
    /// `status` picks nothing in the body itself (Telnyx uses 10015 for both 400 and 422);
    /// it is taken so that callers keep status and body together.
    pub fn from_violations(_status: u16, violations: &[Violation]) -> Self {
        Self::Errors(violations.iter().map(TelnyxError::from_violation).collect())
    }

    /// The entries of a standard body (none for the object form).
    pub fn errors(&self) -> &[TelnyxError] {
        match self {
            Self::Errors(errors) => errors,
            Self::Object(_) => &[],
        }
    }

    /// The first entry's code, if any.
    pub fn code(&self) -> Option<&str> {
        self.errors().first().map(|e| e.code.as_str())
    }

    /// Decodes either shape (client side).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        #[derive(Deserialize)]
        struct Raw {
            errors: ErrorsShape,
        }
        let raw: Raw = decode_json(bytes)?;
        match raw.errors {
            ErrorsShape::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| decode_value(item, &format!("/errors/{i}")))
                .collect::<Result<_, _>>()
                .map(Self::Errors),
            ErrorsShape::Object(members) => Ok(Self::Object(members)),
        }
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        let encoded = match self {
            Self::Errors(errors) => serde_json::to_vec(&ErrorsOut { errors }),
            Self::Object(members) => serde_json::to_vec(&ErrorsOut { errors: members }),
        };
        encoded.unwrap_or_default()
    }
}

/// An error status with its body, for a server to send.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// HTTP status.
    pub status: u16,
    /// Body (`application/json`).
    pub body: ErrorBody,
}

impl ErrorResponse {
    /// A response of `status` and `body`.
    pub fn new(status: u16, body: ErrorBody) -> Self {
        Self { status, body }
    }

    /// 401, `10009` "Authentication failed".
    pub fn unauthorized() -> Self {
        Self::new(
            401,
            ErrorBody::single(TelnyxError::new(
                CODE_AUTHENTICATION_FAILED,
                "Authentication failed",
                Some(String::from(
                    "The API key is missing, malformed or not valid.",
                )),
            )),
        )
    }

    /// 404, `10005` "Resource not found" (unknown id, another account's id, malformed id).
    pub fn not_found() -> Self {
        Self::new(
            404,
            ErrorBody::single(TelnyxError::new(
                CODE_NOT_FOUND,
                "Resource not found",
                Some(String::from(
                    "The requested resource or URL could not be found.",
                )),
            )),
        )
    }

    /// 405, `10015` "Method Not Allowed": the path names a resource, the method is not one of
    /// its methods (the server adds the `Allow` header). Telnyx documents no code of its own
    /// for it; 10015 is its code for a request that is not well-formed (decision D40).
    pub fn method_not_allowed(method: &str) -> Self {
        Self::new(
            405,
            ErrorBody::single(TelnyxError::new(
                CODE_BAD_REQUEST,
                "Method Not Allowed",
                Some(format!(
                    "The method {method} is not allowed for this resource; see the Allow header."
                )),
            )),
        )
    }

    /// 400, `10015` "Bad Request" for a body that does not decode or has the wrong content
    /// type. `detail` says why (a [`DecodeError`]'s message is safe to use).
    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new(
            400,
            ErrorBody::single(TelnyxError::new(
                CODE_BAD_REQUEST,
                "Bad Request",
                Some(detail.into()),
            )),
        )
    }

    /// 400 for a body or query that does not decode, naming the field where one is known.
    pub fn from_decode_error(error: &DecodeError) -> Self {
        let mut response = Self::malformed(error.to_string());
        let source = match error {
            DecodeError::Json { path, .. } if !path.is_empty() => {
                Some(ErrorSource::pointer(path.as_str()))
            }
            DecodeError::Percent { field, .. }
            | DecodeError::ParameterUtf8 { field }
            | DecodeError::RepeatedKey { field } => Some(ErrorSource::parameter(field.as_str())),
            _ => None,
        };
        if let (Some(source), ErrorBody::Errors(errors)) = (source, &mut response.body) {
            for e in errors {
                e.source = Some(source.clone());
            }
        }
        response
    }

    /// 400, `10015` "Invalid pagination", `source.parameter` naming the parameter.
    pub fn invalid_pagination(violation: &Violation) -> Self {
        Self::new(
            400,
            ErrorBody::from_violations(400, std::slice::from_ref(violation)),
        )
    }

    /// 422, `10015` "Bad Request", one entry per violation.
    pub fn validation(violations: &[Violation]) -> Self {
        Self::new(422, ErrorBody::from_violations(422, violations))
    }

    /// 429, `10011` "Too many requests".
    pub fn too_many_requests() -> Self {
        Self::new(
            429,
            ErrorBody::single(TelnyxError::new(
                CODE_TOO_MANY_REQUESTS,
                "Too many requests",
                Some(String::from(
                    "You have exceeded the maximum number of allowed requests.",
                )),
            )),
        )
    }

    /// A server-side `status` (5xx): 504 is `10008` "Request timeout", every other
    /// `10007` "Unexpected error".
    pub fn server_error(status: u16) -> Self {
        let error = if status == 504 {
            TelnyxError::new(
                CODE_REQUEST_TIMEOUT,
                "Request timeout",
                Some(String::from("The request timed out.")),
            )
        } else {
            TelnyxError::new(
                CODE_UNEXPECTED,
                "Unexpected error",
                Some(String::from("An unexpected error occurred.")),
            )
        };
        Self::new(status, ErrorBody::single(error))
    }

    /// 422 with the non-standard body `{"errors":{"status":"can't update credentials in
    /// expired status"}}` (decision D9): an update of an expired telephony credential.
    pub fn expired_update() -> Self {
        let mut members = BTreeMap::new();
        members.insert(
            String::from("status"),
            Value::String(String::from(ErrorBody::EXPIRED_STATUS)),
        );
        Self::new(422, ErrorBody::Object(members))
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        match &self.body {
            ErrorBody::Errors(errors) => {
                for e in errors {
                    write!(f, " [{} {}", e.code, e.title)?;
                    if let Some(detail) = &e.detail {
                        write!(f, ": {detail}")?;
                    }
                    f.write_str("]")?;
                }
                Ok(())
            }
            ErrorBody::Object(members) => {
                for (k, v) in members {
                    write!(f, " [{k}: {v}]")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ErrorResponse {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).unwrap()
    }

    #[test]
    fn wrong_types_name_the_pointer_without_the_value() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct T {
            alias: Option<String>,
        }
        let err = decode_json::<T>(br#"{"alias": 5}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/alias: invalid type: integer, expected a string at line 1 column 11"
        );
        let err = decode_json::<T>(br#"{"alias": "x"} tail"#).unwrap_err();
        assert!(
            matches!(err, DecodeError::Json { ref path, .. } if path.is_empty()),
            "{err}"
        );
        assert!(matches!(
            decode_json::<T>(b"{\"alias\": \"\xff\"}"),
            Err(DecodeError::InvalidUtf8 { offset: 11 })
        ));
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(matches!(
            decode_json::<T>(&huge),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn standard_and_object_bodies_round_trip() {
        let standard = json!({"errors": [{
            "code": "10015", "title": "Bad Request", "detail": "has already been taken",
            "source": {"pointer": "/alias"},
            "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10015"}
        }]});
        let bytes = serde_json::to_vec(&standard).unwrap();
        let body = ErrorBody::decode(&bytes).unwrap();
        assert_eq!(body.code(), Some("10015"));
        assert_eq!(value(&body.encode()), standard);

        let expired = ErrorResponse::expired_update();
        assert_eq!(expired.status, 422);
        assert_eq!(
            expired.body.encode(),
            br#"{"errors":{"status":"can't update credentials in expired status"}}"#
        );
        assert_eq!(
            ErrorBody::decode(&expired.body.encode()).unwrap(),
            expired.body
        );
        assert!(ErrorBody::decode(br#"{"errors": 5}"#).is_err());
        let err = ErrorBody::decode(br#"{"errors": [{"code": 10015}]}"#).unwrap_err();
        assert!(
            matches!(err, DecodeError::Json { ref path, .. } if path == "/errors/0/code"),
            "{err}"
        );
    }

    #[test]
    fn constructors_carry_the_documented_codes() {
        let cases = [
            (
                ErrorResponse::unauthorized(),
                401,
                "10009",
                "Authentication failed",
            ),
            (
                ErrorResponse::not_found(),
                404,
                "10005",
                "Resource not found",
            ),
            (ErrorResponse::malformed("x"), 400, "10015", "Bad Request"),
            (
                ErrorResponse::too_many_requests(),
                429,
                "10011",
                "Too many requests",
            ),
            (
                ErrorResponse::server_error(500),
                500,
                "10007",
                "Unexpected error",
            ),
            (
                ErrorResponse::server_error(503),
                503,
                "10007",
                "Unexpected error",
            ),
            (
                ErrorResponse::server_error(504),
                504,
                "10008",
                "Request timeout",
            ),
        ];
        for (response, status, code, title) in cases {
            assert_eq!(response.status, status);
            let e = &response.body.errors()[0];
            assert_eq!((e.code.as_str(), e.title.as_str()), (code, title));
            assert_eq!(
                e.meta.as_ref().and_then(|m| m.url.as_deref()),
                Some(format!("{ERROR_URL_BASE}{code}").as_str())
            );
        }
    }

    #[test]
    fn violations_map_to_pointer_or_parameter() {
        let paging = credspec_core::rules::check_telnyx_paging(None, Some("251"), 20).unwrap_err();
        let response = ErrorResponse::invalid_pagination(&paging);
        assert_eq!(response.status, 400);
        let e = &response.body.errors()[0];
        assert_eq!(e.title, "Invalid pagination");
        assert_eq!(e.source, Some(ErrorSource::parameter("page[size]")));

        let taken = Violation::state(RuleId::PushAliasUnique, "/alias", "has already been taken");
        let response = ErrorResponse::validation(&[taken]);
        assert_eq!(response.status, 422);
        assert_eq!(
            value(&response.body.encode()),
            json!({"errors": [{"code": "10015", "title": "Bad Request",
                "detail": "has already been taken", "source": {"pointer": "/alias"},
                "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10015"}}]})
        );
        let expired = credspec_core::rules::check_telephony_operation(
            credspec_core::rules::TelephonyOperation::Token,
            true,
        )
        .unwrap_err();
        assert_eq!(TelnyxError::from_violation(&expired).source, None);
    }

    #[test]
    fn decode_errors_become_400_with_a_source() {
        let err = DecodeError::Json {
            path: String::from("/alias"),
            message: String::from("invalid type"),
        };
        let response = ErrorResponse::from_decode_error(&err);
        assert_eq!(response.status, 400);
        assert_eq!(
            response.body.errors()[0].source,
            Some(ErrorSource::pointer("/alias"))
        );
        let err = DecodeError::RepeatedKey {
            field: String::from("page[size]"),
        };
        assert_eq!(
            ErrorResponse::from_decode_error(&err).body.errors()[0].source,
            Some(ErrorSource::parameter("page[size]"))
        );
    }
}
