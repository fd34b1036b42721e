//! GET /v2/mobile_push_credentials
//!
//! Source: `telnyx.mobile_push_credentials#ListPushCredentials`
//! (<https://developers.telnyx.com/api/webrtc/list-push-credentials>): query `page[number]`,
//! `page[size]` (default 20), `filter[type]`, `filter[alias]`; 200
//! `{"data": [PushCredential], "meta": PaginationMeta}`.

use super::PushCredential;
use crate::envelope::{ListData, ListPushCredentialsQuery};

/// The list request is its query string.
pub type ListPushCredentialsRequest = ListPushCredentialsQuery;

/// The response: a page of credentials with `meta`, status 200.
pub type ListPushCredentialsResponse = ListData<PushCredential>;
