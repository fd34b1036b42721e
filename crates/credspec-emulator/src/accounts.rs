//! Accounts and their credentials, and how requests prove which account they act for.
//!
//! - Twilio: HTTP Basic with `AccountSid:AuthToken` ([`TwilioAccount`]) or
//!   `ApiKeySid:ApiKeySecret` ([`TwilioApiKey`], which acts for its account).
//! - Telnyx: `Authorization: Bearer <API key>` ([`TelnyxApiKey`]). Each key is its own
//!   account; its `user_id` (what telephony credentials report) is derived from the key, so
//!   the same key owns the same resources after a restart.
//!
//! Secrets are [`Secret`]s: `Debug` never shows them, and comparisons take the same time
//! wherever the first difference is.

use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use credspec_core::id::{AccountSid, ApiKeySid, UserId};
use credspec_core::random::RandomSource;
use credspec_core::secret::Secret;
use sha2::{Digest, Sha512};

/// A command-line or configuration value that does not describe an account or key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// Not of the form the option takes.
    #[error("expected {expected}")]
    Shape {
        /// The form expected, in words.
        expected: &'static str,
    },
    /// A SID that is not a valid SID of its kind.
    #[error("invalid {what}: {source}")]
    Sid {
        /// Which SID.
        what: &'static str,
        /// Why.
        source: credspec_core::error::FormatError,
    },
    /// An empty secret.
    #[error("{what} must not be empty")]
    EmptySecret {
        /// Which secret.
        what: &'static str,
    },
}

/// Compares two secrets in time independent of where they differ.
pub(crate) fn secrets_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

fn non_empty(what: &'static str, s: &str) -> Result<Secret<String>, AccountError> {
    if s.is_empty() {
        return Err(AccountError::EmptySecret { what });
    }
    Ok(Secret::from(s))
}

fn account_sid(s: &str) -> Result<AccountSid, AccountError> {
    s.parse().map_err(|source| AccountError::Sid {
        what: "account SID",
        source,
    })
}

/// A Twilio account: its SID and auth token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TwilioAccount {
    /// `AC` + 32 hex digits.
    pub sid: AccountSid,
    /// The auth token (the Basic password).
    pub auth_token: Secret<String>,
}

impl TwilioAccount {
    /// An account.
    pub fn new(sid: AccountSid, auth_token: impl Into<Secret<String>>) -> Self {
        Self {
            sid,
            auth_token: auth_token.into(),
        }
    }

    /// A new account with a random SID and a 32-hex-digit auth token.
    pub fn generate(rng: &mut impl RandomSource) -> Self {
        let sid = AccountSid::generate(rng);
        let token: String = (0..32)
            .map(|_| char::from(rng.pick(b"0123456789abcdef")))
            .collect();
        Self::new(sid, token)
    }
}

impl FromStr for TwilioAccount {
    type Err = AccountError;

    /// `ACCOUNT_SID:AUTH_TOKEN`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (sid, token) = s.split_once(':').ok_or(AccountError::Shape {
            expected: "ACCOUNT_SID:AUTH_TOKEN",
        })?;
        Ok(Self::new(
            account_sid(sid)?,
            non_empty("auth token", token)?,
        ))
    }
}

/// A Twilio API key: its SID, its secret and the account it acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TwilioApiKey {
    /// `SK` + 32 hex digits.
    pub sid: ApiKeySid,
    /// The secret (the Basic password).
    pub secret: Secret<String>,
    /// The account it acts for.
    pub account: AccountSid,
}

impl TwilioApiKey {
    /// An API key of `account`.
    pub fn new(sid: ApiKeySid, secret: impl Into<Secret<String>>, account: AccountSid) -> Self {
        Self {
            sid,
            secret: secret.into(),
            account,
        }
    }
}

impl FromStr for TwilioApiKey {
    type Err = AccountError;

    /// `KEY_SID:SECRET:ACCOUNT_SID`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shape = AccountError::Shape {
            expected: "KEY_SID:SECRET:ACCOUNT_SID",
        };
        let (sid, rest) = s.split_once(':').ok_or(shape.clone())?;
        let (secret, account) = rest.rsplit_once(':').ok_or(shape)?;
        let sid = sid.parse().map_err(|source| AccountError::Sid {
            what: "API key SID",
            source,
        })?;
        Ok(Self::new(
            sid,
            non_empty("API key secret", secret)?,
            account_sid(account)?,
        ))
    }
}

/// The user id of a Telnyx key's account: the first 16 bytes of its SHA-512, as a UUID.
fn derive_user_id(key: &str) -> UserId {
    let digest = Sha512::digest(key.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    uuid.parse()
        .expect("a hyphenated hex UUID is a valid user id (printable, no spaces, 36 characters)")
}

/// A Telnyx API key, which is also its account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TelnyxApiKey {
    key: Secret<String>,
    user_id: UserId,
}

impl TelnyxApiKey {
    /// A key. Its account's `user_id` is derived from it (a UUID-shaped digest).
    pub fn new(key: impl Into<String>) -> Result<Self, AccountError> {
        let key = non_empty("Telnyx API key", &key.into())?;
        if key
            .expose_str()
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(AccountError::Shape {
                expected: "a Telnyx API key without spaces",
            });
        }
        let user_id = derive_user_id(key.expose_str());
        Ok(Self { key, user_id })
    }

    /// A new random key, shaped like Telnyx's (`KEY` + 32 upper-case hex digits).
    pub fn generate(rng: &mut impl RandomSource) -> Self {
        let key: String = std::iter::once(String::from("KEY"))
            .chain((0..32).map(|_| char::from(rng.pick(b"0123456789ABCDEF")).to_string()))
            .collect();
        let user_id = derive_user_id(&key);
        Self {
            key: Secret::new(key),
            user_id,
        }
    }

    /// The key.
    pub fn key(&self) -> &Secret<String> {
        &self.key
    }

    /// The account's user id.
    pub fn user_id(&self) -> &UserId {
        &self.user_id
    }
}

impl FromStr for TelnyxApiKey {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// Every account the emulator knows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Accounts {
    pub(crate) twilio: Vec<TwilioAccount>,
    pub(crate) twilio_keys: Vec<TwilioApiKey>,
    pub(crate) telnyx: Vec<TelnyxApiKey>,
}

/// Why a request is not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    /// No `Authorization` header.
    Missing,
    /// A header that is not of the expected scheme or does not decode.
    Malformed,
    /// Credentials that match no account.
    Wrong,
}

impl AuthFailure {
    /// For logs: which kind of failure (never the credentials).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "auth-missing",
            Self::Malformed => "auth-malformed",
            Self::Wrong => "auth-wrong",
        }
    }
}

fn authorization(headers: &axum::http::HeaderMap) -> Result<&str, AuthFailure> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or(AuthFailure::Missing)?;
    value.to_str().map_err(|_| AuthFailure::Malformed)
}

/// Splits `Scheme credentials`, matching the scheme case-insensitively.
fn scheme<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let (s, rest) = value.trim().split_once(' ')?;
    s.eq_ignore_ascii_case(name).then(|| rest.trim())
}

impl Accounts {
    /// The Twilio account a Basic `Authorization` header acts for.
    pub(crate) fn twilio(
        &self,
        headers: &axum::http::HeaderMap,
    ) -> Result<AccountSid, AuthFailure> {
        let encoded = scheme(authorization(headers)?, "Basic").ok_or(AuthFailure::Malformed)?;
        let decoded = STANDARD
            .decode(encoded)
            .map_err(|_| AuthFailure::Malformed)?;
        let decoded = Secret::new(String::from_utf8(decoded).map_err(|_| AuthFailure::Malformed)?);
        let (user, password) = decoded
            .expose_str()
            .split_once(':')
            .ok_or(AuthFailure::Malformed)?;
        let account = self
            .twilio
            .iter()
            .find(|a| a.sid.as_str() == user && secrets_equal(a.auth_token.expose_str(), password))
            .map(|a| a.sid.clone());
        let key = || {
            self.twilio_keys
                .iter()
                .find(|k| k.sid.as_str() == user && secrets_equal(k.secret.expose_str(), password))
                .map(|k| k.account.clone())
        };
        account.or_else(key).ok_or(AuthFailure::Wrong)
    }

    /// The Telnyx account (its user id) a Bearer `Authorization` header acts for.
    pub(crate) fn telnyx(&self, headers: &axum::http::HeaderMap) -> Result<UserId, AuthFailure> {
        let key = scheme(authorization(headers)?, "Bearer").ok_or(AuthFailure::Malformed)?;
        if key.is_empty() {
            return Err(AuthFailure::Malformed);
        }
        self.telnyx
            .iter()
            .find(|k| secrets_equal(k.key.expose_str(), key))
            .map(|k| k.user_id.clone())
            .ok_or(AuthFailure::Wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
    use credspec_core::random::SeededRandom;

    const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const SK: &str = "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    fn basic(user: &str, password: &str) -> HeaderMap {
        headers(&format!(
            "Basic {}",
            STANDARD.encode(format!("{user}:{password}"))
        ))
    }

    #[test]
    fn options_parse_and_refuse_bad_shapes() {
        let account: TwilioAccount = format!("{AC}:token").parse().unwrap();
        assert_eq!(account.sid.as_str(), AC);
        assert!(!format!("{account:?}").contains("token\""));
        assert!("ACnope:t".parse::<TwilioAccount>().is_err());
        assert!(format!("{AC}:").parse::<TwilioAccount>().is_err());
        assert!(AC.parse::<TwilioAccount>().is_err());
        let key: TwilioApiKey = format!("{SK}:se:cret:{AC}").parse().unwrap();
        assert_eq!(key.secret.expose_str(), "se:cret");
        assert!(format!("{SK}:{AC}").parse::<TwilioApiKey>().is_err());
        assert!(TelnyxApiKey::new("").is_err());
        assert!(TelnyxApiKey::new("a b").is_err());
    }

    #[test]
    fn telnyx_user_ids_are_stable_and_distinct() {
        let a = TelnyxApiKey::new("KEYA").unwrap();
        assert_eq!(a.user_id(), TelnyxApiKey::new("KEYA").unwrap().user_id());
        assert_ne!(a.user_id(), TelnyxApiKey::new("KEYB").unwrap().user_id());
        let generated = TelnyxApiKey::generate(&mut SeededRandom::new(1));
        assert!(generated.key().expose_str().starts_with("KEY"));
        assert_eq!(generated.key().expose_str().len(), 35);
    }

    #[test]
    fn basic_auth_finds_accounts_and_keys() {
        let accounts = Accounts {
            twilio: vec![TwilioAccount::new(AC.parse().unwrap(), "token")],
            twilio_keys: vec![TwilioApiKey::new(
                SK.parse().unwrap(),
                "secret",
                AC.parse().unwrap(),
            )],
            telnyx: vec![TelnyxApiKey::new("KEY1").unwrap()],
        };
        assert_eq!(accounts.twilio(&basic(AC, "token")).unwrap().as_str(), AC);
        assert_eq!(accounts.twilio(&basic(SK, "secret")).unwrap().as_str(), AC);
        assert_eq!(
            accounts.twilio(&basic(AC, "tokeN")),
            Err(AuthFailure::Wrong)
        );
        assert_eq!(
            accounts.twilio(&basic(SK, "token")),
            Err(AuthFailure::Wrong)
        );
        assert_eq!(
            accounts.twilio(&HeaderMap::new()),
            Err(AuthFailure::Missing)
        );
        assert_eq!(
            accounts.twilio(&headers("Basic !!!")),
            Err(AuthFailure::Malformed)
        );
        assert_eq!(
            accounts.twilio(&headers("Bearer KEY1")),
            Err(AuthFailure::Malformed)
        );
        assert_eq!(
            accounts.twilio(&headers(&format!("Basic {}", STANDARD.encode("nocolon")))),
            Err(AuthFailure::Malformed)
        );
        assert!(accounts.telnyx(&headers("Bearer KEY1")).is_ok());
        assert!(accounts.telnyx(&headers("bearer  KEY1 ")).is_ok());
        assert_eq!(
            accounts.telnyx(&headers("Bearer KEY2")),
            Err(AuthFailure::Wrong)
        );
        assert_eq!(
            accounts.telnyx(&headers("Bearer ")),
            Err(AuthFailure::Malformed)
        );
        assert_eq!(
            accounts.telnyx(&headers("KEY1")),
            Err(AuthFailure::Malformed)
        );
    }

    #[test]
    fn secret_comparison() {
        assert!(secrets_equal("abc", "abc"));
        assert!(!secrets_equal("abc", "abd"));
        assert!(!secrets_equal("abc", "ab"));
        assert!(!secrets_equal("", "a"));
        assert!(secrets_equal("", ""));
    }
}
