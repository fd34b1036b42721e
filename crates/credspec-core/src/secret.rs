//! [`Secret`]: the one wrapper for every private key, FCM/GCM secret, SIP password, auth
//! token and API key secret.
//!
//! Its `Debug` prints a fixed marker and it has no `Display`, so a secret cannot reach a log
//! line, a panic message or a snapshot by accident. The value is reached only through
//! [`Secret::expose`], which makes every use of the plain text visible in review.
//!
//! Serialization is transparent: codecs must put secrets on the wire (Telnyx echoes private
//! keys and SIP passwords in its responses), so `Serialize` writes the plain value.

mod mask;

pub use mask::{MASK, is_secret_name, is_secret_pointer, looks_secret, mask_json};

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What `Debug` prints in place of a secret value.
pub const REDACTED: &str = "[REDACTED]";

/// A value that must never be printed.
///
/// ```
/// use credspec_core::secret::Secret;
///
/// let token = Secret::new(String::from("s3cr3t"));
/// assert_eq!(format!("{token:?}"), "Secret([REDACTED])");
/// assert_eq!(token.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The plain value. Call it only where the value must leave the program (a wire
    /// encoding, a comparison, a signature).
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the plain value.
    pub fn into_exposed(self) -> T {
        self.0
    }

    /// Maps the inner value, keeping it secret.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Secret<U> {
        Secret(f(self.0))
    }
}

impl Secret<String> {
    /// The plain value as a string slice.
    pub fn expose_str(&self) -> &str {
        &self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl<T: Serialize> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new(String::from("-----BEGIN PRIVATE KEY-----abc"));
        let printed = format!("{secret:?} {secret:#?}");
        assert!(!printed.contains("abc"), "{printed}");
        assert!(printed.contains(REDACTED));
        // Nested in other Debug output as well.
        let nested = format!("{:?}", Some(vec![secret.clone()]));
        assert!(!nested.contains("BEGIN"), "{nested}");
    }

    #[test]
    fn serde_is_transparent() {
        let secret: Secret<String> = serde_json::from_str("\"k\"").unwrap();
        assert_eq!(secret.expose(), "k");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"k\"");
    }
}
