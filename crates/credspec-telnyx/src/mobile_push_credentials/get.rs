//! GET /v2/mobile_push_credentials/{push_credential_id}
//!
//! Source: `telnyx.mobile_push_credentials#GetPushCredentialById`
//! (<https://developers.telnyx.com/api/webrtc/get-push-credential-by-id>): 200
//! `{"data": PushCredential}`; 404 for an unknown or malformed id.

use credspec_core::id::TelnyxId;
use credspec_core::rules::Violation;

use super::PushCredential;
use crate::envelope::Data;

/// The response: `{"data": PushCredential}`, status 200.
pub type GetPushCredentialResponse = Data<PushCredential>;

/// Retrieve one credential by id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetPushCredentialRequest {
    /// The credential's id.
    pub id: TelnyxId,
}

impl GetPushCredentialRequest {
    /// A request for `id` (client side).
    pub fn new(id: TelnyxId) -> Self {
        Self { id }
    }

    /// The request path (client side).
    pub fn path(&self) -> String {
        super::item_path(&self.id)
    }

    /// Reads the (percent-decoded) path parameter (server side). A malformed id breaks
    /// `telnyx.id.format`; Telnyx answers it with 404 like an unknown id.
    pub fn from_path_param(raw: &str) -> Result<Self, Violation> {
        super::parse_id(raw).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::rules::{Location, RuleId};

    #[test]
    fn path_round_trip() {
        let req = GetPushCredentialRequest::from_path_param("0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7")
            .unwrap();
        assert_eq!(
            req.path(),
            "/v2/mobile_push_credentials/0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7"
        );
        let err = GetPushCredentialRequest::from_path_param("nope").unwrap_err();
        assert_eq!(
            (err.rule, err.location),
            (RuleId::TelnyxIdFormat, Location::Path)
        );
    }
}
