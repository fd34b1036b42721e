//! Constrained values of the six APIs: names, aliases, tags and the credential type of each
//! API.
//!
//! Credential types are *open* enums: decoding keeps a value the vendor may add tomorrow (so
//! a client round-trips it), and validation (see [`crate::rules`]) refuses it on create.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{FormatError, Shown};
use crate::format;
use crate::macros::string_newtype;

/// A Twilio `FriendlyName`: at most 64 characters (Notify v1 and Chat v2 prose: "It can be up
/// to 64 characters long"; the schemas have no `maxLength`). Empty is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FriendlyName(String);

/// Longest Twilio friendly name, in characters.
pub const FRIENDLY_NAME_MAX: usize = 64;

/// Rule `twilio.classic.friendly-name-length`.
fn validate_friendly_name(s: &str) -> Result<(), FormatError> {
    format::length("friendly name", s, 0, FRIENDLY_NAME_MAX, || Shown::input(s))
}

string_newtype!(FriendlyName, validate_friendly_name);

/// Longest Telnyx alias, tag and credential name, in characters (credspec's decision: the
/// Telnyx spec states no limit; 255 is the common column size).
pub const TELNYX_TEXT_MAX: usize = 255;

fn validate_telnyx_text(kind: &'static str, s: &str) -> Result<(), FormatError> {
    format::length(kind, s, 1, TELNYX_TEXT_MAX, || Shown::input(s))?;
    format::chars(
        kind,
        s,
        "printable characters",
        format::is_printable,
        || Shown::input(s),
    )
}

/// A Telnyx mobile push credential `alias`: "Alias to uniquely identify the credential";
/// 1 to 255 printable characters. Uniqueness per account is rule `telnyx.push.alias-unique`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Alias(String);

/// Rule `telnyx.push.alias`.
fn validate_alias(s: &str) -> Result<(), FormatError> {
    validate_telnyx_text("alias", s)
}

string_newtype!(Alias, validate_alias);

/// A Telnyx telephony credential `tag`: 1 to 255 printable characters; "A single tag can
/// hold at maximum 1000 credentials" (rule `telnyx.telephony.tag-limit`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);

/// Rule `telnyx.telephony.tag`.
fn validate_tag(s: &str) -> Result<(), FormatError> {
    validate_telnyx_text("tag", s)
}

string_newtype!(Tag, validate_tag);

/// A Telnyx telephony credential `name`: 1 to 255 printable characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialName(String);

/// Rule `telnyx.telephony.name`.
fn validate_credential_name(s: &str) -> Result<(), FormatError> {
    validate_telnyx_text("credential name", s)
}

string_newtype!(CredentialName, validate_credential_name);

/// Characters allowed in Comms tag keys and values.
fn is_comms_tag_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-')
}

/// A Comms tag key: 1 to 128 of `[a-zA-Z0-9._~-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommsTagKey(String);

fn validate_comms_tag_key(s: &str) -> Result<(), FormatError> {
    format::length("tag key", s, 1, 128, || Shown::input(s))?;
    format::chars(
        "tag key",
        s,
        "letters, digits and . _ ~ -",
        is_comms_tag_char,
        || Shown::input(s),
    )
}

string_newtype!(CommsTagKey, validate_comms_tag_key);

/// A Comms tag value: 1 to 256 of `[a-zA-Z0-9._~-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommsTagValue(String);

fn validate_comms_tag_value(s: &str) -> Result<(), FormatError> {
    format::length("tag value", s, 1, 256, || Shown::input(s))?;
    format::chars(
        "tag value",
        s,
        "letters, digits and . _ ~ -",
        is_comms_tag_char,
        || Shown::input(s),
    )
}

string_newtype!(CommsTagValue, validate_comms_tag_value);

/// Most tags a Comms resource may carry.
pub const COMMS_TAGS_MAX: usize = 10;

/// The `tags` of a Comms resource: at most ten key/value pairs (rule `twilio.comms.tags`).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct CommsTags(BTreeMap<CommsTagKey, CommsTagValue>);

/// Too many Comms tags.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at most {max} tags are allowed, got {actual}")]
#[non_exhaustive]
pub struct TooManyTags {
    /// The limit.
    pub max: usize,
    /// The number given.
    pub actual: usize,
}

impl CommsTags {
    /// Tags from pairs, refusing more than ten.
    pub fn new(tags: BTreeMap<CommsTagKey, CommsTagValue>) -> Result<Self, TooManyTags> {
        if tags.len() > COMMS_TAGS_MAX {
            return Err(TooManyTags {
                max: COMMS_TAGS_MAX,
                actual: tags.len(),
            });
        }
        Ok(Self(tags))
    }

    /// The pairs, ordered by key.
    pub fn iter(&self) -> impl Iterator<Item = (&CommsTagKey, &CommsTagValue)> {
        self.0.iter()
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no tags.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> serde::Deserialize<'de> for CommsTags {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<CommsTagKey, CommsTagValue>::deserialize(deserializer)?;
        Self::new(map).map_err(serde::de::Error::custom)
    }
}

/// A wire value that none of an open enum's known variants names. Kept as given so that a
/// decoded value re-encodes unchanged; it cannot be constructed outside this crate.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as it came on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Defines an open enum over wire strings.
macro_rules! open_enum {
    (
        $(#[$doc:meta])*
        $name:ident, case_insensitive = $ci:literal,
        $( $(#[$vdoc:meta])* $variant:ident => $wire:literal ),+ $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
            /// A value none of the known variants names, kept as given.
            Unknown(UnknownValue),
        }

        impl $name {
            /// Every known variant, in documentation order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// Reads a wire value; never fails (unknown values are kept).
            pub fn from_wire(s: &str) -> Self {
                $(
                    if (!$ci && s == $wire) || ($ci && s.eq_ignore_ascii_case($wire)) {
                        return Self::$variant;
                    }
                )+
                Self::Unknown(UnknownValue(s.to_owned()))
            }

            /// The wire value: the canonical spelling of a known variant, or the unknown
            /// value as given.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(v) => v.as_str(),
                }
            }

            /// Whether this is one of the documented values.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }

            /// The documented values, for error messages (`apn, gcm, fcm`).
            pub fn known_values() -> String {
                [$($wire),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}

open_enum!(
    /// The `Type` of a Twilio classic credential (Notify v1, Chat v2, IP-Messaging v2).
    /// Matched case-insensitively (the Conversations examples send `Type=GcM`); written in
    /// lower case.
    ClassicCredentialType, case_insensitive = true,
    /// Google Cloud Messaging: an API key.
    Gcm => "gcm",
    /// Apple Push Notification service: a certificate and private key.
    Apn => "apn",
    /// Firebase Cloud Messaging: a server key or service account.
    Fcm => "fcm",
);

open_enum!(
    /// The `credentialType` of a Twilio Comms push credential. Sandbox is a type here, not a
    /// flag.
    CommsCredentialType, case_insensitive = false,
    /// APNs production.
    Apn => "APN",
    /// APNs sandbox (development).
    ApnSandbox => "APN_SANDBOX",
    /// Firebase Cloud Messaging.
    Fcm => "FCM",
);

open_enum!(
    /// The `type` of a Telnyx mobile push credential.
    TelnyxPushType, case_insensitive = false,
    /// An APNs certificate and private key.
    Ios => "ios",
    /// An FCM service account (`project_account_json_file`).
    Android => "android",
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn friendly_name_boundary() {
        assert!("".parse::<FriendlyName>().is_ok());
        assert!(
            "é".repeat(64).parse::<FriendlyName>().is_ok(),
            "counted in characters, not bytes"
        );
        let err = "x".repeat(65).parse::<FriendlyName>().unwrap_err();
        assert!(matches!(
            err,
            FormatError::Length {
                max: 64,
                actual: 65,
                ..
            }
        ));
        assert_eq!(
            "Test slow create".parse::<FriendlyName>().unwrap().as_str(),
            "Test slow create"
        );
    }

    #[test]
    fn telnyx_texts() {
        assert_eq!(
            "LucyIosCredential".parse::<Alias>().unwrap().as_str(),
            "LucyIosCredential"
        );
        assert!(matches!(
            "".parse::<Alias>(),
            Err(FormatError::Empty { .. })
        ));
        assert!(matches!(
            "a\nb".parse::<Alias>(),
            Err(FormatError::Character {
                character: '\n',
                ..
            })
        ));
        assert!("t".repeat(255).parse::<Tag>().is_ok());
        assert!(matches!(
            "t".repeat(256).parse::<Tag>(),
            Err(FormatError::Length { .. })
        ));
        assert!(
            "2020-06-18 21:32:38.917732Z"
                .parse::<CredentialName>()
                .is_ok()
        );
        assert!(serde_json::from_str::<Tag>("\"\"").is_err());
    }

    #[test]
    fn comms_tags() {
        let tags: CommsTags =
            serde_json::from_str(r#"{"environment":"production","region":"us-east-1"}"#).unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(
            serde_json::to_string(&tags).unwrap(),
            r#"{"environment":"production","region":"us-east-1"}"#
        );
        let eleven: String = (0..11)
            .map(|i| format!("\"k{i}\":\"v\""))
            .collect::<Vec<_>>()
            .join(",");
        let err = serde_json::from_str::<CommsTags>(&format!("{{{eleven}}}"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most 10"), "{err}");
        assert!(serde_json::from_str::<CommsTags>(r#"{"a b":"v"}"#).is_err());
        assert!("k".repeat(128).parse::<CommsTagKey>().is_ok());
        assert!("k".repeat(129).parse::<CommsTagKey>().is_err());
        assert!("v".repeat(256).parse::<CommsTagValue>().is_ok());
        assert!("v".repeat(257).parse::<CommsTagValue>().is_err());
    }

    #[test]
    fn open_enums_keep_unknown_values() {
        assert_eq!(
            ClassicCredentialType::from_wire("APN"),
            ClassicCredentialType::Apn
        );
        assert_eq!(ClassicCredentialType::from_wire("GcM").as_str(), "gcm");
        let unknown = ClassicCredentialType::from_wire("voip");
        assert!(!unknown.is_known());
        assert_eq!(unknown.as_str(), "voip");
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"voip\"");
        // Comms and Telnyx match exactly.
        assert_eq!(
            CommsCredentialType::from_wire("APN_SANDBOX"),
            CommsCredentialType::ApnSandbox
        );
        assert!(!CommsCredentialType::from_wire("apn").is_known());
        assert!(!TelnyxPushType::from_wire("IOS").is_known());
        let t: TelnyxPushType = serde_json::from_str("\"android\"").unwrap();
        assert_eq!(t, TelnyxPushType::Android);
        assert_eq!(ClassicCredentialType::known_values(), "gcm, apn, fcm");
    }

    proptest! {
        #[test]
        fn open_enums_round_trip_any_string(s in any::<String>()) {
            let comms = CommsCredentialType::from_wire(&s);
            let telnyx = TelnyxPushType::from_wire(&s);
            prop_assert_eq!(comms.as_str(), s.as_str());
            prop_assert_eq!(telnyx.as_str(), s.as_str());
            let classic = ClassicCredentialType::from_wire(&s);
            if classic.is_known() {
                prop_assert!(classic.as_str().eq_ignore_ascii_case(&s));
            } else {
                prop_assert_eq!(classic.as_str(), s.as_str());
            }
        }

        #[test]
        fn friendly_names_round_trip(s in "\\PC{0,64}") {
            let name: FriendlyName = s.parse().unwrap();
            prop_assert_eq!(name.to_string(), s);
        }

        #[test]
        fn long_friendly_names_are_refused(s in "\\PC{65,100}") {
            prop_assert!(s.parse::<FriendlyName>().is_err());
        }

        #[test]
        fn aliases_round_trip(s in "[^\\p{Cc}]{1,255}") {
            let alias: Alias = s.parse().unwrap();
            prop_assert_eq!(alias.as_str(), s.as_str());
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = s.parse::<FriendlyName>();
            let _ = s.parse::<Alias>();
            let _ = s.parse::<Tag>();
            let _ = s.parse::<CredentialName>();
            let _ = s.parse::<CommsTagKey>();
            let _ = s.parse::<CommsTagValue>();
        }
    }
}
