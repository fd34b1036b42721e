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
    /// `Type`, read only by [`Self::decode_with_type`] (Conversations v1, decision D49).
    pub credential_type: Option<String>,
}

impl UpdateCredentialRequest {
    /// Every parameter the API reads, in documentation order (the order of [`Self::encode`]).
    pub const PARAMETERS: &'static [&'static str] = match Self::PARAMETERS_WITH_TYPE {
        [_type, rest @ ..] => rest,
        [] => &[],
    };

    /// [`Self::PARAMETERS`] and `Type`, for the APIs whose update takes it: the create's.
    pub const PARAMETERS_WITH_TYPE: &'static [&'static str] =
        super::CreateCredentialRequest::PARAMETERS;

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
        Self::decode_from(bytes, Self::PARAMETERS)
    }

    /// [`Self::decode`] for an API whose update takes `Type` (Conversations v1).
    pub fn decode_with_type(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_from(bytes, Self::PARAMETERS_WITH_TYPE)
    }

    fn decode_from(bytes: &[u8], parameters: &[&'static str]) -> Result<Self, DecodeError> {
        let mut found = form::parse_body(bytes, parameters)?;
        Ok(Self {
            credential_type: found.remove("Type"),
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
            ("Type", self.credential_type.as_deref()),
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
    /// (`Type` only when [`Self::decode_with_type`] read it).
    pub fn to_params(&self) -> ClassicParams {
        let mut params = ClassicParams::default();
        params.credential_type.clone_from(&self.credential_type);
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

    #[test]
    fn conversations_reads_type_and_core_checks_the_fields_against_it() {
        let ctx = MaterialContext::new(
            MaterialPolicy::AllowPlaceholders,
            credspec_core::time::macros::datetime!(2026-01-01 0:00 UTC),
        );
        let request = UpdateCredentialRequest::decode_with_type(b"Type=FcM&Secret=x").unwrap();
        assert_eq!(request.credential_type.as_deref(), Some("FcM"));
        assert_eq!(
            UpdateCredentialRequest::decode(&request.encode()).unwrap(),
            UpdateCredentialRequest::decode(b"Secret=x").unwrap()
        );
        let params = request.to_params();
        let fields = Profile::Vendor
            .judge(check_classic_update(
                &ClassicCredentialType::Apn,
                &params,
                &ctx,
            ))
            .unwrap();
        assert_eq!(fields.value.credential_type, ClassicCredentialType::Fcm);
        // Secret is checked as fcm material (a finding: `x` is no server key), and is not a
        // field of another type.
        let rules: Vec<RuleId> = fields.findings.iter().map(|v| v.rule).collect();
        assert_eq!(
            rules,
            [RuleId::MaterialFcmServerKey],
            "{:?}",
            fields.findings
        );
        let unknown = UpdateCredentialRequest::decode_with_type(b"Type=voip").unwrap();
        let err = check_classic_update(&ClassicCredentialType::Apn, &unknown.to_params(), &ctx)
            .unwrap_err();
        assert_eq!(err[0].rule, RuleId::ClassicTypeEnum);
    }
}
