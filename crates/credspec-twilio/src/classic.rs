//! Twilio's classic push credentials: Notify v1 (`/v1/Credentials`), Chat v2
//! (`/v2/Credentials`, also served as IP-Messaging v2) and Conversations v1
//! (`/v1/Credentials`). They share the wire format and one `CR...` resource; a
//! [`ClassicApi`] (base URL + version) tells them apart, and core's table
//! ([`credspec_core::api::APIS`]) gives each its hosts, version and limits.
//!
//! Source: seeds `001` and `003`, `twilio/notify-v1` and `twilio/chat-v2`
//! (<https://www.twilio.com/docs/notify/api/credential-resource>,
//! <https://www.twilio.com/docs/conversations/api/credential-resource>). Requests are form
//! bodies; responses are JSON. Statuses (decision D3): create 201; fetch, list and update
//! 200; delete 204.

mod create;
mod delete;
mod fetch;
mod list;
mod resource;
mod update;

pub use create::{CreateCredentialRequest, CreateCredentialResponse};
pub use delete::DeleteCredentialRequest;
pub use fetch::{FetchCredentialRequest, FetchCredentialResponse};
pub use list::{LIST_KEY, ListCredentialQuery, ListCredentialResponse, PageMeta};
pub use resource::{CredentialResource, SANDBOX_FALSE, SANDBOX_TRUE};
pub use update::{UpdateCredentialRequest, UpdateCredentialResponse};

use credspec_core::api::ApiId;
use credspec_core::id::CredentialSid;
use credspec_core::rules::{Location, RuleId, Violation};

/// The CORS headers every 200/201 of the classic APIs declares (`twilio/notify-v1` and
/// `twilio/chat-v2`, `components/headers`), with the values Twilio sends.
pub const CORS_HEADERS: &[(&str, &str)] = &[
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"),
    (
        "Access-Control-Allow-Headers",
        "Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, \
         If-Unmodified-Since, Idempotency-Key",
    ),
    ("Access-Control-Allow-Credentials", "true"),
    ("Access-Control-Expose-Headers", "ETag"),
];

/// Where a classic API is served: a base URL (scheme + host, or an emulator prefix) and
/// the version segment (`v1`, `v2`). Builds the paths and the absolute URLs that responses
/// carry (decision D14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassicApi {
    base_url: String,
    version: String,
}

impl ClassicApi {
    /// An API at `base_url` (a trailing `/` is dropped) with the version segment `version`.
    pub fn new(base_url: impl Into<String>, version: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self {
            base_url,
            version: version.into(),
        }
    }

    /// `api` at the vendor: its first host of core's table, over HTTPS, and its version.
    pub fn at_vendor(api: ApiId) -> Self {
        let api = api.api();
        let host = api.sites.first().map_or("", |site| site.host);
        Self::new(format!("https://{host}"), api.version)
    }

    /// Notify v1 at Twilio.
    pub fn notify_v1() -> Self {
        Self::at_vendor(ApiId::TwilioNotifyV1)
    }

    /// Chat v2 at Twilio.
    pub fn chat_v2() -> Self {
        Self::at_vendor(ApiId::TwilioChatV2)
    }

    /// IP-Messaging v2 at Twilio (the documented examples' URLs use this host for Chat).
    pub fn ip_messaging_v2() -> Self {
        let api = ApiId::TwilioChatV2.api();
        let host = api
            .sites
            .iter()
            .find(|site| site.host.starts_with("ip-messaging."))
            .map_or("", |site| site.host);
        Self::new(format!("https://{host}"), api.version)
    }

    /// Conversations v1 at Twilio.
    pub fn conversations_v1() -> Self {
        Self::at_vendor(ApiId::TwilioConversationsV1)
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The version segment.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `/v1/Credentials`.
    pub fn collection_path(&self) -> String {
        format!("/{}/Credentials", self.version)
    }

    /// `/v1/Credentials/{sid}` (the sid as given: a 404 message repeats a malformed one).
    pub fn item_path(&self, sid: &str) -> String {
        format!("{}/{sid}", self.collection_path())
    }

    /// The absolute URL of the collection.
    pub fn collection_url(&self) -> String {
        format!("{}{}", self.base_url, self.collection_path())
    }

    /// The absolute URL of one credential.
    pub fn item_url(&self, sid: &str) -> String {
        format!("{}{}", self.base_url, self.item_path(sid))
    }

    /// The absolute URL of a list page with `query`.
    pub fn list_url(&self, query: &ListCredentialQuery) -> String {
        let query = query.encode();
        if query.is_empty() {
            self.collection_url()
        } else {
            format!("{}?{query}", self.collection_url())
        }
    }
}

/// Parses the `{Sid}` path parameter (already percent-decoded). A malformed sid breaks rule
/// `twilio.sid.format`; servers answer it with 404 like an unknown sid.
pub(crate) fn parse_sid(raw: &str) -> Result<CredentialSid, Violation> {
    raw.parse().map_err(|e: credspec_core::error::FormatError| {
        let mut v = Violation::query(RuleId::TwilioSidFormat, "Sid", e.to_string());
        v.location = Location::Path;
        v
    })
}

/// Defines a request addressed by sid: `new`, `path`, `from_path_param`.
macro_rules! by_sid_request {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct $name {
            /// The credential's sid.
            pub sid: credspec_core::id::CredentialSid,
        }

        impl $name {
            /// A request for `sid` (client side).
            pub fn new(sid: credspec_core::id::CredentialSid) -> Self {
                Self { sid }
            }

            /// The request path under `api` (client side).
            pub fn path(&self, api: &super::ClassicApi) -> String {
                api.item_path(self.sid.as_str())
            }

            /// Reads the (percent-decoded) path parameter (server side).
            pub fn from_path_param(raw: &str) -> Result<Self, credspec_core::rules::Violation> {
                super::parse_sid(raw).map(Self::new)
            }
        }
    };
}

pub(crate) use by_sid_request;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_built_from_base_and_version() {
        let api = ClassicApi::new("http://127.0.0.1:8080/twilio/notify/", "v1");
        assert_eq!(api.collection_path(), "/v1/Credentials");
        assert_eq!(
            api.item_url("CR123"),
            "http://127.0.0.1:8080/twilio/notify/v1/Credentials/CR123"
        );
        assert_eq!(
            ClassicApi::chat_v2().collection_url(),
            "https://chat.twilio.com/v2/Credentials"
        );
        assert_eq!(
            ClassicApi::notify_v1().list_url(&ListCredentialQuery::page(50, 0)),
            "https://notify.twilio.com/v1/Credentials?PageSize=50&Page=0"
        );
        let err = FetchCredentialRequest::from_path_param("CR123").unwrap_err();
        assert_eq!(
            (err.rule, err.location),
            (RuleId::TwilioSidFormat, Location::Path)
        );
        let ok =
            DeleteCredentialRequest::from_path_param("CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").unwrap();
        assert_eq!(
            ok.path(&ClassicApi::ip_messaging_v2()),
            "/v2/Credentials/CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        );
    }
}
