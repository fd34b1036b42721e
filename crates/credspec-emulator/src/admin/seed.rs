//! `--seed FILE`: credentials preloaded per account from JSON, each created through the
//! API's own create operation (the same decoding, rules and limits as a client's request;
//! neither fault rules nor the inspector see them):
//!
//! ```json
//! {"accounts": [
//!   {"account": "AC0123...", "credentials": [
//!     {"api": "twilio/notify-v1", "body": {"Type": "fcm", "Secret": "..."}}]},
//!   {"account": "<Telnyx user_id>", "credentials": [
//!     {"api": "telnyx/telephony-credentials", "body": {"connection_id": "123"}}]}]}
//! ```
//!
//! `account` is a Twilio account SID or a Telnyx key's `user_id`; a classic Twilio body is
//! an object of form fields (strings), the others are the JSON the API takes. The store is
//! seeded as it is: on a kept `--db`, seeding again creates the credentials again.

use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request};
use base64::Engine as _;
use credspec_core::api::{ApiId, AuthScheme, Shape};
use hyper::service::Service as _;
use hyper_util::service::TowerToHyperService;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Emulator;

/// A seed file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Seed {
    /// The accounts and their credentials.
    pub accounts: Vec<SeedAccount>,
}

/// One account's credentials.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedAccount {
    /// A Twilio account SID or a Telnyx `user_id`.
    pub account: String,
    /// Its credentials, created in order.
    pub credentials: Vec<SeedCredential>,
}

/// One credential: the API and the create body.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedCredential {
    /// The API.
    pub api: ApiId,
    /// The create request's body.
    pub body: Map<String, Value>,
}

impl std::fmt::Debug for SeedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body holds keys and certificates.
        f.debug_struct("SeedCredential")
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

/// Why a seed cannot be used. No message holds a body's value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// The file cannot be read.
    #[error("cannot read seed file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not JSON of the documented shape.
    #[error("seed file {path} is not valid: line {line}, column {column}")]
    Shape {
        /// The file.
        path: String,
        /// Where.
        line: usize,
        /// Where.
        column: usize,
    },
    /// An account the emulator does not serve, or not of the API's vendor.
    #[error("seed: account {account:?} is not a {api} account of this emulator")]
    Account {
        /// The account.
        account: String,
        /// The API.
        api: ApiId,
    },
    /// A classic Twilio body member that is not a string.
    #[error("seed: account {account:?}, credential {index}: member {member:?} is not a string")]
    FormValue {
        /// The account.
        account: String,
        /// The credential's position, from 0.
        index: usize,
        /// The member.
        member: String,
    },
    /// The API refused the create.
    #[error(
        "seed: account {account:?}, credential {index} ({api}): refused with status {status}{rules}"
    )]
    Refused {
        /// The account.
        account: String,
        /// The credential's position, from 0.
        index: usize,
        /// The API.
        api: ApiId,
        /// The answer's status.
        status: u16,
        /// The rules it broke (`; rules: ...`), when named.
        rules: String,
    },
}

impl Seed {
    /// Reads a seed file.
    pub fn load(path: &Path) -> Result<Self, SeedError> {
        let name = || path.display().to_string();
        let text = std::fs::read(path).map_err(|source| SeedError::Read {
            path: name(),
            source,
        })?;
        // serde_json's messages may quote a value: say only where.
        serde_json::from_slice(&text).map_err(|e| SeedError::Shape {
            path: name(),
            line: e.line(),
            column: e.column(),
        })
    }
}

/// The marker of a seeding request: faults and the inspector leave it alone.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seeding;

impl Emulator {
    /// Creates every credential of `seed` through its API; returns how many.
    pub async fn seed(&self, seed: &Seed) -> Result<usize, SeedError> {
        let service = TowerToHyperService::new(self.router());
        let mut created = 0;
        for account in &seed.accounts {
            for (index, credential) in account.credentials.iter().enumerate() {
                let request = self.seed_request(&account.account, index, credential)?;
                let Ok(response) = service.call(request).await;
                let status = response.status().as_u16();
                if !(200..300).contains(&status) {
                    let rules: Vec<&str> = response
                        .headers()
                        .get_all(crate::http::RULE_HEADER)
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .collect();
                    return Err(SeedError::Refused {
                        account: account.account.clone(),
                        index,
                        api: credential.api,
                        status,
                        rules: if rules.is_empty() {
                            String::new()
                        } else {
                            format!("; rules: {}", rules.join(", "))
                        },
                    });
                }
                created += 1;
            }
        }
        Ok(created)
    }

    fn seed_request(
        &self,
        account: &str,
        index: usize,
        credential: &SeedCredential,
    ) -> Result<Request<Body>, SeedError> {
        let api = credential.api.api();
        let accounts = &self.shared.accounts;
        let not_ours = || SeedError::Account {
            account: account.to_owned(),
            api: credential.api,
        };
        let authorization = match api.auth {
            AuthScheme::Bearer => {
                let key = accounts
                    .telnyx
                    .iter()
                    .find(|k| k.user_id().to_string() == account)
                    .ok_or_else(not_ours)?;
                format!("Bearer {}", key.key().expose_str())
            }
            AuthScheme::TwilioBasic => {
                let found = accounts
                    .twilio
                    .iter()
                    .find(|a| a.sid.as_str() == account)
                    .ok_or_else(not_ours)?;
                let pair = format!("{}:{}", found.sid, found.auth_token.expose_str());
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            }
        };
        let (content_type, body) = if matches!(api.shape, Shape::TwilioClassic { .. }) {
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (member, value) in &credential.body {
                let text = value.as_str().ok_or_else(|| SeedError::FormValue {
                    account: account.to_owned(),
                    index,
                    member: member.clone(),
                })?;
                form.append_pair(member, text);
            }
            (
                "application/x-www-form-urlencoded",
                form.finish().into_bytes(),
            )
        } else {
            let body = serde_json::to_vec(&credential.body).unwrap_or_default();
            ("application/json", body)
        };
        let site = api.sites.first().map_or("", |s| s.prefix);
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(format!("{site}{}", api.collection_path))
            .header("host", "localhost")
            .header("content-type", content_type)
            .header("authorization", authorization)
            .body(Body::from(body))
            .map_err(|_| not_ours())?;
        request.extensions_mut().insert(Seeding);
        Ok(request)
    }
}
