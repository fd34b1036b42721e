//! POST /v2/telephony_credentials
//!
//! Source: seed `004`, `telnyx.telephony_credentials#CreateTelephonyCredential`
//! (<https://developers.telnyx.com/api/call-control/create-telephony-credential>): body
//! `TelephonyCredentialCreateRequest` (`connection_id` required); 201
//! `{"data": TelephonyCredential}`.

use credspec_core::rules::{TelephonyValues, Violation, check_telephony_create};

use super::TelephonyCredential;
use super::body::telephony_body;
use crate::envelope::Data;

/// The response: `{"data": TelephonyCredential}`, status 201.
pub type CreateTelephonyCredentialResponse = Data<TelephonyCredential>;

telephony_body!(
    /// The create body. Every member is kept as received; core's
    /// [`check_telephony_create`] validates them.
    CreateTelephonyCredentialRequest
);

impl CreateTelephonyCredentialRequest {
    /// The status of a successful create.
    pub const STATUS: u16 = 201;

    /// A request on `connection_id` (client side).
    pub fn new(connection_id: impl Into<String>) -> Self {
        Self {
            connection_id: Some(connection_id.into()),
            ..Self::default()
        }
    }

    /// Core's create checks on this body.
    pub fn check(&self) -> Result<TelephonyValues, Vec<Violation>> {
        check_telephony_create(&self.to_params())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DecodeError;
    use credspec_core::rules::RuleId;

    #[test]
    fn documented_example_round_trips() {
        let body = br#"{"connection_id":"1234567890","name":"My-new-credential"}"#;
        let request = CreateTelephonyCredentialRequest::decode(body).unwrap();
        assert_eq!(
            request,
            CreateTelephonyCredentialRequest::new("1234567890").name("My-new-credential")
        );
        assert_eq!(request.encode(), body);
        assert_eq!(
            request.check().unwrap().connection_id.unwrap().as_str(),
            "1234567890"
        );
    }

    #[test]
    fn wrong_types_name_the_field_and_missing_fields_are_core_violations() {
        for (body, path) in [
            (&br#"{"connection_id": 1234567890}"#[..], "/connection_id"),
            (
                br#"{"connection_id": "1", "expires_at": true}"#,
                "/expires_at",
            ),
            (br#"{"tag": {}}"#, "/tag"),
        ] {
            let err = CreateTelephonyCredentialRequest::decode(body).unwrap_err();
            assert!(
                matches!(&err, DecodeError::Json { path: p, .. } if p == path),
                "{err}"
            );
        }
        let empty =
            CreateTelephonyCredentialRequest::decode(br#"{"name": null, "other": 1}"#).unwrap();
        assert_eq!(
            empty.check().unwrap_err()[0].rule,
            RuleId::TelephonyConnectionIdRequired
        );
    }
}
