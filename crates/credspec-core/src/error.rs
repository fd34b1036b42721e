//! Error types of the core crate.
//!
//! Each concern has its own enum: [`FormatError`] for a string that is not a valid id or
//! value, [`TimestampError`] for a date that does not parse. Rule violations are not errors of
//! a function but findings about a request: see [`crate::rules::Violation`].

use thiserror::Error;

/// Longest prefix of an offending input that an error message repeats.
const CLIP: usize = 80;

/// What an error message shows of the input: a clipped copy, or nothing for secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct Shown(Option<String>);

impl Shown {
    /// Shows the input, clipped to a readable length.
    pub(crate) fn input(input: &str) -> Self {
        let clipped: String = input.chars().take(CLIP).collect();
        Self(Some(clipped))
    }

    /// Shows nothing: the input is a secret.
    pub(crate) fn secret() -> Self {
        Self(None)
    }
}

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(s) => write!(f, "{s:?}"),
            None => f.write_str("(secret not shown)"),
        }
    }
}

/// A string that is not a valid identifier or constrained value.
///
/// `kind` names the type in words (`"credential SID"`, `"app name"`); the message repeats
/// the input (clipped) except for secrets.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The value is empty where at least one character is required.
    #[error("{kind} must not be empty")]
    Empty {
        /// The type, in words.
        kind: &'static str,
    },
    /// The value has the wrong length (counted in characters).
    #[error("{kind} must be {min} to {max} characters long, got {actual}: {input}")]
    Length {
        /// The type, in words.
        kind: &'static str,
        /// Shortest allowed length.
        min: usize,
        /// Longest allowed length.
        max: usize,
        /// The length given.
        actual: usize,
        /// The input, clipped.
        input: Shown,
    },
    /// The value does not start with its fixed prefix.
    #[error("{kind} must start with {prefix:?}: {input}")]
    Prefix {
        /// The type, in words.
        kind: &'static str,
        /// The required prefix.
        prefix: &'static str,
        /// The input, clipped.
        input: Shown,
    },
    /// A character outside the allowed set.
    #[error(
        "{kind} may only contain {allowed}; found {character:?} at position {position}: {input}"
    )]
    Character {
        /// The type, in words.
        kind: &'static str,
        /// The allowed characters, in words.
        allowed: &'static str,
        /// The offending character.
        character: char,
        /// Its position, counted in characters from 0.
        position: usize,
        /// The input, clipped.
        input: Shown,
    },
    /// The value does not have the required structure.
    #[error("{kind} must look like {shape}: {input}")]
    Shape {
        /// The type, in words.
        kind: &'static str,
        /// The required structure, in words or by example.
        shape: &'static str,
        /// The input, clipped.
        input: Shown,
    },
}

/// A timestamp that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The text matches none of the supported forms.
    #[error("not an ISO-8601 or RFC 2822 timestamp: {input}")]
    Syntax {
        /// The input, clipped.
        input: Shown,
    },
    /// The text has the right form but names a date or time that does not exist.
    #[error("timestamp out of range ({reason}): {input}")]
    Range {
        /// Which component is out of range.
        reason: String,
        /// The input, clipped.
        input: Shown,
    },
}
