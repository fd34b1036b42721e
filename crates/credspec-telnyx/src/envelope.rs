//! The `{"data": ...}` envelope, the list envelope with `meta`, and the list query
//! parameters (`page[number]`, `page[size]`, `filter[...]`) of both APIs.
//!
//! Sources: `telnyx.mobile_push_credentials#ListPushCredentials` and
//! `telnyx.telephony_credentials#FindTelephonyCredentials` (`PaginationMeta`); decision D16
//! for the bounds and defaults, which core's [`check_telnyx_paging`] applies.

use std::collections::BTreeMap;

use credspec_core::rules::{
    PageRequest, TELNYX_PUSH_PAGE_SIZE_DEFAULT, TELNYX_TELEPHONY_PAGE_SIZE_DEFAULT, Violation,
    check_telnyx_paging,
};
use credspec_core::value::TelnyxPushType;
use credspec_core::wire::{self, PercentError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{DecodeError, MAX_BODY_BYTES, clip_name, decode_json};

/// `{"data": T}`: the body of every single-resource response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Data<T> {
    /// The resource.
    pub data: T,
}

impl<T> Data<T> {
    /// Wraps a resource.
    pub fn new(data: T) -> Self {
        Self { data }
    }
}

impl<T: Serialize + DeserializeOwned> Data<T> {
    /// Decodes a response body (client side); unknown members are ignored.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json(bytes)
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// `{"data": [T], "meta": {...}}`: the body of a list response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListData<T> {
    /// The page of resources.
    pub data: Vec<T>,
    /// Paging information (always sent by a server; optional when decoding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<PaginationMeta>,
}

impl<T> ListData<T> {
    /// A page of resources with its meta.
    pub fn new(data: Vec<T>, meta: PaginationMeta) -> Self {
        Self {
            data,
            meta: Some(meta),
        }
    }
}

impl<T: Serialize + DeserializeOwned> ListData<T> {
    /// Decodes a list body (client side).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_json(bytes)
    }

    /// Encodes the body (server side).
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// `PaginationMeta`: `{page_number, page_size, total_pages, total_results}`; no member is
/// required by the schema.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaginationMeta {
    /// The page returned, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_number: Option<u64>,
    /// Items per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
    /// Number of pages (at least 1, even when there are no results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<u64>,
    /// Number of matching resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_results: Option<u64>,
}

impl PaginationMeta {
    /// The meta of page `page` of `total_results` matching resources.
    pub fn new(page: PageRequest, total_results: u64) -> Self {
        let size = u64::from(page.size.max(1));
        let total_pages = total_results.div_ceil(size).max(1);
        Self {
            page_number: Some(u64::from(page.page)),
            page_size: Some(u64::from(page.size)),
            total_pages: Some(total_pages),
            total_results: Some(total_results),
        }
    }
}

/// Splits a raw query string into decoded pairs, keeping the parameters in `known` (each at
/// most once) and ignoring the rest, as Telnyx ignores unknown parameters.
fn parse_query(
    raw: &str,
    known: &[&'static str],
) -> Result<BTreeMap<&'static str, String>, DecodeError> {
    if raw.len() > MAX_BODY_BYTES {
        return Err(DecodeError::TooLarge {
            limit: MAX_BODY_BYTES,
            actual: raw.len(),
        });
    }
    let raw = raw.strip_prefix('?').unwrap_or(raw);
    let mut found = BTreeMap::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key, raw_key)?;
        let Some(name) = known.iter().copied().find(|k| *k == key) else {
            continue;
        };
        let value = percent_decode(raw_value, name)?;
        if found.insert(name, value).is_some() {
            return Err(DecodeError::RepeatedKey {
                field: name.to_owned(),
            });
        }
    }
    Ok(found)
}

/// Decodes `%XX` escapes and `+` (a space, as in HTML forms) with core's checks; `field`
/// names the parameter in errors.
fn percent_decode(raw: &str, field: &str) -> Result<String, DecodeError> {
    wire::percent_decode(raw)
        .map(std::borrow::Cow::into_owned)
        .map_err(|e| match e {
            PercentError::Escape { offset } => DecodeError::Percent {
                field: clip_name(field),
                offset,
            },
            PercentError::Utf8 => DecodeError::ParameterUtf8 {
                field: clip_name(field),
            },
        })
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Writes `pairs` (name, value) as a query string without the leading `?`. Names are
/// written as they are (`page[size]`, the form Telnyx documents and its SDKs send).
fn write_query<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        let Some(value) = value else { continue };
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        percent_encode(value, &mut out);
    }
    out
}

/// Defines a list query type over the paging parameters and the given filters.
macro_rules! list_query {
    (
        $(#[$doc:meta])*
        $name:ident, default_size = $default:expr,
        $( $(#[$fdoc:meta])* $field:ident => $wire:literal ),+ $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct $name {
            /// `page[number]`, as received (core's [`check_telnyx_paging`] checks it).
            pub page_number: Option<String>,
            /// `page[size]`, as received.
            pub page_size: Option<String>,
            $( $(#[$fdoc])* pub $field: Option<String>, )+
        }

        impl $name {
            /// Every parameter the API reads, in documentation order.
            pub const PARAMETERS: &'static [&'static str] =
                &["page[number]", "page[size]", $($wire),+];

            /// The default `page[size]`.
            pub const DEFAULT_PAGE_SIZE: u32 = $default;

            /// A query without parameters (the first page at the default size).
            pub fn new() -> Self {
                Self::default()
            }

            /// Asks for page `number` of `size` items.
            pub fn page(mut self, number: u32, size: u32) -> Self {
                self.page_number = Some(number.to_string());
                self.page_size = Some(size.to_string());
                self
            }

            /// Parses a raw query string (with or without the leading `?`; server side).
            /// Unknown parameters are ignored; a known one given twice is an error.
            pub fn decode(query: &str) -> Result<Self, DecodeError> {
                let mut found = parse_query(query, Self::PARAMETERS)?;
                Ok(Self {
                    page_number: found.remove("page[number]"),
                    page_size: found.remove("page[size]"),
                    $( $field: found.remove($wire), )+
                })
            }

            /// The query string, without the leading `?` (client side).
            pub fn encode(&self) -> String {
                write_query([
                    ("page[number]", self.page_number.as_deref()),
                    ("page[size]", self.page_size.as_deref()),
                    $( ($wire, self.$field.as_deref()), )+
                ])
            }

            /// The validated page (rule `telnyx.page`, decision D16).
            pub fn to_page_request(&self) -> Result<PageRequest, Violation> {
                check_telnyx_paging(
                    self.page_number.as_deref(),
                    self.page_size.as_deref(),
                    Self::DEFAULT_PAGE_SIZE,
                )
            }
        }
    };
}

list_query!(
    /// `GET /v2/mobile_push_credentials` query: paging and `filter[type]`, `filter[alias]`.
    /// Default page size 20.
    ListPushCredentialsQuery, default_size = TELNYX_PUSH_PAGE_SIZE_DEFAULT,
    /// `filter[type]`: `ios` or `android`.
    filter_type => "filter[type]",
    /// `filter[alias]`.
    filter_alias => "filter[alias]",
);

impl ListPushCredentialsQuery {
    /// `filter[type]` as the open enum (unknown values kept).
    pub fn push_type(&self) -> Option<TelnyxPushType> {
        self.filter_type.as_deref().map(TelnyxPushType::from_wire)
    }
}

list_query!(
    /// `GET /v2/telephony_credentials` query: paging and the five filters. Default page
    /// size 50.
    FindTelephonyCredentialsQuery, default_size = TELNYX_TELEPHONY_PAGE_SIZE_DEFAULT,
    /// `filter[tag]`.
    filter_tag => "filter[tag]",
    /// `filter[name]`.
    filter_name => "filter[name]",
    /// `filter[status]` (values undocumented).
    filter_status => "filter[status]",
    /// `filter[resource_id]` (`connection:<id>`).
    filter_resource_id => "filter[resource_id]",
    /// `filter[sip_username]`.
    filter_sip_username => "filter[sip_username]",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_percent_escapes_and_ignore_unknown_parameters() {
        let q = ListPushCredentialsQuery::decode(
            "?page%5Bnumber%5D=2&page[size]=25&filter[alias]=Lucy+Ios%2FCred&x=%zz&filter[type]=ios",
        )
        .unwrap();
        assert_eq!(q.page_number.as_deref(), Some("2"));
        assert_eq!(q.page_size.as_deref(), Some("25"));
        assert_eq!(q.filter_alias.as_deref(), Some("Lucy Ios/Cred"));
        assert_eq!(q.push_type(), Some(TelnyxPushType::Ios));
        assert_eq!(
            q.encode(),
            "page[number]=2&page[size]=25&filter[type]=ios&filter[alias]=Lucy%20Ios%2FCred"
        );
        assert_eq!(ListPushCredentialsQuery::decode(&q.encode()).unwrap(), q);
        assert_eq!(
            ListPushCredentialsQuery::decode("").unwrap(),
            ListPushCredentialsQuery::new()
        );
    }

    #[test]
    fn bad_queries_are_typed_errors() {
        assert_eq!(
            ListPushCredentialsQuery::decode("page[size]=1%2"),
            Err(DecodeError::Percent {
                field: String::from("page[size]"),
                offset: 1
            })
        );
        assert_eq!(
            FindTelephonyCredentialsQuery::decode("filter[tag]=%ff"),
            Err(DecodeError::ParameterUtf8 {
                field: String::from("filter[tag]")
            })
        );
        assert_eq!(
            FindTelephonyCredentialsQuery::decode("filter[tag]=a&filter%5Btag%5D=b"),
            Err(DecodeError::RepeatedKey {
                field: String::from("filter[tag]")
            })
        );
        assert!(matches!(
            FindTelephonyCredentialsQuery::decode("bad%4=1"),
            Err(DecodeError::Percent { offset: 3, .. })
        ));
    }

    #[test]
    fn page_requests_use_each_apis_default() {
        let push = ListPushCredentialsQuery::new().to_page_request().unwrap();
        assert_eq!((push.page, push.size), (1, 20));
        let tel = FindTelephonyCredentialsQuery::new()
            .to_page_request()
            .unwrap();
        assert_eq!((tel.page, tel.size), (1, 50));
        let err = FindTelephonyCredentialsQuery::decode("page[size]=251")
            .unwrap()
            .to_page_request()
            .unwrap_err();
        assert_eq!(err.path, "page[size]");
        let page = ListPushCredentialsQuery::new()
            .page(3, 250)
            .to_page_request()
            .unwrap();
        assert_eq!((page.page, page.size), (3, 250));
    }

    #[test]
    fn meta_counts_pages() {
        let page = ListPushCredentialsQuery::new()
            .page(2, 25)
            .to_page_request()
            .unwrap();
        let meta = PaginationMeta::new(page, 55);
        assert_eq!(
            serde_json::to_string(&meta).unwrap(),
            r#"{"page_number":2,"page_size":25,"total_pages":3,"total_results":55}"#
        );
        assert_eq!(PaginationMeta::new(page, 0).total_pages, Some(1));
    }
}
