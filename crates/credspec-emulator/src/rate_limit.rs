//! `--rate-limit`: a token bucket per account, off unless asked for
//! ([`crate::EmulatorBuilder::rate_limit`]).
//!
//! A [`RateLimit`] of `N/s`, `N/min` or `N/h` with a burst of `B` (`100/s,burst=20`; the
//! burst is `N` unless given) gives each account a bucket of `B` requests that refills at `N`
//! per period. The account is the one a request authenticates as: a Twilio account SID (its
//! API keys share its bucket, across every Twilio API and region), a Telnyx key's `user_id`
//! (one bucket for both Telnyx APIs). Only requests to an API's operations that authenticate
//! are counted, so a request without valid credentials still gets its 401; `/healthz`, the
//! admin API and `--seed` are never limited.
//!
//! A request that finds its bucket empty gets the vendor's own 429, the answer a 429 fault
//! rule gives too: Telnyx 10011, Twilio 20429 (classic body, or the Comms body), with
//! `Retry-After` in whole seconds until one request is allowed again (rounded up, at least
//! 1). Telnyx APIs also report the bucket on every answer, as Telnyx does:
//! `x-ratelimit-limit` (the burst), `x-ratelimit-remaining` (whole requests left) and
//! `x-ratelimit-reset` (seconds until the bucket is full). Decision D51 in
//! `specs/README.md` has the evidence.
//!
//! Time is the emulator's injected [`Clock`](credspec_core::timestamp::Clock), so a test with
//! a `FixedClock` sees the bucket refill by moving the clock, without waiting.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use credspec_core::time::OffsetDateTime;

use crate::Shared;
use crate::admin::lock;
use crate::place::Place;
use crate::throttle::{RateHeaders, Refusal};

/// The period of a [`RateLimit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Period {
    /// `s`.
    Second,
    /// `min`.
    Minute,
    /// `h`.
    Hour,
}

impl Period {
    fn seconds(self) -> u64 {
        match self {
            Self::Second => 1,
            Self::Minute => 60,
            Self::Hour => 3600,
        }
    }

    /// The period in words (`second`), for people.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Second => "second",
            Self::Minute => "minute",
            Self::Hour => "hour",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Self::Second => "s",
            Self::Minute => "min",
            Self::Hour => "h",
        }
    }
}

/// A rate limit per account: `count` requests per `period`, at most `burst` at once.
/// Parsed from `N/s`, `N/min` or `N/h`, optionally followed by `,burst=B`; every value is
/// valid (both numbers at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    count: NonZeroU32,
    period: Period,
    burst: NonZeroU32,
}

impl RateLimit {
    /// `count` requests per `period`, with a burst of `count`.
    pub fn new(count: NonZeroU32, period: Period) -> Self {
        Self {
            count,
            period,
            burst: count,
        }
    }

    /// This limit with a burst of `burst` requests.
    #[must_use]
    pub fn with_burst(mut self, burst: NonZeroU32) -> Self {
        self.burst = burst;
        self
    }

    /// Requests per period.
    pub fn count(&self) -> NonZeroU32 {
        self.count
    }

    /// The period.
    pub fn period(&self) -> Period {
        self.period
    }

    /// Requests allowed at once (the bucket's size).
    pub fn burst(&self) -> NonZeroU32 {
        self.burst
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.count, self.period.unit())?;
        if self.burst != self.count {
            write!(f, ",burst={}", self.burst)?;
        }
        Ok(())
    }
}

/// A rate limit that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RateLimitError {
    /// Not `N/period`.
    #[error("expected N/s, N/min or N/h, optionally with ,burst=B (e.g. 100/s,burst=20)")]
    Shape,
    /// A count that is not a whole number from 1 to 4294967295.
    #[error("the count {0:?} is not a whole number from 1 to 4294967295")]
    Count(String),
    /// An unknown period.
    #[error("the period {0:?} is not one of s, min, h")]
    Period(String),
    /// A burst that is not a whole number from 1 to 4294967295.
    #[error("the burst {0:?} is not a whole number from 1 to 4294967295")]
    Burst(String),
    /// An option other than `burst=B`, or `burst` given twice.
    #[error("the option {0:?} is not burst=B (given once)")]
    Option(String),
}

fn positive(text: &str) -> Option<NonZeroU32> {
    // `u32::from_str` takes a leading `+`; a count is digits only.
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl FromStr for RateLimit {
    type Err = RateLimitError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.split(',').map(str::trim);
        let rate = parts.next().unwrap_or_default();
        let (count, unit) = rate.split_once('/').ok_or(RateLimitError::Shape)?;
        let (count, unit) = (count.trim(), unit.trim());
        if count.is_empty() || unit.is_empty() {
            return Err(RateLimitError::Shape);
        }
        let count = positive(count).ok_or_else(|| RateLimitError::Count(count.to_owned()))?;
        let period = match unit {
            "s" => Period::Second,
            "min" => Period::Minute,
            "h" => Period::Hour,
            other => return Err(RateLimitError::Period(other.to_owned())),
        };
        let mut limit = Self::new(count, period);
        let mut burst_given = false;
        for option in parts {
            let burst = option
                .split_once('=')
                .filter(|(name, _)| name.trim() == "burst" && !burst_given)
                .map(|(_, value)| value.trim())
                .ok_or_else(|| RateLimitError::Option(option.to_owned()))?;
            let burst = positive(burst).ok_or_else(|| RateLimitError::Burst(burst.to_owned()))?;
            limit = limit.with_burst(burst);
            burst_given = true;
        }
        Ok(limit)
    }
}

impl TryFrom<&str> for RateLimit {
    type Error = RateLimitError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// One account's bucket. Its level is kept in units of 1/`count` of a nanosecond-token: a
/// request costs `period` nanoseconds' worth, and each nanosecond adds `count` units, so
/// every refill is exact.
#[derive(Debug)]
struct Bucket {
    level: u128,
    at: OffsetDateTime,
}

/// What the limit says of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Served; the bucket after it.
    Allowed(RateHeaders),
    /// Refused; seconds until one request is allowed, and the bucket.
    Limited { retry_after: u64, rate: RateHeaders },
}

/// Every account's bucket under one limit.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    buckets: Mutex<BTreeMap<String, Bucket>>,
}

/// Whole seconds in `nanos`, rounded up.
fn ceil_seconds(nanos: u128) -> u64 {
    u64::try_from(nanos.div_ceil(NANOS_PER_SECOND)).unwrap_or(u64::MAX)
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(BTreeMap::new()),
        }
    }

    /// What one request costs.
    fn token(&self) -> u128 {
        u128::from(self.limit.period.seconds()) * NANOS_PER_SECOND
    }

    fn capacity(&self) -> u128 {
        u128::from(self.limit.burst.get()) * self.token()
    }

    /// Nanoseconds until `level` reaches `target`.
    fn until(&self, level: u128, target: u128) -> u128 {
        target
            .saturating_sub(level)
            .div_ceil(u128::from(self.limit.count.get()))
    }

    fn headers(&self, level: u128) -> RateHeaders {
        RateHeaders {
            limit: self.limit.burst.get(),
            remaining: u32::try_from(level / self.token()).unwrap_or(u32::MAX),
            reset: ceil_seconds(self.until(level, self.capacity())),
        }
    }

    /// Takes one request from `account`'s bucket at `now` (a full bucket the first time).
    /// A clock that goes back refills nothing.
    pub(crate) fn take(&self, account: &str, now: OffsetDateTime) -> Decision {
        let (token, capacity) = (self.token(), self.capacity());
        let mut buckets = lock(&self.buckets);
        let bucket = buckets.entry(account.to_owned()).or_insert(Bucket {
            level: capacity,
            at: now,
        });
        let elapsed = u128::try_from((now - bucket.at).whole_nanoseconds()).unwrap_or(0);
        if elapsed > 0 {
            let added = elapsed.saturating_mul(u128::from(self.limit.count.get()));
            bucket.level = bucket.level.saturating_add(added).min(capacity);
            bucket.at = now;
        }
        if bucket.level >= token {
            bucket.level -= token;
            return Decision::Allowed(self.headers(bucket.level));
        }
        Decision::Limited {
            retry_after: ceil_seconds(self.until(bucket.level, token)).max(1),
            rate: self.headers(bucket.level),
        }
    }
}

/// Middleware of the vendor routes: counts each authenticated request to an API's
/// operations against its account's bucket; an empty bucket answers the vendor's 429.
pub(crate) async fn limit(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(limiter) = &shared.rate_limit else {
        return next.run(request).await;
    };
    if request
        .extensions()
        .get::<crate::admin::seed::Seeding>()
        .is_some()
    {
        return next.run(request).await;
    }
    let (api, decision) = {
        let Some(place) = Place::of(request.method().as_str(), request.uri().path()) else {
            return next.run(request).await;
        };
        let Some(account) = place.account(&shared, request.headers()) else {
            return next.run(request).await;
        };
        (place.api, limiter.take(&account, shared.clock.now()))
    };
    match decision {
        Decision::Allowed(rate) => {
            let mut response = next.run(request).await;
            rate.apply(api, response.headers_mut());
            response
        }
        Decision::Limited { retry_after, rate } => {
            crate::http::discard_body(request).await;
            Refusal {
                status: 429,
                retry_after: Some(retry_after),
                should_retry: None,
                rate: Some(rate),
            }
            .answer(api)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::time::Duration;
    use credspec_core::time::macros::datetime;

    fn limit(text: &str) -> RateLimit {
        text.parse().unwrap()
    }

    #[test]
    fn limits_parse_and_print_canonically() {
        let n = |n| NonZeroU32::new(n).unwrap();
        assert_eq!(limit("100/s"), RateLimit::new(n(100), Period::Second));
        assert_eq!(
            limit("600/min, burst=20"),
            RateLimit::new(n(600), Period::Minute).with_burst(n(20))
        );
        assert_eq!(limit("5/h").burst(), n(5));
        for text in ["100/s", "600/min,burst=20", "1/h,burst=4294967295"] {
            assert_eq!(limit(text).to_string(), text);
        }
        assert_eq!(limit("7/s,burst=7").to_string(), "7/s");
    }

    #[test]
    fn each_mistake_is_named() {
        let cases = [
            ("", RateLimitError::Shape),
            ("100", RateLimitError::Shape),
            ("/s", RateLimitError::Shape),
            ("100/", RateLimitError::Shape),
            ("0/s", RateLimitError::Count(String::from("0"))),
            ("+5/s", RateLimitError::Count(String::from("+5"))),
            (
                "4294967296/s",
                RateLimitError::Count(String::from("4294967296")),
            ),
            ("ten/s", RateLimitError::Count(String::from("ten"))),
            ("10/m", RateLimitError::Period(String::from("m"))),
            ("10/ms", RateLimitError::Period(String::from("ms"))),
            ("10/s,burst=0", RateLimitError::Burst(String::from("0"))),
            ("10/s,burst=", RateLimitError::Burst(String::new())),
            (
                "10/s,bust=3",
                RateLimitError::Option(String::from("bust=3")),
            ),
            ("10/s,burst", RateLimitError::Option(String::from("burst"))),
            (
                "10/s,burst=2,burst=3",
                RateLimitError::Option(String::from("burst=3")),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(text.parse::<RateLimit>(), Err(expected), "{text:?}");
        }
    }

    const T0: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);

    #[test]
    fn a_bucket_empties_refills_and_says_when() {
        let limiter = Limiter::new(limit("2/s,burst=3"));
        let rate = |remaining, reset| RateHeaders {
            limit: 3,
            remaining,
            reset,
        };
        assert_eq!(limiter.take("a", T0), Decision::Allowed(rate(2, 1)));
        assert_eq!(limiter.take("a", T0), Decision::Allowed(rate(1, 1)));
        assert_eq!(limiter.take("a", T0), Decision::Allowed(rate(0, 2)));
        assert_eq!(
            limiter.take("a", T0),
            Decision::Limited {
                retry_after: 1,
                rate: rate(0, 2)
            }
        );
        assert_eq!(limiter.take("b", T0), Decision::Allowed(rate(2, 1)));
        // Half a second later one request (2 per second) is back, and only one.
        let later = T0 + Duration::milliseconds(500);
        assert_eq!(limiter.take("a", later), Decision::Allowed(rate(0, 2)));
        assert!(matches!(limiter.take("a", later), Decision::Limited { .. }));
        // Long after, the bucket is full, not fuller.
        let much_later = later + Duration::hours(1);
        assert_eq!(limiter.take("a", much_later), Decision::Allowed(rate(2, 1)));
        // A clock that goes back refills nothing and breaks nothing.
        assert_eq!(limiter.take("a", T0), Decision::Allowed(rate(1, 1)));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let limiter = Limiter::new(limit("1/min"));
        assert!(matches!(limiter.take("a", T0), Decision::Allowed(_)));
        let at = |seconds| T0 + Duration::milliseconds(seconds);
        let retry = |d| match d {
            Decision::Limited { retry_after, rate } => (retry_after, rate.reset),
            Decision::Allowed(_) => panic!("allowed"),
        };
        assert_eq!(retry(limiter.take("a", T0)), (60, 60));
        assert_eq!(retry(limiter.take("a", at(58_999))), (2, 2));
        assert_eq!(retry(limiter.take("a", at(59_001))), (1, 1));
        assert!(matches!(
            limiter.take("a", at(60_000)),
            Decision::Allowed(_)
        ));
    }
}
