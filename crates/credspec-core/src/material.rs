//! Credential material, parsed rather than matched by regex: PEM blocks, X.509 certificates
//! (validity, APNs environment), private keys (PKCS#1, PKCS#8, SEC1) and whether they belong
//! to a certificate, FCM service accounts, GCM API keys and FCM server keys.
//!
//! Vendor documentation is full of truncated examples (`MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs...`).
//! Those are not errors: every parser returns a [`Material`], either [`Material::Real`] or
//! [`Material::Placeholder`], and the caller decides with a [`MaterialPolicy`] whether
//! placeholders are acceptable (an emulator replaying documented examples) or not (a server
//! that will use the key).
//!
//! ```
//! use credspec_core::material::{Certificate, MaterialKind, MaterialPolicy};
//!
//! let documented = "-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----";
//! let material = Certificate::parse(documented, MaterialPolicy::AllowPlaceholders)?;
//! assert!(material.is_placeholder());
//! assert_eq!(material.placeholder().map(|p| p.kind()), Some(MaterialKind::Certificate));
//! assert!(Certificate::parse(documented, MaterialPolicy::RequireReal).is_err());
//! # Ok::<(), credspec_core::material::MaterialError>(())
//! ```
//!
//! Secrets (key bytes, service-account keys, server and API keys, placeholder text) live in
//! [`Secret`] and never appear in `Debug` output or error messages. Certificates are public;
//! their `Debug` is a summary (subject, validity, APNs environment), not the DER.

use std::fmt;

use crate::secret::Secret;

mod api_key;
mod certificate;
mod error;
mod pem;
mod private_key;
mod service_account;

#[cfg(test)]
mod tests;

pub use api_key::{FcmServerKey, GcmApiKey, ServerKeyForm};
pub use certificate::{ApnsEnvironment, Certificate, Validity};
pub use error::MaterialError;
pub use pem::{PemBlock, encode_pem};
pub use private_key::{KeyAlgorithm, KeyFormat, KeyMatch, PrivateKey, Undetermined, key_matches};
pub use service_account::ServiceAccount;

/// What a piece of material is (or what a placeholder stands for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum MaterialKind {
    /// An X.509 certificate (APNs).
    Certificate,
    /// A private key (APNs, inside an FCM service account).
    PrivateKey,
    /// An FCM service-account JSON document.
    ServiceAccount,
    /// An FCM legacy server key.
    ServerKey,
    /// A Google (GCM) API key.
    ApiKey,
}

impl fmt::Display for MaterialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Certificate => "certificate",
            Self::PrivateKey => "private key",
            Self::ServiceAccount => "service account",
            Self::ServerKey => "server key",
            Self::ApiKey => "api key",
        })
    }
}

/// A truncated documentation example standing in for real material.
///
/// Recognised when the text contains `...` or `…` and does not parse as the real thing.
/// The raw text is kept (as a [`Secret`], since a half-pasted real key looks the same) so an
/// emulator can echo it back exactly as the vendor does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    kind: MaterialKind,
    raw: Secret<String>,
}

impl Placeholder {
    pub(crate) fn new(kind: MaterialKind, raw: impl Into<String>) -> Self {
        Self {
            kind,
            raw: Secret::new(raw.into()),
        }
    }

    /// What the placeholder stands for.
    pub fn kind(&self) -> MaterialKind {
        self.kind
    }

    /// The placeholder's text, as received.
    pub fn raw(&self) -> &Secret<String> {
        &self.raw
    }
}

/// Parsed material: the real thing, or a documentation placeholder.
///
/// Deliberately exhaustive: there are exactly these two outcomes, and callers should match
/// both.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::exhaustive_enums)] // Two outcomes by definition; see the type docs.
pub enum Material<T> {
    /// Real, parsed material.
    Real(T),
    /// A truncated documentation example.
    Placeholder(Placeholder),
}

impl<T> Material<T> {
    /// True for [`Material::Placeholder`].
    pub fn is_placeholder(&self) -> bool {
        matches!(self, Self::Placeholder(_))
    }

    /// True for [`Material::Real`].
    pub fn is_real(&self) -> bool {
        matches!(self, Self::Real(_))
    }

    /// The real material, if any.
    pub fn real(&self) -> Option<&T> {
        match self {
            Self::Real(value) => Some(value),
            Self::Placeholder(_) => None,
        }
    }

    /// The placeholder, if any.
    pub fn placeholder(&self) -> Option<&Placeholder> {
        match self {
            Self::Real(_) => None,
            Self::Placeholder(placeholder) => Some(placeholder),
        }
    }

    /// The real material, or [`MaterialError::Placeholder`].
    pub fn require_real(self) -> Result<T, MaterialError> {
        match self {
            Self::Real(value) => Ok(value),
            Self::Placeholder(placeholder) => Err(MaterialError::Placeholder {
                kind: placeholder.kind,
            }),
        }
    }

    /// Maps the real material, keeping a placeholder as it is.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Material<U> {
        match self {
            Self::Real(value) => Material::Real(f(value)),
            Self::Placeholder(placeholder) => Material::Placeholder(placeholder),
        }
    }
}

/// Whether a caller accepts documentation placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(clippy::exhaustive_enums)] // A yes/no choice; a third policy would be a new type.
pub enum MaterialPolicy {
    /// Placeholders come back as [`Material::Placeholder`].
    AllowPlaceholders,
    /// Placeholders are rejected with [`MaterialError::Placeholder`]. The default.
    #[default]
    RequireReal,
}

impl MaterialPolicy {
    /// Applies the policy to a parse result.
    pub fn apply<T>(self, material: Material<T>) -> Result<Material<T>, MaterialError> {
        match (self, material) {
            (Self::RequireReal, Material::Placeholder(p)) => {
                Err(MaterialError::Placeholder { kind: p.kind })
            }
            (_, material) => Ok(material),
        }
    }

    /// Turns a failed parse into a placeholder when `raw` looks like a truncated example,
    /// then applies the policy.
    pub(crate) fn classify<T>(
        self,
        kind: MaterialKind,
        raw: &str,
        parsed: Result<T, MaterialError>,
    ) -> Result<Material<T>, MaterialError> {
        self.classify_with(kind, raw, raw, parsed)
    }

    /// [`MaterialPolicy::classify`] where the ellipsis is looked for in `evidence` (a decoded
    /// form of the input) and the placeholder keeps `raw` (the input as received).
    pub(crate) fn classify_with<T>(
        self,
        kind: MaterialKind,
        evidence: &str,
        raw: &str,
        parsed: Result<T, MaterialError>,
    ) -> Result<Material<T>, MaterialError> {
        match parsed {
            Ok(value) => Ok(Material::Real(value)),
            Err(e) if e.may_be_placeholder() && pem::has_ellipsis(evidence) => {
                self.apply(Material::Placeholder(Placeholder::new(kind, raw)))
            }
            Err(e) => Err(e),
        }
    }
}
