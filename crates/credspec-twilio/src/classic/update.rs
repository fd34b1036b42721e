//! POST /{version}/Credentials/{Sid}
//!
//! Source: `twilio/notify-v1#UpdateCredential`, `twilio/chat-v2#UpdateCredential`
//! (<https://www.twilio.com/docs/notify/api/credential-resource#update-a-credential-resource>).
//! A form body; `Type` is not an update parameter and is ignored like any unknown one
//! (decision D13). The response is `200` and the
//! [`CredentialResource`](super::CredentialResource).

use credspec_core::rules::ClassicParams;
use credspec_core::secret::Secret;

use super::create::exposed;
use crate::error::DecodeError;
use crate::form;

/// The update response (200).
pub type UpdateCredentialResponse = super::CredentialResource;

/// An update body, parameter by parameter, as received (core's
/// [`check_classic_update`](credspec_core::rules::check_classic_update) validates it
/// against the stored type).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateCredentialRequest {
    /// `FriendlyName`.
    pub friendly_name: Option<String>,
    /// `Certificate` (apn): PEM.
    pub certificate: Option<Secret<String>>,
    /// `PrivateKey` (apn): PEM.
    pub private_key: Option<Secret<String>>,
    /// `Sandbox` (apn): `true` or `false`; anything else is kept for core to refuse.
    pub sandbox: Option<String>,
    /// `ApiKey` (gcm).
    pub api_key: Option<Secret<String>>,
    /// `Secret` (fcm).
    pub secret: Option<Secret<String>>,
}

impl UpdateCredentialRequest {
    /// Every parameter the API reads, in documentation order (the order of [`Self::encode`]).
    pub const PARAMETERS: &'static [&'static str] = &[
        "FriendlyName",
        "Certificate",
        "PrivateKey",
        "Sandbox",
        "ApiKey",
        "Secret",
    ];

    /// An update that renames the credential (client side).
    pub fn rename(name: impl Into<String>) -> Self {
        Self {
            friendly_name: Some(name.into()),
            ..Self::default()
        }
    }

    /// Decodes a form body (server side); see
    /// [`CreateCredentialRequest::decode`](super::CreateCredentialRequest::decode).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut found = form::parse_body(bytes, Self::PARAMETERS)?;
        Ok(Self {
            friendly_name: found.remove("FriendlyName"),
            certificate: found.remove("Certificate").map(Secret::new),
            private_key: found.remove("PrivateKey").map(Secret::new),
            sandbox: found.remove("Sandbox"),
            api_key: found.remove("ApiKey").map(Secret::new),
            secret: found.remove("Secret").map(Secret::new),
        })
    }

    /// Encodes the form body (client side), parameters in documentation order.
    pub fn encode(&self) -> Vec<u8> {
        form::write([
            ("FriendlyName", self.friendly_name.as_deref()),
            ("Certificate", exposed(self.certificate.as_ref())),
            ("PrivateKey", exposed(self.private_key.as_ref())),
            ("Sandbox", self.sandbox.as_deref()),
            ("ApiKey", exposed(self.api_key.as_ref())),
            ("Secret", exposed(self.secret.as_ref())),
        ])
        .into_bytes()
    }

    /// The input of core's [`check_classic_update`](credspec_core::rules::check_classic_update)
    /// (`Type` is never set).
    pub fn to_params(&self) -> ClassicParams {
        let mut params = ClassicParams::default();
        params.friendly_name.clone_from(&self.friendly_name);
        params.certificate.clone_from(&self.certificate);
        params.private_key.clone_from(&self.private_key);
        params.sandbox.clone_from(&self.sandbox);
        params.api_key.clone_from(&self.api_key);
        params.secret.clone_from(&self.secret);
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::material::MaterialPolicy;
    use credspec_core::rules::{MaterialContext, Profile, RuleId, check_classic_update};
    use credspec_core::value::ClassicCredentialType;

    #[test]
    fn type_is_ignored_and_fields_of_another_type_are_found_by_core() {
        let request = UpdateCredentialRequest::decode(b"Type=fcm&FriendlyName=x").unwrap();
        assert_eq!(request, UpdateCredentialRequest::rename("x"));
        assert_eq!(request.to_params().credential_type, None);
        let ctx = MaterialContext::new(
            MaterialPolicy::AllowPlaceholders,
            credspec_core::time::macros::datetime!(2026-01-01 0:00 UTC),
        );
        let request = UpdateCredentialRequest::decode(b"ApiKey=AIza").unwrap();
        let outcome = check_classic_update(&ClassicCredentialType::Apn, &request.to_params(), &ctx);
        let accepted = Profile::Vendor.judge(outcome.clone()).unwrap();
        assert_eq!(accepted.findings[0].rule, RuleId::ClassicForbiddenFields);
        let err = Profile::Strict.judge(outcome).unwrap_err();
        assert_eq!(err[0].rule, RuleId::ClassicForbiddenFields);
        assert_eq!(
            UpdateCredentialRequest::decode(b"FriendlyName=a&FriendlyName=b")
                .unwrap_err()
                .field(),
            Some("FriendlyName")
        );
    }
}
