//! [`GcmApiKey`] and [`FcmServerKey`]: the string secrets of GCM and legacy FCM credentials.

use std::str::FromStr;

use super::{Material, MaterialError, MaterialKind, MaterialPolicy};
use crate::secret::Secret;

/// `AIza` + 35 characters: a Google API key.
const API_KEY_PREFIX: &str = "AIza";
const API_KEY_LEN: usize = 39;
/// The marker that starts the part after the colon of a legacy FCM server key.
const SERVER_KEY_MARKER: &str = "APA91";
/// The longest sender/project token accepted before the colon (real ones are ~11).
const MAX_SERVER_KEY_TOKEN: usize = 64;
/// The shortest part after the colon accepted. Real legacy server keys carry about 140
/// characters there (152 in all); 100 keeps truncated examples out without being tight.
const MIN_SERVER_KEY_SECRET: usize = 100;

fn is_base64url(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Checks the Google API key format, returning a reason that never repeats the value.
fn validate_api_key(value: &str) -> Result<(), &'static str> {
    if !value.starts_with(API_KEY_PREFIX) {
        return Err("must start with AIza");
    }
    if !value.chars().all(is_base64url) {
        return Err("may contain only 0-9, A-Z, a-z, _ and -");
    }
    if value.len() != API_KEY_LEN {
        return Err("must be AIza followed by 35 characters");
    }
    Ok(())
}

/// A Google (GCM) API key: `AIza` followed by 35 characters of `[0-9A-Za-z_-]`.
///
/// The value is held in a [`Secret`]; `Debug` prints it redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcmApiKey(Secret<String>);

impl GcmApiKey {
    /// Parses an API key (surrounding whitespace ignored). A malformed value containing
    /// `...` or `…` is a placeholder, handled according to `policy`.
    pub fn parse(input: &str, policy: MaterialPolicy) -> Result<Material<Self>, MaterialError> {
        let value = input.trim();
        let parsed = validate_api_key(value)
            .map(|()| Self(Secret::new(value.to_owned())))
            .map_err(|reason| MaterialError::InvalidKeyFormat {
                kind: MaterialKind::ApiKey,
                reason,
            });
        policy.classify(MaterialKind::ApiKey, input, parsed)
    }

    /// The key.
    pub fn value(&self) -> &Secret<String> {
        &self.0
    }
}

impl FromStr for GcmApiKey {
    type Err = MaterialError;

    /// Parses a real key; placeholders are an error.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s, MaterialPolicy::RequireReal)?.require_real()
    }
}

/// Which of the two accepted shapes an FCM server key has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerKeyForm {
    /// The legacy `<token>:APA91...` server key.
    Legacy,
    /// A Google API key (`AIza...`), which older Firebase projects used as server key.
    ApiKey,
}

/// An FCM legacy server key: `<token>:APA91<base64url>` (the token is 1 to 64 characters
/// of `[0-9A-Za-z_-]`, the part after the colon at least 100), or an `AIza...` API key.
///
/// The legacy shape is also the shape of an FCM registration token; the two cannot be told
/// apart by format. The value is held in a [`Secret`]; `Debug` prints it redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FcmServerKey {
    value: Secret<String>,
    form: ServerKeyForm,
}

impl FcmServerKey {
    /// Parses a server key (surrounding whitespace ignored). A malformed value containing
    /// `...` or `…` (such as `BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja...`) is a placeholder,
    /// handled according to `policy`.
    pub fn parse(input: &str, policy: MaterialPolicy) -> Result<Material<Self>, MaterialError> {
        let value = input.trim();
        let parsed = Self::validate(value)
            .map(|form| Self {
                value: Secret::new(value.to_owned()),
                form,
            })
            .map_err(|reason| MaterialError::InvalidKeyFormat {
                kind: MaterialKind::ServerKey,
                reason,
            });
        policy.classify(MaterialKind::ServerKey, input, parsed)
    }

    fn validate(value: &str) -> Result<ServerKeyForm, &'static str> {
        if value.starts_with(API_KEY_PREFIX) && !value.contains(':') {
            return validate_api_key(value).map(|()| ServerKeyForm::ApiKey);
        }
        let Some((token, secret)) = value.split_once(':') else {
            return Err("must be <token>:APA91... or an AIza... api key");
        };
        if token.is_empty()
            || token.len() > MAX_SERVER_KEY_TOKEN
            || !token.chars().all(is_base64url)
        {
            return Err("the part before the colon must be 1 to 64 characters of [0-9A-Za-z_-]");
        }
        if !secret.starts_with(SERVER_KEY_MARKER) {
            return Err("the part after the colon must start with APA91");
        }
        if !secret.chars().all(is_base64url) {
            return Err("the part after the colon may contain only 0-9, A-Z, a-z, _ and -");
        }
        if secret.len() < MIN_SERVER_KEY_SECRET {
            return Err("the part after the colon is too short (at least 100 characters)");
        }
        Ok(ServerKeyForm::Legacy)
    }

    /// The key.
    pub fn value(&self) -> &Secret<String> {
        &self.value
    }

    /// Which shape the key has.
    pub fn form(&self) -> ServerKeyForm {
        self.form
    }
}

impl FromStr for FcmServerKey {
    type Err = MaterialError;

    /// Parses a real key; placeholders are an error.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s, MaterialPolicy::RequireReal)?.require_real()
    }
}
