//! POST /{version}/Credentials
//!
//! Source: seed `003`, `twilio/notify-v1#CreateCredential`, `twilio/chat-v2#CreateCredential`
//! (<https://www.twilio.com/docs/notify/api/credential-resource#create-a-credential-resource>).
//! A form body; decision D12 (`Type` in any letter case, per-type fields) and D13 (unknown
//! parameters ignored, a body that is not a form is empty). The response is `201` and the
//! [`CredentialResource`](super::CredentialResource).

use credspec_core::rules::ClassicParams;
use credspec_core::secret::Secret;
use credspec_core::value::ClassicCredentialType;

use crate::error::DecodeError;
use crate::form;

/// The create response (201).
pub type CreateCredentialResponse = super::CredentialResource;

/// A create body, parameter by parameter, as received (core's
/// [`check_classic_create`](credspec_core::rules::check_classic_create) validates it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateCredentialRequest {
    /// `Type`: `apn`, `gcm` or `fcm`, in any letter case, kept as received.
    pub credential_type: Option<String>,
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

impl CreateCredentialRequest {
    /// Every parameter the API reads, in documentation order (the order of [`Self::encode`]).
    pub const PARAMETERS: &'static [&'static str] = &[
        "Type",
        "FriendlyName",
        "Certificate",
        "PrivateKey",
        "Sandbox",
        "ApiKey",
        "Secret",
    ];

    /// An `apn` credential (client side); `Sandbox` is sent only when given.
    pub fn apn(
        certificate: impl Into<String>,
        private_key: impl Into<String>,
        sandbox: Option<bool>,
    ) -> Self {
        Self {
            credential_type: Some(ClassicCredentialType::Apn.as_str().to_owned()),
            certificate: Some(Secret::new(certificate.into())),
            private_key: Some(Secret::new(private_key.into())),
            sandbox: sandbox.map(|s| s.to_string()),
            ..Self::default()
        }
    }

    /// A `gcm` credential (client side).
    pub fn gcm(api_key: impl Into<String>) -> Self {
        Self {
            credential_type: Some(ClassicCredentialType::Gcm.as_str().to_owned()),
            api_key: Some(Secret::new(api_key.into())),
            ..Self::default()
        }
    }

    /// An `fcm` credential (client side): a server key or a service-account JSON document.
    pub fn fcm(secret: impl Into<String>) -> Self {
        Self {
            credential_type: Some(ClassicCredentialType::Fcm.as_str().to_owned()),
            secret: Some(Secret::new(secret.into())),
            ..Self::default()
        }
    }

    /// The same request with a `FriendlyName`.
    pub fn with_friendly_name(mut self, name: impl Into<String>) -> Self {
        self.friendly_name = Some(name.into());
        self
    }

    /// `Type` as the open enum (case-insensitive; unknown values kept).
    pub fn credential_type(&self) -> Option<ClassicCredentialType> {
        self.credential_type
            .as_deref()
            .map(ClassicCredentialType::from_wire)
    }

    /// Decodes a form body (server side). Unknown parameters are ignored; a known one given
    /// twice, bad percent-encoding, invalid UTF-8 or a body over 1 MiB is an error naming
    /// the parameter.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut found = form::parse_body(bytes, Self::PARAMETERS)?;
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

    /// The input of core's [`check_classic_create`](credspec_core::rules::check_classic_create).
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

/// A secret parameter's text, for the encoder.
pub(crate) fn exposed(value: Option<&Secret<String>>) -> Option<&str> {
    value.map(Secret::expose_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::material::MaterialPolicy;
    use credspec_core::rules::{MaterialContext, Profile, RuleId, check_classic_create};

    const DOCUMENTED: &str = "Type=apn&FriendlyName=Test+slow+create&Certificate=-----BEGIN+CERTIFICATE-----MIIFnTCCBIWgAwIBAgIIAjy9H849%2BE8wDQYJKoZIhvcNAQEFBQAwgZYxCzAJBgNV.....A%3D%3D-----END+CERTIFICATE-----&PrivateKey=-----BEGIN+RSA+PRIVATE+KEY-----MIIEpQIBAAKCAQEAuyf%2FlNrH9ck8DmNyo3fGgvCI1l9s%2BcmBY3WIz%2BcUDqmxiieR...-----END+RSA+PRIVATE+KEY-----&Sandbox=false";

    fn ctx() -> MaterialContext {
        MaterialContext::new(
            MaterialPolicy::AllowPlaceholders,
            credspec_core::time::macros::datetime!(2026-01-01 0:00 UTC),
        )
    }

    #[test]
    fn the_documented_example_decodes_and_passes_core_with_placeholders() {
        let request = CreateCredentialRequest::decode(DOCUMENTED.as_bytes()).unwrap();
        assert_eq!(request.credential_type(), Some(ClassicCredentialType::Apn));
        assert_eq!(request.friendly_name.as_deref(), Some("Test slow create"));
        assert_eq!(request.encode(), DOCUMENTED.as_bytes());
        let created = Profile::Strict
            .judge(check_classic_create(&request.to_params(), &ctx()))
            .unwrap()
            .value;
        assert_eq!(created.fields.sandbox, Some(false));
        assert!(!format!("{request:?}").contains("MIIE"), "secrets hidden");
    }

    #[test]
    fn type_is_case_insensitive_and_unknown_parameters_are_ignored() {
        let request = CreateCredentialRequest::decode(b"Type=GcM&ApiKey=x&Color=blue").unwrap();
        assert_eq!(request.credential_type(), Some(ClassicCredentialType::Gcm));
        assert_eq!(request.encode(), b"Type=GcM&ApiKey=x");
        let sandbox = CreateCredentialRequest::decode(b"Type=apn&Sandbox=yes").unwrap();
        let err = check_classic_create(&sandbox.to_params(), &ctx()).unwrap_err();
        assert!(err.iter().any(|v| v.rule == RuleId::ClassicSandboxBoolean));
    }

    #[test]
    fn a_json_body_reads_as_a_form_without_type() {
        let request = CreateCredentialRequest::decode(br#"{"Type":"apn"}"#).unwrap();
        assert_eq!(request, CreateCredentialRequest::default());
        let err = check_classic_create(&request.to_params(), &ctx()).unwrap_err();
        assert_eq!(err[0].rule, RuleId::ClassicTypeRequired);
    }

    #[test]
    fn malformed_forms_name_the_parameter() {
        let err = CreateCredentialRequest::decode(b"Type=apn&PrivateKey=%zz").unwrap_err();
        assert_eq!(err.field(), Some("PrivateKey"));
        let err = CreateCredentialRequest::decode(b"Type=apn&Type=gcm").unwrap_err();
        assert_eq!(err.field(), Some("Type"));
    }
}
