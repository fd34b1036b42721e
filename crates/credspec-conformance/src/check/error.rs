//! The error check: a refusal is in the vendor's own error format, as the API's document
//! says it (its response schema for the status, and `x-credspec`'s pointers to the code and
//! to the echoed status), and carries the code the case expects.

use credspec_core::api::ErrorFormat;
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
    let actual = body.pointer(&x.specs.api(x.api).oracle().error_code);
    let ok = actual.is_some_and(|a| same_kind(a, code)) && shape_ok(x, body);
    let mut out = Vec::new();
    if !ok {
        out.push(Failure::diff(
            "not the vendor's error format",
            format!(
                "the document's error body (code at {})",
                x.specs.api(x.api).oracle().error_code
            ),
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

/// The error body's shape alone, for an exchange no case wrote (the proxy's): a 4xx or 5xx
/// answer in the vendor's format, its code of the vendor's JSON kind (Twilio's numbers,
/// Telnyx's strings); `None` for other statuses.
pub(super) fn format(x: &Exchange<'_>) -> Option<Vec<Failure>> {
    if x.exchanged.response.status < 400 {
        return None;
    }
    let oracle = x.specs.api(x.api).oracle();
    let kind = match x.api.error_format() {
        ErrorFormat::Telnyx => Value::String(String::new()),
        ErrorFormat::TwilioClassic | ErrorFormat::TwilioComms => Value::from(0),
    };
    let ok = x.exchanged.body.as_ref().is_some_and(|body| {
        let code_ok = match body.pointer(&oracle.error_code) {
            Some(code) => same_kind(code, &kind),
            // A body without the code is the vendor's only where the document declares that
            // very body for the status (Telnyx's `{"errors":{"status":...}}` for the update
            // of an expired credential, D9).
            None => declared_schema(x).is_some(),
        };
        code_ok && shape_ok(x, body)
    });
    Some(if ok {
        Vec::new()
    } else {
        vec![Failure::diff(
            "not the vendor's error format",
            format!("the document's error body (code at {})", oracle.error_code),
            x.exchanged
                .body
                .as_ref()
                .map_or_else(|| String::from("(empty)"), show),
        )]
    })
}

/// The document's schema of the answer's operation, status and media type, if it has one.
fn declared_schema<'x>(x: &'x Exchange<'_>) -> Option<&'x jsonschema::Validator> {
    let media = x.exchanged.response.media_type();
    x.specs.api(x.api).response_validator(
        &x.request.operation,
        x.exchanged.response.status,
        media.as_deref(),
    )
}

/// The echoed status (where the format has one) and the document's schema of the answer.
fn shape_ok(x: &Exchange<'_>, body: &Value) -> bool {
    let spec = x.specs.api(x.api);
    let response = &x.exchanged.response;
    let media = response.media_type();
    spec.oracle().error_status.as_deref().is_none_or(|pointer| {
        body.pointer(pointer).and_then(Value::as_u64) == Some(u64::from(response.status))
    }) && spec
        .response_validator(&x.request.operation, response.status, media.as_deref())
        .is_none_or(|schema| schema.is_valid(body))
}

/// Whether two codes are of one JSON kind (Twilio's are numbers, Telnyx's strings).
fn same_kind(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::Number(_), Value::Number(_)) | (Value::String(_), Value::String(_))
    )
}
