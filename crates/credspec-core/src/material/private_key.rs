//! [`PrivateKey`]: PKCS#1, PKCS#8 and SEC1 private keys, and [`key_matches`], which tells
//! whether a key belongs to a certificate by comparing public keys (no cryptography).
//!
//! Private keys are read by RustCrypto's `pkcs1`, `pkcs8` and `sec1` (on the `der` crate), a
//! certificate's SubjectPublicKeyInfo by x509-parser along with the rest of the certificate;
//! this module only decides what their structures mean for credspec and turns their errors
//! into fixed phrases that never carry key bytes.

use std::fmt;
use std::str::FromStr;

use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, ErrorKind, Reader as _, SliceReader, Tag, Tagged as _};
use pkcs8::AlgorithmIdentifierRef;
use pkcs8::PrivateKeyInfo;
use sec1::EcPrivateKey;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::{Certificate, Material, MaterialError, MaterialKind, MaterialPolicy, pem};
use crate::secret::Secret;

/// The algorithm of a private key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA (any size).
    Rsa,
    /// ECDSA on NIST P-256 (secp256r1).
    EcP256,
    /// ECDSA on NIST P-384 (secp384r1).
    EcP384,
    /// ECDSA on NIST P-521 (secp521r1).
    EcP521,
    /// Ed25519.
    Ed25519,
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rsa => "rsa",
            Self::EcP256 => "ec p-256",
            Self::EcP384 => "ec p-384",
            Self::EcP521 => "ec p-521",
            Self::Ed25519 => "ed25519",
        })
    }
}

/// The container format a private key came in, named by its PEM label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyFormat {
    /// PKCS#1 `RSAPrivateKey` (RFC 8017), PEM label `RSA PRIVATE KEY`.
    Pkcs1,
    /// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5208, RFC 5958), PEM label
    /// `PRIVATE KEY`.
    Pkcs8,
    /// SEC1 `ECPrivateKey` (RFC 5915), PEM label `EC PRIVATE KEY`.
    Sec1,
}

impl KeyFormat {
    /// The PEM label of this format.
    pub fn pem_label(self) -> &'static str {
        match self {
            Self::Pkcs1 => "RSA PRIVATE KEY",
            Self::Pkcs8 => "PRIVATE KEY",
            Self::Sec1 => "EC PRIVATE KEY",
        }
    }

    fn from_label(label: &str) -> Option<Self> {
        [Self::Pkcs1, Self::Pkcs8, Self::Sec1]
            .into_iter()
            .find(|format| format.pem_label() == label)
    }
}

/// An elliptic curve this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EcCurve {
    P256,
    P384,
    P521,
}

impl EcCurve {
    fn from_oid(curve: ObjectIdentifier) -> Option<Self> {
        match curve {
            oid::P256 => Some(Self::P256),
            oid::P384 => Some(Self::P384),
            oid::P521 => Some(Self::P521),
            _ => None,
        }
    }

    fn oid(self) -> ObjectIdentifier {
        match self {
            Self::P256 => oid::P256,
            Self::P384 => oid::P384,
            Self::P521 => oid::P521,
        }
    }

    /// The curve whose private scalars are `len` bytes long (RFC 5915: ceiling(log2(n)/8)).
    fn from_private_key_len(len: usize) -> Option<Self> {
        match len {
            32 => Some(Self::P256),
            48 => Some(Self::P384),
            66 => Some(Self::P521),
            _ => None,
        }
    }

    fn algorithm(self) -> KeyAlgorithm {
        match self {
            Self::P256 => KeyAlgorithm::EcP256,
            Self::P384 => KeyAlgorithm::EcP384,
            Self::P521 => KeyAlgorithm::EcP521,
        }
    }
}

/// A public key in the form compared by [`key_matches`]. Integers have their sign padding
/// removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PublicKeyInfo {
    Rsa { modulus: Vec<u8>, exponent: Vec<u8> },
    Ec { curve: EcCurve, point: Vec<u8> },
    Ed25519(Vec<u8>),
}

impl PublicKeyInfo {
    fn algorithm(&self) -> KeyAlgorithm {
        match self {
            Self::Rsa { .. } => KeyAlgorithm::Rsa,
            Self::Ec { curve, .. } => curve.algorithm(),
            Self::Ed25519(_) => KeyAlgorithm::Ed25519,
        }
    }

    fn same_key(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Rsa { modulus, exponent },
                Self::Rsa {
                    modulus: m,
                    exponent: e,
                },
            ) => modulus == m && exponent == e,
            (Self::Ec { curve, point }, Self::Ec { curve: c, point: p }) => {
                curve == c && same_ec_point(point, p)
            }
            (Self::Ed25519(a), Self::Ed25519(b)) => a == b,
            _ => false,
        }
    }
}

/// Compares two SEC1-encoded points, one of which may be compressed: a compressed point
/// (`02`/`03` || x) equals an uncompressed one (`04` || x || y) when the x coordinates agree
/// and the compressed prefix's parity is y's parity.
fn same_ec_point(a: &[u8], b: &[u8]) -> bool {
    fn uncompressed_vs_compressed(xy: &[u8], prefix: u8, x: &[u8]) -> bool {
        xy.len() == 2 * x.len()
            && xy.get(..x.len()) == Some(x)
            && xy.last().map(|y| y & 1) == Some(prefix & 1)
    }
    match (a.split_first(), b.split_first()) {
        (Some((4, xy)), Some((&c @ (2 | 3), x))) | (Some((&c @ (2 | 3), x)), Some((4, xy))) => {
            uncompressed_vs_compressed(xy, c, x)
        }
        _ => a == b,
    }
}

/// The public key of a certificate's SubjectPublicKeyInfo (RFC 5280), as x509-parser has
/// already read it; `None` for algorithms or curves this crate does not read, or a malformed
/// key.
pub(crate) fn public_key_from_spki(spki: &SubjectPublicKeyInfo<'_>) -> Option<PublicKeyInfo> {
    use x509_parser::asn1_rs::Tag as X509Tag;
    if spki.subject_public_key.unused_bits != 0 {
        return None;
    }
    let algorithm = ObjectIdentifier::from_bytes(spki.algorithm.algorithm.as_bytes()).ok()?;
    match algorithm {
        oid::RSA_ENCRYPTION => match spki.parsed().ok()? {
            PublicKey::RSA(rsa) => Some(PublicKeyInfo::Rsa {
                modulus: unsigned(rsa.modulus)?.to_vec(),
                exponent: unsigned(rsa.exponent)?.to_vec(),
            }),
            _ => None,
        },
        oid::EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .filter(|parameters| parameters.tag() == X509Tag::Oid)?;
            Some(PublicKeyInfo::Ec {
                curve: EcCurve::from_oid(ObjectIdentifier::from_bytes(curve.data).ok()?)?,
                point: spki.subject_public_key.data.to_vec(),
            })
        }
        oid::ED25519 => Some(PublicKeyInfo::Ed25519(
            spki.subject_public_key.data.to_vec(),
        )),
        _ => None,
    }
}

/// A DER INTEGER's content without its sign padding, as `pkcs1` hands out a key's modulus
/// and exponent (zero stays one byte); `None` if empty.
fn unsigned(integer: &[u8]) -> Option<&[u8]> {
    let last = integer.len().checked_sub(1)?;
    let start = integer.iter().position(|&b| b != 0).unwrap_or(last);
    integer.get(start..)
}

/// Object identifiers the key parsers match on (checked against x509-parser's registry in
/// the tests).
pub(crate) mod oid {
    use der::asn1::ObjectIdentifier;

    // `new_unwrap` is evaluated at compile time: a malformed constant fails the build.
    /// rsaEncryption (RFC 8017).
    pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    /// id-ecPublicKey (RFC 5480).
    pub(crate) const EC_PUBLIC_KEY: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
    /// prime256v1 / secp256r1 (RFC 5480).
    pub(crate) const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
    /// secp384r1 (RFC 5480).
    pub(crate) const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
    /// secp521r1 (RFC 5480).
    pub(crate) const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
    /// id-Ed25519 (RFC 8410).
    pub(crate) const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
}

/// The DER structures read here.
#[derive(Clone, Copy)]
enum Structure {
    /// PKCS#1 `RSAPrivateKey`.
    Pkcs1,
    /// PKCS#8 `PrivateKeyInfo`.
    Pkcs8,
    /// SEC1 `ECPrivateKey`.
    Sec1,
}

impl Structure {
    /// The fixed phrases its errors become: not one SEQUENCE, a field missing, data after
    /// the fields, an unexpected element, a bad value.
    fn phrases(self) -> [&'static str; 5] {
        match self {
            Self::Pkcs1 => [
                "expected an RSAPrivateKey sequence",
                "missing rsa private key component",
                "trailing data in the rsa key",
                "unexpected element in the rsa key",
                "invalid value in the rsa key",
            ],
            Self::Pkcs8 => [
                "expected a PrivateKeyInfo sequence",
                "missing pkcs8 field",
                "trailing data in the pkcs8 key",
                "unexpected element in the pkcs8 key",
                "invalid value in the pkcs8 key",
            ],
            Self::Sec1 => [
                "expected an ECPrivateKey sequence",
                "missing ec key field",
                "trailing data in the ec key",
                "unexpected element in the ec key",
                "invalid value in the ec key",
            ],
        }
    }

    /// The phrase for a DER error of this structure, from the error's kind only (never the
    /// input). Worked out only when a parse failed.
    fn reason(self, der: &[u8], error: der::Error) -> &'static str {
        let [not_a_sequence, missing, trailing, unexpected, invalid] = self.phrases();
        // Is the first element a whole SEQUENCE, and the only one? If not, that is what to say.
        let outer = SliceReader::new(der).and_then(|mut reader| {
            let first = AnyRef::decode(&mut reader)?;
            Ok((first.tag(), reader.is_finished()))
        });
        match outer {
            Ok((Tag::Sequence, true)) => {}
            Ok((Tag::Sequence, false)) => return "trailing bytes after the der structure",
            _ => return not_a_sequence,
        }
        match error.kind() {
            ErrorKind::Incomplete { .. } => missing,
            ErrorKind::TrailingData { .. } => trailing,
            ErrorKind::TagUnexpected { .. } | ErrorKind::TagUnknown { .. } => unexpected,
            _ => invalid,
        }
    }
}

/// Internal failure while reading a key, given its PEM label by the caller.
enum KeyError {
    Der(&'static str),
    Encrypted,
    UnsupportedAlgorithm(String),
    UnsupportedCurve(String),
}

impl KeyError {
    fn with_label(self, label: &str) -> MaterialError {
        let label = label.to_owned();
        match self {
            Self::Der(reason) => MaterialError::InvalidDer { label, reason },
            Self::Encrypted => MaterialError::EncryptedKey { label },
            Self::UnsupportedAlgorithm(oid) => MaterialError::UnsupportedAlgorithm { oid },
            Self::UnsupportedCurve(oid) => MaterialError::UnsupportedCurve { oid },
        }
    }
}

/// What a key's DER told us.
struct Parsed {
    algorithm: KeyAlgorithm,
    public_key: Option<PublicKeyInfo>,
}

/// A private key. Its bytes are held in a [`Secret`]; `Debug` shows the algorithm and format
/// only.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    algorithm: KeyAlgorithm,
    format: KeyFormat,
    der: Secret<Vec<u8>>,
    public_key: Option<PublicKeyInfo>,
}

impl PrivateKey {
    /// Parses a PEM private key (`RSA PRIVATE KEY`, `PRIVATE KEY` or `EC PRIVATE KEY`, in any
    /// form [`PemBlock`](super::PemBlock) reads), classifying truncated documentation
    /// examples as placeholders according to `policy`.
    ///
    /// An `EC PARAMETERS` block before an `EC PRIVATE KEY` (as `openssl ecparam -genkey`
    /// writes) is skipped. `ENCRYPTED PRIVATE KEY` and legacy encrypted PEM are
    /// [`MaterialError::EncryptedKey`].
    pub fn parse(input: &str, policy: MaterialPolicy) -> Result<Material<Self>, MaterialError> {
        policy.classify(MaterialKind::PrivateKey, input, Self::parse_real(input))
    }

    /// Parses a PEM private key; placeholders are an error.
    pub fn from_pem(input: &str) -> Result<Self, MaterialError> {
        Self::parse(input, MaterialPolicy::RequireReal)?.require_real()
    }

    fn parse_real(input: &str) -> Result<Self, MaterialError> {
        let located = pem::locate(skip_ec_parameters(input))?;
        let Some(format) = KeyFormat::from_label(located.label) else {
            if located.label == "ENCRYPTED PRIVATE KEY" {
                return Err(MaterialError::EncryptedKey {
                    label: located.label.to_owned(),
                });
            }
            return Err(MaterialError::UnexpectedLabel {
                expected: MaterialKind::PrivateKey,
                found: located.label.to_owned(),
            });
        };
        let der = located.decode()?;
        Self::from_der_labelled(der, format, located.label)
    }

    /// Parses a DER private key in the given format.
    pub fn from_der(der: &[u8], format: KeyFormat) -> Result<Self, MaterialError> {
        Self::from_der_labelled(Secret::new(der.to_vec()), format, format.pem_label())
    }

    fn from_der_labelled(
        der: Secret<Vec<u8>>,
        format: KeyFormat,
        label: &str,
    ) -> Result<Self, MaterialError> {
        let parsed = match format {
            KeyFormat::Pkcs1 => parse_pkcs1(der.expose()),
            KeyFormat::Pkcs8 => parse_pkcs8(der.expose()),
            KeyFormat::Sec1 => parse_sec1_standalone(der.expose()),
        }
        .map_err(|e| e.with_label(label))?;
        Ok(Self {
            algorithm: parsed.algorithm,
            format,
            der,
            public_key: parsed.public_key,
        })
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// The container format the key came in.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// The key's DER, in its original format.
    pub fn der(&self) -> &Secret<Vec<u8>> {
        &self.der
    }

    /// The key as a normal multi-line PEM block, in its original format.
    pub fn to_pem(&self) -> Secret<String> {
        Secret::new(pem::encode_pem(self.format.pem_label(), self.der.expose()))
    }

    /// True if the public key can be derived from the key structure (always for RSA; for EC
    /// and Ed25519 only when the optional public key is embedded), which
    /// [`key_matches`] needs.
    pub fn has_public_key(&self) -> bool {
        self.public_key.is_some()
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm)
            .field("format", &self.format)
            .field("der", &self.der)
            .finish()
    }
}

impl FromStr for PrivateKey {
    type Err = MaterialError;

    /// Same as [`PrivateKey::from_pem`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_pem(s)
    }
}

impl TryFrom<&str> for PrivateKey {
    type Error = MaterialError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::from_pem(value)
    }
}

/// Drops a leading `EC PARAMETERS` block, leaving the rest of the input.
fn skip_ec_parameters(input: &str) -> &str {
    const BEGIN: &str = "-----BEGIN EC PARAMETERS-----";
    const END: &str = "-----END EC PARAMETERS-----";
    let trimmed = input.trim_start();
    if !trimmed.starts_with(BEGIN) {
        return input;
    }
    match trimmed.find(END) {
        Some(at) => trimmed.get(at + END.len()..).unwrap_or(input),
        None => input,
    }
}

/// PKCS#1 `RSAPrivateKey` (RFC 8017, A.1.2), two-prime or multi-prime.
fn parse_pkcs1(der: &[u8]) -> Result<Parsed, KeyError> {
    let key = pkcs1::RsaPrivateKey::from_der(der)
        .map_err(|e| KeyError::Der(Structure::Pkcs1.reason(der, e)))?;
    Ok(Parsed {
        algorithm: KeyAlgorithm::Rsa,
        public_key: Some(PublicKeyInfo::Rsa {
            modulus: key.modulus.as_bytes().to_vec(),
            exponent: key.public_exponent.as_bytes().to_vec(),
        }),
    })
}

/// A SEC1 `ECPrivateKey` (RFC 5915), named curves only.
fn parse_sec1(der: &[u8]) -> Result<EcPrivateKey<'_>, KeyError> {
    EcPrivateKey::from_der(der).map_err(|e| KeyError::Der(Structure::Sec1.reason(der, e)))
}

fn curve_from_oid(curve: ObjectIdentifier) -> Result<EcCurve, KeyError> {
    EcCurve::from_oid(curve).ok_or_else(|| KeyError::UnsupportedCurve(curve.to_string()))
}

/// The named curve of a SEC1 key's parameters, if it has them.
fn sec1_curve(key: &EcPrivateKey<'_>) -> Option<ObjectIdentifier> {
    key.parameters.and_then(sec1::EcParameters::named_curve)
}

/// A SEC1 key on its own: the curve comes from its parameters or, failing that, from the
/// length of the private scalar.
fn parse_sec1_standalone(der: &[u8]) -> Result<Parsed, KeyError> {
    let sec1 = parse_sec1(der)?;
    let curve = match sec1_curve(&sec1) {
        Some(curve) => curve_from_oid(curve)?,
        None => EcCurve::from_private_key_len(sec1.private_key.len()).ok_or(KeyError::Der(
            "no curve parameters and an unrecognised private key length",
        ))?,
    };
    Ok(Parsed {
        algorithm: curve.algorithm(),
        public_key: sec1.public_key.map(|point| PublicKeyInfo::Ec {
            curve,
            point: point.to_vec(),
        }),
    })
}

/// Whether `der` is a PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5958, section 3): a SEQUENCE of
/// the encryption AlgorithmIdentifier and the encrypted OCTET STRING.
fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    let shape = || -> der::Result<()> {
        let mut reader = SliceReader::new(der)?;
        reader.sequence(|inner| {
            AlgorithmIdentifierRef::decode(inner)?;
            OctetStringRef::decode(inner)?;
            Ok(())
        })?;
        reader.finish(())
    };
    shape().is_ok()
}

/// PKCS#8 `PrivateKeyInfo` (RFC 5208) or `OneAsymmetricKey` (RFC 5958).
fn parse_pkcs8(der: &[u8]) -> Result<Parsed, KeyError> {
    let info = PrivateKeyInfo::from_der(der).map_err(|e| {
        if is_encrypted_pkcs8(der) {
            KeyError::Encrypted
        } else {
            KeyError::Der(Structure::Pkcs8.reason(der, e))
        }
    })?;
    match info.algorithm.oid {
        oid::RSA_ENCRYPTION => parse_pkcs1(info.private_key),
        oid::EC_PUBLIC_KEY => {
            let curve = info
                .algorithm
                .parameters_oid()
                .map_err(|_| KeyError::Der("missing ec curve"))?;
            let curve = curve_from_oid(curve)?;
            let sec1 = parse_sec1(info.private_key)?;
            if sec1_curve(&sec1).is_some_and(|inner| inner != curve.oid()) {
                return Err(KeyError::Der("ec curve parameters disagree"));
            }
            let point = sec1.public_key.or(info.public_key);
            Ok(Parsed {
                algorithm: curve.algorithm(),
                public_key: point.map(|point| PublicKeyInfo::Ec {
                    curve,
                    point: point.to_vec(),
                }),
            })
        }
        oid::ED25519 => {
            // RFC 8410: the private key is a CurvePrivateKey, an OCTET STRING of the seed.
            let seed = OctetStringRef::from_der(info.private_key)
                .map_err(|_| KeyError::Der("ed25519 key must be an octet string"))?;
            if seed.as_bytes().len() != 32 {
                return Err(KeyError::Der("ed25519 private key must be 32 bytes"));
            }
            if info.public_key.is_some_and(|key| key.len() != 32) {
                return Err(KeyError::Der("ed25519 public key must be 32 bytes"));
            }
            Ok(Parsed {
                algorithm: KeyAlgorithm::Ed25519,
                public_key: info
                    .public_key
                    .map(|key| PublicKeyInfo::Ed25519(key.to_vec())),
            })
        }
        other => Err(KeyError::UnsupportedAlgorithm(other.to_string())),
    }
}

/// Whether a private key belongs to a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::exhaustive_enums)] // Yes, no, cannot tell; reasons extend `Undetermined`.
pub enum KeyMatch {
    /// The key's public half is the certificate's public key.
    Matches,
    /// It is not (different algorithm, curve or key).
    Mismatch,
    /// It cannot be told without cryptography.
    Undetermined(Undetermined),
}

impl KeyMatch {
    /// True only for [`KeyMatch::Matches`].
    pub fn is_match(self) -> bool {
        self == Self::Matches
    }
}

/// Why [`key_matches`] could not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Undetermined {
    /// The private key does not embed its public key (a SEC1 or PKCS#8 EC key without the
    /// optional public key, a PKCS#8 v1 Ed25519 key); deriving it would take curve
    /// arithmetic.
    NoPublicKeyInPrivateKey,
    /// The certificate's key algorithm or curve is not one this crate reads.
    UnsupportedCertificateKey,
}

/// Tells whether `key` is the private key of `certificate`, by comparing the public key
/// derivable from the key structure with the certificate's SubjectPublicKeyInfo.
///
/// RSA compares modulus and exponent; EC compares curve and point (compressed and
/// uncompressed encodings of one point are equal); Ed25519 compares the public key of a
/// PKCS#8 v2 key. Different algorithms are always a mismatch.
pub fn key_matches(certificate: &Certificate, key: &PrivateKey) -> KeyMatch {
    let Some(certificate_key) = certificate.public_key() else {
        return KeyMatch::Undetermined(Undetermined::UnsupportedCertificateKey);
    };
    match &key.public_key {
        Some(public_key) if public_key.same_key(certificate_key) => KeyMatch::Matches,
        Some(_) => KeyMatch::Mismatch,
        None if certificate_key.algorithm() != key.algorithm => KeyMatch::Mismatch,
        None => KeyMatch::Undetermined(Undetermined::NoPublicKeyInPrivateKey),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_constants_agree_with_the_registry() {
        use x509_parser::oid_registry as registry;
        let pairs = [
            (oid::RSA_ENCRYPTION, registry::OID_PKCS1_RSAENCRYPTION),
            (oid::EC_PUBLIC_KEY, registry::OID_KEY_TYPE_EC_PUBLIC_KEY),
            (oid::P256, registry::OID_EC_P256),
            (oid::P384, registry::OID_NIST_EC_P384),
            (oid::P521, registry::OID_NIST_EC_P521),
            (oid::ED25519, registry::OID_SIG_ED25519),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours.as_bytes(), theirs.as_bytes(), "{ours}");
        }
        assert_eq!(oid::P384.to_string(), "1.3.132.0.34");
    }

    #[test]
    fn encrypted_pkcs8_is_recognised_by_its_shape() {
        let tlv = |tag: u8, content: &[u8]| [&[tag, content.len() as u8][..], content].concat();
        let pbes2 = tlv(
            0x06,
            &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D],
        );
        let algorithm = tlv(0x30, &pbes2);
        let encrypted = tlv(0x30, &[algorithm.clone(), tlv(0x04, &[1, 2, 3])].concat());
        assert!(is_encrypted_pkcs8(&encrypted));
        // An AlgorithmIdentifier alone, or followed by something else, is not one (a
        // certificate's DER starts with a SEQUENCE too).
        assert!(!is_encrypted_pkcs8(&tlv(0x30, &algorithm)));
        assert!(!is_encrypted_pkcs8(&tlv(
            0x30,
            &[algorithm.clone(), tlv(0x02, &[1])].concat()
        )));
        assert!(!is_encrypted_pkcs8(&[encrypted.as_slice(), &[0]].concat()));
    }

    #[test]
    fn der_errors_become_fixed_phrases() {
        let error = |der: &[u8], structure: Structure| match PrivateKeyInfo::from_der(der) {
            Ok(_) => panic!("{der:?} parsed"),
            Err(e) => structure.reason(der, e),
        };
        assert_eq!(
            error(b"garbage", Structure::Pkcs8),
            "expected a PrivateKeyInfo sequence"
        );
        assert_eq!(
            error(&[0x30, 0x00, 0x00], Structure::Pkcs8),
            "trailing bytes after the der structure"
        );
        assert_eq!(
            error(&[0x30, 0x03, 0x02, 0x01, 0x00], Structure::Pkcs8),
            "missing pkcs8 field"
        );
        assert_eq!(
            error(&[0x30, 0x03, 0x04, 0x01, 0x00], Structure::Sec1),
            "unexpected element in the ec key"
        );
        assert_eq!(
            error(&[0x30, 0x03, 0x02, 0x01, 0x07], Structure::Pkcs1),
            "invalid value in the rsa key"
        );
    }

    #[test]
    fn ec_points_compare_across_encodings() {
        let x = [1u8, 2, 3];
        let uncompressed_odd = [4u8, 1, 2, 3, 9, 9, 7];
        let uncompressed_even = [4u8, 1, 2, 3, 9, 9, 8];
        assert!(same_ec_point(&uncompressed_odd, &uncompressed_odd));
        assert!(same_ec_point(&uncompressed_odd, &[&[3u8][..], &x].concat()));
        assert!(same_ec_point(&[&[3u8][..], &x].concat(), &uncompressed_odd));
        assert!(same_ec_point(
            &uncompressed_even,
            &[&[2u8][..], &x].concat()
        ));
        assert!(!same_ec_point(
            &uncompressed_even,
            &[&[3u8][..], &x].concat()
        ));
        assert!(!same_ec_point(&uncompressed_even, &[2u8, 1, 2, 4]));
        assert!(!same_ec_point(&uncompressed_even, &[2u8, 1, 2]));
        assert!(!same_ec_point(&uncompressed_even, &uncompressed_odd));
        assert!(same_ec_point(&[], &[]));
    }

    #[test]
    fn curves_from_lengths() {
        assert_eq!(EcCurve::from_private_key_len(32), Some(EcCurve::P256));
        assert_eq!(EcCurve::from_private_key_len(48), Some(EcCurve::P384));
        assert_eq!(EcCurve::from_private_key_len(66), Some(EcCurve::P521));
        assert_eq!(EcCurve::from_private_key_len(31), None);
    }

    #[test]
    fn ec_parameters_block_is_skipped() {
        let input = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n";
        assert!(
            skip_ec_parameters(input)
                .trim_start()
                .starts_with("-----BEGIN EC PRIVATE KEY")
        );
        assert_eq!(skip_ec_parameters("x"), "x");
        let unterminated = "-----BEGIN EC PARAMETERS-----\nAA==";
        assert_eq!(skip_ec_parameters(unterminated), unterminated);
    }
}
