//! POST /v2/mobile_push_credentials
//!
//! Source: seed `000`, `telnyx.mobile_push_credentials#CreatePushCredential`
//! (<https://developers.telnyx.com/api/webrtc/create-push-credential>). The body is a `oneOf`
//! (iOS or Android) dispatched on `type`; the response is `200 {"data": PushCredential}`.

use credspec_core::rules::PushCreateParams;
use credspec_core::secret::Secret;
use credspec_core::value::TelnyxPushType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::PushCredential;
use crate::envelope::Data;
use crate::error::{DecodeError, decode_json, decode_value};

/// The create response: `{"data": PushCredential}`, status 200.
pub type CreatePushCredentialResponse = Data<PushCredential>;

/// The iOS variant: `certificate`, `private_key` and `alias` (all required by the schema;
/// absent members decode as `None` and core's check reports them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IosPushCredentialRequest {
    /// The APNs certificate (PEM), as received from Apple.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// Its private key (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<Secret<String>>,
    /// The alias, unique per account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

impl IosPushCredentialRequest {
    /// An iOS credential request.
    pub fn new(
        certificate: impl Into<String>,
        private_key: impl Into<Secret<String>>,
        alias: impl Into<String>,
    ) -> Self {
        Self {
            certificate: Some(certificate.into()),
            private_key: Some(private_key.into()),
            alias: Some(alias.into()),
        }
    }
}

/// The Android variant: `project_account_json_file` (any JSON object) and `alias`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AndroidPushCredentialRequest {
    /// The FCM service-account JSON, as an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_account_json_file: Option<Secret<Map<String, Value>>>,
    /// The alias, unique per account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

impl AndroidPushCredentialRequest {
    /// An Android credential request.
    pub fn new(project_account_json_file: Map<String, Value>, alias: impl Into<String>) -> Self {
        Self {
            project_account_json_file: Some(Secret::new(project_account_json_file)),
            alias: Some(alias.into()),
        }
    }
}

/// A body whose `type` is missing or unknown: kept whole so that it re-encodes unchanged
/// (core refuses it with rule `telnyx.push.type-enum`).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct OtherPushCredentialRequest {
    /// The body's members, `type` included when present (it may hold secrets).
    pub members: Secret<Map<String, Value>>,
}

impl OtherPushCredentialRequest {
    /// The `type` member, when it is a string.
    pub fn push_type(&self) -> Option<&str> {
        self.members.expose().get("type").and_then(Value::as_str)
    }

    fn string(&self, name: &str) -> Option<String> {
        self.members
            .expose()
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}

/// The create body, dispatched on `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CreatePushCredentialRequest {
    /// `"type": "ios"`.
    Ios(IosPushCredentialRequest),
    /// `"type": "android"`.
    Android(AndroidPushCredentialRequest),
    /// `type` missing, `null` or unknown.
    Other(OtherPushCredentialRequest),
}

#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "type")]
    push_type: &'a str,
    #[serde(flatten)]
    body: &'a T,
}

impl CreatePushCredentialRequest {
    /// The `type` as the open enum (`None` when absent).
    pub fn push_type(&self) -> Option<TelnyxPushType> {
        match self {
            Self::Ios(_) => Some(TelnyxPushType::Ios),
            Self::Android(_) => Some(TelnyxPushType::Android),
            Self::Other(other) => other.push_type().map(TelnyxPushType::from_wire),
        }
    }

    /// The alias, when given as a string.
    pub fn alias(&self) -> Option<&str> {
        match self {
            Self::Ios(ios) => ios.alias.as_deref(),
            Self::Android(android) => android.alias.as_deref(),
            Self::Other(other) => other.members.expose().get("alias").and_then(Value::as_str),
        }
    }

    /// Decodes a request body (server side). Unknown members are ignored; a member of the
    /// wrong JSON type is an error naming it (`/alias`, `/project_account_json_file`).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let members: Map<String, Value> = decode_json(bytes)?;
        let push_type = match members.get("type") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(TelnyxPushType::from_wire(s)),
            Some(_) => {
                return Err(DecodeError::Json {
                    path: String::from("/type"),
                    message: String::from("invalid type: expected a string"),
                });
            }
        };
        match push_type {
            Some(TelnyxPushType::Ios) => decode_value(Value::Object(members), "").map(Self::Ios),
            Some(TelnyxPushType::Android) => {
                decode_value(Value::Object(members), "").map(Self::Android)
            }
            _ => Ok(Self::Other(OtherPushCredentialRequest {
                members: Secret::new(members),
            })),
        }
    }

    /// Encodes the body (client side): `type` first, then the variant's members in the
    /// documented order.
    pub fn encode(&self) -> Vec<u8> {
        let encoded = match self {
            Self::Ios(body) => serde_json::to_vec(&Tagged {
                push_type: TelnyxPushType::Ios.as_str(),
                body,
            }),
            Self::Android(body) => serde_json::to_vec(&Tagged {
                push_type: TelnyxPushType::Android.as_str(),
                body,
            }),
            Self::Other(other) => serde_json::to_vec(other.members.expose()),
        };
        encoded.unwrap_or_default()
    }

    /// The input of core's [`check_push_create`](credspec_core::rules::check_push_create).
    pub fn to_params(&self) -> PushCreateParams {
        let mut params = PushCreateParams::default();
        match self {
            Self::Ios(ios) => {
                params.push_type = Some(String::from(TelnyxPushType::Ios.as_str()));
                params.certificate.clone_from(&ios.certificate);
                params.private_key = ios.private_key.as_ref().map(|k| k.expose().clone());
                params.alias.clone_from(&ios.alias);
            }
            Self::Android(android) => {
                params.push_type = Some(String::from(TelnyxPushType::Android.as_str()));
                params.project_account_json_file = android
                    .project_account_json_file
                    .as_ref()
                    .map(|f| Value::Object(f.expose().clone()));
                params.alias.clone_from(&android.alias);
            }
            Self::Other(other) => {
                params.push_type = other.push_type().map(str::to_owned);
                params.certificate = other.string("certificate");
                params.private_key = other.string("private_key");
                params.alias = other.string("alias");
                params.project_account_json_file = other
                    .members
                    .expose()
                    .get("project_account_json_file")
                    .cloned();
            }
        }
        params
    }
}

impl From<IosPushCredentialRequest> for CreatePushCredentialRequest {
    fn from(value: IosPushCredentialRequest) -> Self {
        Self::Ios(value)
    }
}

impl From<AndroidPushCredentialRequest> for CreatePushCredentialRequest {
    fn from(value: AndroidPushCredentialRequest) -> Self {
        Self::Android(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::material::MaterialPolicy;
    use credspec_core::rules::{MaterialContext, Profile, RuleId, check_push_create};
    use serde_json::json;

    const SEED_REQUEST: &str = r#"{"alias":"LucyIosCredential","certificate":"-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----","private_key":"-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----","type":"ios"}"#;

    fn ctx() -> MaterialContext {
        MaterialContext::new(
            MaterialPolicy::AllowPlaceholders,
            credspec_core::time::macros::datetime!(2026-01-01 0:00 UTC),
        )
    }

    #[test]
    fn the_seed_example_decodes_as_ios_and_passes_core_with_placeholders() {
        let request = CreatePushCredentialRequest::decode(SEED_REQUEST.as_bytes()).unwrap();
        assert_eq!(request.push_type(), Some(TelnyxPushType::Ios));
        assert_eq!(request.alias(), Some("LucyIosCredential"));
        let encoded = request.encode();
        assert!(encoded.starts_with(br#"{"type":"ios","certificate":"#));
        let a: Value = serde_json::from_slice(&encoded).unwrap();
        let b: Value = serde_json::from_str(SEED_REQUEST).unwrap();
        assert_eq!(a, b);
        let checked = Profile::Strict
            .judge(check_push_create(&request.to_params(), &ctx()))
            .unwrap()
            .value;
        assert_eq!(checked.alias.as_str(), "LucyIosCredential");
    }

    #[test]
    fn android_and_unknown_types() {
        let body = json!({"type": "android", "alias": "a",
            "project_account_json_file": {"client_email": "account@customer.org", "private_key": "BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja..."}});
        let request = CreatePushCredentialRequest::decode(body.to_string().as_bytes()).unwrap();
        assert!(matches!(request, CreatePushCredentialRequest::Android(_)));
        assert_eq!(
            serde_json::from_slice::<Value>(&request.encode()).unwrap(),
            body
        );

        let body = json!({"type": "windows", "alias": "a", "extra": [1]});
        let request = CreatePushCredentialRequest::decode(body.to_string().as_bytes()).unwrap();
        assert_eq!(request.push_type().unwrap().as_str(), "windows");
        assert_eq!(
            serde_json::from_slice::<Value>(&request.encode()).unwrap(),
            body
        );
        let err = check_push_create(&request.to_params(), &ctx()).unwrap_err();
        assert_eq!(err[0].rule, RuleId::PushTypeEnum);

        let missing = CreatePushCredentialRequest::decode(b"{}").unwrap();
        assert_eq!(missing.push_type(), None);
        assert_eq!(missing.encode(), b"{}");
    }

    #[test]
    fn wrong_types_are_decode_errors_naming_the_member() {
        for (body, path) in [
            (r#"{"type": 1}"#, "/type"),
            (r#"{"type": "ios", "alias": 5}"#, "/alias"),
            (r#"{"type": "ios", "private_key": ["k"]}"#, "/private_key"),
            (
                r#"{"type": "android", "project_account_json_file": "{\"private_key\":\"secret\"}"}"#,
                "/project_account_json_file",
            ),
        ] {
            let err = CreatePushCredentialRequest::decode(body.as_bytes()).unwrap_err();
            assert!(
                matches!(&err, DecodeError::Json { path: p, .. } if p == path),
                "{body}: {err}"
            );
            assert!(!err.to_string().contains("secret"), "{err}");
        }
        assert!(CreatePushCredentialRequest::decode(b"[]").is_err());
        assert!(CreatePushCredentialRequest::decode(br#"{"type":"ios""#).is_err());
    }

    #[test]
    fn debug_hides_the_private_key() {
        let request: CreatePushCredentialRequest =
            IosPushCredentialRequest::new("cert", "-----BEGIN KEY----- topsecret", "a").into();
        assert!(!format!("{request:?}").contains("topsecret"));
    }
}
