//! A small typed client of the admin API, for the emulator's own tests and for a downstream
//! crate's `cargo test` that runs its client against the emulator. HTTP/1.1 over one new
//! connection per call (hyper's client side, already compiled for the server).
//!
//! ```no_run
//! # async fn demo(addr: std::net::SocketAddr) -> Result<(), credspec_emulator::admin::client::ClientError> {
//! use credspec_emulator::admin::client::AdminClient;
//! use credspec_emulator::admin::faults::{Fault, FaultRule, Match};
//! let admin = AdminClient::new(addr, "the admin token");
//! admin.reset().await?;
//! let rule = FaultRule::new(Match::default(), Fault::Status { status: 429, retry_after: Some(0), should_retry: None });
//! admin.add_fault(&rule).await?;
//! // ... run the client under test ...
//! let seen = admin.requests(None, Some(10)).await?;
//! # let _ = seen; Ok(()) }
//! ```

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{Method, Request};
use credspec_core::api::ApiId;
use credspec_core::secret::Secret;
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;

use super::faults::{Entry, FaultRule};
use super::inspector::Exchange;

/// The admin API of an emulator at an address.
#[derive(Debug, Clone)]
pub struct AdminClient {
    addr: SocketAddr,
    token: Secret<String>,
}

/// Why an admin call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// No connection.
    #[error("cannot connect to the emulator: {0}")]
    Connect(#[from] std::io::Error),
    /// The exchange failed.
    #[error("admin request failed: {0}")]
    Http(#[from] hyper::Error),
    /// The request could not be built (a snapshot name that is not a path segment).
    #[error("admin request could not be built: {0}")]
    Request(#[from] axum::http::Error),
    /// The emulator refused the call.
    #[error("admin API answered {status}: {message}")]
    Refused {
        /// The status.
        status: u16,
        /// Its message.
        message: String,
    },
    /// The answer does not decode.
    #[error("admin answer does not decode: {0}")]
    Decode(#[from] serde_json::Error),
    /// The answer's body could not be read.
    #[error("admin answer could not be read: {0}")]
    Body(#[from] axum::Error),
}

#[derive(serde::Deserialize)]
struct Rules {
    rules: Vec<Entry>,
}

#[derive(serde::Deserialize)]
struct Requests {
    requests: Vec<Exchange>,
}

impl AdminClient {
    /// The admin API at `addr`, opened by `token`.
    pub fn new(addr: SocketAddr, token: impl Into<Secret<String>>) -> Self {
        Self {
            addr,
            token: token.into(),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, ClientError> {
        let stream = tokio::net::TcpStream::connect(self.addr).await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", super::PREFIX))
            .header("host", self.addr.to_string())
            .header(
                "authorization",
                format!("Bearer {}", self.token.expose_str()),
            );
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(Body::from(body.unwrap_or_default()))?;
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(Body::new(response.into_body()), usize::MAX).await?;
        if !(200..300).contains(&status) {
            let message = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_owned))
                .unwrap_or_default();
            return Err(ClientError::Refused { status, message });
        }
        Ok(bytes.to_vec())
    }

    async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, ClientError> {
        Ok(serde_json::from_slice(
            &self.call(method, path, body).await?,
        )?)
    }

    /// `POST /_credspec/reset`.
    pub async fn reset(&self) -> Result<(), ClientError> {
        self.call(Method::POST, "/reset", None).await.map(drop)
    }

    /// `POST /_credspec/faults`: the rule as listed.
    pub async fn add_fault(&self, rule: &FaultRule) -> Result<Entry, ClientError> {
        let body = serde_json::to_vec(rule)?;
        self.json(Method::POST, "/faults", Some(body)).await
    }

    /// `GET /_credspec/faults`.
    pub async fn faults(&self) -> Result<Vec<Entry>, ClientError> {
        let rules: Rules = self.json(Method::GET, "/faults", None).await?;
        Ok(rules.rules)
    }

    /// `DELETE /_credspec/faults`.
    pub async fn clear_faults(&self) -> Result<(), ClientError> {
        self.call(Method::DELETE, "/faults", None).await.map(drop)
    }

    /// `GET /_credspec/requests?api=&limit=`, oldest first.
    pub async fn requests(
        &self,
        api: Option<ApiId>,
        limit: Option<usize>,
    ) -> Result<Vec<Exchange>, ClientError> {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(api) = api {
            query.append_pair("api", api.as_str());
        }
        if let Some(limit) = limit {
            query.append_pair("limit", &limit.to_string());
        }
        let path = format!("/requests?{}", query.finish());
        let requests: Requests = self.json(Method::GET, &path, None).await?;
        Ok(requests.requests)
    }

    /// `DELETE /_credspec/requests`.
    pub async fn clear_requests(&self) -> Result<(), ClientError> {
        self.call(Method::DELETE, "/requests", None).await.map(drop)
    }

    /// `POST /_credspec/snapshots/{name}`.
    pub async fn save_snapshot(&self, name: &str) -> Result<(), ClientError> {
        let path = format!("/snapshots/{name}");
        self.call(Method::POST, &path, None).await.map(drop)
    }

    /// `POST /_credspec/snapshots/{name}/restore`.
    pub async fn restore_snapshot(&self, name: &str) -> Result<(), ClientError> {
        let path = format!("/snapshots/{name}/restore");
        self.call(Method::POST, &path, None).await.map(drop)
    }
}
