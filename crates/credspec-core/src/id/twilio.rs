//! Twilio SIDs: a two-letter prefix naming the kind of resource, then 32 hexadecimal digits.
//!
//! Source: every Twilio credential spec (`^CR[0-9a-fA-F]{32}$`, `^AC[0-9a-fA-F]{32}$`); API
//! key SIDs (`SK`) from Twilio's API-key documentation. Either hex case is accepted and the
//! case given is kept on output.

use crate::error::{FormatError, Shown};
use crate::format;
use crate::macros::string_newtype;
use crate::random::RandomSource;

/// Number of hexadecimal digits after the prefix.
const HEX_DIGITS: usize = 32;

/// What every SID type shares: its prefix and its name in words.
pub trait TwilioSid: Sized {
    /// The two-letter prefix (`CR`, `AC`, `SK`).
    const PREFIX: &'static str;
    /// The name of the kind, in words, for error messages.
    const KIND: &'static str;
    /// The length of every SID of the kind: the prefix and 32 hexadecimal digits.
    const LEN: usize = Self::PREFIX.len() + HEX_DIGITS;
}

/// Checks a SID of the given prefix: rule `twilio.sid.format`.
pub(crate) fn validate_sid(
    kind: &'static str,
    prefix: &'static str,
    s: &str,
) -> Result<(), FormatError> {
    let rest = format::strip_prefix(kind, s, prefix)?;
    format::length(
        kind,
        s,
        prefix.len() + HEX_DIGITS,
        prefix.len() + HEX_DIGITS,
        || Shown::input(s),
    )?;
    format::chars(
        kind,
        rest,
        "hexadecimal digits after the prefix",
        |c| c.is_ascii_hexdigit(),
        || Shown::input(s),
    )
    .map_err(|e| match e {
        // Report the position within the whole SID, not within the hex part.
        FormatError::Character {
            kind,
            allowed,
            character,
            position,
            input,
        } => FormatError::Character {
            kind,
            allowed,
            character,
            position: position + prefix.len(),
            input,
        },
        other => other,
    })
}

macro_rules! twilio_sid {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal, $validate:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        fn $validate(s: &str) -> Result<(), FormatError> {
            validate_sid($kind, $prefix, s)
        }

        string_newtype!($name, $validate);

        impl TwilioSid for $name {
            const PREFIX: &'static str = $prefix;
            const KIND: &'static str = $kind;
        }

        impl $name {
            /// A new SID with lower-case hex digits drawn from `rng`.
            pub fn generate(rng: &mut impl RandomSource) -> Self {
                let mut s = String::with_capacity($prefix.len() + HEX_DIGITS);
                s.push_str($prefix);
                for _ in 0..HEX_DIGITS {
                    s.push(char::from(rng.pick(b"0123456789abcdef")));
                }
                Self(s)
            }
        }
    };
}

twilio_sid!(
    /// A credential SID: `CR` + 32 hex digits.
    CredentialSid,
    "CR",
    "credential SID",
    validate_credential_sid
);
twilio_sid!(
    /// An account SID: `AC` + 32 hex digits.
    AccountSid,
    "AC",
    "account SID",
    validate_account_sid
);
twilio_sid!(
    /// An API key SID: `SK` + 32 hex digits.
    ApiKeySid,
    "SK",
    "API key SID",
    validate_api_key_sid
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;
    use proptest::prelude::*;

    const DOC: &str = "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn documented_examples_parse() {
        let sid: CredentialSid = DOC.parse().unwrap();
        assert_eq!(sid.as_str(), DOC);
        let acc: AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse().unwrap();
        assert_eq!(acc.to_string(), "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    }

    #[test]
    fn either_hex_case_is_kept_as_given() {
        let upper = "CRABCDEF0123456789ABCDEF0123456789";
        let sid: CredentialSid = upper.parse().unwrap();
        assert_eq!(sid.to_string(), upper);
        let mixed = "CRAbCdEf0123456789aBcDeF0123456789";
        assert_eq!(mixed.parse::<CredentialSid>().unwrap().as_str(), mixed);
    }

    #[test]
    fn each_invalid_reason() {
        assert!(matches!(
            "".parse::<CredentialSid>(),
            Err(FormatError::Prefix { .. })
        ));
        assert!(matches!(
            "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse::<CredentialSid>(),
            Err(FormatError::Prefix { prefix: "CR", .. })
        ));
        assert!(matches!(
            "craaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse::<CredentialSid>(),
            Err(FormatError::Prefix { .. })
        ));
        assert!(matches!(
            "CRaaaa".parse::<CredentialSid>(),
            Err(FormatError::Length {
                actual: 6,
                min: 34,
                max: 34,
                ..
            })
        ));
        assert!(matches!(
            "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse::<CredentialSid>(),
            Err(FormatError::Length { actual: 35, .. })
        ));
        let err = "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag"
            .parse::<CredentialSid>()
            .unwrap_err();
        assert!(
            matches!(
                err,
                FormatError::Character {
                    character: 'g',
                    position: 33,
                    ..
                }
            ),
            "{err:?}"
        );
        // Multi-byte input of the right character count is still refused, without panicking.
        assert!(
            "CRéééééééééééééééééééééééééééééééé"
                .parse::<CredentialSid>()
                .is_err()
        );
    }

    #[test]
    fn error_message_names_kind_and_input() {
        let err = "CRzz".parse::<CredentialSid>().unwrap_err().to_string();
        assert!(
            err.contains("credential SID") && err.contains("CRzz"),
            "{err}"
        );
    }

    #[test]
    fn serde_goes_through_validation() {
        let sid: CredentialSid = serde_json::from_str(&format!("\"{DOC}\"")).unwrap();
        assert_eq!(serde_json::to_string(&sid).unwrap(), format!("\"{DOC}\""));
        assert!(serde_json::from_str::<CredentialSid>("\"CRnope\"").is_err());
        assert!(serde_json::from_str::<AccountSid>("12").is_err());
    }

    #[test]
    fn generation_is_valid_and_seeded() {
        let a = ApiKeySid::generate(&mut SeededRandom::new(3));
        let b = ApiKeySid::generate(&mut SeededRandom::new(3));
        assert_eq!(a, b);
        assert!(a.as_str().starts_with("SK"));
        assert_eq!(a.as_str().parse::<ApiKeySid>().unwrap(), a);
    }

    proptest! {
        #[test]
        fn valid_sids_round_trip(hex in "[0-9a-fA-F]{32}") {
            let s = format!("CR{hex}");
            let sid: CredentialSid = s.parse().unwrap();
            prop_assert_eq!(sid.to_string().parse::<CredentialSid>().unwrap(), sid);
        }

        #[test]
        fn wrong_length_is_refused(hex in "[0-9a-f]{0,31}|[0-9a-f]{33,40}") {
            let parsed = format!("AC{hex}").parse::<AccountSid>();
            prop_assert!(matches!(parsed, Err(FormatError::Length { .. })), "{:?}", parsed);
        }

        #[test]
        fn non_hex_is_refused(hex in "[0-9a-f]{31}", bad in "[g-zG-Z_ -]") {
            let parsed = format!("SK{bad}{hex}").parse::<ApiKeySid>();
            prop_assert!(matches!(parsed, Err(FormatError::Character { .. })), "{:?}", parsed);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = s.parse::<CredentialSid>();
            let _ = s.parse::<AccountSid>();
            let _ = s.parse::<ApiKeySid>();
        }
    }
}
