//! Forwarding one request to its API's upstream, checking the exchange, and returning the
//! upstream's answer unchanged.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use credspec_conformance::exchange;
use credspec_conformance::observe::{ObservedRequest, Observer};

use crate::{Exchange, Shared};

/// The largest request or response body forwarded (the credential APIs' bodies are small).
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Headers that belong to one connection, not to the exchange (RFC 9110 section 7.6.1),
/// those the client library recomputes for the outbound connection, and the mark the
/// HTTPS front puts on a tunnel's requests (`x-forwarded-proto`), which the client never
/// sent.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "x-forwarded-proto",
];

fn end_to_end(name: &HeaderName) -> bool {
    !HOP_BY_HOP.contains(&name.as_str())
}

/// An answer of the proxy's own, not the upstream's: plain text naming the problem.
fn own_answer(status: StatusCode, message: &str) -> Response {
    let mut response = Response::new(Body::from(format!("credspec proxy: {message}\n")));
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn bad_gateway(message: &str) -> Response {
    own_answer(StatusCode::BAD_GATEWAY, message)
}

pub(crate) async fn handle(State(proxy): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or_default();
    let Some(at) = crate::route::locate(path, host) else {
        return bad_gateway(&format!(
            "{} {path} is for none of the APIs credspec knows (by emulator path prefix or vendor host)",
            parts.method
        ));
    };
    let (api, vendor_path) = (at.api, at.path.as_str());
    // Another site or region of the API than its base's goes to the upstream's base there
    // (`.../twilio/au1/notify`, `https://notify.sydney.au1.twilio.com`), whose answers link
    // there, so the observer of the exchange judges them against that base.
    let (site, region) = (at.other_site(), at.other_region());
    let Some(base) = proxy.target.base_at(api, site, region) else {
        let why = if proxy.target.base(api).is_none() {
            String::from("which has no --upstream")
        } else {
            format!(
                "whose --upstream has no base at {} in region {}",
                site.unwrap_or("its first site"),
                region.unwrap_or(credspec_core::api::TWILIO_DEFAULT_REGION)
            )
        };
        return bad_gateway(&format!(
            "{} {path} is for {api}, {why}: nothing was forwarded",
            parts.method
        ));
    };
    let rebased = (site.is_some() || region.is_some())
        .then(|| Observer::new(Arc::clone(&proxy.specs), proxy.target.rebased(api, &base)));
    let observer = rebased.as_ref().unwrap_or(&proxy.observer);
    let url = if query.is_empty() {
        format!("{base}{vendor_path}")
    } else {
        format!("{base}{vendor_path}?{query}")
    };
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        // The client's fault, not the upstream's: 413, and nothing is forwarded.
        Err(e) if over_limit(&e) => {
            return own_answer(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "the request body is over {} MiB: nothing was forwarded",
                    BODY_LIMIT / (1024 * 1024)
                ),
            );
        }
        Err(e) => return bad_gateway(&format!("reading the request body: {e}")),
    };
    let mut outbound = proxy.client.request(parts.method.clone(), &url);
    for (k, v) in parts.headers.iter().filter(|(k, _)| end_to_end(k)) {
        outbound = outbound.header(k, v);
    }
    let answer = match outbound.body(body.clone()).send().await {
        Ok(a) => a,
        // The error names the URL only: reqwest's errors carry no headers or body.
        Err(e) if e.is_timeout() => {
            return own_answer(
                StatusCode::GATEWAY_TIMEOUT,
                &format!("the {api} upstream did not answer in time: {e}"),
            );
        }
        Err(e) => return bad_gateway(&format!("forwarding to the {api} upstream failed: {e}")),
    };
    let status = answer.status();
    let answer_headers = answer.headers().clone();
    let answer_body = match answer.bytes().await {
        Ok(b) => b,
        Err(e) => return bad_gateway(&format!("reading the {api} upstream's answer: {e}")),
    };
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter(|(k, _)| end_to_end(k))
        .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
        .collect();
    let observed = ObservedRequest::new(
        parts.method.as_str(),
        vendor_path,
        query,
        &url,
        headers,
        body.to_vec(),
    );
    let checked = exchange::Response {
        status: status.as_u16(),
        headers: answer_headers
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
            .collect(),
        body: answer_body.to_vec(),
    };
    let report = observer.check(api, &observed, checked.clone());
    let exchange = Exchange {
        api,
        request: &observed,
        response: &checked,
        report: &report,
        site,
        region,
    };
    for sink in &proxy.sinks {
        sink(&exchange);
    }
    if let Ok(mut reports) = proxy.reports.lock() {
        reports.push(report);
    }
    let mut response = Response::new(Body::from(answer_body));
    *response.status_mut() = status;
    for (k, v) in answer_headers.iter().filter(|(k, _)| end_to_end(k)) {
        response
            .headers_mut()
            .append(HeaderName::clone(k), v.clone());
    }
    response
}

/// Whether reading a body failed because it is longer than [`BODY_LIMIT`].
fn over_limit(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use credspec_conformance::spec::SpecSet;
    use credspec_conformance::target::Target;

    /// A proxy whose only upstream, notify-v1, is a port nothing listens on.
    fn proxy_to_nowhere() -> crate::Proxy {
        let target = Target::default()
            .with_target_arg("notify-v1=http://127.0.0.1:9")
            .unwrap();
        let specs = Arc::new(SpecSet::load(SpecSet::default_root()).unwrap());
        crate::Proxy::builder(specs, target).build().unwrap()
    }

    fn create(body: Body) -> Request {
        Request::post("/twilio/notify/v1/Credentials")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .unwrap()
    }

    #[tokio::test]
    async fn an_oversize_body_gets_413_and_is_not_forwarded() {
        let proxy = proxy_to_nowhere();
        let shared = || State(Arc::clone(&proxy.shared));
        let at_limit = handle(shared(), create(Body::from(vec![b'a'; BODY_LIMIT]))).await;
        // At the limit the request is forwarded, and the closed port makes that a 502.
        assert_eq!(at_limit.status(), StatusCode::BAD_GATEWAY);
        let over = create(Body::from(vec![b'a'; BODY_LIMIT + 1]));
        let answer = handle(shared(), over).await;
        assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let text = axum::body::to_bytes(answer.into_body(), 1024)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&text).contains("over 4 MiB"));
        // Nothing reached the upstream, so nothing was checked.
        assert!(proxy.reports().is_empty());
    }

    #[tokio::test]
    async fn a_region_the_upstream_has_no_base_in_is_not_forwarded() {
        // A base of its own form (no emulator prefix, no vendor host): no au1 base derives
        // from it, and the default region's must not stand in for it (another store).
        let proxy = proxy_to_nowhere();
        let request = Request::get("/twilio/au1/notify/v1/Credentials")
            .body(Body::empty())
            .unwrap();
        let answer = handle(State(Arc::clone(&proxy.shared)), request).await;
        assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
        let text = axum::body::to_bytes(answer.into_body(), 1024)
            .await
            .unwrap();
        assert!(
            String::from_utf8_lossy(&text).contains("no base at its first site in region au1"),
            "{}",
            String::from_utf8_lossy(&text)
        );
        assert!(proxy.reports().is_empty());
    }

    #[tokio::test]
    async fn a_request_for_an_api_without_upstream_is_not_forwarded() {
        let proxy = proxy_to_nowhere();
        let request = Request::get("/telnyx/v2/telephony_credentials")
            .body(Body::empty())
            .unwrap();
        let answer = handle(State(Arc::clone(&proxy.shared)), request).await;
        assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
        let text = axum::body::to_bytes(answer.into_body(), 1024)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&text).contains("has no --upstream"));
        assert!(proxy.reports().is_empty());
    }
}
