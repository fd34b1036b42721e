//! [`PrivateKey`]: PKCS#1, PKCS#8 and SEC1 private keys, and [`key_matches`], which tells
//! whether a key belongs to a certificate by comparing public keys (no cryptography).

use std::fmt;
use std::str::FromStr;

use super::der::{
    self, DerError, Reader, TAG_BIT_STRING, TAG_CONTEXT_0_CONSTRUCTED, TAG_CONTEXT_1_CONSTRUCTED,
    TAG_CONTEXT_1_PRIMITIVE, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, oid,
};
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
    fn from_oid(bytes: &[u8]) -> Option<Self> {
        match bytes {
            oid::P256 => Some(Self::P256),
            oid::P384 => Some(Self::P384),
            oid::P521 => Some(Self::P521),
            _ => None,
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

/// Reads a certificate's SubjectPublicKeyInfo (RFC 5280); `None` for algorithms or curves
/// this crate does not read, or a malformed structure.
pub(crate) fn public_key_from_spki(spki: &[u8]) -> Option<PublicKeyInfo> {
    let body = Reader::single(spki, TAG_SEQUENCE, "spki").ok()?;
    let mut reader = Reader::new(body);
    let algorithm = reader.read_tagged(TAG_SEQUENCE, "spki algorithm").ok()?;
    let key = der::bit_string_bytes(reader.read_tagged(TAG_BIT_STRING, "spki key").ok()?).ok()?;
    let mut algorithm = Reader::new(algorithm);
    let algorithm_oid = algorithm.read_tagged(TAG_OID, "spki algorithm oid").ok()?;
    match algorithm_oid {
        oid::RSA_ENCRYPTION => {
            let rsa = Reader::single(key, TAG_SEQUENCE, "rsa public key").ok()?;
            let mut rsa = Reader::new(rsa);
            let modulus = der::unsigned_integer(rsa.read_tagged(TAG_INTEGER, "n").ok()?).ok()?;
            let exponent = der::unsigned_integer(rsa.read_tagged(TAG_INTEGER, "e").ok()?).ok()?;
            Some(PublicKeyInfo::Rsa {
                modulus: modulus.to_vec(),
                exponent: exponent.to_vec(),
            })
        }
        oid::EC_PUBLIC_KEY => {
            let curve = algorithm.read_tagged(TAG_OID, "ec curve").ok()?;
            Some(PublicKeyInfo::Ec {
                curve: EcCurve::from_oid(curve)?,
                point: key.to_vec(),
            })
        }
        oid::ED25519 => Some(PublicKeyInfo::Ed25519(key.to_vec())),
        _ => None,
    }
}

/// Internal failure while reading a key, given its PEM label by the caller.
enum KeyError {
    Der(DerError),
    Encrypted,
    UnsupportedAlgorithm(String),
    UnsupportedCurve(String),
}

impl From<DerError> for KeyError {
    fn from(e: DerError) -> Self {
        Self::Der(e)
    }
}

impl KeyError {
    fn with_label(self, label: &str) -> MaterialError {
        let label = label.to_owned();
        match self {
            Self::Der(DerError(reason)) => MaterialError::InvalidDer { label, reason },
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

/// PKCS#1 `RSAPrivateKey` (RFC 8017, A.1.2).
fn parse_pkcs1(der: &[u8]) -> Result<Parsed, KeyError> {
    let body = Reader::single(der, TAG_SEQUENCE, "expected an RSAPrivateKey sequence")?;
    let mut reader = Reader::new(body);
    let version = der::small_integer(reader.read_tagged(TAG_INTEGER, "missing rsa key version")?)?;
    if version > 1 {
        return Err(DerError("unexpected rsa key version").into());
    }
    let modulus = der::unsigned_integer(reader.read_tagged(TAG_INTEGER, "missing rsa modulus")?)?;
    let exponent = der::unsigned_integer(reader.read_tagged(TAG_INTEGER, "missing rsa exponent")?)?;
    // privateExponent, prime1, prime2, exponent1, exponent2, coefficient.
    for _ in 0..6 {
        reader.read_tagged(TAG_INTEGER, "missing rsa private key component")?;
    }
    // otherPrimeInfos, only in multi-prime (version 1) keys.
    if version == 1 {
        reader.optional(TAG_SEQUENCE)?;
    }
    if !reader.is_empty() {
        return Err(DerError("trailing data in the rsa key").into());
    }
    Ok(Parsed {
        algorithm: KeyAlgorithm::Rsa,
        public_key: Some(PublicKeyInfo::Rsa {
            modulus: modulus.to_vec(),
            exponent: exponent.to_vec(),
        }),
    })
}

/// What a SEC1 `ECPrivateKey` (RFC 5915) holds.
struct Sec1<'a> {
    private_key_len: usize,
    curve: Option<&'a [u8]>,
    public_key: Option<&'a [u8]>,
}

fn parse_sec1(der: &[u8]) -> Result<Sec1<'_>, KeyError> {
    let body = Reader::single(der, TAG_SEQUENCE, "expected an ECPrivateKey sequence")?;
    let mut reader = Reader::new(body);
    let version = der::small_integer(reader.read_tagged(TAG_INTEGER, "missing ec key version")?)?;
    if version != 1 {
        return Err(DerError("unexpected ec key version").into());
    }
    let private_key = reader.read_tagged(TAG_OCTET_STRING, "missing ec private key")?;
    let curve = reader
        .optional(TAG_CONTEXT_0_CONSTRUCTED)?
        .map(|params| Reader::single(params, TAG_OID, "ec parameters must be a named curve"))
        .transpose()?;
    let public_key = reader
        .optional(TAG_CONTEXT_1_CONSTRUCTED)?
        .map(|key| Reader::single(key, TAG_BIT_STRING, "ec public key must be a bit string"))
        .transpose()?
        .map(der::bit_string_bytes)
        .transpose()?;
    if !reader.is_empty() {
        return Err(DerError("trailing data in the ec key").into());
    }
    Ok(Sec1 {
        private_key_len: private_key.len(),
        curve,
        public_key,
    })
}

fn curve_from_oid(bytes: &[u8]) -> Result<EcCurve, KeyError> {
    EcCurve::from_oid(bytes).ok_or_else(|| KeyError::UnsupportedCurve(der::oid_to_string(bytes)))
}

/// A SEC1 key on its own: the curve comes from its parameters or, failing that, from the
/// length of the private scalar.
fn parse_sec1_standalone(der: &[u8]) -> Result<Parsed, KeyError> {
    let sec1 = parse_sec1(der)?;
    let curve = match sec1.curve {
        Some(curve) => curve_from_oid(curve)?,
        None => EcCurve::from_private_key_len(sec1.private_key_len).ok_or(DerError(
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

/// PKCS#8 `PrivateKeyInfo` (RFC 5208) or `OneAsymmetricKey` (RFC 5958).
fn parse_pkcs8(der: &[u8]) -> Result<Parsed, KeyError> {
    let body = Reader::single(der, TAG_SEQUENCE, "expected a PrivateKeyInfo sequence")?;
    let mut reader = Reader::new(body);
    if reader.peek_tag() == Some(TAG_SEQUENCE) {
        // EncryptedPrivateKeyInfo starts with its encryption AlgorithmIdentifier.
        return Err(KeyError::Encrypted);
    }
    let version = der::small_integer(reader.read_tagged(TAG_INTEGER, "missing pkcs8 version")?)?;
    if version > 1 {
        return Err(DerError("unexpected pkcs8 version").into());
    }
    let algorithm = reader.read_tagged(TAG_SEQUENCE, "missing pkcs8 algorithm identifier")?;
    let private_key = reader.read_tagged(TAG_OCTET_STRING, "missing pkcs8 private key")?;
    reader.optional(TAG_CONTEXT_0_CONSTRUCTED)?; // attributes
    let outer_public_key = reader
        .optional(TAG_CONTEXT_1_PRIMITIVE)?
        .map(der::bit_string_bytes)
        .transpose()?;
    if !reader.is_empty() {
        return Err(DerError("trailing data in the pkcs8 key").into());
    }
    let mut algorithm = Reader::new(algorithm);
    let algorithm_oid = algorithm.read_tagged(TAG_OID, "missing pkcs8 algorithm oid")?;
    match algorithm_oid {
        oid::RSA_ENCRYPTION => parse_pkcs1(private_key),
        oid::EC_PUBLIC_KEY => {
            let curve = curve_from_oid(algorithm.read_tagged(TAG_OID, "missing ec curve")?)?;
            let sec1 = parse_sec1(private_key)?;
            if sec1
                .curve
                .is_some_and(|inner| inner != algorithm_oid_curve(curve))
            {
                return Err(DerError("ec curve parameters disagree").into());
            }
            let point = sec1.public_key.or(outer_public_key);
            Ok(Parsed {
                algorithm: curve.algorithm(),
                public_key: point.map(|point| PublicKeyInfo::Ec {
                    curve,
                    point: point.to_vec(),
                }),
            })
        }
        oid::ED25519 => {
            let seed = Reader::single(
                private_key,
                TAG_OCTET_STRING,
                "ed25519 key must be an octet string",
            )?;
            if seed.len() != 32 {
                return Err(DerError("ed25519 private key must be 32 bytes").into());
            }
            if outer_public_key.is_some_and(|key| key.len() != 32) {
                return Err(DerError("ed25519 public key must be 32 bytes").into());
            }
            Ok(Parsed {
                algorithm: KeyAlgorithm::Ed25519,
                public_key: outer_public_key.map(|key| PublicKeyInfo::Ed25519(key.to_vec())),
            })
        }
        other => Err(KeyError::UnsupportedAlgorithm(der::oid_to_string(other))),
    }
}

fn algorithm_oid_curve(curve: EcCurve) -> &'static [u8] {
    match curve {
        EcCurve::P256 => oid::P256,
        EcCurve::P384 => oid::P384,
        EcCurve::P521 => oid::P521,
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
