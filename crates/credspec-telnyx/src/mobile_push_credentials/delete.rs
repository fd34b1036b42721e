//! DELETE /v2/mobile_push_credentials/{push_credential_id}
//!
//! Source: `telnyx.mobile_push_credentials#DeletePushCredentialById`
//! (<https://developers.telnyx.com/api/webrtc/delete-push-credential-by-id>): 204 with no
//! body; 404 for an unknown or malformed id.

use credspec_core::id::TelnyxId;
use credspec_core::rules::Violation;

/// Delete one credential by id. The response is 204 with an empty body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeletePushCredentialRequest {
    /// The credential's id.
    pub id: TelnyxId,
}

impl DeletePushCredentialRequest {
    /// The status of a successful delete.
    pub const STATUS: u16 = 204;

    /// A request for `id` (client side).
    pub fn new(id: TelnyxId) -> Self {
        Self { id }
    }

    /// The request path (client side).
    pub fn path(&self) -> String {
        super::item_path(&self.id)
    }

    /// Reads the (percent-decoded) path parameter (server side).
    pub fn from_path_param(raw: &str) -> Result<Self, Violation> {
        super::parse_id(raw).map(Self::new)
    }
}
