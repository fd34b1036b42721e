//! DELETE /{version}/Credentials/{Sid}
//!
//! Source: `twilio/notify-v1#DeleteCredential`, `twilio/chat-v2#DeleteCredential`
//! (<https://www.twilio.com/docs/notify/api/credential-resource#delete-a-credential-resource>).
//! No body either way: the response is `204` (decision D3).

super::by_sid_request!(
    /// A delete: the sid in the path.
    DeleteCredentialRequest
);
