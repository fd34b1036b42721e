//! [`MaterialError`]: why a piece of credential material was rejected.

use super::MaterialKind;

/// Why credential material (PEM, certificate, private key, service account, server or API
/// key) was rejected.
///
/// Messages name the PEM label, the field or a byte offset into the input, never the secret
/// itself: not the base64 body, not key bytes, not the offending character.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MaterialError {
    /// The input has no `-----BEGIN ` marker at all.
    #[error("no pem begin marker found")]
    NoBeginMarker,
    /// A BEGIN marker without its closing dashes, or with an unusable label.
    #[error("malformed pem marker at byte {offset}")]
    MalformedMarker {
        /// Byte offset of the marker in the input.
        offset: usize,
    },
    /// Something other than whitespace comes before the BEGIN marker.
    #[error("unexpected data before the pem block at byte {offset}")]
    DataBeforeBlock {
        /// Byte offset of the first unexpected character.
        offset: usize,
    },
    /// A BEGIN marker without a (complete) END marker.
    #[error("pem block {label} has no end marker (truncated)")]
    Truncated {
        /// The BEGIN label.
        label: String,
    },
    /// The END label differs from the BEGIN label.
    #[error("pem end label {end} does not match begin label {begin}")]
    MismatchedLabel {
        /// The BEGIN label.
        begin: String,
        /// The END label.
        end: String,
    },
    /// A well-formed block of the wrong kind (for example a key where a certificate is
    /// expected).
    #[error("expected a {expected} pem block, got label {found}")]
    UnexpectedLabel {
        /// What the caller asked for.
        expected: MaterialKind,
        /// The label found.
        found: String,
    },
    /// The body is not valid base64.
    #[error("invalid base64 in pem block {label} at byte {offset}")]
    InvalidBase64 {
        /// The block's label.
        label: String,
        /// Byte offset in the input of the first character that could not be decoded.
        offset: usize,
    },
    /// The block has no body.
    #[error("pem block {label} has an empty body")]
    EmptyBody {
        /// The block's label.
        label: String,
    },
    /// Something other than whitespace follows the END marker (a second block, for
    /// example).
    #[error("unexpected data after the pem block at byte {offset}")]
    DataAfterBlock {
        /// Byte offset of the first unexpected character.
        offset: usize,
    },
    /// The decoded bytes are not the DER structure the label promises.
    #[error("{label} der does not parse: {reason}")]
    InvalidDer {
        /// The block's label.
        label: String,
        /// A fixed description of the problem.
        reason: &'static str,
    },
    /// An encrypted private key (`ENCRYPTED PRIVATE KEY`, or a legacy `Proc-Type: 4,ENCRYPTED`
    /// header). Credential APIs take plain keys; decrypting is out of scope.
    #[error("encrypted private keys are not supported ({label})")]
    EncryptedKey {
        /// The block's label.
        label: String,
    },
    /// A private or public key of an algorithm this crate does not read.
    #[error("unsupported key algorithm {oid}")]
    UnsupportedAlgorithm {
        /// The algorithm's object identifier, dotted.
        oid: String,
    },
    /// An elliptic-curve key on a curve other than P-256, P-384 or P-521.
    #[error("unsupported elliptic curve {oid}")]
    UnsupportedCurve {
        /// The curve's object identifier, dotted.
        oid: String,
    },
    /// The input is a documentation placeholder and the caller required real material.
    #[error("{kind} is a documentation placeholder, not real material")]
    Placeholder {
        /// What the placeholder stands for.
        kind: MaterialKind,
    },
    /// The service account is not valid JSON.
    #[error("invalid service account json at line {line}, column {column}")]
    InvalidJson {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// The service account JSON is not an object.
    #[error("service account json must be an object")]
    NotAnObject,
    /// A required field is absent.
    #[error("missing field {field}")]
    MissingField {
        /// The field's name.
        field: &'static str,
    },
    /// A field that must be a string is something else.
    #[error("field {field} must be a string")]
    NotAString {
        /// The field's name.
        field: &'static str,
    },
    /// The service account's `type` is not `service_account`.
    #[error("type must be service_account, got {found}")]
    WrongAccountType {
        /// The `type` found (cut to 64 characters).
        found: String,
    },
    /// A field's value breaks a rule.
    #[error("invalid field {field}: {reason}")]
    InvalidField {
        /// The field's name.
        field: &'static str,
        /// A fixed description of the rule broken.
        reason: &'static str,
    },
    /// The service account's `private_key` is not a usable private key; the source says why.
    #[error("invalid field private_key")]
    PrivateKeyField {
        /// Why the key was rejected.
        #[source]
        source: Box<MaterialError>,
    },
    /// The base64 service-account form is not valid base64.
    #[error("invalid base64 service account at byte {offset}")]
    InvalidBase64Json {
        /// Byte offset in the input of the first character that could not be decoded.
        offset: usize,
    },
    /// The base64 service-account form does not decode to UTF-8 text.
    #[error("decoded service account is not utf-8")]
    NotUtf8,
    /// A GCM API key or FCM server key breaks a format rule.
    #[error("invalid {kind}: {reason}")]
    InvalidKeyFormat {
        /// What the value was meant to be.
        kind: MaterialKind,
        /// A fixed description of the rule broken.
        reason: &'static str,
    },
}

impl MaterialError {
    /// Whether a failure could be explained by the input being a truncated example. A
    /// well-formed block of the wrong kind, or an encrypted key, is a real mistake even when
    /// its body is truncated.
    pub(crate) fn may_be_placeholder(&self) -> bool {
        !matches!(
            self,
            Self::UnexpectedLabel { .. } | Self::EncryptedKey { .. }
        )
    }
}
