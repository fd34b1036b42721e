//! PATCH /v1/PushNotifications/Credentials/{id}
//!
//! Source: `twilio/comms-v1#UpdatePushCredential` and decision D6: `isDefault`, `tags` and
//! `content` (new material of the same type). The response is `202` and the
//! [`AcceptedResponse`](super::AcceptedResponse).

use std::collections::BTreeMap;

use credspec_core::rules::CommsUpdateParams;
use serde::{Deserialize, Serialize};

use super::PushContent;
use crate::error::{DecodeError, decode_json_object};

/// An update body as received (core's
/// [`check_comms_update`](credspec_core::rules::check_comms_update) validates it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdatePushCredentialRequest {
    /// `isDefault`: `true` makes it its type's default in its App.
    #[serde(rename = "isDefault", default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// `tags`: string pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// `content`: replacement material.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<PushContent>,
}

impl UpdatePushCredentialRequest {
    /// An update that sets `isDefault` (client side).
    pub fn set_default(is_default: bool) -> Self {
        Self {
            is_default: Some(is_default),
            ..Self::default()
        }
    }

    /// Decodes a request body (server side); see
    /// [`CreatePushCredentialRequest::decode`](super::CreatePushCredentialRequest::decode).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json_object(bytes)
    }

    /// Encodes the body (client side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The input of core's [`check_comms_update`](credspec_core::rules::check_comms_update).
    pub fn to_params(&self) -> CommsUpdateParams {
        let mut params = CommsUpdateParams::default();
        params.is_default = self.is_default;
        params.tags.clone_from(&self.tags);
        params.content = self.content.as_ref().map(PushContent::to_value);
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::material::MaterialPolicy;
    use credspec_core::rules::{MaterialContext, RuleId, check_comms_update};
    use credspec_core::value::CommsCredentialType;

    #[test]
    fn tags_go_to_core_and_wrong_types_name_the_member() {
        let request =
            UpdatePushCredentialRequest::decode(br#"{"tags":{"bad key":"v"},"isDefault":true}"#)
                .unwrap();
        let ctx = MaterialContext::new(
            MaterialPolicy::AllowPlaceholders,
            credspec_core::time::macros::datetime!(2026-01-01 0:00 UTC),
        );
        let err =
            check_comms_update(&CommsCredentialType::Fcm, &request.to_params(), &ctx).unwrap_err();
        assert_eq!(err[0].rule, RuleId::CommsTags);
        assert_eq!(
            UpdatePushCredentialRequest::decode(&request.encode()).unwrap(),
            request
        );
        let err = UpdatePushCredentialRequest::decode(br#"{"tags":{"k":1}}"#).unwrap_err();
        assert_eq!(err.field(), Some("/tags/k"));
        assert_eq!(
            UpdatePushCredentialRequest::decode(b"{}").unwrap(),
            UpdatePushCredentialRequest::default()
        );
    }
}
