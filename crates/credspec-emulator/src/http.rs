//! HTTP plumbing shared by every API: the body limit, content types, percent-decoding,
//! vendor-host routing, `Host` hygiene, the answer to an undeclared method and the request
//! log.

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, Version};
use axum::response::{IntoResponse, Response};
use credspec_core::rules::Violation;

/// Largest request body accepted (core's limit, the same the codecs decode); a larger one
/// is answered 413.
pub use credspec_core::wire::MAX_BODY_BYTES;

/// A body that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Larger than [`MAX_BODY_BYTES`].
    TooLarge,
    /// The connection failed while reading.
    Read,
}

/// Reads the whole body, stopping as soon as it exceeds [`MAX_BODY_BYTES`].
pub(crate) async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = body;
    let mut out = Vec::new();
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        let Some(frame) = frame else { break };
        let frame = frame.map_err(|_| BodyError::Read)?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > MAX_BODY_BYTES {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(out))
}

/// The request without its body, once the body is read (as far as [`read_body`] reads it),
/// as a server reads what it answers without: the client's connection stays usable. A body
/// that cannot be read changes nothing of the answer.
pub(crate) async fn discard_body(request: Request) -> Request {
    let (parts, body) = request.into_parts();
    let _ = read_body(&parts.headers, body).await;
    Request::from_parts(parts, Body::empty())
}

/// The media type of the request (`application/json` of `application/json; charset=utf-8`),
/// lower-cased; `None` without a readable `Content-Type`.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

/// Whether the request says its body is JSON (`application/json` or `application/*+json`).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|m| {
        m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
    })
}

/// A response with a body and content type.
pub(crate) fn with_body(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A vendor's error answer, as its codec builds it: a status, a body, and the answer for a
/// failure on the emulator's side.
pub(crate) trait VendorError: std::fmt::Debug + std::fmt::Display {
    /// The API family, for the log line of a storage failure.
    const LOG_NAME: &'static str;
    /// What the vendor answers for an error on its side (500).
    fn internal() -> Self;
    /// What the vendor answers with an injected fault's `status`: 429 (too many requests) or
    /// a server-side status (5xx); see [`crate::admin`].
    fn fault(status: u16) -> Self;
    /// The HTTP status.
    fn status(&self) -> u16;
    /// The encoded body.
    fn encode(&self) -> Vec<u8>;
    /// What the vendor answers for a method the path does not serve (405; the router adds
    /// `Allow`).
    fn method_not_allowed(method: &Method) -> Self;
    /// What the vendor answers for a request that is not well-formed HTTP (400).
    fn bad_request(message: &str) -> Self;
    /// What the vendor answers for a request that breaks `violations` (at least one).
    fn refusal(violations: &[Violation]) -> Self;
}

/// The answer to a method that a served path does not serve: 405 in the vendor's format.
/// axum's method router adds `Allow` with the path's methods (RFC 9110 §15.5.6).
pub(crate) async fn method_not_allowed<E: VendorError>(method: Method) -> Response {
    Failure::Vendor(E::method_not_allowed(&method)).into_response()
}

/// Why a request's `Host` makes it malformed (RFC 9112 §3.2), or `None` when it is fine: an
/// HTTP/1.1 request needs exactly one `Host` field line with a valid value; HTTP/1.0 may
/// have none.
pub(crate) fn host_problem(version: Version, headers: &HeaderMap) -> Option<&'static str> {
    let mut hosts = headers.get_all(HOST).iter();
    let Some(host) = hosts.next() else {
        return (version >= Version::HTTP_11).then_some("The request has no Host header.");
    };
    if hosts.next().is_some() {
        return Some("The request has more than one Host header.");
    }
    (!valid_host(host.as_bytes())).then_some("The Host header is not a valid host.")
}

/// `uri-host [":" port]` (RFC 9110 §7.2, RFC 3986 §3.2.2): an IP literal in brackets or a
/// reg-name (empty included) of unreserved, percent-encoded and sub-delim characters, then
/// an optional `:` and digits.
fn valid_host(value: &[u8]) -> bool {
    let (host, port) = if let Some(literal) = value.strip_prefix(b"[") {
        let Some(end) = literal.iter().position(|&b| b == b']') else {
            return false;
        };
        let (inside, rest) = literal.split_at(end);
        let inside_ok = !inside.is_empty()
            && inside
                .iter()
                .all(|&b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'));
        if !inside_ok {
            return false;
        }
        (&[][..], &rest[1..])
    } else {
        match value.iter().rposition(|&b| b == b':') {
            Some(colon) => (&value[..colon], &value[colon..]),
            None => (value, &[][..]),
        }
    };
    let port_ok = match port.split_first() {
        None => true,
        Some((b':', digits)) => digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    };
    port_ok
        && host
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=".contains(&b))
}

/// Layer of each API: a request with no `Host`, several, or an invalid one is answered 400
/// in the vendor's format `E` (RFC 9112 §3.2). A service of its own rather than a `from_fn`
/// middleware, which costs every request two boxes and a clone of the route (issue 15 §5).
pub(crate) struct RequireHost<E>(PhantomData<fn() -> E>);

impl<E> RequireHost<E> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<E> Clone for RequireHost<E> {
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl<E, S> tower::Layer<S> for RequireHost<E> {
    type Service = RequireHostService<E, S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireHostService {
            inner,
            vendor: PhantomData,
        }
    }
}

/// The service of [`RequireHost`] around `S`.
pub(crate) struct RequireHostService<E, S> {
    inner: S,
    vendor: PhantomData<fn() -> E>,
}

impl<E, S: Clone> Clone for RequireHostService<E, S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            vendor: PhantomData,
        }
    }
}

impl<E, S> tower::Service<Request> for RequireHostService<E, S>
where
    E: VendorError,
    S: tower::Service<Request, Response = Response, Error = Infallible>,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = HostChecked<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match host_problem(request.version(), request.headers()) {
            Some(problem) => {
                let refusal = Failure::Vendor(E::bad_request(problem)).into_response();
                HostChecked::Refused(Some(refusal))
            }
            None => HostChecked::Served(self.inner.call(request)),
        }
    }
}

/// The answer of [`RequireHostService`]: the refusal, or the inner service's answer.
pub(crate) enum HostChecked<F> {
    Refused(Option<Response>),
    Served(F),
}

impl<F> Future for HostChecked<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Self::Refused(refusal) => match refusal.take() {
                Some(refusal) => Poll::Ready(Ok(refusal)),
                None => Poll::Pending,
            },
            Self::Served(inner) => Pin::new(inner).poll(cx),
        }
    }
}

/// Why a request is not answered with success: a refusal in the vendor's format `E`, or a
/// storage failure (logged, answered with `E::internal()`).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure<E: VendorError> {
    /// A refusal in the vendor's format.
    #[error("{0}")]
    Vendor(E),
    /// A refusal for broken rules: answered with [`VendorError::refusal`], and the rules named
    /// in `Credspec-Rule` headers.
    #[error("{} rule(s) broken", .0.len())]
    Rules(Vec<Violation>),
    /// A refusal for broken rules that the vendor answers in a form of its own (not
    /// [`VendorError::refusal`]); the rules are named as for [`Failure::Rules`].
    #[error("{0}")]
    Because(E, Vec<Violation>),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl<E: VendorError> From<E> for Failure<E> {
    fn from(value: E) -> Self {
        Self::Vendor(value)
    }
}

impl<E: VendorError> IntoResponse for Failure<E> {
    fn into_response(self) -> Response {
        let (answer, rules) = match self {
            Self::Vendor(answer) => (answer, Vec::new()),
            Self::Rules(violations) => (E::refusal(&violations), violations),
            Self::Because(answer, violations) => (answer, violations),
            Self::Store(error) => {
                tracing::error!(%error, api = E::LOG_NAME, "storage failed");
                (E::internal(), Vec::new())
            }
        };
        let status =
            StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = json(status, answer.encode());
        name_rules(&mut response, RULE_HEADER, &rules);
        response
    }
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: Vec<u8>) -> Response {
    with_body(status, "application/json", body)
}

/// The response header that names one rule a refused request broke (`<rule id>; <json
/// pointer>`), beside the vendor's own error body, which cannot say it.
pub(crate) const RULE_HEADER: &str = "credspec-rule";

/// The response header that carries one `lint` finding on an accepted request.
pub(crate) const LINT_HEADER: &str = "credspec-lint";

/// `response` with one `Credspec-Lint: <rule id>; <json pointer>` header per finding, each
/// also logged at `warn` with the rule id and pointer (never the value).
pub(crate) fn with_findings(
    mut response: Response,
    api: &'static str,
    findings: &[Violation],
) -> Response {
    for finding in findings {
        let (rule, pointer) = (finding.rule.as_str(), finding.path.as_str());
        tracing::warn!(api, rule, pointer, "lint finding");
    }
    name_rules(&mut response, LINT_HEADER, findings);
    response
}

/// Appends one `header: <rule id>; <json pointer>` per violation, in order (the form of
/// [`RULE_HEADER`] and [`LINT_HEADER`]).
fn name_rules(response: &mut Response, header: &'static str, violations: &[Violation]) {
    for violation in violations {
        let line = format!("{}; {}", violation.rule, violation.path);
        if let Ok(value) = HeaderValue::from_str(&line) {
            response.headers_mut().append(header, value);
        }
    }
}

/// The host a request names (`Host` header, or the URI's authority), without the port or a
/// trailing dot, lower-cased; borrowed unless it has upper-case letters (every request
/// passes here, most with a host that names no vendor).
fn request_host<'a>(headers: &'a HeaderMap, uri: &'a Uri) -> Option<Cow<'a, str>> {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(axum::http::uri::Authority::as_str))?;
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.trim_end_matches('.');
    Some(if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    })
}

/// The base path of the API whose vendor host the request names: a product host
/// (`api.telnyx.com`), or a regional one (`notify.sydney.au1.twilio.com`: the region's
/// prefix, `/twilio/au1/notify`).
pub(crate) fn vendor_base(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    let host = request_host(headers, uri)?;
    if let Some((_, site, region)) = credspec_core::api::regional_site(&host) {
        return Some(site.prefix_in(region.id));
    }
    crate::APIS
        .iter()
        .flat_map(|api| api.sites)
        .find(|site| site.host == host)
        .map(|site| site.prefix.to_owned())
}

/// A request addressed to a vendor host (`Host: api.telnyx.com`) is served by that API as
/// if its path carried the API's base path, so a proxy or a hosts-file entry works without
/// changing paths. `/healthz` and the admin API stay where they are.
pub(crate) fn route_vendor_host(request: &mut Request) {
    if let Some(base) = vendor_base(request.headers(), request.uri()) {
        let path_and_query = request.uri().path_and_query().map_or("/", |p| p.as_str());
        let path = request.uri().path();
        let own = path == "/healthz" || path.starts_with(crate::admin::PREFIX);
        if !own && !path_and_query.starts_with(base.as_str()) {
            let rewritten = format!("{base}{path_and_query}");
            if let Ok(uri) = rewritten.parse::<Uri>() {
                *request.uri_mut() = uri;
            }
        }
    }
}

/// State of the request log ([`crate::front`] writes its lines).
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    /// The id of the last request logged.
    pub(crate) next_id: AtomicU64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_str(host).unwrap());
        h
    }

    #[test]
    fn vendor_hosts_map_to_base_paths() {
        let uri: Uri = "/v2/x".parse().unwrap();
        let base = |host: &str| vendor_base(&headers(host), &uri);
        assert_eq!(base("api.telnyx.com").as_deref(), Some("/telnyx"));
        assert_eq!(base("API.Telnyx.com:443").as_deref(), Some("/telnyx"));
        assert_eq!(
            base("ip-messaging.twilio.com").as_deref(),
            Some("/twilio/ip-messaging")
        );
        // Regional hosts: the region's prefix; us1 is the default region's.
        assert_eq!(
            base("notify.sydney.au1.twilio.com").as_deref(),
            Some("/twilio/au1/notify")
        );
        assert_eq!(
            base("conversations.dublin.ie1.twilio.com").as_deref(),
            Some("/twilio/ie1/conversations")
        );
        assert_eq!(
            base("chat.ashburn.us1.twilio.com").as_deref(),
            Some("/twilio/chat")
        );
        assert_eq!(base("notify.au1.twilio.com"), None);
        assert_eq!(base("127.0.0.1:4010"), None);
        assert_eq!(vendor_base(&HeaderMap::new(), &uri), None);
        let absolute: Uri = "http://comms.twilio.com/v1/x".parse().unwrap();
        assert_eq!(
            vendor_base(&HeaderMap::new(), &absolute).as_deref(),
            Some("/twilio/comms")
        );
    }

    #[test]
    fn one_valid_host_is_required_from_http_1_1_on() {
        let v11 = Version::HTTP_11;
        assert_eq!(host_problem(v11, &headers("127.0.0.1:4010")), None);
        assert_eq!(host_problem(v11, &headers("api.telnyx.com")), None);
        assert_eq!(host_problem(v11, &headers("[::1]:80")), None);
        assert_eq!(host_problem(v11, &headers("")), None, "an empty reg-name");
        assert!(host_problem(v11, &HeaderMap::new()).is_some());
        assert_eq!(host_problem(Version::HTTP_10, &HeaderMap::new()), None);
        let mut two = headers("a.example");
        two.append(HOST, HeaderValue::from_static("b.example"));
        assert!(host_problem(v11, &two).is_some());
        assert!(host_problem(Version::HTTP_10, &two).is_some());
        let mut same = headers("a.example");
        same.append(HOST, HeaderValue::from_static("a.example"));
        assert!(host_problem(v11, &same).is_some(), "two field lines");
        for bad in [
            "user@host",
            "a b",
            "host:port",
            "a/b",
            "[::1",
            "[zz]",
            "::1",
        ] {
            assert!(host_problem(v11, &headers(bad)).is_some(), "{bad}");
        }
    }

    #[test]
    fn media_types() {
        let mut h = HeaderMap::new();
        assert!(!is_json(&h));
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("Application/JSON; charset=utf-8"),
        );
        assert!(is_json(&h));
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.api+json"),
        );
        assert!(is_json(&h));
        h.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(!is_json(&h));
        assert_eq!(media_type(&h).as_deref(), Some("text/plain"));
    }

    #[tokio::test]
    async fn bodies_stop_at_the_limit() {
        let ok = read_body(&HeaderMap::new(), Body::from(vec![b'a'; MAX_BODY_BYTES]))
            .await
            .unwrap();
        assert_eq!(ok.len(), MAX_BODY_BYTES);
        let too_big = read_body(
            &HeaderMap::new(),
            Body::from(vec![b'a'; MAX_BODY_BYTES + 1]),
        )
        .await;
        assert_eq!(too_big, Err(BodyError::TooLarge));
        let mut declared = HeaderMap::new();
        declared.insert(
            axum::http::header::CONTENT_LENGTH,
            HeaderValue::from_static("999999999"),
        );
        assert_eq!(
            read_body(&declared, Body::empty()).await,
            Err(BodyError::TooLarge)
        );
    }
}
