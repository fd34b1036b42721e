//! GET /v1/PushNotifications/Credentials
//!
//! Source: decision D5 (the list is undocumented): `pageSize` 1..100 (default 50),
//! `pageToken` opaque, optional filter `appName`; the body is `{"credentials": [...],
//! "meta": {"pageSize", "nextToken", "nextPageUrl"}}`.

use credspec_core::rules::{Violation, check_comms_page_size};
use serde::{Deserialize, Serialize};

use super::{CommsApi, PushNotificationCredential};
use crate::error::{DecodeError, decode_json_object};
use crate::form;

/// The list query, each parameter as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListPushCredentialsQuery {
    /// `pageSize`.
    pub page_size: Option<String>,
    /// `pageToken`: opaque, issued by the server.
    pub page_token: Option<String>,
    /// `appName`: only this App's credentials.
    pub app_name: Option<String>,
}

impl ListPushCredentialsQuery {
    /// Every parameter the API reads, in the order of [`Self::encode`].
    pub const PARAMETERS: &'static [&'static str] = &["pageSize", "pageToken", "appName"];

    /// A query without parameters (the first 50).
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a raw query string (with or without the leading `?`; server side). Unknown
    /// parameters are ignored; a known one given twice is an error.
    pub fn decode(query: &str) -> Result<Self, DecodeError> {
        let mut found = form::parse(query, Self::PARAMETERS)?;
        Ok(Self {
            page_size: found.remove("pageSize"),
            page_token: found.remove("pageToken"),
            app_name: found.remove("appName"),
        })
    }

    /// The query string, without the leading `?` (client side).
    pub fn encode(&self) -> String {
        form::write([
            ("pageSize", self.page_size.as_deref()),
            ("pageToken", self.page_token.as_deref()),
            ("appName", self.app_name.as_deref()),
        ])
    }

    /// The validated page size (rule `twilio.comms.page-size`).
    pub fn to_page_size(&self) -> Result<u32, Violation> {
        check_comms_page_size(self.page_size.as_deref())
    }
}

/// `meta` of a list page; every member is sent (`null` when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CommsPageMeta {
    /// Items per page.
    #[serde(default)]
    pub page_size: Option<u64>,
    /// The token of the next page (`null` on the last page).
    #[serde(default)]
    pub next_token: Option<String>,
    /// The URL of the next page (`null` on the last page).
    #[serde(default)]
    pub next_page_url: Option<String>,
}

impl CommsPageMeta {
    /// The meta of a page of `size` answering `query` (server side); `next_token` is the
    /// next page's token, `None` on the last page. `nextPageUrl` keeps the query's
    /// `appName` filter.
    pub fn new(
        api: &CommsApi,
        size: u32,
        query: &ListPushCredentialsQuery,
        next_token: Option<&str>,
    ) -> Self {
        let next_page_url = next_token.map(|token| {
            let next = ListPushCredentialsQuery {
                page_size: Some(size.to_string()),
                page_token: Some(token.to_owned()),
                app_name: query.app_name.clone(),
            };
            api.list_url(&next)
        });
        Self {
            page_size: Some(u64::from(size)),
            next_token: next_token.map(str::to_owned),
            next_page_url,
        }
    }
}

/// The list response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListPushCredentialsResponse {
    /// The page of credentials.
    #[serde(default)]
    pub credentials: Vec<PushNotificationCredential>,
    /// Paging.
    #[serde(default)]
    pub meta: CommsPageMeta,
}

impl ListPushCredentialsResponse {
    /// A page of credentials with its meta.
    pub fn new(credentials: Vec<PushNotificationCredential>, meta: CommsPageMeta) -> Self {
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
    fn pages_link_to_the_next_one_and_core_checks_the_size() {
        let query =
            ListPushCredentialsQuery::decode("?pageSize=2&appName=credspec_paging&x=1").unwrap();
        let size = query.to_page_size().unwrap();
        let meta = CommsPageMeta::new(&CommsApi::twilio(), size, &query, Some("PT1"));
        assert_eq!(
            meta.next_page_url.as_deref(),
            Some(
                "https://comms.twilio.com/v1/PushNotifications/Credentials?pageSize=2&pageToken=PT1&appName=credspec_paging"
            )
        );
        let last = ListPushCredentialsResponse::new(
            Vec::new(),
            CommsPageMeta::new(
                &CommsApi::twilio(),
                50,
                &ListPushCredentialsQuery::new(),
                None,
            ),
        );
        assert_eq!(
            last.encode(),
            br#"{"credentials":[],"meta":{"pageSize":50,"nextToken":null,"nextPageUrl":null}}"#
        );
        assert_eq!(
            ListPushCredentialsResponse::decode(&last.encode()).unwrap(),
            last
        );
        let err = ListPushCredentialsQuery::decode("pageSize=101")
            .unwrap()
            .to_page_size()
            .unwrap_err();
        assert_eq!(err.path, "pageSize");
        assert_eq!(
            ListPushCredentialsQuery::decode("appName=a&appName=b")
                .unwrap_err()
                .field(),
            Some("appName")
        );
    }
}
