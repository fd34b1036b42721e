//! POST /v2/telephony_credentials/{id}/token
//!
//! Source: `telnyx.telephony_credentials#CreateTelephonyCredentialToken`
//! (<https://developers.telnyx.com/api/call-control/create-telephony-credential-token>): no
//! request body; 201 `text/plain`, the body is a JWT signed with HS512. The documented
//! token's header is `{"alg":"HS512","typ":"JWT"}` and its claims `aud`, `exp`, `iat`, `iss`,
//! `jti`, `nbf`, `sub`, `tel_token`, `typ` (in that order), with `aud` = `iss` =
//! `telnyx_telephony`, `typ` = `access` and `nbf` = `iat` − 1. The lifetime is core's rule
//! `telnyx.telephony.token-lifetime`; an expired credential gets 422 (decision D9).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use credspec_core::id::TelnyxId;
use credspec_core::rules::telephony_token_expiry;
use credspec_core::secret::Secret;
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::Timestamp;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha512;

use super::by_id_request;
use crate::error::{DecodeError, body_text};

/// The response's content type.
pub const TOKEN_CONTENT_TYPE: &str = "text/plain";
/// `aud` and `iss` of a telephony token.
pub const TOKEN_AUDIENCE: &str = "telnyx_telephony";
/// `typ` claim of a telephony token.
pub const TOKEN_TYPE: &str = "access";

/// The one header Telnyx uses, as documented (`{"alg":"HS512","typ":"JWT"}`).
const HEADER: &str = r#"{"alg":"HS512","typ":"JWT"}"#;
/// Longest claim value a token error repeats.
const MAX_ECHO: usize = 64;

by_id_request!(
    /// Create an access token for a credential; the body is empty.
    CreateTelephonyCredentialTokenRequest,
    "/token"
);

impl CreateTelephonyCredentialTokenRequest {
    /// The status of a successful token creation.
    pub const STATUS: u16 = 201;
}

/// A token that cannot be read or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not three dot-separated parts.
    #[error("a JWT has three dot-separated parts, found {parts}")]
    Shape {
        /// Parts found.
        parts: usize,
    },
    /// A part is not unpadded base64url.
    #[error("JWT {part} is not base64url")]
    Base64 {
        /// `header`, `claims` or `signature`.
        part: &'static str,
    },
    /// A part is not the expected JSON.
    #[error("JWT {part}: {message}")]
    Json {
        /// `header` or `claims`.
        part: &'static str,
        /// What is wrong (no claim values).
        message: String,
    },
    /// The header names another algorithm than HS512 (or another type than JWT).
    #[error("JWT header must be alg HS512 and typ JWT, found alg {alg:?}")]
    Algorithm {
        /// The `alg` found (clipped).
        alg: String,
    },
    /// The signature does not match the key.
    #[error("JWT signature does not verify")]
    Signature,
    /// A fixed claim has the wrong value.
    #[error("JWT claim {claim} must be {expected:?}, found {found:?}")]
    Claim {
        /// The claim.
        claim: &'static str,
        /// What Telnyx issues.
        expected: &'static str,
        /// What the token holds (clipped).
        found: String,
    },
    /// The token is not valid yet (`now` < `nbf`).
    #[error("JWT not valid before {nbf}, now is {now}")]
    NotYetValid {
        /// `nbf`.
        nbf: i64,
        /// The time checked at (Unix seconds).
        now: i64,
    },
    /// The token has expired (`now` ≥ `exp`).
    #[error("JWT expired at {exp}, now is {now}")]
    Expired {
        /// `exp`.
        exp: i64,
        /// The time checked at (Unix seconds).
        now: i64,
    },
}

/// The claims of a telephony access token, in the documented order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenClaims {
    /// `telnyx_telephony`.
    pub aud: String,
    /// Expiry (Unix seconds).
    pub exp: i64,
    /// Issue time (Unix seconds).
    pub iat: i64,
    /// `telnyx_telephony`.
    pub iss: String,
    /// Token id (a UUID).
    pub jti: String,
    /// Not before (Unix seconds): `iat` − 1.
    pub nbf: i64,
    /// Subject (a UUID).
    pub sub: String,
    /// Opaque token material for the telephony platform.
    pub tel_token: Secret<String>,
    /// `access`.
    pub typ: String,
}

impl TokenClaims {
    /// The claims of a token issued at `issued_at` for a credential expiring at
    /// `credential_expires_at` (server side): `exp` by core's [`telephony_token_expiry`]
    /// (24 hours, or the credential's expiry if sooner), `nbf` one second before `iat`.
    pub fn new(
        subject: &TelnyxId,
        token_id: &TelnyxId,
        tel_token: Secret<String>,
        issued_at: OffsetDateTime,
        credential_expires_at: Option<&Timestamp>,
    ) -> Self {
        let iat = issued_at.unix_timestamp();
        Self {
            aud: String::from(TOKEN_AUDIENCE),
            exp: telephony_token_expiry(issued_at, credential_expires_at).unix_timestamp(),
            iat,
            iss: String::from(TOKEN_AUDIENCE),
            jti: token_id.to_string(),
            nbf: iat.saturating_sub(1),
            sub: subject.to_string(),
            tel_token,
            typ: String::from(TOKEN_TYPE),
        }
    }

    /// Checks the fixed claims (`aud`, `iss`, `typ`) and the validity window at `now`.
    pub fn check(&self, now: OffsetDateTime) -> Result<(), TokenError> {
        for (claim, found, expected) in [
            ("aud", &self.aud, TOKEN_AUDIENCE),
            ("iss", &self.iss, TOKEN_AUDIENCE),
            ("typ", &self.typ, TOKEN_TYPE),
        ] {
            if found != expected {
                return Err(TokenError::Claim {
                    claim,
                    expected,
                    found: found.chars().take(MAX_ECHO).collect(),
                });
            }
        }
        let now = now.unix_timestamp();
        if now < self.nbf {
            return Err(TokenError::NotYetValid { nbf: self.nbf, now });
        }
        if now >= self.exp {
            return Err(TokenError::Expired { exp: self.exp, now });
        }
        Ok(())
    }
}

/// An access token: the `text/plain` body of the token response. A bearer secret, so
/// `Debug` hides it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessToken(pub Secret<String>);

fn mac(key: &[u8]) -> Hmac<Sha512> {
    // HMAC takes keys of any length (long keys are hashed first); `new_from_slice` cannot
    // fail for it.
    <Hmac<Sha512> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

impl AccessToken {
    /// A token from its text (client side, e.g. one kept from an earlier response).
    pub fn new(token: impl Into<Secret<String>>) -> Self {
        Self(token.into())
    }

    /// Signs `claims` with HS512 under `key` (server side).
    pub fn issue(claims: &TokenClaims, key: &[u8]) -> Self {
        let claims = serde_json::to_vec(claims).unwrap_or_default();
        let mut token = URL_SAFE_NO_PAD.encode(HEADER);
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(claims));
        let mut mac = mac(key);
        mac.update(token.as_bytes());
        let signature = mac.finalize().into_bytes();
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature));
        Self(Secret::new(token))
    }

    /// Reads the response body (client side): UTF-8 text, kept as received.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        body_text(bytes).map(|text| Self(Secret::from(text)))
    }

    /// The response body (server side).
    pub fn encode(&self) -> Vec<u8> {
        self.0.expose().as_bytes().to_vec()
    }

    /// The token text.
    pub fn as_secret(&self) -> &Secret<String> {
        &self.0
    }

    fn parts(&self) -> Result<[&str; 3], TokenError> {
        let parts: Vec<&str> = self.0.expose_str().trim().split('.').collect();
        <[&str; 3]>::try_from(parts.as_slice())
            .map_err(|_| TokenError::Shape { parts: parts.len() })
    }

    /// The claims, without checking the signature (a client cannot: the key is
    /// Telnyx's). The header must still name HS512.
    pub fn claims_unverified(&self) -> Result<TokenClaims, TokenError> {
        let [header, claims, signature] = self.parts()?;
        let header = decode_part("header", header)?;
        #[derive(Deserialize)]
        struct Header {
            alg: String,
            typ: Option<String>,
        }
        let header: Header = parse_part("header", &header)?;
        if header.alg != "HS512" || header.typ.as_deref().is_some_and(|t| t != "JWT") {
            return Err(TokenError::Algorithm {
                alg: header.alg.chars().take(MAX_ECHO).collect(),
            });
        }
        decode_part("signature", signature)?;
        parse_part("claims", &decode_part("claims", claims)?)
    }

    /// Verifies the signature under `key` and the claims at `now`, then returns the claims.
    pub fn verify(&self, key: &[u8], now: OffsetDateTime) -> Result<TokenClaims, TokenError> {
        let claims = self.claims_unverified()?;
        let [header, payload, signature] = self.parts()?;
        let signature = decode_part("signature", signature)?;
        let mut mac = mac(key);
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| TokenError::Signature)?;
        claims.check(now)?;
        Ok(claims)
    }
}

fn decode_part(part: &'static str, text: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| TokenError::Base64 { part })
}

fn parse_part<T: for<'de> Deserialize<'de>>(
    part: &'static str,
    bytes: &[u8],
) -> Result<T, TokenError> {
    crate::error::decode_json(bytes).map_err(|e| TokenError::Json {
        part,
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::time::macros::datetime;

    /// The spec's example token (its key is Telnyx's, so only its shape is checked).
    pub(crate) const DOCUMENTED: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ0ZWxueXhfdGVsZXBob255IiwiZXhwIjoxNTkwMDEwMTQzLCJpYXQiOjE1ODc1OTA5NDMsImlzcyI6InRlbG55eF90ZWxlcGhvbnkiLCJqdGkiOiJiOGM3NDgzNy1kODllLTRhNjUtOWNmMi0zNGM3YTZmYTYwYzgiLCJuYmYiOjE1ODc1OTA5NDIsInN1YiI6IjVjN2FjN2QwLWRiNjUtNGYxMS05OGUxLWVlYzBkMWQ1YzZhZSIsInRlbF90b2tlbiI6InJqX1pra1pVT1pNeFpPZk9tTHBFVUIzc2lVN3U2UmpaRmVNOXMtZ2JfeENSNTZXRktGQUppTXlGMlQ2Q0JSbWxoX1N5MGlfbGZ5VDlBSThzRWlmOE1USUlzenl6U2xfYURuRzQ4YU81MHlhSEd1UlNZYlViU1ltOVdJaVEwZz09IiwidHlwIjoiYWNjZXNzIn0.gNEwzTow5MLLPLQENytca7pUN79PmPj6FyqZWW06ZeEmesxYpwKh0xRtA0TzLh6CDYIRHrI8seofOO0YFGDhpQ";

    #[test]
    fn the_documented_token_reads_and_re_encodes_its_claims_byte_for_byte() {
        let token = AccessToken::decode(DOCUMENTED.as_bytes()).unwrap();
        let claims = token.claims_unverified().unwrap();
        assert_eq!(claims.aud, "telnyx_telephony");
        assert_eq!(claims.nbf, claims.iat - 1);
        assert_eq!(claims.exp - claims.iat, 28 * 24 * 3600);
        let [header, payload, _] = token.parts().unwrap();
        assert_eq!(header, URL_SAFE_NO_PAD.encode(HEADER));
        assert_eq!(
            payload,
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
        );
        assert_eq!(
            token.verify(b"not telnyx's key", datetime!(2020-04-23 0:00 UTC)),
            Err(TokenError::Signature)
        );
        assert_eq!(token.encode(), DOCUMENTED.as_bytes());
    }

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let iat = datetime!(2026-01-01 0:00 UTC);
        let soon: Timestamp = "2026-01-01T06:00:00".parse().unwrap();
        let claims = TokenClaims::new(
            &"5c7ac7d0-db65-4f11-98e1-eec0d1d5c6ae".parse().unwrap(),
            &"b8c74837-d89e-4a65-9cf2-34c7a6fa60c8".parse().unwrap(),
            Secret::from("opaque"),
            iat,
            Some(&soon),
        );
        assert_eq!(claims.exp - claims.iat, 6 * 3600);
        let token = AccessToken::issue(&claims, b"key");
        assert!(
            token
                .0
                .expose_str()
                .starts_with("eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.")
        );
        assert_eq!(token.verify(b"key", iat).unwrap(), claims);
        assert_eq!(token.verify(b"other", iat), Err(TokenError::Signature));
        assert!(matches!(
            token.verify(b"key", datetime!(2026-01-01 6:00 UTC)),
            Err(TokenError::Expired { .. })
        ));
        assert!(matches!(
            token.verify(b"key", datetime!(2025-12-31 23:59:58 UTC)),
            Err(TokenError::NotYetValid { .. })
        ));
        assert!(!format!("{token:?} {claims:?}").contains("opaque"));
    }

    #[test]
    fn malformed_tokens_are_typed_errors() {
        let t = |s: &str| {
            AccessToken(Secret::from(s))
                .claims_unverified()
                .unwrap_err()
        };
        assert_eq!(t("a.b"), TokenError::Shape { parts: 2 });
        assert_eq!(t("!.b.c"), TokenError::Base64 { part: "header" });
        let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
        assert!(matches!(
            t(&format!("{none}.e30.")),
            TokenError::Algorithm { .. }
        ));
        let hs = URL_SAFE_NO_PAD.encode(HEADER);
        assert!(matches!(
            t(&format!("{hs}.e30.")),
            TokenError::Json { part: "claims", .. }
        ));
    }
}
