//! Tests of the material parsers against real material generated with rcgen (ECDSA P-256,
//! P-384, Ed25519) and an RSA-2048 key generated at test time from a fixed seed (the rsa
//! crate; no key material is committed). Hand-built DER covers what rcgen cannot make: SEC1 with explicit
//! curve parameters, P-521, keys without an embedded public key, encrypted and malformed keys.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use proptest::prelude::*;
use rcgen::{
    CertificateParams, CustomExtension, DnType, KeyPair, PKCS_ECDSA_P256_SHA256,
    PKCS_ECDSA_P384_SHA384, PKCS_ED25519,
};
use serde_json::json;
use time::{Duration, OffsetDateTime, macros::datetime};

use der::Decode as _;

use super::private_key::oid as known;
use super::*;

/// The documented placeholders, copied exactly from Telnyx's mobile push credential docs.
const TELNYX_CERTIFICATE: &str = "-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----";
const TELNYX_PRIVATE_KEY: &str = "-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----";
const TELNYX_SERVER_KEY: &str = "BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja...";
const TELNYX_PROJECT_ACCOUNT_JSON: &str = r#"{"client_email":"account@customer.org","private_key":"BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja..."}"#;

/// An RSA-2048 key made once per test run from a fixed seed, as PKCS#1 and PKCS#8 PEM.
/// rcgen (with ring) signs with RSA keys but cannot generate them, so the rsa crate does.
static RSA_KEY: std::sync::LazyLock<(String, String)> = std::sync::LazyLock::new(|| {
    use rand_chacha::rand_core::SeedableRng;
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(2048);
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA key generation");
    let pkcs1 = key
        .to_pkcs1_pem(LineEnding::LF)
        .expect("PKCS#1 encoding")
        .to_string();
    let pkcs8 = key
        .to_pkcs8_pem(LineEnding::LF)
        .expect("PKCS#8 encoding")
        .to_string();
    (pkcs1, pkcs8)
});

fn rsa_pkcs1() -> &'static str {
    &RSA_KEY.0
}

fn rsa_pkcs8() -> &'static str {
    &RSA_KEY.1
}

const APNS_DEVELOPMENT: &[u64] = &[1, 2, 840, 113_635, 100, 6, 3, 1];
const APNS_PRODUCTION: &[u64] = &[1, 2, 840, 113_635, 100, 6, 3, 2];
const APNS_TOPICS: &[u64] = &[1, 2, 840, 113_635, 100, 6, 3, 6];

const ALLOW: MaterialPolicy = MaterialPolicy::AllowPlaceholders;
const REQUIRE: MaterialPolicy = MaterialPolicy::RequireReal;

// ---- helpers ---------------------------------------------------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn int(value: &[u8]) -> Vec<u8> {
    tlv(0x02, value)
}

fn oid(bytes: &[u8]) -> Vec<u8> {
    tlv(0x06, bytes)
}

fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

fn bits(bytes: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0u8][..], bytes].concat())
}

fn pem_of(label: &str, der: &[u8]) -> String {
    encode_pem(label, der)
}

fn p256() -> KeyPair {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap()
}

fn ed25519() -> KeyPair {
    KeyPair::generate_for(&PKCS_ED25519).unwrap()
}

fn rsa() -> KeyPair {
    KeyPair::from_pem(rsa_pkcs8()).unwrap()
}

fn params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params
}

fn apns_params(extensions: &[&[u64]]) -> CertificateParams {
    let mut params = params("Apple Push Services: com.example.app");
    for oid in extensions {
        let content = if *oid == APNS_TOPICS {
            // SEQUENCE { UTF8String "com.example.app", SEQUENCE { UTF8String "app" } }
            seq(&[tlv(0x0C, b"com.example.app"), seq(&[tlv(0x0C, b"app")])])
        } else {
            vec![0x05, 0x00]
        };
        params
            .custom_extensions
            .push(CustomExtension::from_oid_content(oid, content));
    }
    params
}

fn certificate(params: &CertificateParams, key: &KeyPair) -> Certificate {
    Certificate::from_pem(&params.self_signed(key).unwrap().pem()).unwrap()
}

/// The SEC1 `ECPrivateKey` inside a PKCS#8 EC key (ring writes it with the public key and
/// without curve parameters).
fn sec1_inside(pkcs8: &[u8]) -> Vec<u8> {
    pkcs8::PrivateKeyInfo::from_der(pkcs8)
        .unwrap()
        .private_key
        .to_vec()
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let at = haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present");
    [&haystack[..at], with, &haystack[at + needle.len()..]].concat()
}

fn body_of(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

// ---- PEM forms ---------------------------------------------------------------------------

#[test]
fn certificate_reads_every_pem_form() {
    let key = p256();
    let pem = params("forms").self_signed(&key).unwrap().pem();
    let body = body_of(&pem);
    let forms = [
        pem.clone(),
        pem.replace('\n', "\r\n"),
        format!("-----BEGIN CERTIFICATE-----{body}-----END CERTIFICATE-----"),
        format!("-----BEGIN CERTIFICATE----- {body} -----END CERTIFICATE-----"),
        format!("-----BEGIN CERTIFICATE----- {body} -----END CERTIFICATE-----\n"),
        format!("\n\n{pem}\n\n"),
        pem.replace('\n', "\\n"),
    ];
    let expected = Certificate::from_pem(&pem).unwrap();
    for form in &forms {
        let parsed = Certificate::from_pem(form).unwrap_or_else(|e| panic!("{form:?}: {e}"));
        assert_eq!(parsed, expected);
        assert_eq!(parsed.der(), expected.der());
    }
    // Re-encoding gives back the same DER and normal PEM.
    let again = Certificate::from_pem(&expected.to_pem()).unwrap();
    assert_eq!(again.der(), expected.der());
    assert_eq!(Certificate::from_der(expected.der()).unwrap(), expected);
    assert_eq!(pem.parse::<Certificate>().unwrap(), expected);
    assert_eq!(Certificate::try_from(pem.as_str()).unwrap(), expected);
}

#[test]
fn certificate_errors() {
    let key = p256();
    let pem = params("errors").self_signed(&key).unwrap().pem();
    let der = Certificate::from_pem(&pem).unwrap().der().to_vec();
    let key_pem = key.serialize_pem();
    let cert_label = || "CERTIFICATE".to_owned();

    assert_eq!(Certificate::from_pem(""), Err(MaterialError::NoBeginMarker));
    assert_eq!(
        Certificate::from_pem(&pem[..pem.len() - 30]),
        Err(MaterialError::Truncated {
            label: cert_label()
        })
    );
    assert_eq!(
        Certificate::from_pem(&pem.replace("END CERTIFICATE", "END X509 CRL")),
        Err(MaterialError::MismatchedLabel {
            begin: cert_label(),
            end: "X509 CRL".to_owned()
        })
    );
    assert_eq!(
        Certificate::from_pem(&key_pem),
        Err(MaterialError::UnexpectedLabel {
            expected: MaterialKind::Certificate,
            found: "PRIVATE KEY".to_owned()
        })
    );
    assert!(matches!(
        Certificate::from_pem(&pem.replacen("MII", "MI!", 1)),
        Err(MaterialError::InvalidBase64 { offset: 30, .. })
    ));
    assert_eq!(
        Certificate::from_pem(&pem_of("CERTIFICATE", b"not der at all")),
        Err(MaterialError::InvalidDer {
            label: cert_label(),
            reason: "not an x509 certificate"
        })
    );
    assert_eq!(
        Certificate::from_der(&[der.as_slice(), &[0]].concat()),
        Err(MaterialError::InvalidDer {
            label: cert_label(),
            reason: "trailing bytes after the certificate"
        })
    );
    assert_eq!(
        Certificate::from_pem(&format!("{pem}{key_pem}")),
        Err(MaterialError::DataAfterBlock { offset: pem.len() })
    );
    assert_eq!(
        Certificate::from_pem(&format!("Bag Attributes\n{pem}")),
        Err(MaterialError::DataBeforeBlock { offset: 0 })
    );
    assert_eq!(
        Certificate::from_pem("-----BEGIN CERTIFICATE----- \n -----END CERTIFICATE-----"),
        Err(MaterialError::EmptyBody {
            label: cert_label()
        })
    );
}

#[test]
fn error_messages_are_lower_case_and_name_the_label() {
    let message = Certificate::from_pem(&p256().serialize_pem())
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "expected a certificate pem block, got label PRIVATE KEY"
    );
    assert_eq!(
        MaterialError::Truncated {
            label: "CERTIFICATE".to_owned()
        }
        .to_string(),
        "pem block CERTIFICATE has no end marker (truncated)"
    );
}

// ---- placeholders ------------------------------------------------------------------------

#[test]
fn documented_placeholders_are_placeholders() {
    let cert = Certificate::parse(TELNYX_CERTIFICATE, ALLOW).unwrap();
    let placeholder = cert.placeholder().unwrap();
    assert_eq!(placeholder.kind(), MaterialKind::Certificate);
    assert_eq!(placeholder.raw().expose(), TELNYX_CERTIFICATE);
    assert!(cert.is_placeholder() && !cert.is_real() && cert.real().is_none());

    let key = PrivateKey::parse(TELNYX_PRIVATE_KEY, ALLOW).unwrap();
    assert_eq!(key.placeholder().unwrap().kind(), MaterialKind::PrivateKey);

    let server_key = FcmServerKey::parse(TELNYX_SERVER_KEY, ALLOW).unwrap();
    assert_eq!(
        server_key.placeholder().unwrap().kind(),
        MaterialKind::ServerKey
    );

    let account = ServiceAccount::parse_json(TELNYX_PROJECT_ACCOUNT_JSON, ALLOW).unwrap();
    assert_eq!(
        account.placeholder().unwrap().kind(),
        MaterialKind::ServiceAccount
    );
    assert_eq!(
        account.placeholder().unwrap().raw().expose(),
        TELNYX_PROJECT_ACCOUNT_JSON
    );
    let value: serde_json::Value = serde_json::from_str(TELNYX_PROJECT_ACCOUNT_JSON).unwrap();
    assert!(
        ServiceAccount::from_value(&value, ALLOW)
            .unwrap()
            .is_placeholder()
    );
    let encoded = STANDARD.encode(TELNYX_PROJECT_ACCOUNT_JSON);
    let from_base64 = ServiceAccount::from_base64(&encoded, ALLOW).unwrap();
    assert_eq!(from_base64.placeholder().unwrap().raw().expose(), &encoded);

    let api_key = GcmApiKey::parse("AIzaSyB...", ALLOW).unwrap();
    assert_eq!(api_key.placeholder().unwrap().kind(), MaterialKind::ApiKey);
}

#[test]
fn placeholders_are_errors_when_real_material_is_required() {
    let kind = |r: Result<_, MaterialError>| match r {
        Err(MaterialError::Placeholder { kind }) => kind,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        kind(Certificate::parse(TELNYX_CERTIFICATE, REQUIRE).map(|_| ())),
        MaterialKind::Certificate
    );
    assert_eq!(
        kind(Certificate::from_pem(TELNYX_CERTIFICATE).map(|_| ())),
        MaterialKind::Certificate
    );
    assert_eq!(
        kind(PrivateKey::from_pem(TELNYX_PRIVATE_KEY).map(|_| ())),
        MaterialKind::PrivateKey
    );
    assert_eq!(
        kind(FcmServerKey::parse(TELNYX_SERVER_KEY, REQUIRE).map(|_| ())),
        MaterialKind::ServerKey
    );
    assert_eq!(
        kind(TELNYX_SERVER_KEY.parse::<FcmServerKey>().map(|_| ())),
        MaterialKind::ServerKey
    );
    assert_eq!(
        kind(ServiceAccount::parse_json(TELNYX_PROJECT_ACCOUNT_JSON, REQUIRE).map(|_| ())),
        MaterialKind::ServiceAccount
    );
    // The policy alone, and require_real on an allowed placeholder.
    let allowed = Certificate::parse(TELNYX_CERTIFICATE, ALLOW).unwrap();
    assert_eq!(
        REQUIRE.apply(allowed.clone()).map(|_| ()),
        Err(MaterialError::Placeholder {
            kind: MaterialKind::Certificate
        })
    );
    assert!(ALLOW.apply(allowed.clone()).is_ok());
    assert_eq!(
        allowed.require_real().map(|_| ()),
        Err(MaterialError::Placeholder {
            kind: MaterialKind::Certificate
        })
    );
    assert_eq!(MaterialPolicy::default(), REQUIRE);
    assert_eq!(
        MaterialError::Placeholder {
            kind: MaterialKind::ServiceAccount
        }
        .to_string(),
        "service account is a documentation placeholder, not real material"
    );
}

#[test]
fn placeholder_variants() {
    // Unicode ellipsis, glued form, no markers at all.
    for input in [
        "-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs\u{2026} -----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----MIIGVDCC...-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\nMIIGVDCC...\n",
        "MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs...",
    ] {
        assert!(
            Certificate::parse(input, ALLOW).unwrap().is_placeholder(),
            "{input:?}"
        );
    }
    // A well-formed block of the wrong kind is an error even when truncated.
    assert_eq!(
        Certificate::parse(TELNYX_PRIVATE_KEY, ALLOW),
        Err(MaterialError::UnexpectedLabel {
            expected: MaterialKind::Certificate,
            found: "RSA PRIVATE KEY".to_owned()
        })
    );
    assert!(matches!(
        PrivateKey::parse(TELNYX_CERTIFICATE, ALLOW),
        Err(MaterialError::UnexpectedLabel { .. })
    ));
    // Two dots are not an ellipsis.
    assert!(Certificate::parse("MIIG..", ALLOW).is_err());
    // Material::map keeps placeholders and maps real values.
    let mapped = Certificate::parse(TELNYX_CERTIFICATE, ALLOW)
        .unwrap()
        .map(|c| c.der().len());
    assert!(mapped.is_placeholder());
    let real = Certificate::parse(&params("x").self_signed(&p256()).unwrap().pem(), ALLOW)
        .unwrap()
        .map(|c| c.subject_common_name().map(str::to_owned));
    assert_eq!(real.real(), Some(&Some("x".to_owned())));
}

// ---- certificates ------------------------------------------------------------------------

#[test]
fn validity_boundaries() {
    let not_before = datetime!(2020-01-01 00:00:00 UTC);
    let not_after = datetime!(2021-01-01 00:00:00 UTC);
    let mut params = params("validity");
    params.not_before = not_before;
    params.not_after = not_after;
    let cert = certificate(&params, &p256());
    assert_eq!(cert.not_before(), not_before);
    assert_eq!(cert.not_after(), not_after);
    let second = Duration::seconds(1);
    assert_eq!(cert.validity_at(not_before - second), Validity::NotYetValid);
    assert_eq!(cert.validity_at(not_before), Validity::Valid);
    assert_eq!(cert.validity_at(not_after - second), Validity::Valid);
    assert_eq!(cert.validity_at(not_after), Validity::Valid);
    assert_eq!(cert.validity_at(not_after + second), Validity::Expired);
    assert!(!cert.is_expired_at(not_after));
    assert!(cert.is_expired_at(not_after + second));
    assert!(!cert.is_expired_at(not_before - second));
    // Another offset, same instant.
    let offset = time::UtcOffset::from_hms(2, 0, 0).unwrap();
    assert_eq!(
        cert.validity_at(not_after.to_offset(offset)),
        Validity::Valid
    );
}

#[test]
fn expired_certificate_still_parses() {
    let mut params = params("old");
    params.not_before = datetime!(2015-01-01 00:00:00 UTC);
    params.not_after = datetime!(2016-01-01 00:00:00 UTC);
    let cert = certificate(&params, &p256());
    assert!(cert.is_expired_at(datetime!(2025-06-01 00:00:00 UTC)));
}

#[test]
fn apns_environments() {
    let key = rsa();
    let env =
        |extensions: &[&[u64]]| certificate(&apns_params(extensions), &key).apns_environment();
    assert_eq!(env(&[APNS_DEVELOPMENT]), Some(ApnsEnvironment::Development));
    assert_eq!(env(&[APNS_PRODUCTION]), Some(ApnsEnvironment::Production));
    assert_eq!(
        env(&[APNS_DEVELOPMENT, APNS_PRODUCTION, APNS_TOPICS]),
        Some(ApnsEnvironment::Both)
    );
    assert_eq!(
        env(&[APNS_DEVELOPMENT, APNS_PRODUCTION]),
        Some(ApnsEnvironment::Both)
    );
    assert_eq!(env(&[APNS_TOPICS]), Some(ApnsEnvironment::Both));
    assert_eq!(env(&[]), None);
    // A neighbouring Apple OID is not an APNs environment.
    assert_eq!(env(&[&[1, 2, 840, 113_635, 100, 6, 3, 3]]), None);

    assert!(ApnsEnvironment::Development.allows_sandbox());
    assert!(!ApnsEnvironment::Development.allows_production());
    assert!(!ApnsEnvironment::Production.allows_sandbox());
    assert!(ApnsEnvironment::Production.allows_production());
    assert!(ApnsEnvironment::Both.allows_sandbox());
    assert!(ApnsEnvironment::Both.allows_production());
}

#[test]
fn subject_and_debug_summary() {
    let mut params = apns_params(&[APNS_PRODUCTION]);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "Example Inc");
    let cert = certificate(&params, &p256());
    assert_eq!(
        cert.subject_common_name(),
        Some("Apple Push Services: com.example.app")
    );
    assert!(
        cert.subject().contains("O=Example Inc"),
        "{}",
        cert.subject()
    );
    let printed = format!("{cert:?}");
    assert!(printed.contains("Apple Push Services"), "{printed}");
    assert!(printed.contains("Production"), "{printed}");
    let body = body_of(&cert.to_pem());
    assert!(!printed.contains(&body[..40]), "{printed}");
    assert!(printed.len() < 400, "{printed}");
    // No common name.
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "No CN");
    assert_eq!(certificate(&params, &p256()).subject_common_name(), None);
}

// ---- private keys --------------------------------------------------------------------------

#[test]
fn private_key_algorithms_and_formats() {
    let cases = [
        (
            p256().serialize_pem(),
            KeyAlgorithm::EcP256,
            KeyFormat::Pkcs8,
        ),
        (
            KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384)
                .unwrap()
                .serialize_pem(),
            KeyAlgorithm::EcP384,
            KeyFormat::Pkcs8,
        ),
        (
            ed25519().serialize_pem(),
            KeyAlgorithm::Ed25519,
            KeyFormat::Pkcs8,
        ),
        (rsa_pkcs1().to_owned(), KeyAlgorithm::Rsa, KeyFormat::Pkcs1),
        (rsa_pkcs8().to_owned(), KeyAlgorithm::Rsa, KeyFormat::Pkcs8),
        (
            pem_of("EC PRIVATE KEY", &sec1_inside(&p256().serialize_der())),
            KeyAlgorithm::EcP256,
            KeyFormat::Sec1,
        ),
    ];
    for (pem, algorithm, format) in cases {
        let key = PrivateKey::from_pem(&pem).unwrap_or_else(|e| panic!("{algorithm}: {e}"));
        assert_eq!(key.algorithm(), algorithm);
        assert_eq!(key.format(), format);
        assert!(key.has_public_key(), "{algorithm}");
        // Round trips through PEM and DER.
        let again = PrivateKey::from_pem(key.to_pem().expose()).unwrap();
        assert_eq!(again, key);
        assert_eq!(
            PrivateKey::from_der(key.der().expose(), format).unwrap(),
            key
        );
        assert_eq!(pem.parse::<PrivateKey>().unwrap(), key);
        assert_eq!(PrivateKey::try_from(pem.as_str()).unwrap(), key);
    }
    // The one-line forms work for keys as well.
    let body = body_of(rsa_pkcs1());
    let one_line = format!("-----BEGIN RSA PRIVATE KEY----- {body} -----END RSA PRIVATE KEY-----");
    assert_eq!(
        PrivateKey::from_pem(&one_line).unwrap(),
        PrivateKey::from_pem(rsa_pkcs1()).unwrap()
    );
}

#[test]
fn hand_built_sec1_keys() {
    let point = |len: usize| [&[4u8][..], &vec![7u8; 2 * len]].concat();
    // Explicit curve parameters, P-256 and P-521, with and without a public key.
    let with_params = |curve: &[u8], len: usize, public: bool| {
        let mut parts = vec![int(&[1]), octets(&vec![9u8; len]), tlv(0xA0, &oid(curve))];
        if public {
            parts.push(tlv(0xA1, &bits(&point(len))));
        }
        seq(&parts)
    };
    let key = PrivateKey::from_der(
        &with_params(known::P521.as_bytes(), 66, true),
        KeyFormat::Sec1,
    )
    .unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::EcP521);
    assert!(key.has_public_key());
    let key = PrivateKey::from_der(
        &with_params(known::P256.as_bytes(), 32, false),
        KeyFormat::Sec1,
    )
    .unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::EcP256);
    assert!(!key.has_public_key());
    // P-384 inferred from the key length.
    let key = PrivateKey::from_der(&seq(&[int(&[1]), octets(&[1; 48])]), KeyFormat::Sec1).unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::EcP384);
    // Unknown curve (secp256k1, 1.3.132.0.10).
    assert_eq!(
        PrivateKey::from_der(
            &with_params(&[0x2B, 0x81, 0x04, 0x00, 0x0A], 32, false),
            KeyFormat::Sec1
        ),
        Err(MaterialError::UnsupportedCurve {
            oid: "1.3.132.0.10".to_owned()
        })
    );
    // No parameters and an odd key length.
    assert!(matches!(
        PrivateKey::from_der(&seq(&[int(&[1]), octets(&[1; 20])]), KeyFormat::Sec1),
        Err(MaterialError::InvalidDer { .. })
    ));
    // Wrong version.
    assert!(matches!(
        PrivateKey::from_der(&seq(&[int(&[0]), octets(&[1; 32])]), KeyFormat::Sec1),
        Err(MaterialError::InvalidDer { .. })
    ));
    // EC PARAMETERS block first, as `openssl ecparam -genkey` writes.
    let sec1 = sec1_inside(&p256().serialize_der());
    let with_parameters = format!(
        "{}{}",
        pem_of("EC PARAMETERS", &oid(known::P256.as_bytes())),
        pem_of("EC PRIVATE KEY", &sec1)
    );
    assert_eq!(
        PrivateKey::from_pem(&with_parameters).unwrap().algorithm(),
        KeyAlgorithm::EcP256
    );
}

#[test]
fn private_key_errors() {
    let label = |l: &str| l.to_owned();
    // Encrypted forms.
    let encrypted_pkcs8 = seq(&[
        seq(&[oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D])]),
        octets(&[1, 2, 3]),
    ]);
    assert_eq!(
        PrivateKey::from_pem(&pem_of("ENCRYPTED PRIVATE KEY", &encrypted_pkcs8)),
        Err(MaterialError::EncryptedKey {
            label: label("ENCRYPTED PRIVATE KEY")
        })
    );
    assert_eq!(
        PrivateKey::from_pem(&pem_of("PRIVATE KEY", &encrypted_pkcs8)),
        Err(MaterialError::EncryptedKey {
            label: label("PRIVATE KEY")
        })
    );
    let legacy = rsa_pkcs1().replacen(
        "-----\n",
        "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,0011\n\n",
        1,
    );
    assert_eq!(
        PrivateKey::from_pem(&legacy),
        Err(MaterialError::EncryptedKey {
            label: label("RSA PRIVATE KEY")
        })
    );
    // Encrypted is an error even when the body is truncated.
    assert!(matches!(
        PrivateKey::parse(
            "-----BEGIN ENCRYPTED PRIVATE KEY----- MIIE... -----END ENCRYPTED PRIVATE KEY-----",
            ALLOW
        ),
        Err(MaterialError::EncryptedKey { .. })
    ));
    // Unsupported algorithm (DSA, 1.2.840.10040.4.1).
    let dsa = seq(&[
        int(&[0]),
        seq(&[oid(&[0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01])]),
        octets(&int(&[5])),
    ]);
    assert_eq!(
        PrivateKey::from_der(&dsa, KeyFormat::Pkcs8),
        Err(MaterialError::UnsupportedAlgorithm {
            oid: "1.2.840.10040.4.1".to_owned()
        })
    );
    // Wrong label, garbage DER, DER of the wrong format.
    assert_eq!(
        PrivateKey::from_pem(&pem_of("PUBLIC KEY", &[1, 2, 3])),
        Err(MaterialError::UnexpectedLabel {
            expected: MaterialKind::PrivateKey,
            found: label("PUBLIC KEY")
        })
    );
    assert_eq!(
        PrivateKey::from_pem(&pem_of("PRIVATE KEY", b"garbage")),
        Err(MaterialError::InvalidDer {
            label: label("PRIVATE KEY"),
            reason: "expected a PrivateKeyInfo sequence"
        })
    );
    let pkcs8_der = PrivateKey::from_pem(rsa_pkcs8())
        .unwrap()
        .der()
        .expose()
        .clone();
    assert!(matches!(
        PrivateKey::from_pem(&pem_of("RSA PRIVATE KEY", &pkcs8_der)),
        Err(MaterialError::InvalidDer { .. })
    ));
    // Truncated RSA key (missing CRT components).
    let short_rsa = seq(&[int(&[0]), int(&[0x00, 0xC1]), int(&[1, 0, 1])]);
    assert_eq!(
        PrivateKey::from_der(&short_rsa, KeyFormat::Pkcs1),
        Err(MaterialError::InvalidDer {
            label: label("RSA PRIVATE KEY"),
            reason: "missing rsa private key component"
        })
    );
    // Ed25519 with a wrong-length seed.
    let bad_ed = seq(&[
        int(&[0]),
        seq(&[oid(known::ED25519.as_bytes())]),
        octets(&octets(&[1; 31])),
    ]);
    assert!(matches!(
        PrivateKey::from_der(&bad_ed, KeyFormat::Pkcs8),
        Err(MaterialError::InvalidDer { .. })
    ));
    // PKCS#8 EC whose inner parameters name another curve.
    let sec1 = seq(&[
        int(&[1]),
        octets(&[1; 32]),
        tlv(0xA0, &oid(known::P384.as_bytes())),
    ]);
    let disagree = seq(&[
        int(&[0]),
        seq(&[
            oid(known::EC_PUBLIC_KEY.as_bytes()),
            oid(known::P256.as_bytes()),
        ]),
        octets(&sec1),
    ]);
    assert!(matches!(
        PrivateKey::from_der(&disagree, KeyFormat::Pkcs8),
        Err(MaterialError::InvalidDer {
            reason: "ec curve parameters disagree",
            ..
        })
    ));
}

// ---- key matching --------------------------------------------------------------------------

#[test]
fn keys_match_their_certificates() {
    for key in [
        p256(),
        KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).unwrap(),
        ed25519(),
        rsa(),
    ] {
        let cert = certificate(&params("match"), &key);
        let private = PrivateKey::from_pem(&key.serialize_pem()).unwrap();
        assert_eq!(
            key_matches(&cert, &private),
            KeyMatch::Matches,
            "{private:?}"
        );
        assert!(key_matches(&cert, &private).is_match());
    }
    // PKCS#1 and SEC1 forms of the same keys.
    let rsa_cert = certificate(&params("rsa"), &rsa());
    let pkcs1 = PrivateKey::from_pem(rsa_pkcs1()).unwrap();
    assert_eq!(key_matches(&rsa_cert, &pkcs1), KeyMatch::Matches);
    let ec = p256();
    let ec_cert = certificate(&params("ec"), &ec);
    let sec1 = PrivateKey::from_der(&sec1_inside(&ec.serialize_der()), KeyFormat::Sec1).unwrap();
    assert_eq!(key_matches(&ec_cert, &sec1), KeyMatch::Matches);
}

#[test]
fn keys_mismatch_other_certificates() {
    let ec_cert = certificate(&params("ec"), &p256());
    let other_ec = PrivateKey::from_pem(&p256().serialize_pem()).unwrap();
    assert_eq!(key_matches(&ec_cert, &other_ec), KeyMatch::Mismatch);
    assert!(!key_matches(&ec_cert, &other_ec).is_match());
    // Another curve.
    let p384 = PrivateKey::from_pem(
        &KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384)
            .unwrap()
            .serialize_pem(),
    )
    .unwrap();
    assert_eq!(key_matches(&ec_cert, &p384), KeyMatch::Mismatch);
    // Another algorithm.
    let rsa_key = PrivateKey::from_pem(rsa_pkcs1()).unwrap();
    assert_eq!(key_matches(&ec_cert, &rsa_key), KeyMatch::Mismatch);
    let ed_cert = certificate(&params("ed"), &ed25519());
    assert_eq!(key_matches(&ed_cert, &other_ec), KeyMatch::Mismatch);
    let other_ed = PrivateKey::from_pem(&ed25519().serialize_pem()).unwrap();
    assert_eq!(key_matches(&ed_cert, &other_ed), KeyMatch::Mismatch);
    // Same RSA exponent, another modulus (hand-built; no RSA math is involved).
    let rsa_cert = certificate(&params("rsa"), &rsa());
    let fake = seq(&[
        int(&[0]),
        int(&[&[0u8][..], &[0xC5; 256]].concat()),
        int(&[1, 0, 1]),
        int(&[3]),
        int(&[5]),
        int(&[7]),
        int(&[9]),
        int(&[11]),
        int(&[13]),
    ]);
    let fake = PrivateKey::from_der(&fake, KeyFormat::Pkcs1).unwrap();
    assert_eq!(key_matches(&rsa_cert, &fake), KeyMatch::Mismatch);
    // A key without a public key but of another algorithm is still a mismatch.
    let no_public =
        PrivateKey::from_der(&seq(&[int(&[1]), octets(&[1; 32])]), KeyFormat::Sec1).unwrap();
    assert_eq!(key_matches(&rsa_cert, &no_public), KeyMatch::Mismatch);
}

#[test]
fn key_match_undetermined() {
    // SEC1 without the optional public key.
    let ec_cert = certificate(&params("ec"), &p256());
    let no_public = PrivateKey::from_der(
        &seq(&[
            int(&[1]),
            octets(&[1; 32]),
            tlv(0xA0, &oid(known::P256.as_bytes())),
        ]),
        KeyFormat::Sec1,
    )
    .unwrap();
    assert_eq!(
        key_matches(&ec_cert, &no_public),
        KeyMatch::Undetermined(Undetermined::NoPublicKeyInPrivateKey)
    );
    // PKCS#8 v1 Ed25519 (no public key).
    let ed_cert = certificate(&params("ed"), &ed25519());
    let v1 = seq(&[
        int(&[0]),
        seq(&[oid(known::ED25519.as_bytes())]),
        octets(&octets(&[1; 32])),
    ]);
    let v1 = PrivateKey::from_der(&v1, KeyFormat::Pkcs8).unwrap();
    assert_eq!(v1.algorithm(), KeyAlgorithm::Ed25519);
    assert_eq!(
        key_matches(&ed_cert, &v1),
        KeyMatch::Undetermined(Undetermined::NoPublicKeyInPrivateKey)
    );
    // A certificate whose curve this crate does not read (P-256's OID swapped for
    // prime239v3, 1.2.840.10045.3.1.6; the signature breaks, which nothing here checks).
    let key = p256();
    let der = params("curve").self_signed(&key).unwrap().der().to_vec();
    let swapped = replace(
        &der,
        known::P256.as_bytes(),
        &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x06],
    );
    let odd_cert = Certificate::from_der(&swapped).unwrap();
    let private = PrivateKey::from_pem(&key.serialize_pem()).unwrap();
    assert_eq!(
        key_matches(&odd_cert, &private),
        KeyMatch::Undetermined(Undetermined::UnsupportedCertificateKey)
    );
}

// ---- service accounts ----------------------------------------------------------------------

fn service_account_json() -> serde_json::Value {
    json!({
        "type": "service_account",
        "project_id": "credspec-test",
        "private_key_id": "0123456789abcdef",
        "private_key": rsa_pkcs8(),
        "client_email": "fcm@credspec-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token"
    })
}

#[test]
fn service_account_valid_forms() {
    let value = service_account_json();
    let text = value.to_string();
    let from_text = ServiceAccount::parse_json(&text, REQUIRE)
        .unwrap()
        .require_real()
        .unwrap();
    assert_eq!(from_text.project_id(), "credspec-test");
    assert_eq!(
        from_text.client_email(),
        "fcm@credspec-test.iam.gserviceaccount.com"
    );
    assert_eq!(from_text.private_key().algorithm(), KeyAlgorithm::Rsa);
    let from_value = ServiceAccount::from_value(&value, REQUIRE).unwrap();
    assert_eq!(from_value.real(), Some(&from_text));
    // Base64: standard, URL-safe without padding, and wrapped at 76 columns.
    let standard = STANDARD.encode(&text);
    let wrapped: String = standard
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\n", String::from_utf8_lossy(c)))
        .collect();
    for encoded in [standard, URL_SAFE_NO_PAD.encode(&text), wrapped] {
        let parsed = ServiceAccount::from_base64(&encoded, REQUIRE).unwrap();
        assert_eq!(parsed.real(), Some(&from_text));
    }
    // A pretty-printed file, as downloaded from the console.
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert!(
        ServiceAccount::parse_json(&pretty, REQUIRE)
            .unwrap()
            .is_real()
    );
    // The key with literal `\n` escapes (escaped twice on its way through an env var).
    let mut doubled = value.clone();
    doubled["private_key"] = json!(rsa_pkcs8().replace('\n', "\\n"));
    assert!(
        ServiceAccount::from_value(&doubled, REQUIRE)
            .unwrap()
            .is_real()
    );
}

#[test]
fn service_account_errors() {
    let check = |edit: &dyn Fn(&mut serde_json::Value), expected: MaterialError| {
        let mut value = service_account_json();
        edit(&mut value);
        assert_eq!(
            ServiceAccount::from_value(&value, ALLOW),
            Err(expected.clone())
        );
        assert_eq!(
            ServiceAccount::parse_json(&value.to_string(), ALLOW),
            Err(expected)
        );
    };
    for field in ["type", "project_id", "private_key", "client_email"] {
        check(
            &|v| {
                v.as_object_mut().unwrap().remove(field);
            },
            MaterialError::MissingField {
                field: match field {
                    "type" => "type",
                    "project_id" => "project_id",
                    "private_key" => "private_key",
                    _ => "client_email",
                },
            },
        );
    }
    check(
        &|v| v["type"] = json!("authorized_user"),
        MaterialError::WrongAccountType {
            found: "authorized_user".to_owned(),
        },
    );
    check(
        &|v| v["type"] = json!(7),
        MaterialError::NotAString { field: "type" },
    );
    check(
        &|v| v["project_id"] = json!(""),
        MaterialError::InvalidField {
            field: "project_id",
            reason: "must not be empty",
        },
    );
    check(
        &|v| v["project_id"] = json!("my project"),
        MaterialError::InvalidField {
            field: "project_id",
            reason: "must not contain whitespace",
        },
    );
    check(
        &|v| v["client_email"] = json!("not-an-email"),
        MaterialError::InvalidField {
            field: "client_email",
            reason: "does not look like an email address",
        },
    );
    check(
        &|v| v["private_key"] = json!(null),
        MaterialError::NotAString {
            field: "private_key",
        },
    );
    check(
        &|v| v["private_key"] = json!("-----BEGIN CERTIFICATE----- AAAA -----END CERTIFICATE-----"),
        MaterialError::PrivateKeyField {
            source: Box::new(MaterialError::UnexpectedLabel {
                expected: MaterialKind::PrivateKey,
                found: "CERTIFICATE".to_owned(),
            }),
        },
    );
    assert_eq!(
        MaterialError::MissingField {
            field: "project_id"
        }
        .to_string(),
        "missing field project_id"
    );
    assert_eq!(
        MaterialError::WrongAccountType {
            found: "user".to_owned()
        }
        .to_string(),
        "type must be service_account, got user"
    );
    // A long wrong type is cut in the message.
    let mut value = service_account_json();
    value["type"] = json!("x".repeat(500));
    match ServiceAccount::from_value(&value, ALLOW) {
        Err(MaterialError::WrongAccountType { found }) => assert_eq!(found.len(), 64),
        other => panic!("{other:?}"),
    }
    // Not JSON, not an object, bad base64, not UTF-8.
    assert_eq!(
        ServiceAccount::parse_json("{\"type\": ", ALLOW),
        Err(MaterialError::InvalidJson { line: 1, column: 9 })
    );
    assert_eq!(
        ServiceAccount::parse_json("[1]", ALLOW),
        Err(MaterialError::NotAnObject)
    );
    assert_eq!(
        ServiceAccount::from_base64("eyJ0eXBlIjo*", ALLOW),
        Err(MaterialError::InvalidBase64Json { offset: 11 })
    );
    assert_eq!(
        ServiceAccount::from_base64(&STANDARD.encode([0xFF, 0xFE, 0x00]), ALLOW),
        Err(MaterialError::NotUtf8)
    );
    // The JSON error never quotes the input.
    let err = ServiceAccount::parse_json("{\"private_key\": \"s3cr3t\" x}", ALLOW).unwrap_err();
    assert!(!err.to_string().contains("s3cr3t"), "{err}");
}

#[test]
fn service_account_error_source_chain() {
    use std::error::Error as _;
    let mut value = service_account_json();
    value["private_key"] = json!(pem_of("PRIVATE KEY", b"garbage"));
    let err = ServiceAccount::from_value(&value, REQUIRE).unwrap_err();
    assert_eq!(err.to_string(), "invalid field private_key");
    assert_eq!(
        err.source().map(ToString::to_string).as_deref(),
        Some("PRIVATE KEY der does not parse: expected a PrivateKeyInfo sequence")
    );
}

// ---- GCM and FCM keys ----------------------------------------------------------------------

fn api_key() -> String {
    format!("AIza{}", "Sy0123456789abcdefghij_klmnopq-rstu")
}

fn legacy_server_key() -> String {
    format!("AAAAb1c2d3e:APA91b{}", "x_Y-z09".repeat(20))
}

#[test]
fn gcm_api_keys() {
    let key = api_key();
    assert_eq!(key.len(), 39);
    let parsed = GcmApiKey::parse(&format!("  {key}\n"), REQUIRE).unwrap();
    assert_eq!(parsed.real().unwrap().value().expose(), &key);
    assert_eq!(key.parse::<GcmApiKey>().unwrap().value().expose(), &key);
    let invalid = |input: &str, reason: &'static str| {
        assert_eq!(
            GcmApiKey::parse(input, ALLOW),
            Err(MaterialError::InvalidKeyFormat {
                kind: MaterialKind::ApiKey,
                reason
            }),
            "{input:?}"
        );
    };
    invalid("", "must start with AIza");
    invalid(&key.replacen("AIza", "AIzb", 1), "must start with AIza");
    invalid(&key[..38], "must be AIza followed by 35 characters");
    invalid(&format!("{key}x"), "must be AIza followed by 35 characters");
    invalid(
        &key.replacen('0', "+", 1),
        "may contain only 0-9, A-Z, a-z, _ and -",
    );
    // The error never repeats the key.
    let err = GcmApiKey::parse(&key[..38], ALLOW).unwrap_err();
    assert!(!err.to_string().contains(&key[4..20]), "{err}");
    assert!(
        GcmApiKey::parse("AIzaSyB...", ALLOW)
            .unwrap()
            .is_placeholder()
    );
    assert!(
        GcmApiKey::parse("AIzaSyB\u{2026}", ALLOW)
            .unwrap()
            .is_placeholder()
    );
}

#[test]
fn fcm_server_keys() {
    let legacy = legacy_server_key();
    let parsed = FcmServerKey::parse(&legacy, REQUIRE)
        .unwrap()
        .require_real()
        .unwrap();
    assert_eq!(parsed.form(), ServerKeyForm::Legacy);
    assert_eq!(parsed.value().expose(), &legacy);
    let parsed = api_key().parse::<FcmServerKey>().unwrap();
    assert_eq!(parsed.form(), ServerKeyForm::ApiKey);
    let invalid = |input: &str| {
        assert!(
            matches!(
                FcmServerKey::parse(input, ALLOW),
                Err(MaterialError::InvalidKeyFormat {
                    kind: MaterialKind::ServerKey,
                    ..
                })
            ),
            "{input:?}"
        );
    };
    invalid("");
    invalid("no-colon-here");
    invalid(&legacy.replacen("AAAAb1c2d3e", "", 1));
    invalid(&legacy.replacen("AAAAb1c2d3e", &"A".repeat(65), 1));
    invalid(&legacy.replacen("AAAA", "AA AA", 1));
    invalid(&legacy.replacen("APA91", "APA92", 1));
    invalid(&legacy.replacen("x_Y", "x/Y", 1));
    invalid(&legacy[..60]);
    invalid(&api_key()[..30]);
    invalid("BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja");
    let placeholder = FcmServerKey::parse(TELNYX_SERVER_KEY, ALLOW).unwrap();
    assert_eq!(
        placeholder.placeholder().unwrap().raw().expose(),
        TELNYX_SERVER_KEY
    );
}

// ---- Debug never shows secrets -------------------------------------------------------------

#[test]
fn debug_output_never_contains_secrets() {
    let rsa_key = PrivateKey::from_pem(rsa_pkcs1()).unwrap();
    let secret_body = body_of(rsa_pkcs1());
    let ec_key = PrivateKey::from_pem(&p256().serialize_pem()).unwrap();
    let ec_body = body_of(ec_key.to_pem().expose());
    let account = ServiceAccount::from_value(&service_account_json(), REQUIRE)
        .unwrap()
        .require_real()
        .unwrap();
    let pkcs8_body = body_of(rsa_pkcs8());
    let gcm = GcmApiKey::parse(&api_key(), REQUIRE).unwrap();
    let fcm = FcmServerKey::parse(&legacy_server_key(), REQUIRE).unwrap();
    let placeholder = FcmServerKey::parse(TELNYX_SERVER_KEY, ALLOW).unwrap();
    let block = PemBlock::parse(rsa_pkcs1()).unwrap();

    let printed = [
        format!("{rsa_key:?} {rsa_key:#?}"),
        format!("{ec_key:?}"),
        format!("{account:?} {account:#?}"),
        format!("{gcm:?}"),
        format!("{fcm:?}"),
        format!("{placeholder:?}"),
        format!("{block:?}"),
        format!("{:?}", Material::Real(rsa_key.clone())),
    ];
    let secrets = [
        &secret_body[..24],
        &secret_body[secret_body.len() - 24..],
        &ec_body[..24],
        &pkcs8_body[..24],
        &api_key()[4..20],
        &legacy_server_key()[..11],
        "APA91",
        "BBBB0J56jd8kda",
    ];
    for text in &printed {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} leaked in {text}");
        }
    }
    assert!(printed[0].contains("Rsa") && printed[0].contains("Pkcs1"));
    assert!(printed[2].contains("credspec-test"));
}

#[test]
fn material_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Certificate>();
    assert_send_sync::<PrivateKey>();
    assert_send_sync::<ServiceAccount>();
    assert_send_sync::<GcmApiKey>();
    assert_send_sync::<FcmServerKey>();
    assert_send_sync::<PemBlock>();
    assert_send_sync::<Material<Certificate>>();
    assert_send_sync::<MaterialError>();
}

// ---- no input makes any parser panic --------------------------------------------------------

const LABELS: &[&str] = &[
    "CERTIFICATE",
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "X509 CERTIFICATE",
    "PUBLIC KEY",
    "",
];

/// Runs every text parser on `input` under both policies; only checks that each returns.
fn parse_everything(input: &str) {
    for policy in [ALLOW, REQUIRE] {
        let _ = PemBlock::parse(input);
        let _ = Certificate::parse(input, policy);
        let _ = PrivateKey::parse(input, policy);
        let _ = ServiceAccount::parse_json(input, policy);
        let _ = ServiceAccount::from_base64(input, policy);
        let _ = GcmApiKey::parse(input, policy);
        let _ = FcmServerKey::parse(input, policy);
    }
}

/// Runs every DER parser on `der`, and key matching on whatever parses.
fn parse_der_everything(der: &[u8], against: &Certificate) {
    if let Ok(cert) = Certificate::from_der(der) {
        let _ = cert.validity_at(OffsetDateTime::UNIX_EPOCH);
        let _ = cert.apns_environment();
        let key = PrivateKey::from_pem(rsa_pkcs1()).unwrap();
        let _ = key_matches(&cert, &key);
    }
    for format in [KeyFormat::Pkcs1, KeyFormat::Pkcs8, KeyFormat::Sec1] {
        if let Ok(key) = PrivateKey::from_der(der, format) {
            let _ = key_matches(against, &key);
            let _ = key.to_pem();
        }
    }
}

fn mutation_corpus() -> Vec<Vec<u8>> {
    let ec = p256();
    let ed = ed25519();
    let rsa_key = PrivateKey::from_pem(rsa_pkcs1()).unwrap();
    vec![
        params("fuzz").self_signed(&ec).unwrap().der().to_vec(),
        apns_params(&[APNS_TOPICS])
            .self_signed(&ed)
            .unwrap()
            .der()
            .to_vec(),
        ec.serialize_der(),
        ed.serialize_der(),
        sec1_inside(&ec.serialize_der()),
        rsa_key.der().expose().clone(),
    ]
}

/// DER-shaped input: nested TLVs with the tags key structures use, OIDs the parsers look
/// for, and random leaves, so the generated bytes get past the first tag check of every
/// parser and into its fields.
fn der_tree() -> impl Strategy<Value = Vec<u8>> {
    let known_oids = [
        known::RSA_ENCRYPTION,
        known::EC_PUBLIC_KEY,
        known::P256,
        known::P384,
        known::P521,
        known::ED25519,
    ]
    .map(|o| oid(o.as_bytes()))
    .to_vec();
    let leaf = prop_oneof![
        proptest::sample::select(known_oids),
        (
            proptest::sample::select(&[0x02u8, 0x03, 0x04, 0x05, 0x06, 0x81][..]),
            proptest::collection::vec(any::<u8>(), 0..70),
        )
            .prop_map(|(tag, content)| tlv(tag, &content)),
        Just(int(&[0])),
        Just(int(&[1])),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        (
            proptest::sample::select(&[0x30u8, 0xA0, 0xA1, 0x04, 0x03][..]),
            proptest::collection::vec(inner, 0..6),
        )
            .prop_map(|(tag, children)| match tag {
                // A BIT STRING wraps its content after the unused-bits byte.
                0x03 => bits(&children.concat()),
                _ => tlv(tag, &children.concat()),
            })
    })
}

/// Every way the PEM normaliser accepts a body, for the PEM-wrapped proptest.
fn pem_forms(label: &str, der: &[u8]) -> Vec<String> {
    let body = STANDARD.encode(der);
    let stripped = body.trim_end_matches('=');
    vec![
        encode_pem(label, der),
        encode_pem(label, der).replace('\n', "\r\n"),
        encode_pem(label, der).replace('\n', "\\n"),
        format!("-----BEGIN {label}-----{body}-----END {label}-----"),
        format!("-----BEGIN {label}----- {body} -----END {label}-----"),
        format!("-----BEGIN {label}----- {stripped} -----END {label}-----\n"),
        format!("-----BEGIN {label}-----\nProc-Type: 4,X\n\n{body}\n-----END {label}-----"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes, and arbitrary DER-shaped trees, as DER to every DER parser and,
    /// PEM-wrapped in every accepted form and under every label, to every text parser
    /// (service accounts too, with the PEM as their `private_key`).
    #[test]
    fn every_material_parser_survives_arbitrary_and_pem_wrapped_bytes(
        bytes in prop_oneof![proptest::collection::vec(any::<u8>(), 0..600), der_tree()],
        label in proptest::sample::select(LABELS),
    ) {
        let against = certificate(&params("against"), &p256());
        parse_der_everything(&bytes, &against);
        parse_everything(&String::from_utf8_lossy(&bytes));
        for pem in pem_forms(label, &bytes) {
            parse_everything(&pem);
            let mut account = service_account_json();
            account["private_key"] = json!(pem);
            for policy in [ALLOW, REQUIRE] {
                let _ = ServiceAccount::from_value(&account, policy);
            }
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>()) {
        parse_everything(&input);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse_everything(&String::from_utf8_lossy(&bytes));
        let cert = certificate(&params("against"), &p256());
        parse_der_everything(&bytes, &cert);
    }

    #[test]
    fn wrapped_strings_never_panic(
        begin in proptest::sample::select(LABELS),
        end in proptest::sample::select(LABELS),
        body in any::<String>(),
        glue in proptest::sample::select(&["", " ", "\n", "\r\n", "\\n"][..]),
    ) {
        parse_everything(&format!("-----BEGIN {begin}-----{glue}{body}{glue}-----END {end}-----{glue}"));
        parse_everything(&format!("-----BEGIN {begin}-----{glue}{body}"));
    }

    #[test]
    fn wrapped_base64_never_panics(
        label in proptest::sample::select(LABELS),
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        parse_everything(&encode_pem(label, &bytes));
        parse_everything(&STANDARD.encode(&bytes));
    }

    #[test]
    fn mutated_real_material_never_panics(
        which in 0usize..6,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let corpus = mutation_corpus();
        let mut der = corpus[which].clone();
        for (index, byte) in &edits {
            let at = index.index(der.len());
            der[at] = *byte;
        }
        let against = Certificate::from_der(&corpus[0]).unwrap();
        parse_der_everything(&der, &against);
        parse_der_everything(&der[..cut.index(der.len())], &against);
        for label in LABELS {
            parse_everything(&encode_pem(label, &der));
        }
    }

    #[test]
    fn service_account_shaped_json_never_panics(
        fields in proptest::collection::btree_map(
            proptest::sample::select(&["type", "project_id", "private_key", "client_email", "x"][..]),
            prop_oneof![
                any::<String>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                Just(serde_json::Value::Null),
                Just(serde_json::Value::from("service_account")),
                Just(serde_json::Value::from(TELNYX_PRIVATE_KEY)),
            ],
            0..5,
        ),
    ) {
        let value = serde_json::Value::Object(
            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        );
        for policy in [ALLOW, REQUIRE] {
            let _ = ServiceAccount::from_value(&value, policy);
            let _ = ServiceAccount::from_base64(&STANDARD.encode(value.to_string()), policy);
        }
    }
}
