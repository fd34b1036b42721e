//! A checking proxy for the credential APIs of Twilio and Telnyx.
//!
//! [`Proxy`] forwards each request a client sends to the upstream named for its API (the
//! live vendor, a team's mock, or the credspec emulator), returns the upstream's answer
//! unchanged, and checks every exchange with the conformance runner's own checks
//! ([`credspec_conformance::observe`]): the documented status, headers and content type, the
//! response schema, domain rules, the vendor's error format and the lint findings.
//!
//! The API of a request is decided by the emulator's path prefix for it
//! (`/twilio/notify/v1/Credentials`, from core's API table) or else by the vendor's `Host`
//! (`notify.twilio.com`), so a client pointed at the proxy by base URL and one that reaches it
//! through `HTTPS_PROXY` (see [`Proxy::serve`]) are routed alike. A Twilio API in another
//! processing region (the emulator's `/twilio/au1/notify`, or `notify.sydney.au1.twilio.com`
//! as the SDKs build it with a region set) goes to the API's upstream in that region, derived
//! from its base as the runner derives it ([`Target::base_at`]). Outbound connections go only
//! to the upstreams named in the [`Target`]: a request for any other API gets a 502 naming
//! the problem, and redirects are not followed.
//!
//! A [`Recorder`] as a sink ([`ProxyBuilder::on_exchange`]) writes every exchange as a step
//! of a scenario in the `specs/` case format, secrets left out, which the runner replays
//! against any target (`credspec proxy --record DIR`, then `credspec conform --specs DIR`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use credspec_conformance::spec::SpecSet;
//! use credspec_conformance::target::Target;
//! use credspec_proxy::Proxy;
//!
//! let specs = Arc::new(SpecSet::load(SpecSet::default_root())?);
//! let target = Target::default().with_target_arg("notify-v1=https://notify.twilio.com")?;
//! let proxy = Proxy::builder(specs, target)
//!     .on_exchange(|exchange| {
//!         for line in exchange.report.violation_lines() {
//!             eprintln!("{line}");
//!         }
//!     })
//!     .build()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let served = proxy.serve(listener, None, std::future::pending()).await?;
//! # let _ = served;
//! # Ok(())
//! # }
//! ```

mod forward;
mod record;
mod route;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use credspec_conformance::exchange::Response;
use credspec_conformance::observe::{ObservedReport, ObservedRequest, Observer};
use credspec_conformance::report::SuiteReport;
use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_conformance::target::Target;
use credspec_emulator::{HttpsFront, Limits, Served};

pub use forward::BODY_LIMIT;
pub use record::{RecordError, Recorder};
pub use route::route;

/// Why a proxy cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// The outbound HTTP client cannot be built (no TLS roots, say).
    #[error("cannot build the outbound HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

/// One exchange the proxy forwarded, as checked.
#[derive(Debug)]
#[non_exhaustive]
pub struct Exchange<'a> {
    /// The API it was for.
    pub api: ApiId,
    /// The request as the client sent it (hop-by-hop headers left out), addressed to the
    /// upstream.
    pub request: &'a ObservedRequest,
    /// The upstream's answer, as returned to the client.
    pub response: &'a Response,
    /// What the checks found.
    pub report: &'a ObservedReport,
    /// The site of the API it was for (`ip-messaging.twilio.com` for Chat v2), when not the
    /// API's first.
    pub site: Option<&'static str>,
    /// The Twilio region it was for, when not the default one.
    pub region: Option<&'static str>,
}

type Sink = Box<dyn Fn(&Exchange<'_>) + Send + Sync>;

/// Builds a [`Proxy`].
pub struct ProxyBuilder {
    specs: Arc<SpecSet>,
    target: Target,
    sinks: Vec<Sink>,
    timeout: Duration,
}

impl fmt::Debug for ProxyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyBuilder")
            .field("target", &self.target)
            .field("sinks", &self.sinks.len())
            .finish_non_exhaustive()
    }
}

impl ProxyBuilder {
    /// Calls `sink` with every checked exchange, in the order they end (printing each
    /// violation, recording cases). Sinks run on the request's task, before the answer is
    /// returned to the client.
    pub fn on_exchange(mut self, sink: impl Fn(&Exchange<'_>) + Send + Sync + 'static) -> Self {
        self.sinks.push(Box::new(sink));
        self
    }

    /// How long an upstream may take to answer one request (default 30 s); past it the
    /// client gets a 504 naming the upstream.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The proxy.
    pub fn build(self) -> Result<Proxy, ProxyError> {
        // rustls needs a process-wide crypto provider; ring builds with only a C compiler.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            // A redirect would be an outbound connection to a host the user did not name,
            // and the client must see the upstream's answer as it is.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .build()
            .map_err(ProxyError::Client)?;
        Ok(Proxy {
            shared: Arc::new(Shared {
                observer: Observer::new(Arc::clone(&self.specs), self.target.clone()),
                specs: self.specs,
                target: self.target,
                client,
                sinks: self.sinks,
                reports: Mutex::new(Vec::new()),
            }),
        })
    }
}

/// What every request of a proxy shares.
struct Shared {
    target: Target,
    observer: Observer,
    /// For the observer of a request to another site or region of an API than its base's.
    specs: Arc<SpecSet>,
    client: reqwest::Client,
    sinks: Vec<Sink>,
    reports: Mutex<Vec<ObservedReport>>,
}

/// The checking proxy. Cloning it is cheap; clones share their reports.
#[derive(Clone)]
pub struct Proxy {
    shared: Arc<Shared>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("target", &self.shared.target)
            .finish_non_exhaustive()
    }
}

impl Proxy {
    /// A proxy checking exchanges against `specs`, forwarding each API's requests to its
    /// base URL in `target` (and nowhere else).
    pub fn builder(specs: Arc<SpecSet>, target: Target) -> ProxyBuilder {
        ProxyBuilder {
            specs,
            target,
            sinks: Vec::new(),
            timeout: Duration::from_secs(30),
        }
    }

    /// The forwarding service as an axum router, to drive in process (tower's `oneshot`) or
    /// to serve.
    pub fn router(&self) -> axum::Router {
        axum::Router::new()
            .fallback(forward::handle)
            .with_state(Arc::clone(&self.shared))
    }

    /// Serves the proxy on `listener` until `shutdown` resolves, then finishes the requests
    /// in flight. With `front` (the emulator's HTTPS front, from its local CA) the listener
    /// also answers `CONNECT <vendor host>:443`: the tunnel's TLS is terminated with a
    /// certificate of the local CA, so a client whose SDK hard-codes the vendor's hosts works
    /// unchanged with `HTTPS_PROXY` pointed here once it trusts the CA, and each request
    /// inside is forwarded to its API's upstream (over real TLS when that is the vendor).
    pub async fn serve(
        &self,
        listener: tokio::net::TcpListener,
        front: Option<HttpsFront>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<Served> {
        credspec_emulator::serve_router(listener, self.router(), front, shutdown, Limits::default())
            .await
    }

    /// Every exchange checked so far, in the order they ended.
    pub fn reports(&self) -> Vec<ObservedReport> {
        self.shared
            .reports
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// The exchanges so far as a suite report (`observed-1`, `observed-2`, ...), for the
    /// runner's JUnit and JSON writers.
    pub fn suite_report(&self, elapsed: Duration) -> SuiteReport {
        SuiteReport {
            cases: self
                .reports()
                .iter()
                .enumerate()
                .map(|(n, r)| r.case_report(n + 1))
                .collect(),
            coverage: Vec::new(),
            elapsed,
        }
    }
}
