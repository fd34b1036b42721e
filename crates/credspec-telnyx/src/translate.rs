//! Cross-vendor translation: a vendor-neutral credential from credspec-core's
//! [`model`](credspec_core::model) → the Telnyx create request that holds it.
//!
//! | neutral material | Telnyx |
//! |---|---|
//! | APNs certificate + key (sandbox or production) | push `ios` (Telnyx has no environment flag) |
//! | FCM service account | push `android`, `project_account_json_file` = the JSON object |
//! | FCM legacy server key | – ([`TranslateError::FcmServerKey`]) |
//! | GCM API key | – ([`TranslateError::Gcm`]) |
//! | SIP credential | telephony create |
//!
//! Real material is re-encoded (`Certificate::to_pem`, `PrivateKey::to_pem`); placeholders
//! keep their text ([`Placeholder::raw`](credspec_core::material::Placeholder::raw)).

use credspec_core::material::{Certificate, Material, PrivateKey, ServiceAccount};
use credspec_core::model::{FcmMaterial, PushCredential, PushMaterial, SipCredential};
use credspec_core::secret::Secret;
use credspec_core::timestamp::TimestampForm;
use serde_json::{Map, Value};

use crate::mobile_push_credentials::{
    AndroidPushCredentialRequest, CreatePushCredentialRequest, IosPushCredentialRequest,
};
use crate::telephony_credentials::CreateTelephonyCredentialRequest;

/// A credential that Telnyx's mobile push credentials API cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TranslateError {
    /// GCM API keys have no Telnyx counterpart.
    #[error("telnyx/mobile-push-credentials: GCM API keys cannot be stored at Telnyx")]
    Gcm,
    /// Telnyx `android` credentials need a service account.
    #[error(
        "telnyx/mobile-push-credentials: an FCM legacy server key cannot be stored at Telnyx: android credentials need a service account"
    )]
    FcmServerKey,
    /// Telnyx requires an alias; the credential has no label.
    #[error(
        "telnyx/mobile-push-credentials: the credential has no label to use as the required alias"
    )]
    MissingAlias,
    /// A kind of material this codec does not know (added to core after it).
    #[error("telnyx/mobile-push-credentials: this kind of push material has no Telnyx counterpart")]
    Unsupported,
    /// A placeholder service account whose text is not a JSON object.
    #[error(
        "telnyx/mobile-push-credentials: the placeholder service account is not a JSON object, which project_account_json_file must be"
    )]
    ServiceAccountNotAnObject,
}

fn certificate_text(material: &Material<Certificate>) -> String {
    match material {
        Material::Real(certificate) => certificate.to_pem(),
        Material::Placeholder(placeholder) => placeholder.raw().expose().clone(),
    }
}

fn key_text(material: &Material<PrivateKey>) -> Secret<String> {
    match material {
        Material::Real(key) => key.to_pem(),
        Material::Placeholder(placeholder) => placeholder.raw().clone(),
    }
}

/// The service account as a JSON object. Core keeps only the members FCM needs
/// (`type`, `project_id`, `private_key`, `client_email`), so those are what a real account
/// re-encodes to.
fn service_account_object(
    material: &Material<ServiceAccount>,
) -> Result<Map<String, Value>, TranslateError> {
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
            Ok(object)
        }
        Material::Placeholder(placeholder) => {
            match serde_json::from_str::<Value>(placeholder.raw().expose_str()) {
                Ok(Value::Object(object)) => Ok(object),
                _ => Err(TranslateError::ServiceAccountNotAnObject),
            }
        }
    }
}

/// The Telnyx push create request that holds `credential`; its label becomes the alias.
pub fn push_create_request(
    credential: &PushCredential,
) -> Result<CreatePushCredentialRequest, TranslateError> {
    let alias = || credential.label.clone().ok_or(TranslateError::MissingAlias);
    match &credential.material {
        PushMaterial::Apns(apns) => Ok(IosPushCredentialRequest::new(
            certificate_text(&apns.certificate),
            key_text(&apns.private_key),
            alias()?,
        )
        .into()),
        PushMaterial::Fcm(FcmMaterial::ServiceAccount(account)) => {
            let object = service_account_object(account)?;
            Ok(AndroidPushCredentialRequest::new(object, alias()?).into())
        }
        PushMaterial::Fcm(FcmMaterial::ServerKey(_)) => Err(TranslateError::FcmServerKey),
        PushMaterial::Gcm(_) => Err(TranslateError::Gcm),
        // Material kinds added to core later have no Telnyx mapping yet.
        _ => Err(TranslateError::Unsupported),
    }
}

/// The Telnyx telephony create request for `credential` (`expires_at` as ISO-8601 with
/// milliseconds and `Z`, the documented request form).
pub fn telephony_create_request(credential: &SipCredential) -> CreateTelephonyCredentialRequest {
    let mut request = CreateTelephonyCredentialRequest::new(credential.connection_id.as_str());
    request.name = credential.name.as_ref().map(ToString::to_string);
    request.tag = credential.tag.as_ref().map(ToString::to_string);
    request.expires_at = credential
        .expires_at
        .map(|t| t.with_form(TimestampForm::ISO_MILLIS_Z).to_string());
    request
}
