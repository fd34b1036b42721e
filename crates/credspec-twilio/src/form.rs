//! `application/x-www-form-urlencoded` bodies and query strings: size, UTF-8, `%` followed
//! by two hex digits, UTF-8 after percent-decoding, and known parameters given once. Each
//! key and each known parameter's value is decoded in one pass, with the checks that the
//! `form_urlencoded` crate does not make (it decodes lossily); bodies are written with
//! `form_urlencoded`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::error::{DecodeError, body_text, check_size, clip_name};

/// Decodes a raw key or value (`+` is a space, `%XX` a byte) and checks that every `%` is
/// followed by two hex digits and that the decoded bytes are UTF-8. `field` names the
/// parameter in errors. Borrows when there is nothing to decode.
fn decode_component<'a>(raw: &'a str, field: &str) -> Result<Cow<'a, str>, DecodeError> {
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
                    return Err(DecodeError::Percent {
                        field: clip_name(field),
                        offset: i,
                    });
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
        .map_err(|_| DecodeError::ParameterUtf8 {
            field: clip_name(field),
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
