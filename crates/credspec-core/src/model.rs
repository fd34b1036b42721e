//! The vendor-neutral model: one push credential or SIP credential, whatever API it came
//! from, so that later layers can translate it into every vendor's request.
//!
//! | neutral material | Telnyx push | Twilio Notify / Chat | Twilio Comms |
//! |---|---|---|---|
//! | APNs certificate + key, sandbox | `ios` | `apn`, `Sandbox=true` | `APN_SANDBOX` |
//! | APNs certificate + key, production | `ios` | `apn`, `Sandbox=false` | `APN` |
//! | FCM service account | `android` | `fcm` (`Secret` = the JSON) | `FCM` |
//! | FCM legacy server key | – | `fcm` (`Secret`) | – |
//! | GCM API key | – | `gcm` (`ApiKey`) | – |

use crate::id::ConnectionId;
use crate::material::{Certificate, FcmServerKey, GcmApiKey, Material, PrivateKey, ServiceAccount};
use crate::timestamp::Timestamp;
use crate::value::{CredentialName, Tag};

/// Which APNs gateway a credential is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApnsTarget {
    /// The sandbox (development) gateway.
    Sandbox,
    /// The production gateway.
    Production,
}

/// An APNs certificate credential.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApnsCredential {
    /// The certificate.
    pub certificate: Material<Certificate>,
    /// Its private key.
    pub private_key: Material<PrivateKey>,
    /// The gateway it is meant for, where the API says (Telnyx does not).
    pub target: Option<ApnsTarget>,
}

impl ApnsCredential {
    /// An APNs credential.
    pub fn new(
        certificate: Material<Certificate>,
        private_key: Material<PrivateKey>,
        target: Option<ApnsTarget>,
    ) -> Self {
        Self {
            certificate,
            private_key,
            target,
        }
    }
}

/// FCM material: a service account (HTTP v1 API) or a legacy server key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FcmMaterial {
    /// A service-account JSON document.
    ServiceAccount(Material<ServiceAccount>),
    /// A legacy server key.
    ServerKey(Material<FcmServerKey>),
}

/// The material of a push credential.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushMaterial {
    /// Apple Push Notification service.
    Apns(ApnsCredential),
    /// Firebase Cloud Messaging.
    Fcm(FcmMaterial),
    /// Google Cloud Messaging (an API key).
    Gcm(Material<GcmApiKey>),
}

/// A push credential, independent of any vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushCredential {
    /// A name for people: Twilio's friendly name, Telnyx's alias, Comms' App name.
    pub label: Option<String>,
    /// The material.
    pub material: PushMaterial,
}

impl PushCredential {
    /// A push credential.
    pub fn new(label: Option<String>, material: PushMaterial) -> Self {
        Self { label, material }
    }
}

/// A SIP (telephony) credential, independent of any vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SipCredential {
    /// The connection it authenticates calls on.
    pub connection_id: ConnectionId,
    /// Its name.
    pub name: Option<CredentialName>,
    /// Its tag.
    pub tag: Option<Tag>,
    /// When it expires.
    pub expires_at: Option<Timestamp>,
}

impl SipCredential {
    /// A SIP credential on a connection.
    pub fn new(connection_id: ConnectionId) -> Self {
        Self {
            connection_id,
            name: None,
            tag: None,
            expires_at: None,
        }
    }
}
