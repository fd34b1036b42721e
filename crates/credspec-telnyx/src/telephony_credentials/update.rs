//! PATCH /v2/telephony_credentials/{id}
//!
//! Source: `telnyx.telephony_credentials#UpdateTelephonyCredential`
//! (<https://developers.telnyx.com/api/call-control/update-telephony-credential>): body
//! `TelephonyCredentialUpdateRequest` (no member required); 200
//! `{"data": TelephonyCredential}`. An expired credential answers 422 with the non-standard
//! body of [`ErrorResponse::expired_update`](crate::error::ErrorResponse::expired_update)
//! (decision D9).

use credspec_core::rules::{TelephonyValues, Violation, check_telephony_update};

use super::TelephonyCredential;
use super::body::telephony_body;
use crate::envelope::Data;

/// The response: `{"data": TelephonyCredential}`, status 200.
pub type UpdateTelephonyCredentialResponse = Data<TelephonyCredential>;

telephony_body!(
    /// The update body: every member optional. Core's [`check_telephony_update`] validates
    /// it.
    UpdateTelephonyCredentialRequest
);

impl UpdateTelephonyCredentialRequest {
    /// An empty update (client side); add members with the setters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `connection_id`.
    pub fn connection_id(mut self, connection_id: impl Into<String>) -> Self {
        self.connection_id = Some(connection_id.into());
        self
    }

    /// Core's update checks on this body.
    pub fn check(&self) -> Result<TelephonyValues, Vec<Violation>> {
        check_telephony_update(&self.to_params())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_example_round_trips() {
        let body = br#"{"connection_id":"987654321","name":"My-new-updated-credential"}"#;
        let request = UpdateTelephonyCredentialRequest::decode(body).unwrap();
        assert_eq!(
            request,
            UpdateTelephonyCredentialRequest::new()
                .connection_id("987654321")
                .name("My-new-updated-credential")
        );
        assert_eq!(request.encode(), body);
        assert!(request.check().is_ok());
        assert!(
            UpdateTelephonyCredentialRequest::decode(b"{}")
                .unwrap()
                .check()
                .is_ok()
        );
    }
}
