//! The inspector: `GET /_credspec/requests?api=&limit=` returns the last exchanges with the
//! vendor APIs (oldest first; `limit` default 100, at most [`CAPACITY`]), `DELETE` forgets
//! them. Each has its method, path, query, API and operation, status (`null` when a `close`
//! fault answered nothing), the fault applied, the `Credspec-Lint` findings and
//! `Credspec-Rule` refusals, and the request and response bodies (JSON as JSON, a form as an
//! object) with every secret masked: a member whose name says secret (`certificate`,
//! `private_key`, `secret`, `sip_password`, `token`, ...) and any string holding a PEM
//! block or a JWT become `"***"`, and a body of another type (the telephony token's
//! `text/plain` JWT) is not kept. Headers are not kept, so `Authorization` never is.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use credspec_core::api::ApiId;
use credspec_core::secret::{MASK, is_secret_name, looks_secret, mask_json};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::faults::{CloseConnection, FaultApplied};
use super::{AdminError, lock};
use crate::Shared;
use crate::http::{self, LINT_HEADER, MAX_BODY_BYTES, RULE_HEADER};
use crate::place::Place;

/// How many exchanges are kept.
pub const CAPACITY: usize = 1000;

/// One exchange, as `GET /_credspec/requests` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Exchange {
    /// Its number, from 1, in arrival order.
    pub id: u64,
    /// The method.
    pub method: String,
    /// The path on the emulator (`/telnyx/v2/telephony_credentials`).
    pub path: String,
    /// The query, secrets masked.
    pub query: Option<String>,
    /// The API (`telnyx/telephony-credentials`), when the path is one of its operations.
    pub api: Option<String>,
    /// The operationId.
    pub operation: Option<String>,
    /// The status; `None` when a `close` fault answered nothing.
    pub status: Option<u16>,
    /// The kind of fault applied (`status`, `latency`, `close`).
    pub fault: Option<String>,
    /// The `Credspec-Lint` findings (`<rule id>; <json pointer>`).
    pub lint: Vec<String>,
    /// The `Credspec-Rule` values of a refusal.
    pub rules: Vec<String>,
    /// The request body, secrets masked (`null` when empty).
    pub request_body: Value,
    /// The response body, secrets masked.
    pub response_body: Value,
}

/// The last exchanges.
#[derive(Debug, Default)]
pub(crate) struct Inspector {
    state: Mutex<(u64, VecDeque<Exchange>)>,
}

impl Inspector {
    fn push(&self, mut exchange: Exchange) {
        let mut state = lock(&self.state);
        state.0 += 1;
        exchange.id = state.0;
        if state.1.len() == CAPACITY {
            state.1.pop_front();
        }
        state.1.push_back(exchange);
    }
}

/// A body that copies what the handler reads of it (up to the body limit).
struct Tee {
    inner: Body,
    copy: Arc<Mutex<Vec<u8>>>,
}

impl HttpBody for Tee {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            let mut copy = lock(&this.copy);
            if copy.len() + data.len() <= MAX_BODY_BYTES {
                copy.extend_from_slice(data);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware of the vendor routes (outside the faults, so faulted answers are kept too).
pub(crate) async fn record(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(admin) = super::watching(&shared, &request) else {
        return next.run(request).await;
    };
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(mask_query);
    let place = Place::of(&method, &path).map(|p| (p.api.name, p.operation));
    let request_type = http::media_type(request.headers());
    let copy = Arc::new(Mutex::new(Vec::new()));
    let request = request.map(|inner| {
        Body::new(Tee {
            inner,
            copy: Arc::clone(&copy),
        })
    });
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let closed = parts.extensions.get::<CloseConnection>().is_some();
    let sent = lock(&copy).clone();
    let exchange = Exchange {
        id: 0,
        method,
        path,
        query,
        api: place.map(|(api, _)| api.to_owned()),
        operation: place.map(|(_, op)| op.to_owned()),
        status: (!closed).then_some(parts.status.as_u16()),
        fault: parts
            .extensions
            .get::<FaultApplied>()
            .map(|f| f.0.to_owned()),
        lint: header_values(&parts.headers, LINT_HEADER),
        rules: header_values(&parts.headers, RULE_HEADER),
        request_body: masked_body(request_type.as_deref(), &sent),
        response_body: if closed {
            Value::Null
        } else {
            masked_body(http::media_type(&parts.headers).as_deref(), &bytes)
        },
    };
    admin.inspector.push(exchange);
    Response::from_parts(parts, Body::from(bytes))
}

fn header_values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// A form's pairs as a JSON object (a repeated name keeps its last value), masked.
fn form_object(bytes: &[u8]) -> Value {
    let mut object = Map::new();
    for (name, value) in form_urlencoded::parse(bytes) {
        object.insert(name.into_owned(), Value::from(value.into_owned()));
    }
    let mut value = Value::Object(object);
    mask_json(&mut value);
    value
}

fn masked_body(media_type: Option<&str>, bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    match media_type {
        Some("application/x-www-form-urlencoded") => form_object(bytes),
        Some(m) if m == "application/json" || m.ends_with("+json") => {
            match serde_json::from_slice::<Value>(bytes) {
                Ok(mut value) => {
                    mask_json(&mut value);
                    value
                }
                Err(_) => Value::from(format!("{MASK} ({} bytes, not JSON)", bytes.len())),
            }
        }
        _ => Value::from(format!("{MASK} ({} bytes)", bytes.len())),
    }
}

/// The query with the values of secret names masked.
fn mask_query(query: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if is_secret_name(&name) || looks_secret(&value) {
            out.append_pair(&name, MASK);
        } else {
            out.append_pair(&name, &value);
        }
    }
    out.finish()
}

/// `GET /_credspec/requests?api=&limit=`: `{"requests": [...]}`, oldest first.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    uri: axum::http::Uri,
) -> Result<Response, AdminError> {
    let mut api = None;
    let mut limit = 100;
    for (name, value) in form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        match &*name {
            "api" if !value.is_empty() => {
                api = Some(
                    ApiId::from_name(&value).map_err(|e| AdminError::BadInput(e.to_string()))?,
                );
            }
            "api" => {}
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=CAPACITY).contains(n))
                    .ok_or_else(|| {
                        AdminError::BadInput(format!("limit must be from 1 to {CAPACITY}"))
                    })?;
            }
            other => {
                return Err(AdminError::BadInput(format!(
                    "unknown query parameter {other:?} (api, limit)"
                )));
            }
        }
    }
    let admin = super::state(&shared)?;
    let state = lock(&admin.inspector.state);
    let mut chosen: Vec<&Exchange> = state
        .1
        .iter()
        .rev()
        .filter(|e| api.is_none_or(|id: ApiId| e.api.as_deref() == Some(id.as_str())))
        .take(limit)
        .collect();
    chosen.reverse();
    let body = serde_json::json!({ "requests": chosen });
    Ok(http::json(StatusCode::OK, body.to_string().into_bytes()))
}

/// `DELETE /_credspec/requests`: 204, nothing kept.
pub(crate) async fn clear(State(shared): State<Arc<Shared>>) -> StatusCode {
    if let Some(admin) = &shared.admin {
        let mut state = lock(&admin.inspector.state);
        state.1.clear();
    }
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_wherever_they_sit() {
        let mut value = serde_json::json!({
            "type": "ios", "alias": "a", "certificate": "-----BEGIN CERTIFICATE-----x",
            "private_key": "k", "sip_password": "p", "sip_username": "u",
            "project_account_json_file": {"private_key": "k", "client_email": "e"},
            "content": {"privateKey": "k", "note": "-----BEGIN RSA PRIVATE KEY----- x"},
            "list": [{"Secret": "s"}], "data": "eyJhbGciOiJIUzUxMiJ9.e30.sig",
        });
        mask_json(&mut value);
        let text = value.to_string();
        for leaked in ["BEGIN", "\"k\"", "\"p\"", "\"s\"", "eyJ", "\"e\""] {
            assert!(!text.contains(leaked), "{leaked} in {text}");
        }
        assert_eq!(value["sip_username"], "u");
        assert_eq!(value["alias"], "a");
        let form = form_object(b"Type=apn&Certificate=x&PrivateKey=y&FriendlyName=n");
        assert_eq!(
            form,
            serde_json::json!({"Type": "apn", "Certificate": MASK, "PrivateKey": MASK, "FriendlyName": "n"})
        );
        assert_eq!(
            mask_query("PageSize=5&PageToken=abc"),
            "PageSize=5&PageToken=***"
        );
        assert_eq!(
            masked_body(Some("text/plain"), b"eyJx"),
            Value::from("*** (4 bytes)")
        );
    }
}
