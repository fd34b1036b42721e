//! `credspec proxy`: forwards a client's plain-HTTP requests to the upstream of their API,
//! returns the upstream's answers unchanged, and checks every exchange with the
//! conformance runner's own checks ([`credspec_conformance::observe`]).
//!
//! The API of a request is decided by the emulator's path prefix for it (`/twilio/notify/v1/
//! Credentials`, `/telnyx/v2/telephony_credentials`, from core's API table) or else by the
//! vendor's `Host` (`notify.twilio.com`). Outbound connections go only to the upstreams
//! named on the command line: a request for any other API gets a 502 naming the problem.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use credspec_conformance::exchange;
use credspec_conformance::observe::{ObservedReport, ObservedRequest, Observer};
use credspec_conformance::report::{self, SuiteReport};
use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_conformance::target::Target;
use credspec_core::api::APIS;

use crate::Exit;

/// The largest request or response body forwarded (the credential APIs' bodies are small).
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Headers that belong to one connection, not to the exchange (RFC 9110 section 7.6.1),
/// plus those the client library recomputes for the outbound connection.
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
];

/// Options of `credspec proxy`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The address to listen on for plain-HTTP requests.
    #[arg(long, default_value = "127.0.0.1:8089")]
    listen: String,
    /// An API and the base URL its requests are forwarded to, `API=URL` (repeatable; the
    /// same form as `conform --target`).
    #[arg(long = "upstream", value_name = "API=URL", required = true)]
    upstreams: Vec<String>,
    /// Write a report on exit: `junit=FILE` or `json=FILE` (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    reports: Vec<String>,
    /// The directory of the API documents (default: `specs/` here, else the built-in one).
    #[arg(long)]
    specs: Option<PathBuf>,
}

/// What the proxy shares between requests.
struct Proxy {
    target: Target,
    observer: Observer,
    client: reqwest::Client,
    reports: Mutex<Vec<ObservedReport>>,
}

/// The API a request is for, and its path as the vendor's host sees it.
fn route(path: &str, host: Option<&str>) -> Option<(ApiId, String)> {
    let host = host.map(|h| h.split(':').next().unwrap_or(h).to_ascii_lowercase());
    APIS.iter().find_map(|api| {
        api.sites.iter().find_map(|site| {
            let by_prefix = path
                .strip_prefix(site.prefix)
                .filter(|rest| rest.starts_with(api.collection_path));
            let by_host = (host.as_deref() == Some(site.host))
                .then_some(path)
                .filter(|p| p.starts_with(api.collection_path));
            by_prefix.or(by_host).map(|rest| (api.id, rest.to_owned()))
        })
    })
}

fn bad_gateway(message: String) -> Response {
    own_answer(StatusCode::BAD_GATEWAY, &message)
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

async fn handle(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or_default();
    let Some((api, vendor_path)) = route(path, host) else {
        return bad_gateway(format!(
            "{} {path} is for none of the APIs credspec knows (by emulator path prefix or vendor host)",
            parts.method
        ));
    };
    let Some(base) = proxy.target.base(api) else {
        return bad_gateway(format!(
            "{} {path} is for {api}, which has no --upstream: nothing was forwarded",
            parts.method
        ));
    };
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
        Err(e) => return bad_gateway(format!("reading the request body: {e}")),
    };
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter(|(k, _)| !HOP_BY_HOP.contains(&k.as_str()))
        .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
        .collect();
    let mut outbound = proxy.client.request(parts.method.clone(), &url);
    for (k, v) in parts
        .headers
        .iter()
        .filter(|(k, _)| !HOP_BY_HOP.contains(&k.as_str()))
    {
        outbound = outbound.header(k, v);
    }
    let answer = match outbound.body(body.clone()).send().await {
        Ok(a) => a,
        // The error names the URL only: reqwest's errors carry no headers or body.
        Err(e) => return bad_gateway(format!("forwarding to the {api} upstream failed: {e}")),
    };
    let status = answer.status();
    let answer_headers = answer.headers().clone();
    let answer_body = match answer.bytes().await {
        Ok(b) => b,
        Err(e) => return bad_gateway(format!("reading the {api} upstream's answer: {e}")),
    };
    let observed = ObservedRequest::new(
        parts.method.as_str(),
        &vendor_path,
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
    let report = proxy.observer.check(api, &observed, checked);
    for line in report.violation_lines() {
        eprintln!("{line}");
    }
    if let Ok(mut reports) = proxy.reports.lock() {
        reports.push(report);
    }
    let mut response = Response::new(Body::from(answer_body));
    *response.status_mut() = status;
    for (k, v) in &answer_headers {
        if !HOP_BY_HOP.contains(&k.as_str()) {
            response
                .headers_mut()
                .append(HeaderName::clone(k), v.clone());
        }
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

/// Resolves when SIGINT or (on Unix) SIGTERM arrives.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

pub(crate) fn run(args: Args) -> Result<Exit, Box<dyn std::error::Error>> {
    let writers = crate::conform::report_writers(&args.reports)?;
    let mut target = Target::default();
    for arg in &args.upstreams {
        target = target.with_target_arg(arg)?;
    }
    let dir = crate::conform::specs_dir(args.specs.as_ref());
    let specs = Arc::new(SpecSet::load(&dir)?);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        // A redirect would be an outbound connection to a host the user did not name, and
        // the client must see the upstream's answer as it is.
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let proxy = Arc::new(Proxy {
        observer: Observer::new(specs, target.clone()),
        target,
        client,
        reports: Mutex::new(Vec::new()),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| format!("listening on {}: {e}", args.listen))?;
        eprintln!(
            "credspec proxy listening on http://{}",
            listener.local_addr()?
        );
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&proxy));
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    let reports = proxy.reports.lock().map(|r| r.clone()).unwrap_or_default();
    let suite = SuiteReport {
        cases: reports
            .iter()
            .enumerate()
            .map(|(n, r)| r.case_report(n + 1))
            .collect(),
        coverage: Vec::new(),
        elapsed: started.elapsed(),
    };
    let violations: usize = reports.iter().map(|r| r.violations().count()).sum();
    print!("{}", report::summary_table(&suite));
    println!(
        "{} exchange(s), {violations} violation(s)",
        suite.cases.len()
    );
    crate::conform::write_reports(&writers, &suite)?;
    Ok(if violations == 0 {
        Exit::Ok
    } else {
        Exit::Failed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_prefix_and_by_host() {
        assert_eq!(
            route("/twilio/notify/v1/Credentials/CRx", None),
            Some((ApiId::TwilioNotifyV1, "/v1/Credentials/CRx".to_owned()))
        );
        assert_eq!(
            route("/telnyx/v2/telephony_credentials", None),
            Some((
                ApiId::TelnyxTelephony,
                "/v2/telephony_credentials".to_owned()
            ))
        );
        assert_eq!(
            route("/v1/Credentials", Some("conversations.twilio.com:443")),
            Some((ApiId::TwilioConversationsV1, "/v1/Credentials".to_owned()))
        );
        assert_eq!(route("/v1/Credentials", Some("example.com")), None);
        assert_eq!(route("/elsewhere", None), None);
    }

    /// A proxy whose only upstream, notify-v1, is a port nothing listens on.
    fn proxy_to_nowhere() -> Arc<Proxy> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let target = Target::default()
            .with_target_arg("notify-v1=http://127.0.0.1:9")
            .unwrap();
        let specs = Arc::new(SpecSet::load(SpecSet::default_root()).unwrap());
        Arc::new(Proxy {
            observer: Observer::new(specs, target.clone()),
            target,
            client: reqwest::Client::new(),
            reports: Mutex::new(Vec::new()),
        })
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
        let at_limit = handle(
            State(Arc::clone(&proxy)),
            create(Body::from(vec![b'a'; BODY_LIMIT])),
        )
        .await;
        // At the limit the request is forwarded, and the closed port makes that a 502.
        assert_eq!(at_limit.status(), StatusCode::BAD_GATEWAY);
        let over = create(Body::from(vec![b'a'; BODY_LIMIT + 1]));
        let answer = handle(State(Arc::clone(&proxy)), over).await;
        assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let text = axum::body::to_bytes(answer.into_body(), 1024)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&text).contains("over 4 MiB"));
        // Nothing reached the upstream, so nothing was checked.
        assert!(proxy.reports.lock().unwrap().is_empty());
    }
}
