//! GET /{version}/Credentials
//!
//! Source: `twilio/notify-v1#ListCredential`, `twilio/chat-v2#ListCredential`
//! (<https://www.twilio.com/docs/notify/api/credential-resource#read-multiple-credential-resources>)
//! and decision D14: `PageSize` 1..1000 (default 50), `Page` ≥ 0, `PageToken` opaque; the
//! `meta` URLs are absolute, `next_page_url` is `null` on the last page.

use credspec_core::rules::{PageRequest, Violation, check_classic_paging};
use serde::{Deserialize, Serialize};

use super::{ClassicApi, CredentialResource};
use crate::error::{DecodeError, decode_json_object};
use crate::form;

/// The list query: paging only, each parameter as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListCredentialQuery {
    /// `PageSize`.
    pub page_size: Option<String>,
    /// `Page`.
    pub page: Option<String>,
    /// `PageToken`: opaque, issued by the server.
    pub page_token: Option<String>,
}

impl ListCredentialQuery {
    /// Every parameter the API reads, in the order Twilio writes them.
    pub const PARAMETERS: &'static [&'static str] = &["PageSize", "Page", "PageToken"];

    /// A query without parameters (page 0 of 50).
    pub fn new() -> Self {
        Self::default()
    }

    /// Page `page` of `size` items.
    pub fn page(size: u32, page: u32) -> Self {
        Self {
            page_size: Some(size.to_string()),
            page: Some(page.to_string()),
            page_token: None,
        }
    }

    /// The same query with a `PageToken`.
    pub fn with_page_token(mut self, token: impl Into<String>) -> Self {
        self.page_token = Some(token.into());
        self
    }

    /// Parses a raw query string (with or without the leading `?`; server side). Unknown
    /// parameters are ignored; a known one given twice is an error.
    pub fn decode(query: &str) -> Result<Self, DecodeError> {
        let mut found = form::parse(query, Self::PARAMETERS)?;
        Ok(Self {
            page_size: found.remove("PageSize"),
            page: found.remove("Page"),
            page_token: found.remove("PageToken"),
        })
    }

    /// The query string, without the leading `?` (client side).
    pub fn encode(&self) -> String {
        form::write([
            ("PageSize", self.page_size.as_deref()),
            ("Page", self.page.as_deref()),
            ("PageToken", self.page_token.as_deref()),
        ])
    }

    /// The validated page (rules `twilio.classic.page-size` and `twilio.classic.page`) for
    /// an API whose largest `PageSize` is `page_size_max` (core's table).
    pub fn to_page_request(&self, page_size_max: u32) -> Result<PageRequest, Violation> {
        check_classic_paging(
            self.page_size.as_deref(),
            self.page.as_deref(),
            page_size_max,
        )
    }
}

/// `meta` of a list page, in the documented member order; members `null` when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PageMeta {
    /// The page number, from 0.
    #[serde(default)]
    pub page: Option<u64>,
    /// Items per page.
    #[serde(default)]
    pub page_size: Option<u64>,
    /// URL of page 0.
    #[serde(default)]
    pub first_page_url: Option<String>,
    /// URL of the previous page (`null` on page 0).
    #[serde(default)]
    pub previous_page_url: Option<String>,
    /// URL of this page.
    #[serde(default)]
    pub url: Option<String>,
    /// URL of the next page (`null` on the last page).
    #[serde(default)]
    pub next_page_url: Option<String>,
    /// The member holding the items: `credentials`.
    #[serde(default)]
    pub key: Option<String>,
}

/// The list's `key`.
pub const LIST_KEY: &str = "credentials";

impl PageMeta {
    /// The meta of `page` (server side). `current` is the query of this page as the server
    /// normalised it (for `url`); `previous` and `next` are the queries of the neighbouring
    /// pages, `None` where there is none. `first_page_url` is page 0 at the same size.
    pub fn new(
        api: &ClassicApi,
        page: PageRequest,
        current: &ListCredentialQuery,
        previous: Option<&ListCredentialQuery>,
        next: Option<&ListCredentialQuery>,
    ) -> Self {
        Self {
            page: Some(u64::from(page.page)),
            page_size: Some(u64::from(page.size)),
            first_page_url: Some(api.list_url(&ListCredentialQuery::page(page.size, 0))),
            previous_page_url: previous.map(|q| api.list_url(q)),
            url: Some(api.list_url(current)),
            next_page_url: next.map(|q| api.list_url(q)),
            key: Some(LIST_KEY.to_owned()),
        }
    }
}

/// The list response: `{"credentials": [...], "meta": {...}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListCredentialResponse {
    /// The page of credentials.
    #[serde(default)]
    pub credentials: Vec<CredentialResource>,
    /// Paging.
    #[serde(default)]
    pub meta: PageMeta,
}

impl ListCredentialResponse {
    /// A page of credentials with its meta.
    pub fn new(credentials: Vec<CredentialResource>, meta: PageMeta) -> Self {
        Self { credentials, meta }
    }

    /// Decodes a response body (client side).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json_object(bytes)
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_empty_page_is_rebuilt_exactly() {
        let query = ListCredentialQuery::decode("").unwrap();
        let page = query.to_page_request(1000).unwrap();
        let current = ListCredentialQuery::page(page.size, page.page);
        let meta = PageMeta::new(&ClassicApi::notify_v1(), page, &current, None, None);
        let body = ListCredentialResponse::new(Vec::new(), meta);
        assert_eq!(
            String::from_utf8(body.encode()).unwrap(),
            r#"{"credentials":[],"meta":{"page":0,"page_size":50,"first_page_url":"https://notify.twilio.com/v1/Credentials?PageSize=50&Page=0","previous_page_url":null,"url":"https://notify.twilio.com/v1/Credentials?PageSize=50&Page=0","next_page_url":null,"key":"credentials"}}"#
        );
        assert_eq!(
            ListCredentialResponse::decode(&body.encode()).unwrap(),
            body
        );
    }

    #[test]
    fn queries_round_trip_and_core_checks_the_bounds() {
        let q = ListCredentialQuery::decode("?PageSize=2&Page=1&PageToken=PT%2Bx&Other=1").unwrap();
        assert_eq!(q.page_token.as_deref(), Some("PT+x"));
        assert_eq!(q.encode(), "PageSize=2&Page=1&PageToken=PT%2Bx");
        assert_eq!(ListCredentialQuery::decode(&q.encode()).unwrap(), q);
        let err = ListCredentialQuery::decode("PageSize=1001")
            .unwrap()
            .to_page_request(1000)
            .unwrap_err();
        assert_eq!(err.path, "PageSize");
        // Conversations' maximum is 100.
        let hundred_one = ListCredentialQuery::decode("PageSize=101").unwrap();
        assert_eq!(hundred_one.to_page_request(1000).map(|p| p.size), Ok(101));
        assert_eq!(
            hundred_one.to_page_request(100).map_err(|v| v.path),
            Err(String::from("PageSize"))
        );
        assert_eq!(
            ListCredentialQuery::decode("Page=1&Page=2")
                .unwrap_err()
                .field(),
            Some("Page")
        );
        let err = ListCredentialResponse::decode(br#"{"credentials": {}}"#).unwrap_err();
        assert_eq!(err.field(), Some("/credentials"));
    }
}
