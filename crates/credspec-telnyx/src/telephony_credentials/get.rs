//! GET /v2/telephony_credentials/{id}
//!
//! Source: `telnyx.telephony_credentials#GetTelephonyCredential`
//! (<https://developers.telnyx.com/api/call-control/get-telephony-credential>): 200
//! `{"data": TelephonyCredential}`; 404 for an unknown or malformed id.

use super::{TelephonyCredential, by_id_request};
use crate::envelope::Data;

/// The response: `{"data": TelephonyCredential}`, status 200.
pub type GetTelephonyCredentialResponse = Data<TelephonyCredential>;

by_id_request!(
    /// Retrieve one credential by id.
    GetTelephonyCredentialRequest,
    ""
);
