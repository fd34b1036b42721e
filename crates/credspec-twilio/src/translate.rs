//! Cross-vendor translation: a vendor-neutral push credential from credspec-core's
//! [`model`](credspec_core::model) → the Twilio create requests that hold it.
//!
//! | neutral material | Notify v1 / Chat v2 | Comms v1 |
//! |---|---|---|
//! | APNs certificate + key, sandbox | `apn`, `Sandbox=true` | `APN_SANDBOX` |
//! | APNs certificate + key, production | `apn`, `Sandbox=false` | `APN` |
//! | APNs, environment unknown (from Telnyx) | `apn`, no `Sandbox` (production) | `APN` |
//! | FCM service account | `fcm`, `Secret` = the JSON | `FCM`, `privateKey` = base64 of the JSON |
//! | FCM legacy server key | `fcm`, `Secret` = the key | – ([`TranslateError::FcmServerKey`]) |
//! | GCM API key | `gcm`, `ApiKey` | – ([`TranslateError::Gcm`]) |
//!
//! The label becomes `FriendlyName` (optional) or `appName` (required: Comms refuses a
//! credential without one, [`TranslateError::MissingAppName`]). Real material is re-encoded
//! (`Certificate::to_pem`, `PrivateKey::to_pem`); placeholders keep their text.
//!
//! One APNs certificate into every vendor's create request (the README shows these lines):
//!
//! ```
//! use credspec_core::material::{Certificate, MaterialPolicy::AllowPlaceholders as P, PrivateKey};
//! use credspec_core::model::{ApnsCredential, ApnsTarget, PushCredential, PushMaterial};
//! let cert = Certificate::parse("-----BEGIN CERTIFICATE----- MIIGVDCC... -----END CERTIFICATE-----", P)?;
//! let key = PrivateKey::parse("-----BEGIN RSA PRIVATE KEY----- MIIEpQIB... -----END RSA PRIVATE KEY-----", P)?;
//! let apns = ApnsCredential::new(cert, key, Some(ApnsTarget::Sandbox));
//! let cred = PushCredential::new(Some("my_app".into()), PushMaterial::Apns(apns));
//! let telnyx = credspec_telnyx::translate::push_create_request(&cred)?.encode(); // type ios
//! let twilio = credspec_twilio::translate::classic_create_request(&cred)?.encode(); // Notify, Chat: apn, Sandbox=true
//! let comms = credspec_twilio::translate::comms_create_request(&cred)?.encode(); // APN_SANDBOX, appName my_app
//! # assert!(String::from_utf8(telnyx)?.contains(r#""type":"ios""#));
//! # assert!(String::from_utf8(twilio)?.contains("Sandbox=true"));
//! # assert!(String::from_utf8(comms)?.contains("APN_SANDBOX"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::Engine as _;
use credspec_core::material::{Certificate, Material, PrivateKey, ServiceAccount};
use credspec_core::model::{ApnsTarget, FcmMaterial, PushCredential, PushMaterial};
use credspec_core::secret::Secret;
use credspec_core::value::CommsCredentialType;
use serde_json::{Map, Value};

use crate::classic::CreateCredentialRequest;
use crate::comms::{CreatePushCredentialRequest, PushContent};

/// A credential that a Twilio API cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TranslateError {
    /// Comms has no GCM type.
    #[error("twilio/comms-v1: GCM API keys cannot be stored as Comms credentials")]
    Gcm,
    /// Comms FCM credentials need a service account.
    #[error(
        "twilio/comms-v1: an FCM legacy server key cannot be stored as a Comms FCM credential: Comms needs a service account"
    )]
    FcmServerKey,
    /// Comms requires an App; the credential has no label.
    #[error("twilio/comms-v1: the credential has no label to use as the required appName")]
    MissingAppName,
    /// A kind of material this codec does not know (added to core after it).
    #[error("twilio: this kind of push material has no Twilio counterpart")]
    Unsupported,
}

fn certificate_text(material: &Material<Certificate>) -> String {
    match material {
        Material::Real(certificate) => certificate.to_pem(),
        Material::Placeholder(placeholder) => placeholder.raw().expose().clone(),
    }
}

fn key_text(material: &Material<PrivateKey>) -> String {
    match material {
        Material::Real(key) => key.to_pem().into_exposed(),
        Material::Placeholder(placeholder) => placeholder.raw().expose().clone(),
    }
}

/// The service account as JSON text. Core keeps only the members FCM needs (`type`,
/// `project_id`, `private_key`, `client_email`), so those are what a real account
/// re-encodes to; a placeholder keeps its text.
fn service_account_json(material: &Material<ServiceAccount>) -> Secret<String> {
    match material {
        Material::Real(account) => {
            let mut object = Map::new();
            object.insert(String::from("type"), Value::from("service_account"));
            object.insert(
                String::from("project_id"),
                Value::from(account.project_id()),
            );
            object.insert(
                String::from("private_key"),
                Value::from(account.private_key().to_pem().into_exposed()),
            );
            object.insert(
                String::from("client_email"),
                Value::from(account.client_email()),
            );
            Secret::new(Value::Object(object).to_string())
        }
        Material::Placeholder(placeholder) => placeholder.raw().clone(),
    }
}

/// The Notify v1 / Chat v2 create request that holds `credential` (both APIs take the same
/// body); its label becomes the `FriendlyName`. Every neutral push credential fits.
pub fn classic_create_request(
    credential: &PushCredential,
) -> Result<CreateCredentialRequest, TranslateError> {
    let request = match &credential.material {
        PushMaterial::Apns(apns) => CreateCredentialRequest::apn(
            certificate_text(&apns.certificate),
            key_text(&apns.private_key),
            apns.target.map(|t| t == ApnsTarget::Sandbox),
        ),
        PushMaterial::Fcm(FcmMaterial::ServiceAccount(account)) => {
            CreateCredentialRequest::fcm(service_account_json(account).into_exposed())
        }
        PushMaterial::Fcm(FcmMaterial::ServerKey(key)) => CreateCredentialRequest::fcm(match key {
            Material::Real(key) => key.value().expose().clone(),
            Material::Placeholder(placeholder) => placeholder.raw().expose().clone(),
        }),
        PushMaterial::Gcm(key) => CreateCredentialRequest::gcm(match key {
            Material::Real(key) => key.value().expose().clone(),
            Material::Placeholder(placeholder) => placeholder.raw().expose().clone(),
        }),
        // Material kinds added to core later have no Twilio mapping yet.
        _ => return Err(TranslateError::Unsupported),
    };
    Ok(match &credential.label {
        Some(label) => request.with_friendly_name(label.clone()),
        None => request,
    })
}

/// The Comms create request that holds `credential`; its label becomes the `appName`.
/// An APNs credential without a known environment becomes `APN` (production).
pub fn comms_create_request(
    credential: &PushCredential,
) -> Result<CreatePushCredentialRequest, TranslateError> {
    let (credential_type, content) = match &credential.material {
        PushMaterial::Apns(apns) => {
            let t = if apns.target == Some(ApnsTarget::Sandbox) {
                CommsCredentialType::ApnSandbox
            } else {
                CommsCredentialType::Apn
            };
            let content = PushContent::apns(
                certificate_text(&apns.certificate),
                key_text(&apns.private_key),
            );
            (t, content)
        }
        PushMaterial::Fcm(FcmMaterial::ServiceAccount(account)) => {
            let json = service_account_json(account);
            let encoded = base64::engine::general_purpose::STANDARD.encode(json.expose_str());
            (CommsCredentialType::Fcm, PushContent::fcm(encoded))
        }
        PushMaterial::Fcm(FcmMaterial::ServerKey(_)) => return Err(TranslateError::FcmServerKey),
        PushMaterial::Gcm(_) => return Err(TranslateError::Gcm),
        _ => return Err(TranslateError::Unsupported),
    };
    let app_name = credential
        .label
        .clone()
        .ok_or(TranslateError::MissingAppName)?;
    Ok(CreatePushCredentialRequest::new(
        &credential_type,
        app_name,
        content,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::material::MaterialPolicy;
    use credspec_core::rules::{
        MaterialContext, Profile, check_classic_create, check_comms_create,
    };

    fn ctx() -> MaterialContext {
        MaterialContext::new(
            MaterialPolicy::AllowPlaceholders,
            credspec_core::time::macros::datetime!(2026-01-01 0:00 UTC),
        )
    }

    fn classic(body: &[u8]) -> PushCredential {
        let request = CreateCredentialRequest::decode(body).unwrap();
        Profile::Strict
            .judge(check_classic_create(&request.to_params(), &ctx()))
            .unwrap()
            .value
            .credential
            .unwrap()
    }

    #[test]
    fn a_sandbox_apns_credential_translates_to_both_apis_and_passes_core() {
        let body = b"Type=apn&FriendlyName=my_app&Certificate=-----BEGIN+CERTIFICATE-----MIIFnTCC...-----END+CERTIFICATE-----&PrivateKey=-----BEGIN+RSA+PRIVATE+KEY-----MIIEpQIB...-----END+RSA+PRIVATE+KEY-----&Sandbox=true";
        let credential = classic(body);
        let back = classic_create_request(&credential).unwrap();
        assert_eq!(back.encode(), body);
        let comms = comms_create_request(&credential).unwrap();
        assert_eq!(
            comms.credential_type(),
            Some(CommsCredentialType::ApnSandbox)
        );
        let checked = Profile::Strict
            .judge(check_comms_create(&comms.to_params(), &ctx()))
            .unwrap()
            .value;
        assert_eq!(checked.credential.unwrap().material, credential.material);
    }

    #[test]
    fn what_comms_cannot_hold_is_a_typed_error() {
        let gcm = classic(b"Type=gcm&ApiKey=AIzaSyA1234567890abcdefghijklmnopqrstuv");
        assert_eq!(comms_create_request(&gcm), Err(TranslateError::Gcm));
        assert_eq!(
            classic_create_request(&gcm).unwrap().encode(),
            b"Type=gcm&ApiKey=AIzaSyA1234567890abcdefghijklmnopqrstuv"
        );
        let body = format!("Type=fcm&Secret=AAAA1234:APA91b{}", "x".repeat(120));
        let server_key = classic(body.as_bytes());
        let err = comms_create_request(&server_key).unwrap_err();
        assert_eq!(err, TranslateError::FcmServerKey);
        assert!(err.to_string().contains("Comms needs a service account"));
        let unnamed = classic(b"Type=apn&Certificate=-----BEGIN+CERTIFICATE-----MIIF...-----END+CERTIFICATE-----&PrivateKey=-----BEGIN+RSA+PRIVATE+KEY-----MIIE...-----END+RSA+PRIVATE+KEY-----");
        assert_eq!(
            comms_create_request(&unnamed),
            Err(TranslateError::MissingAppName)
        );
    }
}
