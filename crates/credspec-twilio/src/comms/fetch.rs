//! GET /v1/PushNotifications/Credentials/{id}
//!
//! Source: `twilio/comms-v1#FetchPushCredential`. No body; the response is `200` and the
//! [`PushNotificationCredential`](super::PushNotificationCredential).

super::by_id_request!(
    /// A fetch: the id in the path.
    FetchPushCredentialRequest
);

/// The fetch response (200).
pub type FetchPushCredentialResponse = super::PushNotificationCredential;
