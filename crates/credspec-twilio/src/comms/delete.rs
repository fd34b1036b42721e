//! DELETE /v1/PushNotifications/Credentials/{id}
//!
//! Source: `twilio/comms-v1#DeletePushCredential`. No body; the response is `202` and the
//! [`AcceptedResponse`](super::AcceptedResponse) (decision D3).

super::by_id_request!(
    /// A delete: the id in the path.
    DeletePushCredentialRequest
);
