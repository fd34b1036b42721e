//! The error check: a refusal is in the vendor's own error format, as the API's document
//! says it (its response schema for the status, and `x-credspec`'s pointers to the code and
//! to the echoed status), and carries the code the case expects.

use serde_json::Value;

use super::{Exchange, Failure, show, string_of};

/// The error body's shape and code; `None` when the case expects no error code.
pub(super) fn check(x: &Exchange<'_>) -> Option<Vec<Failure>> {
    let code = x.expect.error_code.as_ref()?;
    let Some(body) = &x.exchanged.body else {
        return Some(vec![Failure::diff(
            "no error body",
            string_of(code),
            "(empty)",
        )]);
    };
    let spec = x.specs.api(x.api);
    let oracle = spec.oracle();
    let response = &x.exchanged.response;
    let media = response.media_type();
    let actual = body.pointer(&oracle.error_code);
    let shape_ok = actual.is_some_and(|a| same_kind(a, code))
        && oracle.error_status.as_deref().is_none_or(|pointer| {
            body.pointer(pointer).and_then(Value::as_u64) == Some(u64::from(response.status))
        })
        && spec
            .response_validator(&x.request.operation, response.status, media.as_deref())
            .is_none_or(|schema| schema.is_valid(body));
    let mut out = Vec::new();
    if !shape_ok {
        out.push(Failure::diff(
            "not the vendor's error format",
            format!("the document's error body (code at {})", oracle.error_code),
            show(body),
        ));
    }
    if actual != Some(code) {
        out.push(Failure::diff(
            "error code",
            string_of(code),
            actual.map_or_else(|| String::from("(none)"), string_of),
        ));
    }
    Some(out)
}

/// Whether two codes are of one JSON kind (Twilio's are numbers, Telnyx's strings).
fn same_kind(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::Number(_), Value::Number(_)) | (Value::String(_), Value::String(_))
    )
}
