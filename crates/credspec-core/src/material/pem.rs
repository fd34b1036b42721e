//! A tolerant reader of one PEM block, as vendors receive it.
//!
//! Accepted forms (all equivalent):
//!
//! * normal multi-line PEM (RFC 7468), with `\n` or `\r\n` line ends;
//! * one line with the base64 body glued to the markers
//!   (`-----BEGIN CERTIFICATE-----MIIF...A==-----END CERTIFICATE-----`), the form Twilio's
//!   instructions produce by stripping everything outside the headers;
//! * one line with spaces between markers and body
//!   (`-----BEGIN CERTIFICATE----- MIIG... -----END CERTIFICATE-----`), as in Telnyx's docs;
//! * any of the above with the line ends written as the two characters `\n` (a PEM pasted
//!   through an environment variable or a JSON string that was escaped twice).
//!
//! Whitespace (and a byte-order mark) may come before the block and whitespace after it;
//! anything else outside the block is an error, so a certificate-plus-key bundle is not
//! silently cut in half. RFC 1421 headers (`Proc-Type`, `DEK-Info`) are skipped, and an
//! `ENCRYPTED` one is reported as [`MaterialError::EncryptedKey`].

use std::fmt;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use memchr::memmem;

use super::MaterialError;
use crate::secret::Secret;

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";
/// The longest label accepted. Real labels are short (`ENCRYPTED PRIVATE KEY` is 21).
const MAX_LABEL_LEN: usize = 64;

/// Standard alphabet; padding optional, since one-line copies sometimes lose it.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One decoded PEM block: its label and its DER contents.
///
/// [`PemBlock::parse`] accepts, as equivalent:
///
/// * normal multi-line PEM (RFC 7468), with `\n` or `\r\n` line ends;
/// * one line with the base64 body glued to the markers
///   (`-----BEGIN CERTIFICATE-----MIIF...A==-----END CERTIFICATE-----`);
/// * one line with spaces between markers and body
///   (`-----BEGIN CERTIFICATE----- MIIG... -----END CERTIFICATE-----`);
/// * any of these with line ends written as the two characters `\n`.
///
/// Whitespace (and a byte-order mark) may come before the block and whitespace after it;
/// anything else outside the block is an error. RFC 1421 headers are skipped; an
/// `ENCRYPTED` one is [`MaterialError::EncryptedKey`].
///
/// The contents are held as a [`Secret`] because a block may be a private key; `Debug`
/// shows the label and the length only.
#[derive(Clone, PartialEq, Eq)]
pub struct PemBlock {
    label: String,
    contents: Secret<Vec<u8>>,
}

impl PemBlock {
    /// Reads exactly one PEM block from `input`, in any of the forms listed on
    /// [`PemBlock`].
    ///
    /// ```
    /// use credspec_core::material::PemBlock;
    ///
    /// let block = PemBlock::parse("-----BEGIN THING----- AAEC -----END THING-----")?;
    /// assert_eq!(block.label(), "THING");
    /// assert_eq!(block.contents().expose(), &[0, 1, 2]);
    /// # Ok::<(), credspec_core::material::MaterialError>(())
    /// ```
    pub fn parse(input: &str) -> Result<Self, MaterialError> {
        let located = locate(input)?;
        let contents = located.decode()?;
        Ok(Self {
            label: located.label.to_owned(),
            contents,
        })
    }

    /// The label between `-----BEGIN ` and `-----`, for example `CERTIFICATE`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The decoded body.
    pub fn contents(&self) -> &Secret<Vec<u8>> {
        &self.contents
    }
}

impl fmt::Debug for PemBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PemBlock")
            .field("label", &self.label)
            .field("len", &self.contents.expose().len())
            .finish()
    }
}

/// Encodes `der` as a normal multi-line PEM block (64 columns, `\n` line ends, final
/// newline).
pub fn encode_pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * label.len() + 40);
    out.push_str(BEGIN);
    out.push_str(label);
    out.push_str(DASHES);
    out.push('\n');
    let mut rest = body.as_str();
    while !rest.is_empty() {
        // Base64 output is ASCII, so every index is a char boundary.
        let (line, after) = rest
            .split_at_checked(rest.len().min(64))
            .unwrap_or((rest, ""));
        out.push_str(line);
        out.push('\n');
        rest = after;
    }
    out.push_str(END);
    out.push_str(label);
    out.push_str(DASHES);
    out.push('\n');
    out
}

/// True if `text` contains `...` or `…`, the mark of a truncated documentation example.
pub(crate) fn has_ellipsis(text: &str) -> bool {
    text.contains("...") || text.contains('\u{2026}')
}

/// The markers of one block found in the input, not yet decoded.
#[derive(Clone, Copy)]
pub(crate) struct Located<'a> {
    pub(crate) label: &'a str,
    body: &'a str,
    /// Byte offset of `body` in the input.
    body_offset: usize,
}

/// Length of the whitespace (or escaped line end) at the start of `bytes`, 0 if none.
fn space_len(bytes: &[u8]) -> usize {
    match bytes {
        [b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C, ..] => 1,
        [b'\\', b'n' | b'r', ..] => 2,
        _ => 0,
    }
}

/// The bytes [`space_len`] may skip from: whitespace, and the backslash of an escaped line
/// end. A table, since the base64 compaction looks up every byte of a body.
static MAY_BE_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C | b'\\');
        b += 1;
    }
    table
};

/// Offset of the first byte at or after `from` that is not whitespace, or `bytes.len()`.
fn skip_space(bytes: &[u8], mut from: usize) -> usize {
    while let Some(rest) = bytes.get(from..) {
        let n = space_len(rest);
        if n == 0 {
            return from;
        }
        from += n;
    }
    bytes.len()
}

/// A label as RFC 7468 allows it (printable ASCII), not empty and not absurdly long.
fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= MAX_LABEL_LEN
        && label.bytes().all(|b| (0x20..=0x7E).contains(&b))
}

/// SIMD searchers for the markers, built once (`str::find` and `memmem::find` set one up per
/// call, which cost more than the search on a certificate's body).
type Marker = LazyLock<memmem::Finder<'static>>;
static BEGIN_MARKER: Marker = LazyLock::new(|| memmem::Finder::new(BEGIN));
static END_MARKER: Marker = LazyLock::new(|| memmem::Finder::new(END));
static DASHES_MARKER: Marker = LazyLock::new(|| memmem::Finder::new(DASHES));

/// The first offset of `marker` in `haystack`.
fn find(haystack: &str, marker: &Marker) -> Option<usize> {
    marker.find(haystack.as_bytes())
}

/// Finds the one block in `input` and checks everything outside its body.
pub(crate) fn locate(input: &str) -> Result<Located<'_>, MaterialError> {
    let bytes = input.as_bytes();
    let mut start = 0;
    if input.starts_with('\u{FEFF}') {
        start = '\u{FEFF}'.len_utf8();
    }
    let start = skip_space(bytes, start);
    // The marker must open the input: look there first, anywhere else only for the error.
    let begin = if input
        .get(start..)
        .is_some_and(|rest| rest.starts_with(BEGIN))
    {
        start
    } else {
        find(input, &BEGIN_MARKER).ok_or(MaterialError::NoBeginMarker)?;
        return Err(MaterialError::DataBeforeBlock { offset: start });
    };
    let label_start = begin + BEGIN.len();
    let after_begin = input.get(label_start..).unwrap_or_default();
    let label_len = find(after_begin, &DASHES_MARKER)
        .ok_or(MaterialError::MalformedMarker { offset: begin })?;
    let label = after_begin.get(..label_len).unwrap_or_default();
    if !valid_label(label) {
        return Err(MaterialError::MalformedMarker { offset: begin });
    }
    let body_offset = label_start + label_len + DASHES.len();
    let rest = input.get(body_offset..).unwrap_or_default();
    let truncated = || MaterialError::Truncated {
        label: label.to_owned(),
    };
    let end_rel = find(rest, &END_MARKER).ok_or_else(truncated)?;
    let body = rest.get(..end_rel).unwrap_or_default();
    let end_label_start = body_offset + end_rel + END.len();
    let after_end = input.get(end_label_start..).unwrap_or_default();
    let end_label_len = find(after_end, &DASHES_MARKER).ok_or_else(truncated)?;
    let end_label = after_end.get(..end_label_len).unwrap_or_default();
    if end_label != label {
        if !valid_label(end_label) {
            return Err(MaterialError::MalformedMarker {
                offset: body_offset + end_rel,
            });
        }
        return Err(MaterialError::MismatchedLabel {
            begin: label.to_owned(),
            end: end_label.to_owned(),
        });
    }
    let tail = end_label_start + end_label_len + DASHES.len();
    let after = skip_space(bytes, tail);
    if after != bytes.len() {
        return Err(MaterialError::DataAfterBlock { offset: after });
    }
    Ok(Located {
        label,
        body,
        body_offset,
    })
}

impl Located<'_> {
    /// Decodes the body (skipping RFC 1421 headers) into DER bytes.
    pub(crate) fn decode(&self) -> Result<Secret<Vec<u8>>, MaterialError> {
        let (text, offset) = self.skip_headers()?;
        let der = decode_base64(text, offset).map_err(|offset| MaterialError::InvalidBase64 {
            label: self.label.to_owned(),
            offset,
        })?;
        if der.is_empty() {
            return Err(MaterialError::EmptyBody {
                label: self.label.to_owned(),
            });
        }
        Ok(Secret::new(der))
    }

    /// The body after any `Name: value` header lines, and its offset in the input.
    fn skip_headers(&self) -> Result<(&str, usize), MaterialError> {
        if !self.body.contains(':') {
            return Ok((self.body, self.body_offset));
        }
        let mut rest = self.body;
        let mut offset = self.body_offset;
        loop {
            let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
            offset += rest.len() - trimmed.len();
            rest = trimmed;
            let line_len = rest.find('\n').unwrap_or(rest.len());
            let line = rest.get(..line_len).unwrap_or_default();
            if !line.contains(':') {
                return Ok((rest, offset));
            }
            if line.to_ascii_uppercase().contains("ENCRYPTED") {
                return Err(MaterialError::EncryptedKey {
                    label: self.label.to_owned(),
                });
            }
            rest = rest.get(line_len..).unwrap_or_default();
            offset += line_len;
        }
    }
}

/// Decodes standard base64, ignoring whitespace and escaped line ends. On failure, returns
/// the byte offset (in the caller's input: `text` starts at `base`) of the first character
/// that could not be decoded.
pub(crate) fn decode_base64(text: &str, base: usize) -> Result<Vec<u8>, usize> {
    decode_base64_with(&BASE64, text, base)
}

/// [`decode_base64`] with a chosen engine.
pub(crate) fn decode_base64_with(
    engine: &GeneralPurpose,
    text: &str,
    base: usize,
) -> Result<Vec<u8>, usize> {
    match decode_plain_lines(engine, text.as_bytes()) {
        Some(decoded) => Ok(decoded),
        None => decode_compacted(engine, text, base),
    }
}

/// [`decode_base64_with`] for any body: compacts it in full, and finds the offset of an error.
fn decode_compacted(engine: &GeneralPurpose, text: &str, base: usize) -> Result<Vec<u8>, usize> {
    let bytes = text.as_bytes();
    // Everything but whitespace and line breaks (literal or escaped `\n`), copied by runs;
    // whatever is not base64 is left for the engine to report.
    let mut compact = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = rest.iter().position(|&b| MAY_BE_SPACE[usize::from(b)]) {
        let (run, after) = rest.split_at(at);
        compact.extend_from_slice(run);
        // A backslash that escapes no line end is kept.
        let (kept, skipped) = match space_len(after) {
            0 => (1, 1),
            n => (0, n),
        };
        compact.extend_from_slice(after.get(..kept).unwrap_or_default());
        rest = after.get(skipped..).unwrap_or_default();
    }
    compact.extend_from_slice(rest);
    let end = base + bytes.len();
    engine.decode(&compact).map_err(|e| match e {
        base64::DecodeError::InvalidByte(index, _)
        | base64::DecodeError::InvalidLastSymbol(index, _)
        | base64::DecodeError::InvalidLength(index) => {
            offset_of_kept(bytes, index).map_or(end, |offset| base + offset)
        }
        base64::DecodeError::InvalidPadding => end,
    })
}

/// The common shape of a body, lines broken by `\n` or `\r\n` and nothing else to skip,
/// found with `memchr` instead of a look-up of every byte. Any other whitespace or backslash
/// is left in, the engine refuses it, and [`decode_base64_with`] then compacts the body in
/// full; so a success here decodes exactly the bytes the full compaction would.
fn decode_plain_lines(engine: &GeneralPurpose, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut compact = Vec::with_capacity(bytes.len());
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        let line = bytes.get(start..end).unwrap_or_default();
        compact.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        start = end + 1;
    }
    engine.decode(&compact).ok()
}

/// The offset in `bytes` of the `index`-th byte [`decode_base64_with`] kept (an error's
/// position; worked out again only when there is an error).
fn offset_of_kept(bytes: &[u8], index: usize) -> Option<usize> {
    let mut kept = 0;
    let mut i = 0;
    while i < bytes.len() {
        let n = space_len(bytes.get(i..).unwrap_or_default());
        if n == 0 {
            if kept == index {
                return Some(i);
            }
            kept += 1;
            i += 1;
        } else {
            i += n;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DER: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x05, 0xFF, 0x00, 0x10];

    fn forms() -> Vec<String> {
        let b64 = base64::engine::general_purpose::STANDARD.encode(DER);
        vec![
            encode_pem("CERTIFICATE", DER),
            encode_pem("CERTIFICATE", DER).replace('\n', "\r\n"),
            format!("-----BEGIN CERTIFICATE-----{b64}-----END CERTIFICATE-----"),
            format!("-----BEGIN CERTIFICATE----- {b64} -----END CERTIFICATE-----"),
            format!("-----BEGIN CERTIFICATE-----\\n{b64}\\n-----END CERTIFICATE-----\\n"),
            format!(
                "\u{FEFF}  \n-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n\n "
            ),
            // Lost padding, body split at odd places.
            format!(
                "-----BEGIN CERTIFICATE-----\n{}\n {}\n-----END CERTIFICATE-----",
                &b64[..3],
                b64[3..].trim_end_matches('=')
            ),
            // RFC 1421 headers are skipped.
            format!("-----BEGIN CERTIFICATE-----\nComment: x\n\n{b64}\n-----END CERTIFICATE-----"),
        ]
    }

    #[test]
    fn every_form_decodes_to_the_same_der() {
        for form in forms() {
            let block = PemBlock::parse(&form).unwrap_or_else(|e| panic!("{form:?}: {e}"));
            assert_eq!(block.label(), "CERTIFICATE");
            assert_eq!(block.contents().expose(), DER, "{form:?}");
        }
    }

    #[test]
    fn padding_is_optional_but_never_misplaced() {
        let block =
            |body: &str| PemBlock::parse(&format!("-----BEGIN X----- {body} -----END X-----"));
        for (body, der) in [
            ("zA==", &[0xCC][..]),
            ("zA=", &[0xCC]),
            ("zA", &[0xCC]),
            ("AAE=", &[0, 1]),
            ("AAE", &[0, 1]),
            ("AAECAw", &[0, 1, 2, 3]),
        ] {
            assert_eq!(
                block(body).map(|b| b.contents().expose().clone()),
                Ok(der.to_vec()),
                "{body}"
            );
        }
        for body in ["AAAA=", "AA===", "AAE==", "A===", "AA=A", "AAAAA", "zB=="] {
            assert!(
                matches!(block(body), Err(MaterialError::InvalidBase64 { .. })),
                "{body}: {:?}",
                block(body)
            );
        }
    }

    #[test]
    fn encode_wraps_at_64_columns() {
        let pem = encode_pem("X", &[7u8; 100]);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(pem.lines().count(), 5);
        assert_eq!(
            PemBlock::parse(&pem).unwrap().contents().expose(),
            &[7u8; 100]
        );
    }

    #[test]
    fn errors() {
        use MaterialError as E;
        let cases: Vec<(&str, E)> = vec![
            ("", E::NoBeginMarker),
            ("MIIBIjANBg", E::NoBeginMarker),
            (
                "junk -----BEGIN X----- AA== -----END X-----",
                E::DataBeforeBlock { offset: 0 },
            ),
            ("-----BEGIN X", E::MalformedMarker { offset: 0 }),
            (
                "-----BEGIN ----- AA -----END -----",
                E::MalformedMarker { offset: 0 },
            ),
            (
                "-----BEGIN X-----\nAAAA\n",
                E::Truncated {
                    label: "X".to_owned(),
                },
            ),
            (
                "-----BEGIN X-----\nAAAA\n-----END X",
                E::Truncated {
                    label: "X".to_owned(),
                },
            ),
            (
                "-----BEGIN X----- AAAA -----END Y-----",
                E::MismatchedLabel {
                    begin: "X".to_owned(),
                    end: "Y".to_owned(),
                },
            ),
            (
                "-----BEGIN X----- AA*A -----END X-----",
                E::InvalidBase64 {
                    label: "X".to_owned(),
                    offset: 20,
                },
            ),
            (
                "-----BEGIN X----- \n -----END X-----",
                E::EmptyBody {
                    label: "X".to_owned(),
                },
            ),
            (
                "-----BEGIN X----- AAAA -----END X----- trailing",
                E::DataAfterBlock { offset: 39 },
            ),
            (
                "-----BEGIN X-----\nAAAA\n-----END X-----\n-----BEGIN X-----\nAAAA\n-----END X-----\n",
                E::DataAfterBlock { offset: 39 },
            ),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----",
                E::EncryptedKey {
                    label: "RSA PRIVATE KEY".to_owned(),
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(PemBlock::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn error_messages_never_contain_the_body() {
        let secret_body = "c2VjcmV0c2VjcmV0*c2VjcmV0";
        let input = format!("-----BEGIN PRIVATE KEY----- {secret_body} -----END PRIVATE KEY-----");
        let err = PemBlock::parse(&input).unwrap_err();
        let message = err.to_string();
        assert!(!message.contains("c2Vj"), "{message}");
        assert!(message.contains("PRIVATE KEY"), "{message}");
    }

    #[test]
    fn debug_shows_label_and_length_only() {
        let block = PemBlock::parse(&encode_pem("PRIVATE KEY", b"topsecretbytes")).unwrap();
        let printed = format!("{block:?}");
        assert_eq!(printed, "PemBlock { label: \"PRIVATE KEY\", len: 14 }");
    }

    proptest::proptest! {
        /// Whenever the `memchr` path for plain line breaks decodes, it gives the bytes the
        /// full compaction gives.
        #[test]
        fn plain_lines_decode_as_the_full_compaction(
            text in "([A-Za-z0-9+/]{4}(\n|\r\n|\r| |\t|\\\\n|\\\\)?){0,24}[A-Za-z0-9+/]{0,3}=?"
        ) {
            let plain = decode_plain_lines(&BASE64, text.as_bytes());
            let full = decode_compacted(&BASE64, &text, 0);
            if let Some(plain) = plain {
                proptest::prop_assert_eq!(Ok(plain), full);
            }
        }
    }

    #[test]
    fn plain_lines_take_only_plain_breaks() {
        let body = "AAEC\r\nAwQF\nBgcI";
        assert_eq!(
            decode_plain_lines(&BASE64, body.as_bytes()),
            Some((0u8..9).collect())
        );
        for other in ["AAEC AwQF", "AAEC\\nAwQF", "AAEC\rAwQF", "AAEC\tAwQF"] {
            assert_eq!(
                decode_plain_lines(&BASE64, other.as_bytes()),
                None,
                "{other:?}"
            );
            assert_eq!(
                decode_compacted(&BASE64, other, 0),
                Ok((0u8..6).collect()),
                "{other:?}"
            );
        }
    }

    #[test]
    fn ellipsis() {
        assert!(has_ellipsis("MIIG..."));
        assert!(has_ellipsis("MIIG\u{2026}"));
        assert!(!has_ellipsis("MIIG.."));
    }
}
