//! The `PushCredential` resource, as every push operation returns it.
//!
//! Source: `telnyx.mobile_push_credentials` schema `PushCredential` (all nine members
//! required, none nullable) and decisions D8 (the other platform's members are `""` / `{}`)
//! and D10 (timestamps with microseconds and `Z`; `record_type` `push_credential`).

use credspec_core::error::{FormatError, TimestampError};
use credspec_core::id::TelnyxId;
use credspec_core::rules::{RuleId, Violation};
use credspec_core::secret::Secret;
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::{Timestamp, TimestampForm};
use credspec_core::value::{Alias, TelnyxPushType};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::CreatePushCredentialRequest;

/// The `record_type` of a push credential.
pub const RECORD_TYPE: &str = "push_credential";

/// A mobile push credential. Members serialize in the documented order; the secrets are
/// echoed, as Telnyx documents (and hidden from `Debug`).
///
/// Decoding is tolerant: `certificate`, `private_key` and `project_account_json_file` may be
/// missing or `null` (read as empty), and `type` keeps unknown values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PushCredential {
    /// The id (a UUID).
    pub id: String,
    /// The APNs certificate (`""` for Android).
    #[serde(default, deserialize_with = "null_as_default")]
    pub certificate: String,
    /// The APNs private key (`""` for Android).
    #[serde(default, deserialize_with = "null_as_default")]
    pub private_key: Secret<String>,
    /// The FCM service-account JSON (`{}` for iOS).
    #[serde(default, deserialize_with = "null_as_default")]
    pub project_account_json_file: Secret<Map<String, Value>>,
    /// The alias.
    pub alias: String,
    /// `ios` or `android` (a free string in the response schema; unknown values kept).
    #[serde(rename = "type")]
    pub push_type: TelnyxPushType,
    /// `push_credential`.
    pub record_type: String,
    /// Creation time, `2021-03-26T17:51:59.588408Z`.
    pub created_at: String,
    /// Last update time, same form.
    pub updated_at: String,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn micros(instant: OffsetDateTime) -> String {
    Timestamp::new(instant, TimestampForm::ISO_MICROS_Z).to_string()
}

impl PushCredential {
    /// An iOS credential as a server returns it (server side).
    pub fn ios(
        id: &TelnyxId,
        alias: &Alias,
        certificate: &str,
        private_key: &Secret<String>,
        created_at: OffsetDateTime,
        updated_at: OffsetDateTime,
    ) -> Self {
        Self {
            id: id.to_string(),
            certificate: certificate.to_owned(),
            private_key: private_key.clone(),
            project_account_json_file: Secret::default(),
            alias: alias.to_string(),
            push_type: TelnyxPushType::Ios,
            record_type: String::from(RECORD_TYPE),
            created_at: micros(created_at),
            updated_at: micros(updated_at),
        }
    }

    /// An Android credential as a server returns it (server side).
    pub fn android(
        id: &TelnyxId,
        alias: &Alias,
        project_account_json_file: &Secret<Map<String, Value>>,
        created_at: OffsetDateTime,
        updated_at: OffsetDateTime,
    ) -> Self {
        Self {
            id: id.to_string(),
            certificate: String::new(),
            private_key: Secret::default(),
            project_account_json_file: project_account_json_file.clone(),
            alias: alias.to_string(),
            push_type: TelnyxPushType::Android,
            record_type: String::from(RECORD_TYPE),
            created_at: micros(created_at),
            updated_at: micros(updated_at),
        }
    }

    /// The credential a create request makes, echoing its material as received: `None` for
    /// a request core's `check_push_create` would refuse (unknown type, missing member,
    /// invalid alias).
    pub fn from_create(
        id: &TelnyxId,
        request: &CreatePushCredentialRequest,
        created_at: OffsetDateTime,
    ) -> Option<Self> {
        let alias: Alias = request.alias()?.parse().ok()?;
        match request {
            CreatePushCredentialRequest::Ios(ios) => Some(Self::ios(
                id,
                &alias,
                ios.certificate.as_deref()?,
                ios.private_key.as_ref()?,
                created_at,
                created_at,
            )),
            CreatePushCredentialRequest::Android(android) => Some(Self::android(
                id,
                &alias,
                android.project_account_json_file.as_ref()?,
                created_at,
                created_at,
            )),
            CreatePushCredentialRequest::Other(_) => None,
        }
    }

    /// The id, parsed.
    pub fn parsed_id(&self) -> Result<TelnyxId, FormatError> {
        self.id.parse()
    }

    /// `created_at`, parsed.
    pub fn created(&self) -> Result<Timestamp, TimestampError> {
        Timestamp::parse(&self.created_at)
    }

    /// `updated_at`, parsed.
    pub fn updated(&self) -> Result<Timestamp, TimestampError> {
        Timestamp::parse(&self.updated_at)
    }

    /// Client-side checks of a decoded credential: the id is a UUID (`telnyx.id.format`),
    /// the type is known (`telnyx.push.type-enum`) and the alias valid (`telnyx.push.alias`).
    /// Timestamps have no rule id; check them with [`PushCredential::created`].
    pub fn validate(&self) -> Vec<Violation> {
        let mut violations = Vec::new();
        if let Err(e) = self.parsed_id() {
            violations.push(Violation::body(
                RuleId::TelnyxIdFormat,
                "/id",
                e.to_string(),
            ));
        }
        if !self.push_type.is_known() {
            violations.push(Violation::body(
                RuleId::PushTypeEnum,
                "/type",
                format!(
                    "type must be one of {}, got {:?}",
                    TelnyxPushType::known_values(),
                    self.push_type.as_str()
                ),
            ));
        }
        if let Err(e) = self.alias.parse::<Alias>() {
            violations.push(Violation::body(RuleId::PushAlias, "/alias", e.to_string()));
        }
        violations
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Data;
    use credspec_core::time::macros::datetime;

    /// Seed 000's response (its inconsistencies are the vendor's: see the contract, §8).
    const SEED_RESPONSE: &str = r#"{"data":{"id":"0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7","certificate":"-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----","private_key":"-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----","project_account_json_file":{"client_email":"account@customer.org","private_key":"BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja..."},"alias":"LucyCredential","type":"ios","record_type":"push_credential","created_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z"}}"#;

    #[test]
    fn the_seed_response_round_trips_byte_for_byte() {
        let decoded = Data::<PushCredential>::decode(SEED_RESPONSE.as_bytes()).unwrap();
        assert!(decoded.data.validate().is_empty());
        assert_eq!(
            String::from_utf8(decoded.encode()).unwrap(),
            SEED_RESPONSE,
            "member order and timestamp forms are kept"
        );
    }

    #[test]
    fn servers_fill_the_other_platforms_members_with_empty_values() {
        let id: TelnyxId = "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7".parse().unwrap();
        let alias: Alias = "LucyIosCredential".parse().unwrap();
        let at = datetime!(2021-03-26 17:51:59.588408 UTC);
        let ios = PushCredential::ios(&id, &alias, "cert", &Secret::from("key"), at, at);
        assert_eq!(
            serde_json::to_string(&ios).unwrap(),
            r#"{"id":"0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7","certificate":"cert","private_key":"key","project_account_json_file":{},"alias":"LucyIosCredential","type":"ios","record_type":"push_credential","created_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z"}"#
        );
        let mut file = Map::new();
        file.insert(String::from("type"), Value::from("service_account"));
        let android = PushCredential::android(
            &id,
            &alias,
            &Secret::new(file),
            at,
            datetime!(2021-03-26 17:52 UTC),
        );
        let json = serde_json::to_string(&android).unwrap();
        assert!(json.contains(r#""certificate":"","private_key":"","project_account_json_file":{"type":"service_account"}"#), "{json}");
        assert!(
            json.ends_with(r#""updated_at":"2021-03-26T17:52:00.000000Z"}"#),
            "{json}"
        );
    }

    #[test]
    fn nulls_and_missing_platform_members_decode_as_empty() {
        let body = r#"{"data":{"id":"x","certificate":null,"alias":"a","type":"web","record_type":"push_credential","created_at":"t","updated_at":"t"}}"#;
        let decoded = Data::<PushCredential>::decode(body.as_bytes()).unwrap();
        assert_eq!(decoded.data.certificate, "");
        let rules: Vec<RuleId> = decoded.data.validate().iter().map(|v| v.rule).collect();
        assert_eq!(rules, [RuleId::TelnyxIdFormat, RuleId::PushTypeEnum]);
        assert!(decoded.data.created().is_err());
    }

    #[test]
    fn from_create_echoes_the_request() {
        let id: TelnyxId = "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7".parse().unwrap();
        let at = datetime!(2021-03-26 17:51:59.588408 UTC);
        let request = CreatePushCredentialRequest::Ios(
            super::super::IosPushCredentialRequest::new("cert", "key", "Lucy"),
        );
        let made = PushCredential::from_create(&id, &request, at).unwrap();
        assert_eq!(
            (made.certificate.as_str(), made.private_key.expose_str()),
            ("cert", "key")
        );
        let other = CreatePushCredentialRequest::decode(br#"{"alias":"Lucy"}"#).unwrap();
        assert!(PushCredential::from_create(&id, &other, at).is_none());
    }
}
