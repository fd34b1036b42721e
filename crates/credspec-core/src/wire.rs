//! What every vendor codec does to bytes before its own types see them, written once: the
//! body size limit, JSON decoding that names the offending member by JSON pointer without
//! repeating its value, and percent-decoding of form and query components with the checks
//! the `form_urlencoded` crate does not make. Each codec maps these errors into its own
//! `DecodeError`.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Largest body (or query string) any decoder accepts, checked before anything else; the
/// emulator answers 413 beyond it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Longest part of a parameter name an error message repeats.
const MAX_NAME_ECHO: usize = 64;

/// Clips a raw parameter name for an error message.
pub fn clip_name(raw: &str) -> String {
    raw.chars().take(MAX_NAME_ECHO).collect()
}

/// JSON that does not decode as the expected type. The message never repeats a value (a
/// secret may be one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// JSON pointer to the offending value (`/data/alias`); empty for the whole body.
    pub path: String,
    /// What is wrong, without the offending value.
    pub message: String,
    /// The text is not JSON at all (malformed, truncated, trailing characters), as opposed
    /// to JSON of the wrong shape.
    pub syntax: bool,
}

/// Decodes `text` into `T`, trailing characters refused.
///
/// Plain serde runs first: tracking the path costs as much as the decoding itself, and only
/// a body that fails needs it, so only that one is read again with the path tracked.
pub fn json_from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| path_error(&e))?;
    de.end().map_err(|e| JsonError {
        path: String::new(),
        message: scrub(&e.to_string()),
        syntax: true,
    })?;
    Ok(value)
}

/// Decodes an already-parsed value into `T`; the error's path is relative to `value`.
pub fn json_from_value<T: DeserializeOwned>(value: Value) -> Result<T, JsonError> {
    if let Ok(decoded) = T::deserialize(&value) {
        return Ok(decoded);
    }
    serde_path_to_error::deserialize(value).map_err(|e| path_error(&e))
}

/// The JSON pointer and the scrubbed message of a path-tracked error.
fn path_error(e: &serde_path_to_error::Error<serde_json::Error>) -> JsonError {
    use serde_path_to_error::Segment;
    let mut path = String::new();
    for segment in e.path().iter() {
        let member = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => String::from("?"),
        };
        path = crate::rules::pointer(&path, &member);
    }
    JsonError {
        path,
        message: scrub(&e.inner().to_string()),
        syntax: e.inner().is_syntax() || e.inner().is_eof(),
    }
}

/// Removes the values serde repeats in "invalid type/value" messages (`string "..."`,
/// ``integer `5` ``), keeping field names (``missing field `alias` ``).
pub fn scrub(message: &str) -> String {
    const QUOTED: [&str; 5] = [
        "string ",
        "integer ",
        "floating point ",
        "character ",
        "boolean ",
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    'outer: while !rest.is_empty() {
        for kind in QUOTED {
            if let Some(after) = rest.strip_prefix(kind) {
                let Some(close @ ('"' | '`')) = after.chars().next() else {
                    break;
                };
                if let Some(end) = literal_end(&after[1..], close) {
                    out.push_str(kind.trim_end());
                    rest = &after[1 + end + 1..];
                    continue 'outer;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// Byte index of the closing `close` of a literal, skipping backslash escapes in strings.
fn literal_end(s: &str, close: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if close == '"' => escaped = true,
            c if c == close => return Some(i),
            _ => {}
        }
    }
    None
}

/// A form or query component that does not percent-decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentError {
    /// A `%` at this offset of the raw component is not followed by two hex digits.
    Escape {
        /// Offset of the `%`.
        offset: usize,
    },
    /// The decoded bytes are not UTF-8.
    Utf8,
}

/// Decodes a raw form or query key or value (`+` is a space, `%XX` a byte), refusing a `%`
/// without two hex digits and decoded bytes that are not UTF-8 (where `form_urlencoded`
/// would decode lossily). Borrows when there is nothing to decode.
pub fn percent_decode(raw: &str) -> Result<Cow<'_, str>, PercentError> {
    let bytes = raw.as_bytes();
    if !bytes.iter().any(|b| matches!(b, b'%' | b'+')) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                    return Err(PercentError::Escape { offset: i });
                };
                // Two hex digits make at most 0xff.
                decoded.push(u8::try_from(hi * 16 + lo).unwrap_or(u8::MAX));
                i += 3;
            }
            b'+' => {
                decoded.push(b' ');
                i += 1;
            }
            _ => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(decoded)
        .map(Cow::Owned)
        .map_err(|_| PercentError::Utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_values_but_keeps_field_names() {
        assert_eq!(
            scrub(r#"invalid type: string "-----BEGIN \"x\" KEY", expected a map"#),
            "invalid type: string, expected a map"
        );
        assert_eq!(
            scrub("invalid type: integer `5`, expected a string at line 1 column 12"),
            "invalid type: integer, expected a string at line 1 column 12"
        );
        assert_eq!(scrub("missing field `alias`"), "missing field `alias`");
        assert_eq!(scrub("string \"unterminated"), "string \"unterminated");
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Outer {
        inner: Inner,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Inner {
        alias: Option<String>,
    }

    #[test]
    fn json_errors_name_the_member_and_say_whether_it_is_json_at_all() {
        let ok: Outer = json_from_str(r#"{"inner": {"alias": "a"}}"#).unwrap();
        assert_eq!(ok.inner.alias.as_deref(), Some("a"));
        let wrong = json_from_str::<Outer>(r#"{"inner": {"alias": "secret" }, "x": [1}"#);
        assert!(
            matches!(wrong, Err(JsonError { syntax: true, .. })),
            "{wrong:?}"
        );
        let shape = json_from_str::<Outer>(r#"{"inner": {"alias": 5}}"#).unwrap_err();
        assert_eq!(shape.path, "/inner/alias");
        assert!(!shape.syntax);
        assert!(!shape.message.contains('5'), "{}", shape.message);
        let trailing = json_from_str::<Outer>(r#"{"inner": {}} x"#).unwrap_err();
        assert_eq!((trailing.path.as_str(), trailing.syntax), ("", true));
        let value = serde_json::json!({"alias": ["x"]});
        let relative = json_from_value::<Inner>(value).unwrap_err();
        assert_eq!(relative.path, "/alias");
    }

    #[test]
    fn percent_decoding_refuses_what_form_urlencoded_would_guess() {
        assert!(matches!(
            percent_decode("plain"),
            Ok(Cow::Borrowed("plain"))
        ));
        assert_eq!(percent_decode("a+b%2Fc").unwrap(), "a b/c");
        assert_eq!(
            percent_decode("50%"),
            Err(PercentError::Escape { offset: 2 })
        );
        assert_eq!(
            percent_decode("%4g"),
            Err(PercentError::Escape { offset: 0 })
        );
        assert_eq!(percent_decode("%ff%fe"), Err(PercentError::Utf8));
        assert_eq!(clip_name(&"n".repeat(100)).len(), 64);
    }
}
