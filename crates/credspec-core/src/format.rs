//! Small checks shared by every validated string type. Each type's `validate` function
//! composes these; no type re-implements a length or character check.

use crate::error::{FormatError, Shown};

/// Characters of `s` must number `min..=max`.
pub(crate) fn length(
    kind: &'static str,
    s: &str,
    min: usize,
    max: usize,
    shown: impl FnOnce() -> Shown,
) -> Result<(), FormatError> {
    let actual = s.chars().count();
    if actual == 0 && min > 0 {
        return Err(FormatError::Empty { kind });
    }
    if actual < min || actual > max {
        return Err(FormatError::Length {
            kind,
            min,
            max,
            actual,
            input: shown(),
        });
    }
    Ok(())
}

/// Every character of `s` must satisfy `allowed`.
pub(crate) fn chars(
    kind: &'static str,
    s: &str,
    description: &'static str,
    allowed: impl Fn(char) -> bool,
    shown: impl FnOnce() -> Shown,
) -> Result<(), FormatError> {
    match s.chars().enumerate().find(|(_, c)| !allowed(*c)) {
        Some((position, character)) => Err(FormatError::Character {
            kind,
            allowed: description,
            character,
            position,
            input: shown(),
        }),
        None => Ok(()),
    }
}

/// `s` must start with `prefix`; returns the rest.
pub(crate) fn strip_prefix<'a>(
    kind: &'static str,
    s: &'a str,
    prefix: &'static str,
) -> Result<&'a str, FormatError> {
    s.strip_prefix(prefix).ok_or_else(|| FormatError::Prefix {
        kind,
        prefix,
        input: Shown::input(s),
    })
}

/// A printable character: no control characters (tabs and newlines included).
pub(crate) fn is_printable(c: char) -> bool {
    !c.is_control()
}
