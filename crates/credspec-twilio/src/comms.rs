//! Twilio Communications API push credentials (`/v1/PushNotifications/Credentials`): APNs
//! (production and sandbox) and FCM credentials grouped by App.
//!
//! Source: seed `002`, `twilio/comms-v1`
//! (<https://www.twilio.com/docs/comms/api/push-notification-credential-resource>) and
//! decisions D4 (`appName` required), D5 (list), D6 (`content`), D7 (defaults). Requests and
//! responses are JSON. Statuses (decision D3): create, update and delete 202 with the
//! [`AcceptedResponse`] and a `Location` header; fetch and list 200.

mod create;
mod delete;
mod fetch;
mod list;
mod resource;
mod update;

pub use create::{CreatePushCredentialRequest, PushContent};
pub use delete::DeletePushCredentialRequest;
pub use fetch::{FetchPushCredentialRequest, FetchPushCredentialResponse};
pub use list::{CommsPageMeta, ListPushCredentialsQuery, ListPushCredentialsResponse};
pub use resource::{AcceptedResponse, PushNotificationCredential};
pub use update::UpdatePushCredentialRequest;

use credspec_core::id::CommsCredentialId;
use credspec_core::rules::{Location, RuleId, Violation};

/// Comms' host.
pub const COMMS_BASE_URL: &str = "https://comms.twilio.com";

/// Path of the collection, relative to the base URL.
pub const PATH: &str = "/v1/PushNotifications/Credentials";

/// Where the Comms API is served: a base URL (scheme + host, or an emulator prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommsApi {
    base_url: String,
}

impl CommsApi {
    /// The API at `base_url` (a trailing `/` is dropped).
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self { base_url }
    }

    /// The API at Twilio.
    pub fn twilio() -> Self {
        Self::new(COMMS_BASE_URL)
    }

    /// The absolute URL of the collection.
    pub fn collection_url(&self) -> String {
        format!("{}{PATH}", self.base_url)
    }

    /// The absolute URL of one credential (the `resourceLocation` and `Location`).
    pub fn item_url(&self, id: &CommsCredentialId) -> String {
        format!("{}/{id}", self.collection_url())
    }

    /// The absolute URL of a list page with `query`.
    pub fn list_url(&self, query: &ListPushCredentialsQuery) -> String {
        let query = query.encode();
        if query.is_empty() {
            self.collection_url()
        } else {
            format!("{}?{query}", self.collection_url())
        }
    }
}

/// Path of one credential.
pub fn item_path(id: &CommsCredentialId) -> String {
    format!("{PATH}/{id}")
}

/// Parses the `{id}` path parameter (already percent-decoded). A malformed id breaks rule
/// `twilio.comms.credential-id`; servers answer it with 404 like an unknown id.
pub(crate) fn parse_id(raw: &str) -> Result<CommsCredentialId, Violation> {
    raw.parse().map_err(|e: credspec_core::error::FormatError| {
        let mut v = Violation::query(RuleId::CommsCredentialId, "id", e.to_string());
        v.location = Location::Path;
        v
    })
}

/// Defines a request addressed by id: `new`, `path`, `from_path_param`.
macro_rules! by_id_request {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct $name {
            /// The credential's id.
            pub id: credspec_core::id::CommsCredentialId,
        }

        impl $name {
            /// A request for `id` (client side).
            pub fn new(id: credspec_core::id::CommsCredentialId) -> Self {
                Self { id }
            }

            /// The request path (client side).
            pub fn path(&self) -> String {
                super::item_path(&self.id)
            }

            /// Reads the (percent-decoded) path parameter (server side).
            pub fn from_path_param(raw: &str) -> Result<Self, credspec_core::rules::Violation> {
                super::parse_id(raw).map(Self::new)
            }
        }
    };
}

pub(crate) use by_id_request;
