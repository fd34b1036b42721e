//! Arbitrary bytes (and arbitrary JSON) fed to every decoder never panic.

use credspec_core::time::OffsetDateTime;
use credspec_telnyx::envelope::{
    Data, FindTelephonyCredentialsQuery, ListData, ListPushCredentialsQuery,
};
use credspec_telnyx::error::{ErrorBody, ErrorResponse};
use credspec_telnyx::mobile_push_credentials::{
    CreatePushCredentialRequest, GetPushCredentialRequest, PushCredential,
};
use credspec_telnyx::telephony_credentials::{
    AccessToken, CreateTelephonyCredentialRequest, GetTelephonyCredentialRequest,
    TelephonyCredential, UpdateTelephonyCredentialRequest,
};
use proptest::prelude::*;

use crate::strategies::json_value;

fn every_decoder(bytes: &[u8]) {
    if let Ok(r) = CreatePushCredentialRequest::decode(bytes) {
        let _ = r.to_params();
        let _ = r.encode();
    }
    if let Ok(d) = Data::<PushCredential>::decode(bytes) {
        let _ = d.data.validate();
    }
    let _ = ListData::<PushCredential>::decode(bytes);
    if let Ok(d) = Data::<TelephonyCredential>::decode(bytes) {
        let _ = d.data.validate();
        let _ = d.data.refresh_expired(OffsetDateTime::UNIX_EPOCH);
    }
    let _ = ListData::<TelephonyCredential>::decode(bytes);
    if let Ok(r) = CreateTelephonyCredentialRequest::decode(bytes) {
        let _ = r.check();
    }
    if let Ok(r) = UpdateTelephonyCredentialRequest::decode(bytes) {
        let _ = r.check();
    }
    match ErrorBody::decode(bytes) {
        Ok(body) => {
            let _ = body.encode();
        }
        Err(e) => {
            let _ = ErrorResponse::from_decode_error(&e).body.encode();
        }
    }
    if let Ok(token) = AccessToken::decode(bytes) {
        let _ = token.claims_unverified();
        let _ = token.verify(b"key", OffsetDateTime::UNIX_EPOCH);
    }
}

fn every_text_decoder(text: &str) {
    if let Ok(q) = ListPushCredentialsQuery::decode(text) {
        let _ = q.to_page_request();
        let _ = q.push_type();
    }
    if let Ok(q) = FindTelephonyCredentialsQuery::decode(text) {
        let _ = q.to_page_request();
    }
    let _ = GetPushCredentialRequest::from_path_param(text);
    let _ = GetTelephonyCredentialRequest::from_path_param(text);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        every_decoder(&bytes);
        every_text_decoder(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_json(value in json_value()) {
        every_decoder(value.to_string().as_bytes());
        every_decoder(serde_json::json!({"data": value, "errors": value, "type": "ios"}).to_string().as_bytes());
        every_decoder(serde_json::json!({"data": [value], "meta": value}).to_string().as_bytes());
    }

    #[test]
    fn arbitrary_queries(text in "[a-z\\[\\]%0-9a-fA-F&=+]{0,64}") {
        every_text_decoder(&text);
    }

    #[test]
    fn arbitrary_tokens(parts in proptest::collection::vec("[A-Za-z0-9_=-]{0,40}", 0..5)) {
        every_decoder(parts.join(".").as_bytes());
    }
}

#[test]
fn deep_and_huge_inputs_are_errors() {
    let deep = "[".repeat(100_000);
    every_decoder(deep.as_bytes());
    let huge = vec![b'a'; credspec_telnyx::error::MAX_BODY_BYTES + 1];
    assert!(CreatePushCredentialRequest::decode(&huge).is_err());
    assert!(AccessToken::decode(&huge).is_err());
    let huge = "a".repeat(credspec_telnyx::error::MAX_BODY_BYTES + 1);
    assert!(ListPushCredentialsQuery::decode(&huge).is_err());
}

#[test]
fn a_json_array_is_not_a_request() {
    use credspec_telnyx::telephony_credentials::CreateTelephonyCredentialRequest;
    // serde reads a struct from a sequence; Telnyx bodies are objects only.
    let err = CreateTelephonyCredentialRequest::decode(br#"["1234567890"]"#).unwrap_err();
    assert_eq!(err.to_string(), "(body): expected a JSON object");
    assert!(CreatePushCredentialRequest::decode(br#"["ios", "alias"]"#).is_err());
    assert!(CreateTelephonyCredentialRequest::decode(br#" {"connection_id":"1"}"#).is_ok());
}
