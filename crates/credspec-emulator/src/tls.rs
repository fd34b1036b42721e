//! The HTTPS front, for clients whose SDK hard-codes the vendor's hosts: a `CONNECT` proxy
//! on the plain port ([`proxy`]) and, optionally, a port that speaks TLS directly. Both
//! terminate TLS with a certificate of the local CA ([`ca`]) and serve the same router.
//!
//! The served names come from core's table ([`crate::APIS`]): each site's host
//! (`notify.twilio.com`, `api.telnyx.com`) and, for the regional APIs, every
//! `{product}.{edge}.{region}.twilio.com`. The server certificate names all of them, is
//! issued at start and kept in memory only; a client that asks (SNI) for any other name
//! gets no certificate at all, and the handshake fails.

use std::sync::Arc;

use credspec_core::api::{TWILIO_EDGES, TWILIO_REGIONS, regional_site};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

pub(crate) mod ca;
pub(crate) mod proxy;

pub use ca::{CaError, LocalCa};

/// Whether `host` (lower-case, no port, no trailing dot) is a vendor host the emulator
/// serves.
pub(crate) fn served_host(host: &str) -> bool {
    crate::APIS
        .iter()
        .flat_map(|api| api.sites)
        .any(|site| site.host == host)
        || regional_site(host).is_some()
}

/// Every served host: each site's, then each regional API's in every region through every
/// edge.
pub(crate) fn served_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if !names.contains(&name) {
            names.push(name);
        }
    };
    for api in &crate::APIS {
        for site in api.sites {
            add(site.host.to_owned());
        }
    }
    for api in crate::APIS.iter().filter(|api| api.regional) {
        for site in api.sites {
            for region in TWILIO_REGIONS {
                for edge in TWILIO_EDGES {
                    add(site.regional_host(edge, region.id));
                }
            }
        }
    }
    names
}

/// The registrable domains of the served hosts (`twilio.com`, `telnyx.com`): the CA's name
/// constraint.
pub(crate) fn vendor_domains() -> Vec<&'static str> {
    let mut domains: Vec<&'static str> = Vec::new();
    for site in crate::APIS.iter().flat_map(|api| api.sites) {
        let mut dots = site.host.rmatch_indices('.').map(|(i, _)| i);
        let _ = dots.next();
        let domain = dots.next().map_or(site.host, |i| &site.host[i + 1..]);
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    domains
}

/// The TLS side of the HTTPS front: the server configuration, shared by every connection.
#[derive(Clone)]
pub struct HttpsFront {
    config: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for HttpsFront {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpsFront").finish_non_exhaustive()
    }
}

/// Why the HTTPS front cannot be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpsError {
    /// The server certificate cannot be issued.
    #[error(transparent)]
    Ca(#[from] CaError),
    /// rustls refuses the configuration or the key.
    #[error("cannot configure TLS: {0}")]
    Tls(#[from] rustls::Error),
}

impl HttpsFront {
    /// A front serving a certificate for every served name, issued now by `ca`.
    pub fn new(ca: &LocalCa) -> Result<Self, HttpsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let (cert, key) = ca.issue(served_names())?;
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.into());
        let signer = provider.key_provider.load_private_key(key)?;
        let certified = Arc::new(CertifiedKey::new(vec![cert.into()], signer));
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(ServedNames(certified)));
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            config: Arc::new(config),
        })
    }

    /// The acceptor of a TLS connection.
    pub(crate) fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(Arc::clone(&self.config))
    }
}

/// Answers a client hello with the certificate when it names a served host, or names none
/// (a client that connects by address); with nothing (the handshake fails) otherwise.
#[derive(Debug)]
struct ServedNames(Arc<CertifiedKey>);

impl ResolvesServerCert for ServedNames {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        match hello.server_name() {
            None => Some(Arc::clone(&self.0)),
            Some(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if served_host(&name) {
                    Some(Arc::clone(&self.0))
                } else {
                    tracing::info!(server_name = %name, "TLS refused: not a served host");
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_table() {
        let names = served_names();
        for host in [
            "notify.twilio.com",
            "chat.twilio.com",
            "ip-messaging.twilio.com",
            "conversations.twilio.com",
            "comms.twilio.com",
            "api.telnyx.com",
            "notify.sydney.au1.twilio.com",
            "chat.ashburn.us1.twilio.com",
        ] {
            assert!(names.iter().any(|n| n == host), "{host}");
            assert!(served_host(host), "{host}");
        }
        assert!(names.iter().all(|n| served_host(n)));
        for unserved in [
            "example.com",
            "api.twilio.com",
            "comms.sydney.au1.twilio.com",
            "notify.twilio.com.evil",
        ] {
            assert!(!served_host(unserved), "{unserved}");
        }
        assert_eq!(vendor_domains(), ["twilio.com", "telnyx.com"]);
    }
}
