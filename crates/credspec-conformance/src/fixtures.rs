//! Credential material generated at run time for `{{fixture:NAME}}` templates.
//!
//! No key or certificate is committed: every run makes fresh ECDSA P-256 keys with rcgen
//! (ring) and self-signed certificates carrying Apple's APNs environment extensions. The
//! validity windows are fixed calendar dates (2000–2099, and 2000–2001 for the expired pair),
//! so the fixtures behave the same under any clock a target may run, real or injected.

use std::collections::BTreeMap;

use base64::Engine as _;
use credspec_core::material::{
    ApnsEnvironment, Certificate, FcmServerKey, GcmApiKey, KeyMatch, MaterialPolicy, PrivateKey,
    ServiceAccount, key_matches,
};
use credspec_core::secret::looks_secret;
use rcgen::{CertificateParams, CustomExtension, DnType, KeyPair, PKCS_ECDSA_P256_SHA256};
use time::OffsetDateTime;
use time::macros::datetime;

/// 1.2.840.113635.100.6.3.1: Apple development (sandbox) push.
const APNS_DEVELOPMENT: &[u64] = &[1, 2, 840, 113_635, 100, 6, 3, 1];
/// 1.2.840.113635.100.6.3.2: Apple production push.
const APNS_PRODUCTION: &[u64] = &[1, 2, 840, 113_635, 100, 6, 3, 2];

/// Every fixture name a case may use.
pub const NAMES: [&str; 15] = [
    "apns-dev-cert",
    "apns-dev-key",
    "apns-prod-cert",
    "apns-prod-key",
    "apns-universal-cert",
    "apns-universal-key",
    "apns-expired-cert",
    "apns-expired-key",
    "other-key",
    "fcm-service-account",
    "fcm-service-account-base64",
    "fcm-service-account-key",
    "fcm-server-key",
    "gcm-api-key",
    "not-pem",
];

/// Why fixtures could not be made.
#[derive(Debug, thiserror::Error)]
#[error("generating fixture material: {0}")]
pub struct FixtureError(#[from] rcgen::Error);

/// The generated material, by fixture name.
#[derive(Clone)]
pub struct Fixtures {
    values: BTreeMap<&'static str, String>,
}

impl std::fmt::Debug for Fixtures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Material is secret: list the names only.
        f.debug_struct("Fixtures")
            .field("names", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn certificate(
    extensions: &[&[u64]],
    expired: bool,
    key: &KeyPair,
) -> Result<String, rcgen::Error> {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        DnType::CommonName,
        "Apple Push Services: com.example.credspec",
    );
    if expired {
        params.not_before = datetime!(2000-01-01 0:00 UTC);
        params.not_after = datetime!(2001-01-01 0:00 UTC);
    } else {
        params.not_before = datetime!(2000-01-01 0:00 UTC);
        params.not_after = datetime!(2099-12-31 0:00 UTC);
    }
    for oid in extensions {
        // The environment extensions carry ASN.1 NULL.
        params
            .custom_extensions
            .push(CustomExtension::from_oid_content(oid, vec![0x05, 0x00]));
    }
    Ok(params.self_signed(key)?.pem())
}

impl Fixtures {
    /// No material: for exchanges no case wrote, whose requests name no fixture.
    pub(crate) fn none() -> Self {
        Self {
            values: BTreeMap::new(),
        }
    }

    /// Makes a fresh set of fixtures.
    pub fn generate() -> Result<Self, FixtureError> {
        let mut values = BTreeMap::new();
        let pairs: [(&str, &[&[u64]], bool); 4] = [
            ("apns-dev", &[APNS_DEVELOPMENT], false),
            ("apns-prod", &[APNS_PRODUCTION], false),
            (
                "apns-universal",
                &[APNS_DEVELOPMENT, APNS_PRODUCTION],
                false,
            ),
            ("apns-expired", &[APNS_DEVELOPMENT, APNS_PRODUCTION], true),
        ];
        for (name, extensions, expired) in pairs {
            let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
            let cert = certificate(extensions, expired, &key)?;
            values.insert(cert_name(name), cert);
            values.insert(key_name(name), key.serialize_pem());
        }
        values.insert(
            "other-key",
            KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?.serialize_pem(),
        );
        let sa_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?.serialize_pem();
        let service_account = serde_json::json!({
            "type": "service_account",
            "project_id": "credspec-conformance",
            "private_key_id": "0123456789abcdef0123456789abcdef01234567",
            "private_key": sa_key,
            "client_email": "fcm@credspec-conformance.iam.gserviceaccount.com",
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": "https://oauth2.googleapis.com/token"
        })
        .to_string();
        values.insert(
            "fcm-service-account-base64",
            base64::engine::general_purpose::STANDARD.encode(&service_account),
        );
        values.insert("fcm-service-account", service_account);
        values.insert("fcm-service-account-key", sa_key);
        values.insert(
            "fcm-server-key",
            format!("AAAAcredspec:APA91b{}", "cRedSpec-_09".repeat(12)),
        );
        values.insert(
            "gcm-api-key",
            format!("AIza{}", "SyCredspecConformance0123456789_-ab"),
        );
        values.insert("not-pem", String::from("this is not PEM material"));
        Ok(Self { values })
    }

    /// The material of one fixture.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Every fixture, for redaction: (name, value).
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.values.iter().map(|(k, v)| (*k, v.as_str()))
    }
}

/// Where material sits, for [`fixture_for`].
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    /// Now, for whether a certificate has expired.
    pub now: OffsetDateTime,
    /// The certificate of the same body, when one parsed: a key is judged against it.
    pub certificate: Option<&'a Certificate>,
    /// Inside a service-account object (Telnyx's `project_account_json_file`).
    pub service_account: bool,
}

/// The fixture that behaves as `text` does, material held in a member called `name`, judged
/// by core's parsers: an APNs certificate of the same environment (the expired one when it
/// has expired), the key paired with the certificate it matches (`other-key` when it matches
/// none), an FCM service account (as JSON or base64), server key or GCM key, and `not-pem`
/// for a certificate or key member that is no PEM and not shaped like another secret. `None`
/// when it is none of them. What `credspec proxy --record` writes in place of material.
pub fn fixture_for(name: &str, text: &str, setting: Setting<'_>) -> Option<&'static str> {
    let real = MaterialPolicy::RequireReal;
    if let Ok(certificate) = Certificate::from_pem(text) {
        return pair_of(&certificate, setting.now).map(cert_name);
    }
    if let Ok(key) = PrivateKey::from_pem(text) {
        if setting.service_account {
            return Some("fcm-service-account-key");
        }
        return match setting.certificate {
            Some(certificate) => match key_matches(certificate, &key) {
                KeyMatch::Matches => pair_of(certificate, setting.now).map(key_name),
                KeyMatch::Mismatch => Some("other-key"),
                KeyMatch::Undetermined(_) => None,
            },
            None => Some("other-key"),
        };
    }
    if ServiceAccount::parse_json(text, real).is_ok() {
        return Some("fcm-service-account");
    }
    if ServiceAccount::from_base64(text, real).is_ok() {
        return Some("fcm-service-account-base64");
    }
    // A Google API key (`AIza...`) first: an FCM server key may take that form too.
    if GcmApiKey::parse(text, real).is_ok_and(|m| m.is_real()) {
        return Some("gcm-api-key");
    }
    if FcmServerKey::parse(text, real).is_ok_and(|m| m.is_real()) {
        return Some("fcm-server-key");
    }
    let name = name.to_ascii_lowercase().replace(['_', '-'], "");
    // Material that is not PEM behaves as the not-PEM fixture does, unless it is shaped like
    // a secret of another kind (a half-pasted key).
    ((name.contains("certificate") || name.contains("privatekey")) && !looks_secret(text))
        .then_some("not-pem")
}

/// The pair (`apns-dev`, ...) whose certificate is of `certificate`'s kind: the expired one,
/// or the one of its APNs environment.
fn pair_of(certificate: &Certificate, now: OffsetDateTime) -> Option<&'static str> {
    if certificate.is_expired_at(now) {
        return Some("apns-expired");
    }
    match certificate.apns_environment()? {
        ApnsEnvironment::Development => Some("apns-dev"),
        ApnsEnvironment::Production => Some("apns-prod"),
        ApnsEnvironment::Both => Some("apns-universal"),
        _ => None,
    }
}

fn cert_name(prefix: &str) -> &'static str {
    match prefix {
        "apns-dev" => "apns-dev-cert",
        "apns-prod" => "apns-prod-cert",
        "apns-universal" => "apns-universal-cert",
        _ => "apns-expired-cert",
    }
}

fn key_name(prefix: &str) -> &'static str {
    match prefix {
        "apns-dev" => "apns-dev-key",
        "apns-prod" => "apns-prod-key",
        "apns-universal" => "apns-universal-key",
        _ => "apns-expired-key",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_fixture_exists_and_is_what_its_name_says() {
        let f = Fixtures::generate().unwrap();
        for name in NAMES {
            assert!(f.get(name).is_some(), "{name}");
        }
        let env = |n: &str| {
            Certificate::from_pem(f.get(n).unwrap())
                .unwrap()
                .apns_environment()
        };
        assert_eq!(env("apns-dev-cert"), Some(ApnsEnvironment::Development));
        assert_eq!(env("apns-prod-cert"), Some(ApnsEnvironment::Production));
        assert_eq!(env("apns-universal-cert"), Some(ApnsEnvironment::Both));
        let now = datetime!(2026-11-23 0:00 UTC);
        let expired = Certificate::from_pem(f.get("apns-expired-cert").unwrap()).unwrap();
        assert!(expired.is_expired_at(now));
        for pair in ["apns-dev", "apns-prod", "apns-universal", "apns-expired"] {
            let cert = Certificate::from_pem(f.get(cert_name(pair)).unwrap()).unwrap();
            assert!(!cert.is_expired_at(datetime!(2000-06-01 0:00 UTC)));
            let key = PrivateKey::from_pem(f.get(key_name(pair)).unwrap()).unwrap();
            let other = PrivateKey::from_pem(f.get("other-key").unwrap()).unwrap();
            assert_eq!(key_matches(&cert, &key), KeyMatch::Matches, "{pair}");
            assert_eq!(key_matches(&cert, &other), KeyMatch::Mismatch, "{pair}");
        }
        let allow = MaterialPolicy::RequireReal;
        assert!(ServiceAccount::parse_json(f.get("fcm-service-account").unwrap(), allow).is_ok());
        assert!(
            ServiceAccount::from_base64(f.get("fcm-service-account-base64").unwrap(), allow)
                .is_ok()
        );
        assert!(FcmServerKey::parse(f.get("fcm-server-key").unwrap(), allow).is_ok());
        assert!(GcmApiKey::parse(f.get("gcm-api-key").unwrap(), allow).is_ok());
        assert!(Certificate::from_pem(f.get("not-pem").unwrap()).is_err());
    }

    #[test]
    fn each_fixture_stands_for_itself() {
        let f = Fixtures::generate().unwrap();
        let now = datetime!(2026-12-04 0:00 UTC);
        let alone = Setting {
            now,
            certificate: None,
            service_account: false,
        };
        let mut judged = 0;
        for name in NAMES {
            let text = f.get(name).unwrap();
            let (member, setting) = match name {
                "other-key" => ("private_key", alone),
                "fcm-service-account-key" => (
                    "private_key",
                    Setting {
                        service_account: true,
                        ..alone
                    },
                ),
                _ if name.ends_with("-key") && name.starts_with("apns-") => ("private_key", alone),
                "not-pem" => ("certificate", alone),
                _ => ("secret", alone),
            };
            let pair = name
                .strip_suffix("-key")
                .filter(|_| name.starts_with("apns-"));
            let certificate =
                pair.map(|p| Certificate::from_pem(f.get(cert_name(p)).unwrap()).unwrap());
            let setting = Setting {
                certificate: certificate.as_ref(),
                ..setting
            };
            assert_eq!(fixture_for(member, text, setting), Some(name), "{name}");
            judged += 1;
        }
        assert_eq!(judged, NAMES.len());
        // A key beside a certificate it does not match, and text that is no material.
        let dev = Certificate::from_pem(f.get("apns-dev-cert").unwrap()).unwrap();
        let beside_dev = Setting {
            certificate: Some(&dev),
            ..alone
        };
        assert_eq!(
            fixture_for("private_key", f.get("apns-prod-key").unwrap(), beside_dev),
            Some("other-key")
        );
        assert_eq!(fixture_for("sip_password", "hunter2-secret", alone), None);
        assert_eq!(
            fixture_for("certificate", "-----BEGIN CERTIFICATE----- MIIF...", alone),
            None
        );
    }

    #[test]
    fn debug_lists_names_only() {
        let f = Fixtures::generate().unwrap();
        let shown = format!("{f:?}");
        assert!(shown.contains("apns-dev-key") && !shown.contains("BEGIN"));
    }
}
