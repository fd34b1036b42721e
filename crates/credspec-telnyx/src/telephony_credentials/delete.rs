//! DELETE /v2/telephony_credentials/{id}
//!
//! Source: `telnyx.telephony_credentials#DeleteTelephonyCredential`
//! (<https://developers.telnyx.com/api/call-control/delete-telephony-credential>): 200 with
//! the deleted record (decision D3), not 204. Expired credentials can be deleted.

use super::{TelephonyCredential, by_id_request};
use crate::envelope::Data;

/// The response: the deleted record, `{"data": TelephonyCredential}`, status 200.
pub type DeleteTelephonyCredentialResponse = Data<TelephonyCredential>;

by_id_request!(
    /// Delete one credential by id; the response carries the deleted record.
    DeleteTelephonyCredentialRequest,
    ""
);
