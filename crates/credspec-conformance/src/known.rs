//! `specs/known-failures.toml`: cases that are known to fail, with the reason. A listed case
//! that passes fails the run, so the list only shrinks; one that fails is a known failure,
//! counted on its own (neither a pass nor a failure of the run); one that is skipped says it
//! was not checked. An entry that names no case of `specs/` is an error
//! ([`crate::runner::RunnerError::UnknownKnownFailure`]).
//!
//! ```toml
//! [known-failures]
//! "notify-v1.create.some-case" = "why it fails and the issue that tracks it"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// The known failures, by case id.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct KnownFailures {
    #[serde(rename = "known-failures", default)]
    cases: BTreeMap<String, String>,
}

/// Why the list could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KnownFailuresError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not the expected TOML.
    #[error("{path}: {source}")]
    Toml {
        /// The file.
        path: String,
        /// Why.
        source: toml::de::Error,
    },
}

impl KnownFailures {
    /// Reads the list; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<Self, KnownFailuresError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(KnownFailuresError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        Self::parse(&text).map_err(|source| KnownFailuresError::Toml {
            path: path.display().to_string(),
            source,
        })
    }

    /// Parses the TOML text.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The reason a case is listed, if it is.
    pub fn reason(&self, id: &str) -> Option<&str> {
        self.cases.get(id).map(String::as_str)
    }

    /// Every listed case id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.cases.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_list_and_refuses_other_shapes() {
        let k = KnownFailures::parse("[known-failures]\n\"a.b\" = \"because\"\n").unwrap();
        assert_eq!(k.reason("a.b"), Some("because"));
        assert_eq!(k.reason("a.c"), None);
        assert!(KnownFailures::parse("[known-failures]\n\"a.b\" = 1\n").is_err());
        assert_eq!(KnownFailures::parse("").unwrap().ids().count(), 0);
    }
}
