//! The `PushNotificationCredential` representation (fetch, list) and the `202` answer of
//! create, update and delete.
//!
//! Source: `twilio/comms-v1` schemas `PushNotificationCredential` and the accepted-operation
//! body; timestamps ISO-8601 UTC with seconds and `Z` (the documented examples). Secrets are
//! never returned (decision D6).

use std::collections::BTreeMap;

use credspec_core::id::{AppName, CommsCredentialId};
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::{Timestamp, TimestampForm};
use credspec_core::value::{CommsCredentialType, CommsTags};
use serde::{Deserialize, Serialize};

use super::CommsApi;
use crate::error::{DecodeError, decode_json_object};

/// A Comms push credential. Members serialize in the documented order; absent ones are not
/// sent. Decoding is tolerant (missing members read as `None`, unknown types kept, unknown
/// members ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PushNotificationCredential {
    /// `comms_credential_...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `APN`, `APN_SANDBOX` or `FCM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_type: Option<CommsCredentialType>,
    /// Whether it is its type's default in its App.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// The App it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// Tags set by update (`{}` pairs of strings); not sent when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Creation time, `2023-08-31T14:15:22Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update time, same form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

impl PushNotificationCredential {
    /// The representation a server answers (server side).
    pub fn new(
        id: &CommsCredentialId,
        credential_type: &CommsCredentialType,
        is_default: bool,
        app_name: &AppName,
        created: OffsetDateTime,
        updated: OffsetDateTime,
    ) -> Self {
        let iso = |t| Timestamp::new(t, TimestampForm::ISO_SECONDS_Z).to_string();
        Self {
            id: Some(id.as_str().to_owned()),
            credential_type: Some(credential_type.clone()),
            is_default: Some(is_default),
            app_name: Some(app_name.as_str().to_owned()),
            tags: None,
            created_at: Some(iso(created)),
            updated_at: Some(iso(updated)),
        }
    }

    /// The same representation with the credential's tags (none: no `tags` member).
    pub fn with_tags(mut self, tags: &CommsTags) -> Self {
        self.tags = (!tags.is_empty()).then(|| {
            tags.iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.as_str().to_owned()))
                .collect()
        });
        self
    }

    /// The same representation, updated at `now` (server side).
    #[must_use]
    pub fn touched(mut self, now: OffsetDateTime) -> Self {
        self.updated_at = Some(Timestamp::new(now, TimestampForm::ISO_SECONDS_Z).to_string());
        self
    }

    /// Decodes a response body (client side).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json_object(bytes)
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// The `202` body of create, update and delete: `{"resourceId", "resourceLocation"}`; the
/// `Location` header carries `resourceLocation` too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AcceptedResponse {
    /// The credential's id.
    #[serde(default)]
    pub resource_id: String,
    /// Its absolute URL.
    #[serde(default)]
    pub resource_location: String,
}

impl AcceptedResponse {
    /// The answer for credential `id` at `api` (server side).
    pub fn new(api: &CommsApi, id: &CommsCredentialId) -> Self {
        Self {
            resource_id: id.as_str().to_owned(),
            resource_location: api.item_url(id),
        }
    }

    /// The `Location` header value.
    pub fn location(&self) -> &str {
        &self.resource_location
    }

    /// Decodes a response body (client side).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json_object(bytes)
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::time::macros::datetime;

    #[test]
    fn documented_bodies_are_rebuilt_from_core_types() {
        let id: CommsCredentialId = "comms_credential_01h9krwprkeee8fzqspvwy6nq8"
            .parse()
            .unwrap();
        let accepted = AcceptedResponse::new(&CommsApi::twilio(), &id);
        assert_eq!(
            accepted.encode(),
            br#"{"resourceId":"comms_credential_01h9krwprkeee8fzqspvwy6nq8","resourceLocation":"https://comms.twilio.com/v1/PushNotifications/Credentials/comms_credential_01h9krwprkeee8fzqspvwy6nq8"}"#
        );
        assert_eq!(
            AcceptedResponse::decode(&accepted.encode()).unwrap(),
            accepted
        );
        let app: AppName = "limonade_app".parse().unwrap();
        let at = datetime!(2023-08-31 14:15:22.5 UTC);
        let credential =
            PushNotificationCredential::new(&id, &CommsCredentialType::Fcm, true, &app, at, at);
        assert_eq!(
            String::from_utf8(credential.encode()).unwrap(),
            r#"{"id":"comms_credential_01h9krwprkeee8fzqspvwy6nq8","credentialType":"FCM","isDefault":true,"appName":"limonade_app","createdAt":"2023-08-31T14:15:22Z","updatedAt":"2023-08-31T14:15:22Z"}"#
        );
        let tags = credspec_core::rules::check_comms_tags(&BTreeMap::from([(
            String::from("region"),
            String::from("us-east-1"),
        )]))
        .unwrap();
        let tagged = credential.with_tags(&tags);
        assert!(
            String::from_utf8(tagged.encode())
                .unwrap()
                .contains(r#""appName":"limonade_app","tags":{"region":"us-east-1"},"createdAt""#)
        );
        let err = PushNotificationCredential::decode(br#"{"isDefault":"yes"}"#).unwrap_err();
        assert_eq!(err.field(), Some("/isDefault"));
    }
}
