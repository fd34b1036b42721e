//! Twilio Communications API (seed 002) identifiers: push credential ids and App names.

use crate::error::{FormatError, Shown};
use crate::format;
use crate::macros::string_newtype;
use crate::random::RandomSource;

/// The fixed prefix of a Comms push credential id.
const CREDENTIAL_PREFIX: &str = "comms_credential_";
/// Lower-case Crockford base32, as the documented pattern has it: no `i`, `l`, `o`, `u`.
const CROCKFORD: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";

fn is_crockford(c: char) -> bool {
    // The same set as `CROCKFORD`, as ranges: a table scan per character was most of the
    // cost of parsing an id.
    matches!(c, '0'..='9' | 'a'..='h' | 'j' | 'k' | 'm' | 'n' | 'p'..='t' | 'v'..='z')
}

/// A Comms push credential id: `comms_credential_` followed by 26 to 34 characters of
/// lower-case Crockford base32 (`[a-hjkmnpqrstv-z0-9]`).
///
/// The published pattern has no `$` anchor; credspec anchors it (decision in
/// `specs/README.md`), so trailing characters are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommsCredentialId(String);

/// Rule `twilio.comms.credential-id`.
fn validate_credential_id(s: &str) -> Result<(), FormatError> {
    const KIND: &str = "Comms credential id";
    let rest = format::strip_prefix(KIND, s, CREDENTIAL_PREFIX)?;
    format::length(KIND, rest, 26, 34, || Shown::input(s))?;
    format::chars(
        KIND,
        rest,
        "lower-case Crockford base32 after the prefix",
        is_crockford,
        || Shown::input(s),
    )
}

string_newtype!(CommsCredentialId, validate_credential_id);

impl CommsCredentialId {
    /// A new ULID-like id (26 characters, the first one `0`-`7`) drawn from `rng`.
    pub fn generate(rng: &mut impl RandomSource) -> Self {
        let mut s = String::with_capacity(CREDENTIAL_PREFIX.len() + 26);
        s.push_str(CREDENTIAL_PREFIX);
        s.push(char::from(rng.pick(b"01234567")));
        for _ in 0..25 {
            s.push(char::from(rng.pick(CROCKFORD)));
        }
        Self(s)
    }
}

/// The name of a Comms push notification App: `^[a-z0-9_]+$`, 1 to 64 characters.
///
/// The name is the App's identifier (seed 002: "The name of the App that this Credential will
/// be associated with").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppName(String);

/// Rule `twilio.comms.app-name`.
fn validate_app_name(s: &str) -> Result<(), FormatError> {
    const KIND: &str = "app name";
    format::length(KIND, s, 1, 64, || Shown::input(s))?;
    format::chars(
        KIND,
        s,
        "lower-case letters, digits and underscores",
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_',
        || Shown::input(s),
    )
}

string_newtype!(AppName, validate_app_name);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;
    use proptest::prelude::*;

    #[test]
    fn the_character_ranges_are_exactly_the_crockford_alphabet() {
        for c in (0u8..=0x7f).map(char::from).chain(['é', 'ı']) {
            assert_eq!(
                is_crockford(c),
                c.is_ascii() && CROCKFORD.contains(&(c as u8)),
                "{c:?}"
            );
        }
    }

    #[test]
    fn documented_id_parses() {
        let id: CommsCredentialId = "comms_credential_01h9krwprkeee8fzqspvwy6nq8"
            .parse()
            .unwrap();
        assert_eq!(
            id.to_string(),
            "comms_credential_01h9krwprkeee8fzqspvwy6nq8"
        );
    }

    #[test]
    fn documented_patch_example_id_is_one_short() {
        // The docs' PATCH example answers with 25 characters, which fails the documented
        // pattern {26,34}: credspec refuses it rather than loosening the pattern.
        let err = "comms_credential_02k8mnsqv7xj4b9r5t6wz1y3a"
            .parse::<CommsCredentialId>()
            .unwrap_err();
        assert!(
            matches!(
                err,
                FormatError::Length {
                    actual: 25,
                    min: 26,
                    max: 34,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn id_invalid_reasons() {
        assert!(matches!(
            "credential_01h9krwprkeee8fzqspvwy6nq8".parse::<CommsCredentialId>(),
            Err(FormatError::Prefix { .. })
        ));
        // Excluded letters i, l, o, u and upper case.
        for bad in ['i', 'l', 'o', 'u', 'A', '-'] {
            let s = format!("comms_credential_01h9krwprkeee8fzqspvwy6nq{bad}");
            assert!(
                matches!(
                    s.parse::<CommsCredentialId>(),
                    Err(FormatError::Character { .. })
                ),
                "{s}"
            );
        }
        // Anchored: 35 characters are too many.
        let long = format!("comms_credential_{}", "0".repeat(35));
        assert!(matches!(
            long.parse::<CommsCredentialId>(),
            Err(FormatError::Length { actual: 35, .. })
        ));
        let max = format!("comms_credential_{}", "0".repeat(34));
        assert!(max.parse::<CommsCredentialId>().is_ok());
    }

    #[test]
    fn app_name_rules() {
        assert!("limonade_app".parse::<AppName>().is_ok());
        assert!("a".parse::<AppName>().is_ok());
        assert!("a".repeat(64).parse::<AppName>().is_ok());
        assert!(matches!(
            "".parse::<AppName>(),
            Err(FormatError::Empty { .. })
        ));
        assert!(matches!(
            "a".repeat(65).parse::<AppName>(),
            Err(FormatError::Length { actual: 65, .. })
        ));
        assert!(matches!(
            "Limonade".parse::<AppName>(),
            Err(FormatError::Character {
                character: 'L',
                position: 0,
                ..
            })
        ));
        assert!(matches!(
            "my-app".parse::<AppName>(),
            Err(FormatError::Character { character: '-', .. })
        ));
        assert!(serde_json::from_str::<AppName>("\"my app\"").is_err());
        assert_eq!(
            serde_json::to_string(&"x_1".parse::<AppName>().unwrap()).unwrap(),
            "\"x_1\""
        );
    }

    #[test]
    fn generated_ids_are_valid() {
        let mut rng = SeededRandom::new(11);
        for _ in 0..50 {
            let id = CommsCredentialId::generate(&mut rng);
            assert_eq!(id.as_str().parse::<CommsCredentialId>().unwrap(), id);
        }
    }

    proptest! {
        #[test]
        fn valid_ids_round_trip(body in "[a-hjkmnpqrstv-z0-9]{26,34}") {
            let id: CommsCredentialId = format!("comms_credential_{body}").parse().unwrap();
            prop_assert_eq!(id.to_string().parse::<CommsCredentialId>().unwrap(), id);
        }

        #[test]
        fn valid_app_names_round_trip(name in "[a-z0-9_]{1,64}") {
            let app: AppName = name.parse().unwrap();
            prop_assert_eq!(app.as_str(), name.as_str());
        }

        #[test]
        fn app_names_with_other_characters_are_refused(pre in "[a-z]{0,5}", bad in "[A-Z .-]", post in "[a-z]{0,5}") {
            let name = format!("{pre}{bad}{post}");
            prop_assert!(name.parse::<AppName>().is_err());
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = s.parse::<CommsCredentialId>();
            let _ = s.parse::<AppName>();
        }
    }
}
