//! The local certificate authority: `ca.pem` and `ca-key.pem` in one directory, created on
//! first start and reused on every start after, so that a client told once to trust
//! `ca.pem` keeps trusting the emulator.
//!
//! The key (ECDSA P-256) is written with mode 0600, each file through a temporary file
//! renamed into place without replacing an existing one, so a crash or a second emulator
//! starting at the same moment never leaves half a file. The CA may sign only names under
//! the vendors' domains (a name constraint), and no path under the CA: should its key leak,
//! it vouches for no other site.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
    GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose, NameConstraints,
};

/// The certificate's file name in the CA directory.
pub(crate) const CERT_FILE: &str = "ca.pem";
/// The key's file name in the CA directory (mode 0600).
pub(crate) const KEY_FILE: &str = "ca-key.pem";

/// Why the CA directory cannot be used. No message holds key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaError {
    /// The directory cannot be created.
    #[error("cannot create the CA directory {path}: {source}")]
    Dir {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// One file of the pair exists without the other.
    #[error(
        "{present} exists but {missing} does not: restore it, or remove both to create a new CA"
    )]
    Incomplete {
        /// The file there.
        present: String,
        /// The file missing.
        missing: String,
    },
    /// The key file is not a PEM private key, or not the key of the certificate beside it.
    #[error("{path} is not the private key of the certificate beside it")]
    Key {
        /// The key file.
        path: String,
    },
    /// A certificate cannot be made.
    #[error("cannot make a certificate: {0}")]
    Certificate(#[from] rcgen::Error),
}

/// The emulator's own certificate authority, loaded from or created in a directory.
pub struct LocalCa {
    cert_path: PathBuf,
    cert_pem: String,
    key: KeyPair,
}

impl std::fmt::Debug for LocalCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is never printed.
        f.debug_struct("LocalCa")
            .field("cert_path", &self.cert_path)
            .finish_non_exhaustive()
    }
}

impl LocalCa {
    /// The CA of `dir`: loaded when `ca.pem` and `ca-key.pem` are there, created (with the
    /// directory) when neither is.
    pub fn load_or_create(dir: &Path) -> Result<Self, CaError> {
        let shown = |p: &Path| p.display().to_string();
        std::fs::create_dir_all(dir).map_err(|source| CaError::Dir {
            path: shown(dir),
            source,
        })?;
        let cert_path = dir.join(CERT_FILE);
        let key_path = dir.join(KEY_FILE);
        match (cert_path.exists(), key_path.exists()) {
            (true, true) => {
                let read = |p: &Path| {
                    std::fs::read_to_string(p).map_err(|source| CaError::Read {
                        path: shown(p),
                        source,
                    })
                };
                let cert_pem = read(&cert_path)?;
                let key_pem = read(&key_path)?;
                let key = KeyPair::from_pem(&key_pem).map_err(|_| CaError::Key {
                    path: shown(&key_path),
                })?;
                if !certifies(&cert_pem, &key) {
                    return Err(CaError::Key {
                        path: shown(&key_path),
                    });
                }
                Ok(Self {
                    cert_path,
                    cert_pem,
                    key,
                })
            }
            (false, false) => {
                let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
                let cert_pem = ca_params().self_signed(&key)?.pem();
                write_new(&key_path, key.serialize_pem().as_bytes(), 0o600)?;
                write_new(&cert_path, cert_pem.as_bytes(), 0o644)?;
                Ok(Self {
                    cert_path,
                    cert_pem,
                    key,
                })
            }
            (true, false) => Err(CaError::Incomplete {
                present: shown(&cert_path),
                missing: shown(&key_path),
            }),
            (false, true) => Err(CaError::Incomplete {
                present: shown(&key_path),
                missing: shown(&cert_path),
            }),
        }
    }

    /// Where `ca.pem` is: the file clients are told to trust.
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A server certificate for `names` (DNS names), signed by this CA, and its new key as
    /// PKCS#8 DER. Names outside the CA's name constraint are not checked here: clients
    /// refuse them.
    pub(crate) fn issue(&self, names: Vec<String>) -> Result<(Vec<u8>, Vec<u8>), CaError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::new(names)?;
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "credspec emulator");
        params.is_ca = IsCa::NoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let issuer = Issuer::new(ca_params(), &self.key);
        let cert = params.signed_by(&key, &issuer)?;
        Ok((cert.der().to_vec(), key.serialize_der()))
    }
}

/// The CA's parameters, the same on every start: a leaf's issuer name and key identifier
/// are rebuilt from them, so they must not change.
fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "credspec");
    params
        .distinguished_name
        .push(DnType::CommonName, "credspec local CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.name_constraints = Some(NameConstraints {
        permitted_subtrees: super::vendor_domains()
            .into_iter()
            .map(|d| GeneralSubtree::DnsName(d.to_owned()))
            .collect(),
        excluded_subtrees: Vec::new(),
    });
    params
}

/// Whether the certificate `pem` carries the public key of `key`.
fn certifies(pem: &str, key: &KeyPair) -> bool {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let Ok(der) = CertificateDer::from_pem_slice(pem.as_bytes()) else {
        return false;
    };
    let spki = rcgen::PublicKeyData::subject_public_key_info(key);
    !spki.is_empty() && der.windows(spki.len()).any(|w| w == spki.as_slice())
}

/// Writes `bytes` to `path`, which must not exist, through a temporary file in the same
/// directory (created with mode 0600) given `mode` before it is linked into place.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), CaError> {
    let error = |source| CaError::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(error)?;
    file.write_all(bytes).map_err(error)?;
    file.as_file().sync_all().map_err(error)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(error)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    file.persist_noclobber(path).map_err(|e| error(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let first = LocalCa::load_or_create(dir.path()).unwrap();
        let again = LocalCa::load_or_create(dir.path()).unwrap();
        assert_eq!(first.cert_pem(), again.cert_pem());
        assert!(!format!("{first:?}").contains("PRIVATE"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn half_a_pair_or_a_foreign_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        LocalCa::load_or_create(dir.path()).unwrap();
        let other = tempfile::tempdir().unwrap();
        LocalCa::load_or_create(other.path()).unwrap();
        std::fs::copy(other.path().join(KEY_FILE), dir.path().join(KEY_FILE)).unwrap();
        let error = LocalCa::load_or_create(dir.path()).unwrap_err();
        assert!(matches!(error, CaError::Key { .. }), "{error}");
        std::fs::remove_file(dir.path().join(KEY_FILE)).unwrap();
        let error = LocalCa::load_or_create(dir.path()).unwrap_err();
        assert!(matches!(error, CaError::Incomplete { .. }), "{error}");
    }
}
