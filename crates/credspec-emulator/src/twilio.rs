//! The Twilio APIs: Notify v1 under `/twilio/notify`, Chat v2 under `/twilio/chat` and
//! `/twilio/ip-messaging` (one store, decision D19) ([`classic`]), and the Comms push
//! credentials under `/twilio/comms` ([`comms`]).
//!
//! Handlers are thin: decode with `credspec-twilio`, check with `credspec-core`'s rules,
//! read or write the store, encode with `credspec-twilio`. Auth is HTTP Basic with an
//! account sid and auth token or an API key sid and secret (the key acts for its account,
//! decision D21); anything else is 401/20003.

use axum::http::HeaderMap;
use axum::http::header::HOST;
use credspec_core::id::AccountSid;
use sha2::{Digest, Sha256};

use crate::Shared;
use crate::http;

pub(crate) mod classic;
pub(crate) mod comms;

/// The account a Basic `Authorization` header acts for; `None` when it names none.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Option<AccountSid> {
    shared
        .accounts
        .twilio(headers)
        .map_err(|failure| {
            tracing::debug!(reason = failure.as_str(), "twilio: not authenticated");
        })
        .ok()
}

/// The base URL that answered (decisions D14, D19): scheme (`X-Forwarded-Proto`, which the
/// HTTPS front sets, else `http`) + `Host` + the API's base path, which a request addressed
/// to the vendor's host does not carry. A vendor host is written as the vendor writes it:
/// lower-case, without the scheme's default port (`https://notify.twilio.com`).
fn base_url(headers: &HeaderMap, uri: &axum::http::Uri, base_path: &str) -> String {
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v == "https" || *v == "http")
        .unwrap_or("http");
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    if http::vendor_base(headers, uri).is_none() {
        return format!("{scheme}://{host}{base_path}");
    }
    let default_port = if scheme == "https" { "443" } else { "80" };
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => (name, port),
        _ => (host, ""),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if port.is_empty() || port == default_port {
        format!("{scheme}://{name}")
    } else {
        format!("{scheme}://{name}:{port}")
    }
}

/// An opaque page token the emulator issued for `parts` (the list, the account, the page
/// size and the position): a keyed hash, so a token it did not issue is recognised.
fn page_token(shared: &Shared, parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    hash.update(shared.token_key.expose());
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}
