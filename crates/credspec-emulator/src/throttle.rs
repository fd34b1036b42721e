//! The answer to a request the emulator turns away itself, an injected fault (see
//! [`crate::admin::faults`]) or a rate limit (see [`crate::rate_limit`]): the API's own error
//! body and code for the status, from its codec, with the headers its vendor sends with it.
//! Decision D51 in `specs/README.md` has the evidence for each vendor.
//!
//! - `Retry-After` (seconds) on a 429 or 503, every vendor.
//! - Telnyx: `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (seconds until
//!   the limit resets) on a 429, and on every answer while a rate limit is in force; the
//!   non-standard `x-should-retry` when a fault rule asks for it.

use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use credspec_core::api::{Api, ErrorFormat};

use crate::http::{self, VendorError};

/// The state of a rate limit as Telnyx reports it in its `x-ratelimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    /// `x-ratelimit-limit`: requests the limit allows at once.
    pub(crate) limit: u32,
    /// `x-ratelimit-remaining`: requests left before the limit answers 429.
    pub(crate) remaining: u32,
    /// `x-ratelimit-reset`: seconds until the limit is whole again.
    pub(crate) reset: u64,
}

impl RateHeaders {
    /// Adds the headers to `headers` when `api` is a Telnyx API (Twilio sends none).
    pub(crate) fn apply(&self, api: &Api, headers: &mut HeaderMap) {
        if api.error_format != ErrorFormat::Telnyx {
            return;
        }
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(self.reset));
    }
}

/// What the emulator answers for a request it turns away with `status` (429 or 5xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The status.
    pub(crate) status: u16,
    /// `Retry-After` in seconds; `None` is 1 for 429 and 503, no header otherwise.
    pub(crate) retry_after: Option<u64>,
    /// Telnyx's `x-should-retry`, when given.
    pub(crate) should_retry: Option<bool>,
    /// Telnyx's rate-limit headers; `None` on a 429 reports an exhausted limit of 100
    /// that resets when `Retry-After` says.
    pub(crate) rate: Option<RateHeaders>,
}

fn vendor<E: VendorError>(status: u16) -> Response {
    http::Failure::Vendor(E::fault(status)).into_response()
}

impl Refusal {
    /// The answer in `api`'s error format, with the vendor's headers.
    pub(crate) fn answer(&self, api: &Api) -> Response {
        let status = self.status;
        let mut response = match api.error_format {
            ErrorFormat::Telnyx => vendor::<credspec_telnyx::error::ErrorResponse>(status),
            ErrorFormat::TwilioClassic => vendor::<credspec_twilio::error::ErrorBody>(status),
            ErrorFormat::TwilioComms => {
                vendor::<credspec_twilio::error::CommsErrorResponse>(status)
            }
        };
        let retry_after = self
            .retry_after
            .or_else(|| matches!(status, 429 | 503).then_some(1));
        let headers = response.headers_mut();
        if let Some(seconds) = retry_after {
            headers.insert("retry-after", HeaderValue::from(seconds));
        }
        let rate = self.rate.or_else(|| {
            (status == 429).then(|| RateHeaders {
                limit: 100,
                remaining: 0,
                reset: retry_after.unwrap_or(1),
            })
        });
        if let Some(rate) = rate {
            rate.apply(api, headers);
        }
        if let (ErrorFormat::Telnyx, Some(retry)) = (api.error_format, self.should_retry) {
            let value = if retry { "true" } else { "false" };
            headers.insert("x-should-retry", HeaderValue::from_static(value));
        }
        response
    }
}
