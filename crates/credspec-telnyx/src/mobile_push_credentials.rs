//! Telnyx mobile push credentials (`/v2/mobile_push_credentials`): iOS (APNs certificate and
//! key) and Android (FCM service-account JSON) credentials for WebRTC push notifications.
//!
//! Source: seed `000` and the official spec `telnyx.mobile_push_credentials`
//! (<https://developers.telnyx.com/api/webrtc/create-push-credential>). There is no update
//! operation. Statuses (decision D3): create 200, list and get 200, delete 204.

mod create;
mod delete;
mod get;
mod list;
mod resource;

pub use create::{
    AndroidPushCredentialRequest, CreatePushCredentialRequest, CreatePushCredentialResponse,
    IosPushCredentialRequest, OtherPushCredentialRequest,
};
pub use delete::DeletePushCredentialRequest;
pub use get::{GetPushCredentialRequest, GetPushCredentialResponse};
pub use list::{ListPushCredentialsRequest, ListPushCredentialsResponse};
pub use resource::{PushCredential, RECORD_TYPE};

/// Path of the collection, relative to the API host.
pub const PATH: &str = "/v2/mobile_push_credentials";

/// Path of one credential.
pub fn item_path(id: &credspec_core::id::TelnyxId) -> String {
    format!("{PATH}/{id}")
}

/// Parses the `{push_credential_id}` path parameter (already percent-decoded). A malformed
/// id breaks rule `telnyx.id.format`; servers answer it with 404 like an unknown id.
pub(crate) fn parse_id(
    raw: &str,
) -> Result<credspec_core::id::TelnyxId, credspec_core::rules::Violation> {
    raw.parse().map_err(|e: credspec_core::error::FormatError| {
        let mut v = credspec_core::rules::Violation::query(
            credspec_core::rules::RuleId::TelnyxIdFormat,
            "push_credential_id",
            e.to_string(),
        );
        v.location = credspec_core::rules::Location::Path;
        v
    })
}
