//! [`Certificate`]: an X.509 certificate read with `x509-parser`, with its validity window and
//! its APNs environment.

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use super::private_key::{PublicKeyInfo, public_key_from_spki};
use super::{Material, MaterialError, MaterialKind, MaterialPolicy, pem};

/// PEM labels accepted for a certificate. `X509 CERTIFICATE` is the pre-RFC 7468 spelling
/// some old tools still write.
const CERTIFICATE_LABELS: [&str; 2] = ["CERTIFICATE", "X509 CERTIFICATE"];

/// Apple's certificate extension OIDs for Apple Push Notification service certificates,
/// DER-encoded (arc 1.2.840.113635.100.6.3).
///
/// Sources: Apple's WWDR Certification Practice Statement
/// (<http://www.apple.com/certificateauthority/Apple_WWDR_CPS>), and the same values used by
/// APNs client libraries to tell the environments apart: libcapn's
/// `APN_CERT_EXTENSION_SANDBOX`/`APN_CERT_EXTENSION_PRODUCTION`, SwiftyAPNS'
/// `CustomExtensions`, and Pushy's `TopicUtil`, which reads the topics of "universal"
/// certificates from 1.2.840.113635.100.6.3.6.
mod apple_oid {
    /// 1.2.840.113635.100.6.3.1: APNs development (sandbox).
    pub(super) const APNS_DEVELOPMENT: &[u8] =
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x63, 0x64, 0x06, 0x03, 0x01];
    /// 1.2.840.113635.100.6.3.2: APNs production.
    pub(super) const APNS_PRODUCTION: &[u8] =
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x63, 0x64, 0x06, 0x03, 0x02];
    /// 1.2.840.113635.100.6.3.6: the topics of a "universal" (Apple Push Services)
    /// certificate, issued for both environments.
    pub(super) const APNS_TOPICS: &[u8] =
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x63, 0x64, 0x06, 0x03, 0x06];
}

/// Which APNs environment(s) a certificate may connect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ApnsEnvironment {
    /// Sandbox only (`Apple Development IOS Push Services`): extension
    /// 1.2.840.113635.100.6.3.1.
    Development,
    /// Production only (`Apple Production IOS Push Services`): extension
    /// 1.2.840.113635.100.6.3.2.
    Production,
    /// Both (`Apple Push Services`, the "universal" certificate): both extensions, or the
    /// topics extension 1.2.840.113635.100.6.3.6.
    Both,
}

impl ApnsEnvironment {
    /// True if the certificate may connect to the APNs sandbox.
    pub fn allows_sandbox(self) -> bool {
        matches!(self, Self::Development | Self::Both)
    }

    /// True if the certificate may connect to APNs production.
    pub fn allows_production(self) -> bool {
        matches!(self, Self::Production | Self::Both)
    }

    /// Reads the environment from which Apple extensions are present.
    ///
    /// One environment extension alone decides; both decide `Both`; the topics extension
    /// alone (no environment extension) also means `Both`, since Apple issues it only on
    /// universal certificates.
    fn from_extensions(development: bool, production: bool, topics: bool) -> Option<Self> {
        match (development, production, topics) {
            (true, true, _) | (false, false, true) => Some(Self::Both),
            (true, false, _) => Some(Self::Development),
            (false, true, _) => Some(Self::Production),
            (false, false, false) => None,
        }
    }
}

/// Where an instant falls relative to a certificate's validity window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::exhaustive_enums)] // Before, inside, after: there is no fourth place.
pub enum Validity {
    /// Before `notBefore`.
    NotYetValid,
    /// Within `[notBefore, notAfter]`, both ends included (RFC 5280, 4.1.2.5).
    Valid,
    /// After `notAfter`.
    Expired,
}

/// A parsed X.509 certificate.
///
/// Keeps its DER so it can be re-encoded ([`Certificate::der`], [`Certificate::to_pem`]).
/// Certificates are public, but `Debug` prints a summary (subject, validity, APNs
/// environment) rather than the whole DER.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    subject: String,
    subject_common_name: Option<String>,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    apns_environment: Option<ApnsEnvironment>,
    public_key: Option<PublicKeyInfo>,
}

impl Certificate {
    /// Parses a PEM certificate (any form [`PemBlock`](super::PemBlock) reads), classifying
    /// truncated documentation examples as placeholders according to `policy`.
    pub fn parse(input: &str, policy: MaterialPolicy) -> Result<Material<Self>, MaterialError> {
        policy.classify(MaterialKind::Certificate, input, Self::parse_real(input))
    }

    /// Parses a PEM certificate; placeholders are an error.
    pub fn from_pem(input: &str) -> Result<Self, MaterialError> {
        Self::parse(input, MaterialPolicy::RequireReal)?.require_real()
    }

    fn parse_real(input: &str) -> Result<Self, MaterialError> {
        let located = pem::locate(input)?;
        if !CERTIFICATE_LABELS.contains(&located.label) {
            return Err(MaterialError::UnexpectedLabel {
                expected: MaterialKind::Certificate,
                found: located.label.to_owned(),
            });
        }
        let der = located.decode()?;
        Self::from_der_labelled(der.expose(), located.label)
    }

    /// Parses a DER certificate. The whole input must be one certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, MaterialError> {
        Self::from_der_labelled(der, "CERTIFICATE")
    }

    fn from_der_labelled(der: &[u8], label: &str) -> Result<Self, MaterialError> {
        let invalid = |reason| MaterialError::InvalidDer {
            label: label.to_owned(),
            reason,
        };
        let (rest, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|_| invalid("not an x509 certificate"))?;
        if !rest.is_empty() {
            return Err(invalid("trailing bytes after the certificate"));
        }
        let (mut development, mut production, mut topics) = (false, false, false);
        for extension in cert.extensions() {
            match extension.oid.as_bytes() {
                apple_oid::APNS_DEVELOPMENT => development = true,
                apple_oid::APNS_PRODUCTION => production = true,
                apple_oid::APNS_TOPICS => topics = true,
                _ => {}
            }
        }
        let subject_common_name = cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(str::to_owned);
        Ok(Self {
            subject: cert.subject().to_string(),
            subject_common_name,
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            apns_environment: ApnsEnvironment::from_extensions(development, production, topics),
            public_key: public_key_from_spki(cert.public_key()),
            der: der.to_vec(),
        })
    }

    /// The certificate's DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate as a normal multi-line PEM block.
    pub fn to_pem(&self) -> String {
        pem::encode_pem("CERTIFICATE", &self.der)
    }

    /// The subject distinguished name, RFC 4514 style (`CN=..., O=...`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The first common name (CN) of the subject, if it has one that is a string.
    pub fn subject_common_name(&self) -> Option<&str> {
        self.subject_common_name.as_deref()
    }

    /// Start of the validity window (`notBefore`).
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// End of the validity window (`notAfter`), itself still valid.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// Where `instant` falls relative to the validity window. The caller supplies the
    /// instant (from its clock); core never reads the system time.
    pub fn validity_at(&self, instant: OffsetDateTime) -> Validity {
        if instant < self.not_before {
            Validity::NotYetValid
        } else if instant > self.not_after {
            Validity::Expired
        } else {
            Validity::Valid
        }
    }

    /// True if `instant` is after `notAfter`.
    pub fn is_expired_at(&self, instant: OffsetDateTime) -> bool {
        self.validity_at(instant) == Validity::Expired
    }

    /// The APNs environment(s) from Apple's extensions; `None` for a certificate that is
    /// not an APNs certificate.
    pub fn apns_environment(&self) -> Option<ApnsEnvironment> {
        self.apns_environment
    }

    /// The public key, in the form [`key_matches`](super::key_matches) compares; `None` if
    /// its algorithm is not one this crate reads.
    pub(crate) fn public_key(&self) -> Option<&PublicKeyInfo> {
        self.public_key.as_ref()
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("apns_environment", &self.apns_environment)
            .finish_non_exhaustive()
    }
}

impl FromStr for Certificate {
    type Err = MaterialError;

    /// Same as [`Certificate::from_pem`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_pem(s)
    }
}

impl TryFrom<&str> for Certificate {
    type Error = MaterialError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::from_pem(value)
    }
}
