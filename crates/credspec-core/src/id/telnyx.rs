//! Telnyx identifiers: resource UUIDs, telephony connection and resource ids, generated SIP
//! user names and passwords, user ids.
//!
//! Sources: `telnyx.mobile_push_credentials` (`push_credential_id`, `format: uuid`), seed 004
//! and `telnyx.telephony_credentials` (examples `connection:804252963366242252`,
//! `gencrednCvHU5IYpSBPPsXI2iQsDX`, `a92dbcfb60184a8cb330b0acb2f7617b`).

use std::fmt;
use std::str::FromStr;

use crate::error::{FormatError, Shown};
use crate::format;
use crate::macros::string_newtype;
use crate::random::RandomSource;
use crate::secret::Secret;

const HEX_LOWER: &[u8] = b"0123456789abcdef";
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A Telnyx resource id: a UUID in its hyphenated form (`8-4-4-4-12` hex digits, either case,
/// kept as given).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TelnyxId(String);

/// Rule `telnyx.id.format`.
fn validate_telnyx_id(s: &str) -> Result<(), FormatError> {
    const KIND: &str = "Telnyx id";
    const SHAPE: &str = "a hyphenated UUID such as 0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7";
    format::length(KIND, s, 36, 36, || Shown::input(s))?;
    for (position, c) in s.chars().enumerate() {
        let ok = match position {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        };
        if !ok {
            return Err(FormatError::Shape {
                kind: KIND,
                shape: SHAPE,
                input: Shown::input(s),
            });
        }
    }
    Ok(())
}

string_newtype!(TelnyxId, validate_telnyx_id);

impl TelnyxId {
    /// A new random (version 4) UUID in lower case, drawn from `rng`.
    pub fn generate(rng: &mut impl RandomSource) -> Self {
        let mut bytes = [0u8; 16];
        rng.fill_bytes(&mut bytes);
        bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
        let mut s = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
            s.push(char::from(HEX_LOWER[usize::from(b & 0x0f)]));
        }
        Self(s)
    }
}

/// A telephony (Credential) connection id: a string of 1 to 32 decimal digits, as every
/// documented example has it (`1234567890`, `804252963366242252`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(String);

/// Rule `telnyx.telephony.connection-id`.
fn validate_connection_id(s: &str) -> Result<(), FormatError> {
    const KIND: &str = "connection id";
    format::length(KIND, s, 1, 32, || Shown::input(s))?;
    format::chars(
        KIND,
        s,
        "decimal digits",
        |c| c.is_ascii_digit(),
        || Shown::input(s),
    )
}

string_newtype!(ConnectionId, validate_connection_id);

/// A telephony credential's `resource_id`: `connection:` followed by its connection id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId {
    connection: ConnectionId,
}

impl ResourceId {
    const PREFIX: &'static str = "connection:";

    /// The resource id of a connection.
    pub fn for_connection(connection: ConnectionId) -> Self {
        Self { connection }
    }

    /// The connection it names.
    pub fn connection_id(&self) -> &ConnectionId {
        &self.connection
    }
}

impl FromStr for ResourceId {
    type Err = FormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = format::strip_prefix("resource id", s, Self::PREFIX)?;
        Ok(Self {
            connection: rest.parse()?,
        })
    }
}

impl TryFrom<&str> for ResourceId {
    type Error = FormatError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.connection)
    }
}

impl serde::Serialize for ResourceId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ResourceId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A generated SIP user name: `gencred` followed by 22 ASCII letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SipUsername(String);

const SIP_USERNAME_PREFIX: &str = "gencred";
const SIP_USERNAME_RANDOM: usize = 22;

fn validate_sip_username(s: &str) -> Result<(), FormatError> {
    const KIND: &str = "SIP username";
    let rest = format::strip_prefix(KIND, s, SIP_USERNAME_PREFIX)?;
    format::length(KIND, rest, SIP_USERNAME_RANDOM, SIP_USERNAME_RANDOM, || {
        Shown::input(s)
    })?;
    format::chars(
        KIND,
        rest,
        "ASCII letters and digits",
        |c| c.is_ascii_alphanumeric(),
        || Shown::input(s),
    )
}

string_newtype!(SipUsername, validate_sip_username);

impl SipUsername {
    /// A new user name drawn from `rng`.
    pub fn generate(rng: &mut impl RandomSource) -> Self {
        let mut s = String::from(SIP_USERNAME_PREFIX);
        for _ in 0..SIP_USERNAME_RANDOM {
            s.push(char::from(rng.pick(ALPHANUMERIC)));
        }
        Self(s)
    }
}

/// A generated SIP password: 32 lower-case hexadecimal digits. A secret: its `Debug` is
/// redacted, it has no `Display`, and its errors never repeat it.
#[derive(Clone, PartialEq, Eq)]
pub struct SipPassword(Secret<String>);

/// Checks a SIP password without ever echoing it.
fn validate_sip_password(s: &str) -> Result<(), FormatError> {
    const KIND: &str = "SIP password";
    format::length(KIND, s, 32, 32, Shown::secret)?;
    format::chars(
        KIND,
        s,
        "hexadecimal digits",
        |c| c.is_ascii_hexdigit(),
        Shown::secret,
    )
}

impl SipPassword {
    /// Parses a password, keeping it secret.
    pub fn new(s: impl Into<String>) -> Result<Self, FormatError> {
        let s = s.into();
        validate_sip_password(&s)?;
        Ok(Self(Secret::new(s)))
    }

    /// A new password drawn from `rng`.
    pub fn generate(rng: &mut impl RandomSource) -> Self {
        let s: String = (0..32).map(|_| char::from(rng.pick(HEX_LOWER))).collect();
        Self(Secret::new(s))
    }

    /// The password itself, for the wire.
    pub fn expose(&self) -> &str {
        self.0.expose_str()
    }
}

impl fmt::Debug for SipPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SipPassword").field(&self.0).finish()
    }
}

impl FromStr for SipPassword {
    type Err = FormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl serde::Serialize for SipPassword {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> serde::Deserialize<'de> for SipPassword {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// A Telnyx user id as a credential reports it: 1 to 128 printable characters without
/// spaces. The documented example is the placeholder `user-id`, so no narrower form is
/// assumed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

fn validate_user_id(s: &str) -> Result<(), FormatError> {
    const KIND: &str = "user id";
    format::length(KIND, s, 1, 128, || Shown::input(s))?;
    format::chars(
        KIND,
        s,
        "printable characters other than spaces",
        |c| !c.is_control() && !c.is_whitespace(),
        || Shown::input(s),
    )
}

string_newtype!(UserId, validate_user_id);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;
    use proptest::prelude::*;

    #[test]
    fn documented_examples_parse() {
        for id in [
            "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7",
            "c215ade3-0d39-418e-94be-c5f780760199",
            "0CCC7B76-4DF3-4BCA-A05A-3DA1ECC389F0",
        ] {
            assert_eq!(id.parse::<TelnyxId>().unwrap().as_str(), id);
        }
        let rid: ResourceId = "connection:804252963366242252".parse().unwrap();
        assert_eq!(rid.connection_id().as_str(), "804252963366242252");
        assert_eq!(rid.to_string(), "connection:804252963366242252");
        assert_eq!(
            "gencrednCvHU5IYpSBPPsXI2iQsDX"
                .parse::<SipUsername>()
                .unwrap()
                .as_str(),
            "gencrednCvHU5IYpSBPPsXI2iQsDX"
        );
        assert_eq!(
            "a92dbcfb60184a8cb330b0acb2f7617b"
                .parse::<SipPassword>()
                .unwrap()
                .expose(),
            "a92dbcfb60184a8cb330b0acb2f7617b"
        );
        assert_eq!("user-id".parse::<UserId>().unwrap().as_str(), "user-id");
        assert_eq!(
            "1234567890".parse::<ConnectionId>().unwrap().as_str(),
            "1234567890"
        );
    }

    #[test]
    fn invalid_reasons() {
        assert!(matches!(
            "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d".parse::<TelnyxId>(),
            Err(FormatError::Length { .. })
        ));
        assert!(matches!(
            "0ccc7b54x4df3-4bcb-a65a-3da1ecc997d7".parse::<TelnyxId>(),
            Err(FormatError::Shape { .. })
        ));
        assert!(matches!(
            "0ccc7b54-4df3-4bcb-a65a-3da1ecc997dg".parse::<TelnyxId>(),
            Err(FormatError::Shape { .. })
        ));
        assert!(matches!(
            "".parse::<ConnectionId>(),
            Err(FormatError::Empty { .. })
        ));
        assert!(matches!(
            "12a".parse::<ConnectionId>(),
            Err(FormatError::Character { character: 'a', .. })
        ));
        assert!(matches!(
            "1".repeat(33).parse::<ConnectionId>(),
            Err(FormatError::Length { .. })
        ));
        assert!(matches!(
            "conn:1".parse::<ResourceId>(),
            Err(FormatError::Prefix { .. })
        ));
        assert!(matches!(
            "connection:".parse::<ResourceId>(),
            Err(FormatError::Empty { .. })
        ));
        assert!(matches!(
            "gencredshort".parse::<SipUsername>(),
            Err(FormatError::Length { .. })
        ));
        assert!(matches!(
            "user_nCvHU5IYpSBPPsXI2iQsDX".parse::<SipUsername>(),
            Err(FormatError::Prefix { .. })
        ));
        assert!(matches!(
            "gencrednCvHU5IYpSBPPsXI2iQs-X".parse::<SipUsername>(),
            Err(FormatError::Character { .. })
        ));
        assert!(matches!(
            "user id".parse::<UserId>(),
            Err(FormatError::Character { character: ' ', .. })
        ));
    }

    #[test]
    fn sip_password_is_never_shown() {
        let pw: SipPassword = "a92dbcfb60184a8cb330b0acb2f7617b".parse().unwrap();
        assert!(!format!("{pw:?}").contains("a92d"));
        let err = "a92dbcfb60184a8cb330b0acb2f7617z"
            .parse::<SipPassword>()
            .unwrap_err()
            .to_string();
        assert!(!err.contains("a92d"), "{err}");
        let err = "topsecret".parse::<SipPassword>().unwrap_err().to_string();
        assert!(!err.contains("topsecret"), "{err}");
        assert_eq!(
            serde_json::to_string(&pw).unwrap(),
            "\"a92dbcfb60184a8cb330b0acb2f7617b\""
        );
    }

    #[test]
    fn generated_values_are_valid() {
        let mut rng = SeededRandom::new(5);
        for _ in 0..50 {
            let id = TelnyxId::generate(&mut rng);
            assert_eq!(id.as_str().parse::<TelnyxId>().unwrap(), id);
            assert_eq!(id.as_str().as_bytes()[14], b'4', "version 4: {id}");
            let user = SipUsername::generate(&mut rng);
            assert_eq!(user.as_str().parse::<SipUsername>().unwrap(), user);
            let pw = SipPassword::generate(&mut rng);
            assert_eq!(pw.expose().parse::<SipPassword>().unwrap(), pw);
        }
    }

    #[test]
    fn serde_of_resource_id() {
        let rid: ResourceId = serde_json::from_str("\"connection:1\"").unwrap();
        assert_eq!(serde_json::to_string(&rid).unwrap(), "\"connection:1\"");
        assert!(serde_json::from_str::<ResourceId>("\"connection:x\"").is_err());
    }

    proptest! {
        #[test]
        fn uuids_round_trip(s in "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}") {
            let id: TelnyxId = s.parse().unwrap();
            prop_assert_eq!(id.to_string(), s);
        }

        #[test]
        fn resource_ids_round_trip(digits in "[0-9]{1,32}") {
            let rid = ResourceId::for_connection(digits.parse().unwrap());
            prop_assert_eq!(rid.to_string().parse::<ResourceId>().unwrap(), rid);
        }

        #[test]
        fn sip_usernames_round_trip(rest in "[A-Za-z0-9]{22}") {
            let u: SipUsername = format!("gencred{rest}").parse().unwrap();
            prop_assert_eq!(u.to_string().parse::<SipUsername>().unwrap(), u);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = s.parse::<TelnyxId>();
            let _ = s.parse::<ConnectionId>();
            let _ = s.parse::<ResourceId>();
            let _ = s.parse::<SipUsername>();
            let _ = s.parse::<SipPassword>();
            let _ = s.parse::<UserId>();
        }
    }
}
