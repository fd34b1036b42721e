//! GET /{version}/Credentials/{Sid}
//!
//! Source: `twilio/notify-v1#FetchCredential`, `twilio/chat-v2#FetchCredential`
//! (<https://www.twilio.com/docs/notify/api/credential-resource#fetch-a-credential-resource>).
//! No body; the response is `200` and the [`CredentialResource`](super::CredentialResource).

super::by_sid_request!(
    /// A fetch: the sid in the path.
    FetchCredentialRequest
);

/// The fetch response (200).
pub type FetchCredentialResponse = super::CredentialResource;
