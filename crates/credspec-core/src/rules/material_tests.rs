//! The composite checks of every API against real material generated here (rcgen), the
//! documented placeholders, and broken material.

use std::fmt::Debug;

use base64::Engine as _;
use rcgen::{CertificateParams, CustomExtension, KeyPair};
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::material::MaterialPolicy;
use crate::model::{ApnsTarget, FcmMaterial, PushMaterial};
use crate::secret::Secret;
use crate::value::{ClassicCredentialType, CommsCredentialType};

const NOW: OffsetDateTime = datetime!(2026-11-23 12:00 UTC);
const DEVELOPMENT: &[u64] = &[1, 2, 840, 113_635, 100, 6, 3, 1];
const PRODUCTION: &[u64] = &[1, 2, 840, 113_635, 100, 6, 3, 2];

/// The documented Telnyx placeholders (seed 000).
const DOC_CERTIFICATE: &str = "-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----";
const DOC_PRIVATE_KEY: &str = "-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----";

struct Pair {
    certificate: String,
    key: String,
}

/// A self-signed P-256 certificate with the given Apple push extensions, valid for `days`
/// around `NOW` (negative: expired).
fn apns(extensions: &[&[u64]], valid_until: OffsetDateTime) -> Pair {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![String::from("com.example.app")]).unwrap();
    params.not_before = valid_until - Duration::days(365);
    params.not_after = valid_until;
    for oid in extensions {
        params
            .custom_extensions
            .push(CustomExtension::from_oid_content(oid, vec![0x05, 0x00]));
    }
    let certificate = params.self_signed(&key).unwrap();
    Pair {
        certificate: certificate.pem(),
        key: key.serialize_pem(),
    }
}

fn ctx(policy: MaterialPolicy) -> MaterialContext {
    MaterialContext::new(policy, NOW)
}

fn strict() -> MaterialContext {
    ctx(MaterialPolicy::RequireReal)
}

// The checks under the strict profile, where every rule refuses: what these tests assert is
// every violation a check finds, whatever its class.
fn check_classic_create(
    p: &ClassicParams,
    c: &MaterialContext,
) -> Result<ClassicCreate, Vec<Violation>> {
    Profile::Strict
        .judge(super::check_classic_create(p, c))
        .map(|c| c.value)
}

fn check_classic_update(
    t: &ClassicCredentialType,
    p: &ClassicParams,
    c: &MaterialContext,
) -> Result<ClassicFields, Vec<Violation>> {
    Profile::Strict
        .judge(super::check_classic_update(t, p, c))
        .map(|c| c.value)
}

fn check_comms_create(
    p: &CommsCreateParams,
    c: &MaterialContext,
) -> Result<CommsCreate, Vec<Violation>> {
    Profile::Strict
        .judge(super::check_comms_create(p, c))
        .map(|c| c.value)
}

fn check_comms_update(
    t: &CommsCredentialType,
    p: &CommsUpdateParams,
    c: &MaterialContext,
) -> Result<CommsUpdate, Vec<Violation>> {
    Profile::Strict
        .judge(super::check_comms_update(t, p, c))
        .map(|c| c.value)
}

fn check_push_create(
    p: &PushCreateParams,
    c: &MaterialContext,
) -> Result<PushCreate, Vec<Violation>> {
    Profile::Strict
        .judge(super::check_push_create(p, c))
        .map(|c| c.value)
}

fn rules_of<T: Debug>(result: Result<T, Vec<Violation>>) -> Vec<(RuleId, String)> {
    result
        .expect_err("refused")
        .into_iter()
        .map(|v| (v.rule, v.path))
        .collect()
}

fn classic_apn(pair: &Pair, sandbox: &str) -> ClassicParams {
    ClassicParams {
        credential_type: Some("apn".into()),
        certificate: Some(Secret::new(pair.certificate.clone())),
        private_key: Some(Secret::new(pair.key.clone())),
        sandbox: Some(sandbox.into()),
        ..Default::default()
    }
}

fn service_account_json() -> String {
    let key = KeyPair::generate().unwrap();
    json!({
        "type": "service_account",
        "project_id": "credspec-test",
        "private_key": key.serialize_pem(),
        "client_email": "push@credspec-test.iam.gserviceaccount.com"
    })
    .to_string()
}

#[test]
fn classic_apn_checks_environment_key_and_validity() {
    let later = NOW + Duration::days(30);
    let dev = apns(&[DEVELOPMENT], later);
    let created = check_classic_create(&classic_apn(&dev, "true"), &strict()).unwrap();
    let PushMaterial::Apns(apns_credential) = &created.credential.as_ref().unwrap().material else {
        panic!("not APNs")
    };
    assert_eq!(apns_credential.target, Some(ApnsTarget::Sandbox));
    assert!(apns_credential.certificate.is_real() && apns_credential.private_key.is_real());

    assert_eq!(
        rules_of(check_classic_create(&classic_apn(&dev, "false"), &strict())),
        [(RuleId::MaterialApnsEnvironment, "/Certificate".into())]
    );
    let universal = apns(&[DEVELOPMENT, PRODUCTION], later);
    assert!(check_classic_create(&classic_apn(&universal, "false"), &strict()).is_ok());
    assert!(check_classic_create(&classic_apn(&universal, "true"), &strict()).is_ok());
    let not_apple = apns(&[], later);
    assert_eq!(
        rules_of(check_classic_create(
            &classic_apn(&not_apple, "true"),
            &strict()
        )),
        [(RuleId::MaterialApnsEnvironment, "/Certificate".into())]
    );

    let other = apns(&[DEVELOPMENT], later);
    let mismatched = Pair {
        certificate: dev.certificate.clone(),
        key: other.key,
    };
    assert_eq!(
        rules_of(check_classic_create(
            &classic_apn(&mismatched, "true"),
            &strict()
        )),
        [(RuleId::MaterialKeyMatchesCertificate, "/PrivateKey".into())]
    );

    let expired = apns(&[DEVELOPMENT], NOW - Duration::seconds(1));
    assert_eq!(
        rules_of(check_classic_create(
            &classic_apn(&expired, "true"),
            &strict()
        )),
        [(RuleId::MaterialCertificateValidity, "/Certificate".into())]
    );
    // At the last instant of validity it is still valid.
    let last_second = apns(&[DEVELOPMENT], NOW);
    assert!(check_classic_create(&classic_apn(&last_second, "true"), &strict()).is_ok());
}

#[test]
fn classic_broken_and_placeholder_material() {
    let garbage = Pair {
        certificate: String::from("not a certificate"),
        key: String::from("-----BEGIN PRIVATE KEY-----"),
    };
    assert_eq!(
        rules_of(check_classic_create(
            &classic_apn(&garbage, "false"),
            &strict()
        )),
        [
            (RuleId::MaterialPem, "/Certificate".into()),
            (RuleId::MaterialPem, "/PrivateKey".into())
        ]
    );
    let documented = Pair {
        certificate: DOC_CERTIFICATE.into(),
        key: DOC_PRIVATE_KEY.into(),
    };
    assert_eq!(
        rules_of(check_classic_create(
            &classic_apn(&documented, "false"),
            &strict()
        )),
        [
            (RuleId::MaterialPlaceholder, "/Certificate".into()),
            (RuleId::MaterialPlaceholder, "/PrivateKey".into())
        ]
    );
    let accepted = check_classic_create(
        &classic_apn(&documented, "false"),
        &ctx(MaterialPolicy::AllowPlaceholders),
    )
    .unwrap();
    let PushMaterial::Apns(apns_credential) = accepted.credential.unwrap().material else {
        panic!("not APNs")
    };
    assert!(apns_credential.certificate.is_placeholder());
}

#[test]
fn classic_fcm_and_gcm_material() {
    let fcm = |secret: &str| ClassicParams {
        credential_type: Some("fcm".into()),
        secret: Some(Secret::new(secret.to_owned())),
        ..Default::default()
    };
    let created = check_classic_create(&fcm(&service_account_json()), &strict()).unwrap();
    assert!(matches!(
        created.credential.unwrap().material,
        PushMaterial::Fcm(FcmMaterial::ServiceAccount(_))
    ));
    let legacy = format!("AAAAbcd1234:APA91b{}", "x".repeat(140));
    assert!(matches!(
        check_classic_create(&fcm(&legacy), &strict())
            .unwrap()
            .credential
            .unwrap()
            .material,
        PushMaterial::Fcm(FcmMaterial::ServerKey(_))
    ));
    assert_eq!(
        rules_of(check_classic_create(&fcm("server-key"), &strict())),
        [(RuleId::MaterialFcmServerKey, "/Secret".into())]
    );
    assert_eq!(
        rules_of(check_classic_create(&fcm("{\"type\":\"user\"}"), &strict())),
        [(RuleId::MaterialServiceAccount, "/Secret".into())]
    );

    let gcm = |key: &str| ClassicParams {
        credential_type: Some("gcm".into()),
        api_key: Some(Secret::new(key.to_owned())),
        ..Default::default()
    };
    assert!(check_classic_create(&gcm(&format!("AIza{}", "A".repeat(35))), &strict()).is_ok());
    assert_eq!(
        rules_of(check_classic_create(&gcm("AIza-too-short"), &strict())),
        [(RuleId::MaterialGcmApiKey, "/ApiKey".into())]
    );
}

#[test]
fn classic_update_checks_only_what_is_given() {
    let stored = ClassicCredentialType::Apn;
    let rename = ClassicParams {
        friendly_name: Some("renamed".into()),
        ..Default::default()
    };
    assert!(check_classic_update(&stored, &rename, &strict()).is_ok());
    let bad_cert = ClassicParams {
        certificate: Some(Secret::new("nope".into())),
        ..Default::default()
    };
    assert_eq!(
        rules_of(check_classic_update(&stored, &bad_cert, &strict())),
        [(RuleId::MaterialPem, "/Certificate".into())]
    );
    let dev = apns(&[DEVELOPMENT], NOW + Duration::days(1));
    let other = apns(&[DEVELOPMENT], NOW + Duration::days(1));
    let pair = ClassicParams {
        certificate: Some(Secret::new(dev.certificate)),
        private_key: Some(Secret::new(other.key)),
        ..Default::default()
    };
    assert_eq!(
        rules_of(check_classic_update(&stored, &pair, &strict())),
        [(RuleId::MaterialKeyMatchesCertificate, "/PrivateKey".into())]
    );
}

fn comms(t: &str, content: Value) -> CommsCreateParams {
    CommsCreateParams {
        credential_type: Some(t.into()),
        app_name: Some("limonade_app".into()),
        content: Some(content),
        is_default: None,
    }
}

#[test]
fn comms_create_content_per_type() {
    let dev = apns(&[DEVELOPMENT], NOW + Duration::days(10));
    let content = json!({"certificate": dev.certificate, "privateKey": dev.key});
    let created = check_comms_create(&comms("APN_SANDBOX", content.clone()), &strict()).unwrap();
    assert_eq!(
        (
            created.credential_type,
            created.app_name.as_str(),
            created.is_default
        ),
        (CommsCredentialType::ApnSandbox, "limonade_app", false)
    );
    assert_eq!(
        rules_of(check_comms_create(&comms("APN", content), &strict())),
        [(
            RuleId::MaterialApnsEnvironment,
            "/content/certificate".into()
        )]
    );

    let b64 = base64::engine::general_purpose::STANDARD.encode(service_account_json());
    assert!(check_comms_create(&comms("FCM", json!({"privateKey": b64})), &strict()).is_ok());
    assert_eq!(
        rules_of(check_comms_create(
            &comms("FCM", json!({"privateKey": "%%%"})),
            &strict()
        )),
        [(RuleId::MaterialServiceAccount, "/content/privateKey".into())]
    );
    assert_eq!(
        rules_of(check_comms_create(&comms("FCM", json!({})), &strict())),
        [(RuleId::CommsContentFields, "/content/privateKey".into())]
    );
    assert_eq!(
        rules_of(check_comms_create(
            &comms("APN", json!({"certificate": 1})),
            &strict()
        )),
        [
            (RuleId::CommsContentFields, "/content/certificate".into()),
            (RuleId::CommsContentFields, "/content/privateKey".into())
        ]
    );
    assert_eq!(
        rules_of(check_comms_create(&comms("FCM", json!("text")), &strict())),
        [(RuleId::CommsContentRequired, "/content".into())]
    );
}

#[test]
fn comms_create_reports_every_field() {
    let got = rules_of(check_comms_create(&CommsCreateParams::default(), &strict()));
    assert_eq!(
        got,
        [
            (RuleId::CommsCredentialTypeEnum, "/credentialType".into()),
            (RuleId::CommsAppNameRequired, "/appName".into())
        ]
    );
    let bad = CommsCreateParams {
        credential_type: Some("VOIP".into()),
        app_name: Some("Bad-Name".into()),
        ..Default::default()
    };
    assert_eq!(
        rules_of(check_comms_create(&bad, &strict())),
        [
            (RuleId::CommsCredentialTypeEnum, "/credentialType".into()),
            (RuleId::CommsAppName, "/appName".into())
        ]
    );
}

#[test]
fn comms_update_tags_and_content() {
    let tags = [("environment", "production")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let update = CommsUpdateParams {
        is_default: Some(true),
        tags: Some(tags),
        content: None,
    };
    let checked = check_comms_update(&CommsCredentialType::Fcm, &update, &strict()).unwrap();
    assert_eq!(
        (checked.is_default, checked.tags.map(|t| t.len())),
        (Some(true), Some(1))
    );
    let wrong_content = CommsUpdateParams {
        content: Some(json!({"certificate": "x"})),
        ..Default::default()
    };
    assert_eq!(
        rules_of(check_comms_update(
            &CommsCredentialType::Fcm,
            &wrong_content,
            &strict()
        )),
        [(RuleId::CommsContentFields, "/content/privateKey".into())]
    );
}

#[test]
fn telnyx_documented_example_is_placeholder_material() {
    let documented = PushCreateParams {
        push_type: Some("ios".into()),
        certificate: Some(DOC_CERTIFICATE.into()),
        private_key: Some(DOC_PRIVATE_KEY.into()),
        alias: Some("LucyIosCredential".into()),
        project_account_json_file: None,
    };
    let created = check_push_create(&documented, &ctx(MaterialPolicy::AllowPlaceholders)).unwrap();
    assert_eq!(created.alias.as_str(), "LucyIosCredential");
    assert_eq!(
        rules_of(check_push_create(&documented, &strict())),
        [
            (RuleId::MaterialPlaceholder, "/certificate".into()),
            (RuleId::MaterialPlaceholder, "/private_key".into())
        ]
    );
    let android = PushCreateParams {
        push_type: Some("android".into()),
        alias: Some("LucyAndroidCredential".into()),
        project_account_json_file: Some(
            json!({"client_email": "account@customer.org", "private_key": "BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja..."}),
        ),
        ..Default::default()
    };
    assert!(check_push_create(&android, &ctx(MaterialPolicy::AllowPlaceholders)).is_ok());
    assert_eq!(
        rules_of(check_push_create(&android, &strict())),
        [(
            RuleId::MaterialPlaceholder,
            "/project_account_json_file".into()
        )]
    );
}

#[test]
fn telnyx_push_required_fields_and_type() {
    let ios = PushCreateParams {
        push_type: Some("ios".into()),
        ..Default::default()
    };
    assert_eq!(
        rules_of(check_push_create(&ios, &strict())),
        [
            (RuleId::PushIosRequiredFields, "/alias".into()),
            (RuleId::PushIosRequiredFields, "/certificate".into()),
            (RuleId::PushIosRequiredFields, "/private_key".into())
        ]
    );
    let android = PushCreateParams {
        push_type: Some("android".into()),
        alias: Some(String::new()),
        project_account_json_file: Some(json!("file")),
        ..Default::default()
    };
    assert_eq!(
        rules_of(check_push_create(&android, &strict())),
        [
            (
                RuleId::PushAndroidRequiredFields,
                "/project_account_json_file".into()
            ),
            (RuleId::PushAlias, "/alias".into())
        ]
    );
    for t in [None, Some("IOS"), Some("web")] {
        let p = PushCreateParams {
            push_type: t.map(str::to_owned),
            ..Default::default()
        };
        assert_eq!(
            rules_of(check_push_create(&p, &strict())),
            [(RuleId::PushTypeEnum, "/type".into())]
        );
    }
    let dev = apns(&[DEVELOPMENT, PRODUCTION], NOW + Duration::days(1));
    let real = PushCreateParams {
        push_type: Some("ios".into()),
        certificate: Some(dev.certificate),
        private_key: Some(dev.key),
        alias: Some("real".into()),
        project_account_json_file: None,
    };
    assert!(check_push_create(&real, &strict()).is_ok());
}

#[test]
fn no_violation_message_repeats_a_secret() {
    let dev = apns(&[DEVELOPMENT], NOW - Duration::days(1));
    let other = apns(&[PRODUCTION], NOW + Duration::days(1));
    let params = ClassicParams {
        credential_type: Some("apn".into()),
        certificate: Some(Secret::new(dev.certificate)),
        private_key: Some(Secret::new(other.key.clone())),
        ..Default::default()
    };
    let body: String = other
        .key
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    for v in check_classic_create(&params, &strict()).unwrap_err() {
        assert!(!v.message.contains(&body[..20]), "{v}");
        assert!(!format!("{v:?}").contains(&body[..20]), "{v:?}");
    }
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            any::<String>(),
            "-----BEGIN [A-Z ]{0,20}-----[A-Za-z0-9+/= .]{0,80}(-----END [A-Z ]{0,20}-----)?",
        ])
    }

    fn json_value() -> impl Strategy<Value = Option<Value>> {
        prop::option::of(prop_oneof![
            any::<String>().prop_map(Value::from),
            (any::<String>(), any::<String>()).prop_map(|(k, v)| json!({ "privateKey": k, "certificate": v, "private_key": k, "client_email": v })),
            Just(json!({"type": "service_account", "project_id": "p", "private_key": "-----BEGIN PRIVATE KEY-----", "client_email": "a@b"})),
        ])
    }

    proptest! {
        #[test]
        fn no_create_or_update_check_panics(
            a in text(), b in text(), c in text(), d in text(), e in text(), content in json_value(), flag in any::<Option<bool>>()
        ) {
            for policy in [MaterialPolicy::RequireReal, MaterialPolicy::AllowPlaceholders] {
                let ctx = ctx(policy);
                let classic = ClassicParams {
                    credential_type: a.clone(),
                    friendly_name: b.clone(),
                    certificate: c.clone().map(Secret::new),
                    private_key: d.clone().map(Secret::new),
                    sandbox: e.clone(),
                    api_key: b.clone().map(Secret::new),
                    secret: c.clone().map(Secret::new),
                };
                let _ = check_classic_create(&classic, &ctx);
                let _ = check_classic_update(&ClassicCredentialType::Apn, &classic, &ctx);
                let comms = CommsCreateParams { credential_type: a.clone(), app_name: b.clone(), content: content.clone(), is_default: flag };
                let _ = check_comms_create(&comms, &ctx);
                let update = CommsUpdateParams { is_default: flag, tags: None, content: content.clone() };
                let _ = check_comms_update(&CommsCredentialType::Fcm, &update, &ctx);
                let push = PushCreateParams { push_type: a.clone(), certificate: c.clone(), private_key: d.clone(), alias: b.clone(), project_account_json_file: content.clone() };
                let _ = check_push_create(&push, &ctx);
                let telephony = TelephonyParams { connection_id: a.clone(), name: b.clone(), tag: c.clone(), expires_at: d.clone() };
                let _ = check_telephony_create(&telephony);
                let _ = check_telephony_update(&telephony);
                let _ = check_classic_paging(a.as_deref(), b.as_deref(), 1000);
                let _ = check_telnyx_paging(a.as_deref(), b.as_deref(), 20);
                let _ = check_comms_page_size(a.as_deref());
            }
        }
    }
}
