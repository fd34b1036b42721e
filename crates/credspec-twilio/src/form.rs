//! `application/x-www-form-urlencoded` bodies and query strings: size, UTF-8, each key and
//! each known parameter's value decoded once by core's [`wire::percent_decode`] (which
//! refuses what the `form_urlencoded` crate would decode lossily), and known parameters
//! given once. Bodies are written with `form_urlencoded`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use credspec_core::wire::{self, PercentError};

use crate::error::{DecodeError, body_text, check_size, clip_name};

/// Decodes a raw key or value with core's checks; `field` names the parameter in errors.
fn decode_component<'a>(raw: &'a str, field: &str) -> Result<Cow<'a, str>, DecodeError> {
    wire::percent_decode(raw).map_err(|e| match e {
        PercentError::Escape { offset } => DecodeError::Percent {
            field: clip_name(field),
            offset,
        },
        PercentError::Utf8 => DecodeError::ParameterUtf8 {
            field: clip_name(field),
        },
    })
}

/// Parses a form body or query string (a leading `?` is skipped), keeping the parameters
/// in `known` (each at most once) and ignoring the rest, as Twilio ignores unknown
/// parameters (an unknown parameter's key is still checked, its value is not). Names are
/// matched exactly (Twilio's parameter names are case-sensitive).
pub(crate) fn parse(
    text: &str,
    known: &[&'static str],
) -> Result<BTreeMap<&'static str, String>, DecodeError> {
    check_size(text.len())?;
    let text = text.strip_prefix('?').unwrap_or(text);
    let mut found = BTreeMap::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode_component(raw_key, raw_key)?;
        let Some(name) = known.iter().copied().find(|k| *k == key) else {
            continue;
        };
        let value = decode_component(raw_value, name)?;
        if found.insert(name, value.into_owned()).is_some() {
            return Err(DecodeError::RepeatedKey {
                field: name.to_owned(),
            });
        }
    }
    Ok(found)
}

/// Parses a form body: size, then UTF-8, then [`parse`].
pub(crate) fn parse_body(
    bytes: &[u8],
    known: &[&'static str],
) -> Result<BTreeMap<&'static str, String>, DecodeError> {
    parse(body_text(bytes)?, known)
}

/// Writes the given parameters in order, skipping `None`s.
pub(crate) fn write<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if let Some(value) = value {
            out.append_pair(name, value);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["Type", "FriendlyName"];

    #[test]
    fn decodes_plus_and_escapes_and_ignores_unknown_parameters() {
        let found = parse("Type=apn&FriendlyName=a+b%2Fc&Other=%zz&Other=1", KNOWN).unwrap();
        assert_eq!(found.get("Type").map(String::as_str), Some("apn"));
        assert_eq!(found.get("FriendlyName").map(String::as_str), Some("a b/c"));
        assert_eq!(
            parse("?Type", KNOWN)
                .unwrap()
                .get("Type")
                .map(String::as_str),
            Some("")
        );
        assert_eq!(
            write([("FriendlyName", Some("a b/c")), ("Type", None)]),
            "FriendlyName=a+b%2Fc"
        );
    }

    #[test]
    fn malformed_forms_name_the_parameter() {
        assert_eq!(
            parse("FriendlyName=50%", KNOWN),
            Err(DecodeError::Percent {
                field: String::from("FriendlyName"),
                offset: 2
            })
        );
        assert_eq!(
            parse("FriendlyName=%4g", KNOWN),
            Err(DecodeError::Percent {
                field: String::from("FriendlyName"),
                offset: 0
            })
        );
        assert_eq!(
            parse("FriendlyName=%ff%fe", KNOWN),
            Err(DecodeError::ParameterUtf8 {
                field: String::from("FriendlyName")
            })
        );
        assert_eq!(
            parse("Type=apn&Type=gcm", KNOWN),
            Err(DecodeError::RepeatedKey {
                field: String::from("Type")
            })
        );
        assert_eq!(
            parse("Type=apn&%54ype=gcm", KNOWN),
            Err(DecodeError::RepeatedKey {
                field: String::from("Type")
            })
        );
        assert!(matches!(
            parse("bad%4=1", KNOWN),
            Err(DecodeError::Percent { offset: 3, .. })
        ));
        assert!(matches!(
            parse_body(b"Type=\xff", KNOWN),
            Err(DecodeError::InvalidUtf8 { offset: 5 })
        ));
        let huge = "x".repeat(crate::error::MAX_BODY_BYTES + 1);
        assert!(matches!(
            parse(&huge, KNOWN),
            Err(DecodeError::TooLarge { .. })
        ));
    }
}
