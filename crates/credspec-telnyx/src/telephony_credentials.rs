//! Telnyx telephony ("on-demand") credentials (`/v2/telephony_credentials`): SIP credentials
//! on a Credential connection, and short-lived access tokens (JWT) for them.
//!
//! Source: seed `004` and the official spec `telnyx.telephony_credentials`
//! (<https://developers.telnyx.com/api/call-control/create-telephony-credential>). Statuses
//! (decision D3): create 201; list, get and update 200; delete 200 with the deleted record;
//! token 201 `text/plain`.

mod body;
mod create;
mod delete;
mod get;
mod list;
mod resource;
mod token;
mod update;

pub use create::{CreateTelephonyCredentialRequest, CreateTelephonyCredentialResponse};
pub use delete::{DeleteTelephonyCredentialRequest, DeleteTelephonyCredentialResponse};
pub use get::{GetTelephonyCredentialRequest, GetTelephonyCredentialResponse};
pub use list::{FindTelephonyCredentialsRequest, FindTelephonyCredentialsResponse};
pub use resource::{RECORD_TYPE, TelephonyCredential};
pub use token::{
    AccessToken, CreateTelephonyCredentialTokenRequest, TOKEN_AUDIENCE, TOKEN_CONTENT_TYPE,
    TOKEN_TYPE, TokenClaims, TokenError,
};
pub use update::{UpdateTelephonyCredentialRequest, UpdateTelephonyCredentialResponse};

/// Path of the collection, relative to the API host.
pub const PATH: &str = "/v2/telephony_credentials";

/// Path of one credential.
pub fn item_path(id: &credspec_core::id::TelnyxId) -> String {
    format!("{PATH}/{id}")
}

/// Parses the `{id}` path parameter (already percent-decoded). A malformed id breaks rule
/// `telnyx.id.format`; servers answer it with 404 like an unknown id.
pub(crate) fn parse_id(
    raw: &str,
) -> Result<credspec_core::id::TelnyxId, credspec_core::rules::Violation> {
    raw.parse().map_err(|e: credspec_core::error::FormatError| {
        let mut v = credspec_core::rules::Violation::query(
            credspec_core::rules::RuleId::TelnyxIdFormat,
            "id",
            e.to_string(),
        );
        v.location = credspec_core::rules::Location::Path;
        v
    })
}

/// Defines a request addressed by id: `new`, `path`, `from_path_param`.
macro_rules! by_id_request {
    ($(#[$doc:meta])* $name:ident, $suffix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct $name {
            /// The credential's id.
            pub id: credspec_core::id::TelnyxId,
        }

        impl $name {
            /// A request for `id` (client side).
            pub fn new(id: credspec_core::id::TelnyxId) -> Self {
                Self { id }
            }

            /// The request path (client side).
            pub fn path(&self) -> String {
                format!("{}{}", super::item_path(&self.id), $suffix)
            }

            /// Reads the (percent-decoded) path parameter (server side).
            pub fn from_path_param(raw: &str) -> Result<Self, credspec_core::rules::Violation> {
                super::parse_id(raw).map(Self::new)
            }
        }
    };
}

pub(crate) use by_id_request;
