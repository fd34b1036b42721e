//! POST /v1/PushNotifications/Credentials
//!
//! Source: seed `002`, `twilio/comms-v1#CreatePushCredential`
//! (<https://www.twilio.com/docs/comms/api/push-notification-credential-resource>), decisions
//! D4 (`appName` required) and D6 (`content`). The response is `202` and the
//! [`AcceptedResponse`](super::AcceptedResponse).

use credspec_core::rules::CommsCreateParams;
use credspec_core::secret::Secret;
use credspec_core::value::CommsCredentialType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{DecodeError, decode_json_object};

/// `content` (decision D6): APN and APN_SANDBOX carry `certificate` and `privateKey` (PEM);
/// FCM carries `privateKey` only (the service-account JSON, base64-encoded). Unknown
/// members are ignored. It decodes from a JSON object only (serde's derive would also take an
/// array of the members' values, which Twilio documents nowhere).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PushContent {
    /// The APNs certificate (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// The APNs private key (PEM), or the base64 FCM service account.
    #[serde(
        rename = "privateKey",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub private_key: Option<Secret<String>>,
}

impl<'de> Deserialize<'de> for PushContent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Members {
            #[serde(default)]
            certificate: Option<String>,
            #[serde(rename = "privateKey", default)]
            private_key: Option<Secret<String>>,
        }
        struct Object;
        impl<'de> serde::de::Visitor<'de> for Object {
            type Value = PushContent;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<PushContent, A::Error> {
                let m = Members::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(PushContent {
                    certificate: m.certificate,
                    private_key: m.private_key,
                })
            }
        }
        deserializer.deserialize_map(Object)
    }
}

impl PushContent {
    /// APNs content.
    pub fn apns(certificate: impl Into<String>, private_key: impl Into<String>) -> Self {
        Self {
            certificate: Some(certificate.into()),
            private_key: Some(Secret::new(private_key.into())),
        }
    }

    /// FCM content: the base64 of the service-account JSON.
    pub fn fcm(service_account_base64: impl Into<String>) -> Self {
        Self {
            certificate: None,
            private_key: Some(Secret::new(service_account_base64.into())),
        }
    }

    /// The content as the JSON object core checks.
    pub fn to_value(&self) -> Value {
        let mut members = Map::new();
        if let Some(c) = &self.certificate {
            members.insert(String::from("certificate"), Value::from(c.as_str()));
        }
        if let Some(k) = &self.private_key {
            members.insert(String::from("privateKey"), Value::from(k.expose_str()));
        }
        Value::Object(members)
    }
}

/// A create body as received (core's
/// [`check_comms_create`](credspec_core::rules::check_comms_create) validates it). Members in
/// the documented order; absent ones are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatePushCredentialRequest {
    /// `credentialType`: `APN`, `APN_SANDBOX` or `FCM`, as received.
    #[serde(
        rename = "credentialType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_type: Option<String>,
    /// `content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<PushContent>,
    /// `appName`: the App the credential belongs to (created on first use).
    #[serde(rename = "appName", default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// `isDefault` (default `false`).
    #[serde(rename = "isDefault", default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
}

impl CreatePushCredentialRequest {
    /// A create of `credential_type` under `app_name` (client side).
    pub fn new(
        credential_type: &CommsCredentialType,
        app_name: impl Into<String>,
        content: PushContent,
    ) -> Self {
        Self {
            credential_type: Some(credential_type.as_str().to_owned()),
            content: Some(content),
            app_name: Some(app_name.into()),
            is_default: None,
        }
    }

    /// `credentialType` as the open enum (unknown values kept).
    pub fn credential_type(&self) -> Option<CommsCredentialType> {
        self.credential_type
            .as_deref()
            .map(CommsCredentialType::from_wire)
    }

    /// Decodes a request body (server side). The body must be a JSON object; a member of
    /// the wrong JSON type is an error naming it (`/isDefault`, `/content/certificate`).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json_object(bytes)
    }

    /// Encodes the body (client side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The input of core's [`check_comms_create`](credspec_core::rules::check_comms_create).
    pub fn to_params(&self) -> CommsCreateParams {
        let mut params = CommsCreateParams::default();
        params.credential_type.clone_from(&self.credential_type);
        params.app_name.clone_from(&self.app_name);
        params.content = self.content.as_ref().map(PushContent::to_value);
        params.is_default = self.is_default;
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::material::MaterialPolicy;
    use credspec_core::rules::{MaterialContext, RuleId, check_comms_create};

    fn ctx() -> MaterialContext {
        MaterialContext::new(
            MaterialPolicy::AllowPlaceholders,
            credspec_core::time::macros::datetime!(2026-01-01 0:00 UTC),
        )
    }

    #[test]
    fn a_create_decodes_and_core_names_the_missing_app() {
        let body = br#"{"credentialType":"APN","content":{"certificate":"-----BEGIN CERTIFICATE-----MIIFnTCC...-----END CERTIFICATE-----","privateKey":"-----BEGIN RSA PRIVATE KEY-----MIIEpQIB...-----END RSA PRIVATE KEY-----","other":1},"appName":"limonade_app","extra":true}"#;
        let request = CreatePushCredentialRequest::decode(body).unwrap();
        assert_eq!(request.credential_type(), Some(CommsCredentialType::Apn));
        assert!(check_comms_create(&request.to_params(), &ctx()).is_ok());
        assert!(!format!("{request:?}").contains("MIIEpQIB"));
        let mut no_app = request.clone();
        no_app.app_name = None;
        let err = check_comms_create(&no_app.to_params(), &ctx()).unwrap_err();
        assert_eq!(err[0].rule, RuleId::CommsAppNameRequired);
        assert_eq!(
            CreatePushCredentialRequest::decode(&request.encode()).unwrap(),
            request
        );
    }

    #[test]
    fn wrong_shapes_are_typed_errors_naming_the_member() {
        for (body, field) in [
            (&br#"{"isDefault":"true"}"#[..], Some("/isDefault")),
            (br#"{"content":"x"}"#, Some("/content")),
            (br#"{"content":[null,null]}"#, Some("/content")),
            (
                br#"{"content":{"certificate":5}}"#,
                Some("/content/certificate"),
            ),
            (br#"{"appName":["a"]}"#, Some("/appName")),
            (br#"[{"appName":"a"}]"#, None),
            (b"credentialType=FCM&appName=x", None),
        ] {
            let err = CreatePushCredentialRequest::decode(body).unwrap_err();
            assert_eq!(err.field(), field, "{err}");
        }
    }
}
