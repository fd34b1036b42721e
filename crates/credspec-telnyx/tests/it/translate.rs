//! Translation of vendor-neutral credentials into Telnyx create requests.

use credspec_core::material::{
    Certificate, FcmServerKey, GcmApiKey, MaterialPolicy, PrivateKey, ServiceAccount,
};
use credspec_core::model::{
    ApnsCredential, ApnsTarget, FcmMaterial, PushCredential, PushMaterial, SipCredential,
};
use credspec_telnyx::mobile_push_credentials::CreatePushCredentialRequest;
use credspec_telnyx::translate::{TranslateError, push_create_request, telephony_create_request};
use serde_json::{Value, json};

const CERTIFICATE: &str = "-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----";
const PRIVATE_KEY: &str = "-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----";
const PROJECT_ACCOUNT_JSON: &str = r#"{"client_email":"account@customer.org","private_key":"BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja..."}"#;
const ALLOW: MaterialPolicy = MaterialPolicy::AllowPlaceholders;

fn encoded(request: &CreatePushCredentialRequest) -> Value {
    serde_json::from_slice(&request.encode()).expect("encoders write JSON")
}

fn apns(certificate: &str, key: &str, label: Option<&str>) -> PushCredential {
    PushCredential::new(
        label.map(str::to_owned),
        PushMaterial::Apns(ApnsCredential::new(
            Certificate::parse(certificate, ALLOW).expect("a certificate or placeholder"),
            PrivateKey::parse(key, ALLOW).expect("a key or placeholder"),
            Some(ApnsTarget::Sandbox),
        )),
    )
}

#[test]
fn apns_placeholders_become_ios_with_their_text() {
    let request = push_create_request(&apns(CERTIFICATE, PRIVATE_KEY, Some("Lucy"))).unwrap();
    assert_eq!(
        encoded(&request),
        json!({"type": "ios", "certificate": CERTIFICATE, "private_key": PRIVATE_KEY, "alias": "Lucy"})
    );
}

#[test]
fn real_apns_material_is_re_encoded_as_pem() {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec![String::from("push.example")])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let credential = apns(&cert.pem(), &key.serialize_pem(), Some("Lucy"));
    let CreatePushCredentialRequest::Ios(ios) = push_create_request(&credential).unwrap() else {
        panic!("APNs translates to ios");
    };
    let certificate = ios.certificate.unwrap();
    assert!(certificate.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert_eq!(
        Certificate::from_pem(&certificate).unwrap().der(),
        Certificate::from_pem(&cert.pem()).unwrap().der()
    );
    let private_key = ios.private_key.unwrap();
    assert_eq!(
        PrivateKey::from_pem(private_key.expose()).unwrap().der(),
        PrivateKey::from_pem(&key.serialize_pem()).unwrap().der()
    );
}

#[test]
fn service_accounts_become_android_objects() {
    let placeholder = PushCredential::new(
        Some(String::from("LucyAndroidCredential")),
        PushMaterial::Fcm(FcmMaterial::ServiceAccount(
            ServiceAccount::parse_json(PROJECT_ACCOUNT_JSON, ALLOW).unwrap(),
        )),
    );
    let request = push_create_request(&placeholder).unwrap();
    assert_eq!(
        encoded(&request),
        json!({"type": "android", "alias": "LucyAndroidCredential",
            "project_account_json_file": serde_json::from_str::<Value>(PROJECT_ACCOUNT_JSON).unwrap()})
    );

    let key = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let account = json!({"type": "service_account", "project_id": "limonade",
        "private_key": key, "client_email": "push@limonade.iam.gserviceaccount.com",
        "client_id": "1234"});
    let real = PushCredential::new(
        Some(String::from("a")),
        PushMaterial::Fcm(FcmMaterial::ServiceAccount(
            ServiceAccount::parse_json(&account.to_string(), ALLOW).unwrap(),
        )),
    );
    let body = encoded(&push_create_request(&real).unwrap());
    let file = &body["project_account_json_file"];
    assert_eq!(file["project_id"], "limonade");
    assert_eq!(
        file["client_email"],
        "push@limonade.iam.gserviceaccount.com"
    );
    assert_eq!(file["type"], "service_account");
    assert_eq!(
        file.get("client_id"),
        None,
        "core keeps only the members FCM needs"
    );
    let round = ServiceAccount::parse_json(&file.to_string(), MaterialPolicy::RequireReal).unwrap();
    assert!(round.is_real());
}

#[test]
fn what_telnyx_cannot_hold_is_a_typed_error() {
    let gcm = PushCredential::new(
        Some(String::from("a")),
        PushMaterial::Gcm(GcmApiKey::parse("AIzaSyA-placeholder...", ALLOW).unwrap()),
    );
    let err = push_create_request(&gcm).unwrap_err();
    assert_eq!(err, TranslateError::Gcm);
    assert!(
        err.to_string()
            .contains("GCM API keys cannot be stored at Telnyx")
    );
    let server_key = PushCredential::new(
        Some(String::from("a")),
        PushMaterial::Fcm(FcmMaterial::ServerKey(
            FcmServerKey::parse("BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja...", ALLOW).unwrap(),
        )),
    );
    assert_eq!(
        push_create_request(&server_key).unwrap_err(),
        TranslateError::FcmServerKey
    );
    assert_eq!(
        push_create_request(&apns(CERTIFICATE, PRIVATE_KEY, None)).unwrap_err(),
        TranslateError::MissingAlias
    );
}

#[test]
fn sip_credentials_become_telephony_creates() {
    let mut sip = SipCredential::new("1234567890".parse().unwrap());
    sip.name = Some("My-new-credential".parse().unwrap());
    sip.tag = Some("some_tag".parse().unwrap());
    sip.expires_at = Some("2018-02-02T22:25:27.521Z".parse().unwrap());
    let request = telephony_create_request(&sip);
    assert_eq!(
        request.encode(),
        br#"{"connection_id":"1234567890","name":"My-new-credential","tag":"some_tag","expires_at":"2018-02-02T22:25:27.521Z"}"#
    );
    assert!(request.check().is_ok());
    let bare = telephony_create_request(&SipCredential::new("1".parse().unwrap()));
    assert_eq!(bare.encode(), br#"{"connection_id":"1"}"#);
}
