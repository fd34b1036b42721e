//! A small, careful DER reader: just what private keys and SubjectPublicKeyInfo need.
//!
//! Every read is bounds-checked and returns a [`DerError`] naming what was wrong (never the
//! bytes, which may be key material). There is no recursion, so input cannot exhaust the
//! stack.

/// What went wrong while reading DER. The reason is a fixed phrase, never input bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DerError(pub(crate) &'static str);

/// `INTEGER`.
pub(crate) const TAG_INTEGER: u8 = 0x02;
/// `BIT STRING`.
pub(crate) const TAG_BIT_STRING: u8 = 0x03;
/// `OCTET STRING`.
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
/// `OBJECT IDENTIFIER`.
pub(crate) const TAG_OID: u8 = 0x06;
/// `SEQUENCE`.
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
/// `[0]` constructed (explicit tagging, or implicit `SET OF`).
pub(crate) const TAG_CONTEXT_0_CONSTRUCTED: u8 = 0xA0;
/// `[1]` constructed (explicit tagging).
pub(crate) const TAG_CONTEXT_1_CONSTRUCTED: u8 = 0xA1;
/// `[1]` primitive (implicit tagging of a `BIT STRING`).
pub(crate) const TAG_CONTEXT_1_PRIMITIVE: u8 = 0x81;

/// One tag-length-value element.
#[derive(Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
}

/// Reads consecutive DER elements from a byte slice.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// Reads the next element.
    pub(crate) fn read(&mut self) -> Result<Tlv<'a>, DerError> {
        let (&tag, rest) = self
            .data
            .split_first()
            .ok_or(DerError("unexpected end of data"))?;
        if tag & 0x1F == 0x1F {
            return Err(DerError("high tag numbers are not supported"));
        }
        let (&first, mut rest) = rest
            .split_first()
            .ok_or(DerError("unexpected end of data in a length"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7F);
            if count == 0 {
                return Err(DerError("indefinite lengths are not allowed in der"));
            }
            if count > 4 {
                return Err(DerError("length too large"));
            }
            let (len_bytes, after) = rest
                .split_at_checked(count)
                .ok_or(DerError("unexpected end of data in a length"))?;
            rest = after;
            len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
        };
        let (value, after) = rest
            .split_at_checked(len)
            .ok_or(DerError("element longer than the data"))?;
        self.data = after;
        Ok(Tlv { tag, value })
    }

    /// Reads the next element, which must carry `tag`, and returns its value.
    pub(crate) fn read_tagged(
        &mut self,
        tag: u8,
        what: &'static str,
    ) -> Result<&'a [u8], DerError> {
        let tlv = self.read().map_err(|_| DerError(what))?;
        if tlv.tag == tag {
            Ok(tlv.value)
        } else {
            Err(DerError(what))
        }
    }

    /// Reads the next element only if it carries `tag`.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, DerError> {
        if self.peek_tag() == Some(tag) {
            self.read().map(|tlv| Some(tlv.value))
        } else {
            Ok(None)
        }
    }

    /// Reads a whole element that must be the only thing in the data.
    pub(crate) fn single(
        data: &'a [u8],
        tag: u8,
        what: &'static str,
    ) -> Result<&'a [u8], DerError> {
        let mut reader = Reader::new(data);
        let value = reader.read_tagged(tag, what)?;
        if reader.is_empty() {
            Ok(value)
        } else {
            Err(DerError("trailing bytes after the der structure"))
        }
    }
}

/// The content of a `BIT STRING` value, which must have no unused bits.
pub(crate) fn bit_string_bytes(value: &[u8]) -> Result<&[u8], DerError> {
    match value.split_first() {
        Some((0, bytes)) => Ok(bytes),
        Some(_) => Err(DerError("bit string with unused bits")),
        None => Err(DerError("empty bit string")),
    }
}

/// An `INTEGER` value with its sign padding removed, for comparisons. Empty integers are an
/// error.
pub(crate) fn unsigned_integer(value: &[u8]) -> Result<&[u8], DerError> {
    if value.is_empty() {
        return Err(DerError("empty integer"));
    }
    let start = value
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(value.len().saturating_sub(1));
    Ok(value.get(start..).unwrap_or(value))
}

/// A small non-negative `INTEGER` (a version number).
pub(crate) fn small_integer(value: &[u8]) -> Result<u8, DerError> {
    match value {
        [v] if *v < 0x80 => Ok(*v),
        _ => Err(DerError("unexpected version number")),
    }
}

/// Dotted-decimal form of an encoded object identifier, for error messages.
pub(crate) fn oid_to_string(bytes: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for &b in bytes {
        if acc > (u64::MAX >> 7) {
            return String::from("<oversized oid>");
        }
        acc = (acc << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (acc / 40).min(2);
                arcs.push(first);
                arcs.push(acc - first * 40);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        }
    }
    if arcs.is_empty() || bytes.last().is_some_and(|b| b & 0x80 != 0) {
        return String::from("<malformed oid>");
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Encoded object identifiers this module recognises.
pub(crate) mod oid {
    /// rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017).
    pub(crate) const RSA_ENCRYPTION: &[u8] =
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
    /// id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480).
    pub(crate) const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    /// prime256v1 / secp256r1, 1.2.840.10045.3.1.7 (RFC 5480).
    pub(crate) const P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    /// secp384r1, 1.3.132.0.34 (RFC 5480).
    pub(crate) const P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
    /// secp521r1, 1.3.132.0.35 (RFC 5480).
    pub(crate) const P521: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x23];
    /// id-Ed25519, 1.3.101.112 (RFC 8410).
    pub(crate) const ED25519: &[u8] = &[0x2B, 0x65, 0x70];
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::oid_registry;

    const TAG_NULL: u8 = 0x05;

    #[test]
    fn oid_constants_agree_with_the_registry() {
        assert_eq!(
            oid::RSA_ENCRYPTION,
            oid_registry::OID_PKCS1_RSAENCRYPTION.as_bytes()
        );
        assert_eq!(
            oid::EC_PUBLIC_KEY,
            oid_registry::OID_KEY_TYPE_EC_PUBLIC_KEY.as_bytes()
        );
        assert_eq!(oid::P256, oid_registry::OID_EC_P256.as_bytes());
        assert_eq!(oid::P384, oid_registry::OID_NIST_EC_P384.as_bytes());
        assert_eq!(oid::P521, oid_registry::OID_NIST_EC_P521.as_bytes());
        assert_eq!(oid::ED25519, oid_registry::OID_SIG_ED25519.as_bytes());
    }

    #[test]
    fn oid_strings() {
        assert_eq!(oid_to_string(oid::RSA_ENCRYPTION), "1.2.840.113549.1.1.1");
        assert_eq!(oid_to_string(oid::P384), "1.3.132.0.34");
        assert_eq!(oid_to_string(&[]), "<malformed oid>");
        assert_eq!(oid_to_string(&[0x2A, 0x86]), "<malformed oid>");
        assert_eq!(oid_to_string(&[0xFF; 20]), "<oversized oid>");
    }

    #[test]
    fn lengths() {
        // Short form.
        let mut r = Reader::new(&[0x04, 0x02, 0xAA, 0xBB]);
        let tlv = r.read().unwrap();
        assert_eq!((tlv.tag, tlv.value), (0x04, &[0xAA, 0xBB][..]));
        assert!(r.is_empty());
        // Long form.
        let mut data = vec![0x04, 0x81, 0x80];
        data.extend([7u8; 0x80]);
        assert_eq!(Reader::new(&data).read().unwrap().value.len(), 0x80);
        // Errors.
        for bad in [
            &[][..],
            &[0x04],
            &[0x04, 0x80],
            &[0x04, 0x85, 1, 1, 1, 1, 1],
            &[0x04, 0x82, 0x01],
            &[0x04, 0x03, 0x00],
            &[0x1F, 0x01, 0x00],
            &[0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
        ] {
            assert!(Reader::new(bad).read().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(bit_string_bytes(&[0, 1, 2]).unwrap(), &[1, 2]);
        assert!(bit_string_bytes(&[1, 1]).is_err());
        assert!(bit_string_bytes(&[]).is_err());
        assert_eq!(unsigned_integer(&[0, 0, 5]).unwrap(), &[5]);
        assert_eq!(unsigned_integer(&[0]).unwrap(), &[0]);
        assert!(unsigned_integer(&[]).is_err());
        assert_eq!(small_integer(&[1]).unwrap(), 1);
        assert!(small_integer(&[1, 0]).is_err());
        assert!(Reader::single(&[0x05, 0x00, 0x00], TAG_NULL, "null").is_err());
        assert!(Reader::single(&[0x05, 0x00], TAG_NULL, "null").is_ok());
        let mut r = Reader::new(&[0x05, 0x00]);
        assert_eq!(r.optional(TAG_OID).unwrap(), None);
        assert_eq!(r.optional(TAG_NULL).unwrap(), Some(&[][..]));
    }
}
