//! Arbitrary bytes fed to every decoder never panic; malformed input is a typed error
//! naming the field.

use credspec_twilio::classic::{
    CreateCredentialRequest, CredentialResource, FetchCredentialRequest, ListCredentialQuery,
    ListCredentialResponse, UpdateCredentialRequest,
};
use credspec_twilio::comms::{
    AcceptedResponse, CreatePushCredentialRequest, FetchPushCredentialRequest,
    ListPushCredentialsQuery, ListPushCredentialsResponse, PushNotificationCredential,
    UpdatePushCredentialRequest,
};
use credspec_twilio::error::{
    CommsErrorBody, CommsErrorResponse, DecodeError, ErrorBody, MAX_BODY_BYTES,
};
use proptest::prelude::*;

fn every_decoder(bytes: &[u8]) {
    if let Ok(r) = CreateCredentialRequest::decode(bytes) {
        let _ = credspec_core::rules::check_classic_create_fields(&r.to_params());
        let _ = r.encode();
    }
    if let Ok(r) = UpdateCredentialRequest::decode(bytes) {
        let _ = r.to_params();
    }
    if let Ok(r) = CredentialResource::decode(bytes) {
        let _ = r.validate();
        let _ = r.sandbox_flag();
    }
    let _ = ListCredentialResponse::decode(bytes);
    if let Ok(r) = CreatePushCredentialRequest::decode(bytes) {
        let _ = r.to_params();
        let _ = r.credential_type();
    }
    if let Ok(r) = UpdatePushCredentialRequest::decode(bytes) {
        let _ = r.to_params();
    }
    let _ = PushNotificationCredential::decode(bytes);
    let _ = ListPushCredentialsResponse::decode(bytes);
    let _ = AcceptedResponse::decode(bytes);
    match CommsErrorBody::decode(bytes) {
        Ok(body) => {
            let _ = body.encode();
        }
        Err(e) => {
            let _ = CommsErrorResponse::from_decode_error(&e).body.encode();
        }
    }
    match ErrorBody::decode(bytes) {
        Ok(body) => {
            let _ = body.encode();
        }
        Err(e) => {
            let _ = ErrorBody::from_decode_error(&e).encode();
        }
    }
}

fn every_text_decoder(text: &str) {
    if let Ok(q) = ListCredentialQuery::decode(text) {
        let _ = q.to_page_request(1000);
    }
    let _ = FetchCredentialRequest::from_path_param(text);
    let _ = FetchPushCredentialRequest::from_path_param(text);
    if let Ok(q) = ListPushCredentialsQuery::decode(text) {
        let _ = q.to_page_size();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes(bytes in any::<Vec<u8>>()) {
        every_decoder(&bytes);
    }

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        every_decoder(text.as_bytes());
        every_text_decoder(&text);
    }

    #[test]
    fn form_like_text(text in "[A-Za-z%0-9=&+]{0,40}") {
        every_decoder(text.as_bytes());
        every_text_decoder(&text);
    }
}

#[test]
fn malformed_forms_and_json_name_the_field() {
    let cases: [(&[u8], &str); 5] = [
        (b"Type=apn&FriendlyName=%G1", "FriendlyName"),
        (b"Type=apn&Certificate=abc%", "Certificate"),
        (b"Secret=%c3%28&Type=fcm", "Secret"),
        (b"Sandbox=true&Type=apn&Sandbox=false", "Sandbox"),
        (b"Type=apn&Api%4", "Api%4"),
    ];
    for (body, field) in cases {
        let err = CreateCredentialRequest::decode(body).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert_eq!(ErrorBody::from_decode_error(&err).code, 21243);
    }
    let err = CreateCredentialRequest::decode(b"Type=apn&FriendlyName=\xc3").unwrap_err();
    assert!(
        matches!(err, DecodeError::InvalidUtf8 { offset: 22 }),
        "{err}"
    );
    let huge = vec![b'a'; MAX_BODY_BYTES + 1];
    let err = UpdateCredentialRequest::decode(&huge).unwrap_err();
    assert_eq!(ErrorBody::from_decode_error(&err).status, 413);
    for (body, pointer) in [
        (&br#"{"sid": 1}"#[..], "/sid"),
        (
            br#"{"credentials": [{"type": true}]}"#,
            "/credentials/0/type",
        ),
        (br#"{"meta": {"page": "0"}}"#, "/meta/page"),
    ] {
        let err = ListCredentialResponse::decode(body)
            .err()
            .or_else(|| CredentialResource::decode(body).err())
            .unwrap();
        assert_eq!(err.field(), Some(pointer), "{err}");
    }
    let err = CredentialResource::decode(br#"{"sid": "CR"#).unwrap_err();
    assert!(matches!(err, DecodeError::Json { .. }), "{err}");
}

#[test]
fn malformed_comms_bodies_map_to_20001_or_21243_naming_the_member() {
    for (body, code, context) in [
        (&b"{\"appName\": \"a\""[..], 20001, "null"),
        (b"credentialType=FCM&appName=credspec_neg", 20001, "null"),
        (b"[1, 2]", 20001, "null"),
        (b"\xff", 20001, "null"),
        (br#"{"isDefault": "true"}"#, 21243, "$.isDefault"),
        (
            br#"{"content": {"privateKey": 1}}"#,
            21243,
            "$.content.privateKey",
        ),
    ] {
        let err = CreatePushCredentialRequest::decode(body).unwrap_err();
        let response = CommsErrorResponse::from_decode_error(&err);
        assert_eq!(response.status, 400);
        assert_eq!(response.body.errors[0].code, code, "{err}");
        assert_eq!(
            response.body.errors[0].context.as_deref(),
            Some(context),
            "{err}"
        );
    }
    let err = UpdatePushCredentialRequest::decode(br#"{"tags": []}"#).unwrap_err();
    assert_eq!(err.field(), Some("/tags"));
}
