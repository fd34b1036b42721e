//! The two Telnyx APIs, served under `/telnyx` (or on host `api.telnyx.com`):
//! `/v2/mobile_push_credentials` ([`push`]) and `/v2/telephony_credentials` ([`telephony`]).
//!
//! Handlers are thin: decode with `credspec-telnyx`, check with `credspec-core`'s rules,
//! read or write the store, encode with `credspec-telnyx`. Every refusal is a Telnyx error
//! body built by the codec: 401 `10009`, 404 `10005` (unknown, malformed or another
//! account's id, unknown route), 405 `10015` with `Allow` (a method the path does not
//! serve), 400 `10015` (malformed JSON, wrong content type, invalid UTF-8, bad paging, no
//! `Host` or several), 413 (body over 1 MiB), 422 `10015` (a rule said no).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::RawPathParams;
use axum::extract::rejection::RawPathParamsRejection;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use credspec_core::id::UserId;
use credspec_telnyx::error::{CODE_BAD_REQUEST, ErrorBody, ErrorResponse, TelnyxError};

use crate::Shared;
use crate::http::{self, BodyError, MAX_BODY_BYTES};

mod push;
mod telephony;

/// Why a Telnyx request is not answered with success.
pub(crate) type Failure = http::Failure<ErrorResponse>;

impl http::VendorError for ErrorResponse {
    const LOG_NAME: &'static str = "telnyx";
    fn internal() -> Self {
        ErrorResponse::server_error(500)
    }
    fn fault(status: u16) -> Self {
        if status == 429 {
            ErrorResponse::too_many_requests()
        } else {
            ErrorResponse::server_error(status)
        }
    }
    fn status(&self) -> u16 {
        self.status
    }
    fn encode(&self) -> Vec<u8> {
        self.body.encode()
    }
    fn method_not_allowed(method: &axum::http::Method) -> Self {
        Self::method_not_allowed(method.as_str())
    }
    fn bad_request(message: &str) -> Self {
        Self::malformed(message)
    }
    fn refusal(violations: &[credspec_core::rules::Violation]) -> Self {
        Self::validation(violations)
    }
}

/// The routes, relative to the API base.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    let push_item = "/v2/mobile_push_credentials/{push_credential_id}";
    Router::new()
        .route(
            "/v2/mobile_push_credentials",
            get(push::list).post(push::create),
        )
        .route(push_item, get(push::get).delete(push::delete))
        .route(
            "/v2/telephony_credentials",
            get(telephony::list).post(telephony::create),
        )
        .route(
            "/v2/telephony_credentials/{id}",
            get(telephony::get)
                .patch(telephony::update)
                .delete(telephony::delete),
        )
        .route(
            "/v2/telephony_credentials/{id}/token",
            post(telephony::token),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(http::method_not_allowed::<ErrorResponse>)
        .layer(http::RequireHost::<ErrorResponse>::new())
}

/// An unknown route: Telnyx's 404.
pub(crate) async fn not_found() -> Response {
    Failure::Vendor(ErrorResponse::not_found()).into_response()
}

/// The account whose API key is the Bearer token.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<UserId, Failure> {
    shared.accounts.telnyx(headers).map_err(|failure| {
        tracing::debug!(reason = failure.as_str(), "telnyx: not authenticated");
        Failure::Vendor(ErrorResponse::unauthorized())
    })
}

/// The `{id}` path parameter, percent-decoded; `None` when it is not UTF-8.
fn path_id(params: &Result<RawPathParams, RawPathParamsRejection>) -> Option<String> {
    let params = params.as_ref().ok()?;
    params.iter().next().map(|(_, v)| v.to_owned())
}

/// The JSON body: at most 1 MiB (413), declared as JSON (400).
async fn json_body(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, Failure> {
    let bytes = http::read_body(headers, body).await.map_err(|e| match e {
        BodyError::TooLarge => ErrorResponse::new(
            413,
            ErrorBody::single(TelnyxError::new(
                CODE_BAD_REQUEST,
                "Request Entity Too Large",
                Some(format!(
                    "The request body is larger than {MAX_BODY_BYTES} bytes."
                )),
            )),
        ),
        BodyError::Read => ErrorResponse::malformed("The request body could not be read."),
    })?;
    if !http::is_json(headers) {
        return Err(ErrorResponse::malformed("Content-Type must be application/json.").into());
    }
    // An empty body is an empty object: the official Node SDK sends `Content-Length: 0` for
    // a create whose members it did not place in the body, and the operation documents 422
    // for a body without its required members (not a 400 for malformed JSON).
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(axum::body::Bytes::from_static(b"{}"));
    }
    Ok(bytes)
}
