//! The error check: a refusal is in the vendor's own error format (core's table names it
//! per API) and carries the code the case expects.

use serde_json::Value;

use super::{Exchange, Failure, show, string_of};
use crate::spec::ErrorFormat;

/// The error body's shape and code; `None` when the case expects no error code.
pub(super) fn check(x: &Exchange<'_>) -> Option<Vec<Failure>> {
    let code = x.expect.error_code.as_ref()?;
    let format = x.api.error_format();
    let Some(body) = &x.exchanged.body else {
        return Some(vec![Failure::diff(
            "no error body",
            string_of(code),
            "(empty)",
        )]);
    };
    let mut out = Vec::new();
    if !has_shape(format, body, x.exchanged.response.status) {
        out.push(Failure::diff(
            "not the vendor's error format",
            format!("{format:?}"),
            show(body),
        ));
    }
    let actual = error_code(format, body);
    if actual.as_ref() != Some(code) {
        out.push(Failure::diff(
            "error code",
            string_of(code),
            actual
                .as_ref()
                .map_or_else(|| String::from("(none)"), string_of),
        ));
    }
    Some(out)
}

/// Whether `body` has the members of `format` (and, for Twilio classic, the status echoed).
fn has_shape(format: ErrorFormat, body: &Value, status: u16) -> bool {
    let is_string = |pointer: &str| body.pointer(pointer).is_some_and(Value::is_string);
    match format {
        ErrorFormat::TwilioClassic => {
            body.get("code").is_some_and(Value::is_u64)
                && body.get("status").and_then(Value::as_u64) == Some(u64::from(status))
                && is_string("/message")
        }
        ErrorFormat::TwilioComms => {
            body.pointer("/errors/0/code").is_some_and(Value::is_u64)
                && is_string("/errors/0/message")
        }
        ErrorFormat::Telnyx => is_string("/errors/0/code") && is_string("/errors/0/title"),
    }
}

/// The error code of a body in `format`.
fn error_code(format: ErrorFormat, body: &Value) -> Option<Value> {
    match format {
        ErrorFormat::TwilioClassic => body.get("code").cloned(),
        ErrorFormat::TwilioComms | ErrorFormat::Telnyx => body.pointer("/errors/0/code").cloned(),
    }
}
