//! GET /v2/telephony_credentials
//!
//! Source: `telnyx.telephony_credentials#FindTelephonyCredentials`
//! (<https://developers.telnyx.com/api/call-control/find-telephony-credentials>): query
//! `page[number]`, `page[size]` (default 50), `filter[tag]`, `filter[name]`,
//! `filter[status]`, `filter[resource_id]`, `filter[sip_username]`; 200
//! `{"data": [TelephonyCredential], "meta": PaginationMeta}`.

use super::TelephonyCredential;
use crate::envelope::{FindTelephonyCredentialsQuery, ListData};

/// The list request is its query string.
pub type FindTelephonyCredentialsRequest = FindTelephonyCredentialsQuery;

/// The response: a page of credentials with `meta`, status 200.
pub type FindTelephonyCredentialsResponse = ListData<TelephonyCredential>;
