//! The emulator's front service: every request passes here first, and only here before its
//! API's router (issue 15 §5).
//!
//! It does what the outermost middleware and the nesting of one axum router per API prefix
//! did, without their cost per request (a boxed future and a clone of the inner service per
//! `from_fn` layer, two router look-ups, a matched route rebuilt into the nested one):
//!
//! 1. the request log line ([`http::RequestLog`]) and vendor-host routing
//!    ([`http::route_vendor_host`]);
//! 2. the admin API at [`admin::PREFIX`], when it is on;
//! 3. everything else to the router of the API whose base path starts the path, with that
//!    base path stripped, or to the root router (`/healthz`, and `no_api` for a path under no
//!    API). The optional layers (the inspector, then faults, with the admin API on; the rate
//!    limiter, when one is configured) wrap each of these routers, only when they act.
//!
//! A base path matches as axum's `nest` matched it: the path is the base path itself, or the
//! base path, `/` and at least one more character (the base path and a bare `/` is under no
//! API).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::Uri;
use axum::http::uri::PathAndQuery;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use tower::Service;

use crate::{Shared, http};

/// The front service; a clone is a reference count.
#[derive(Clone)]
pub(crate) struct Front(Arc<Inner>);

struct Inner {
    log: http::RequestLog,
    /// The admin API's router, when it is on.
    admin: Option<Router>,
    /// Every request that is not the admin API's.
    apis: Dispatch,
}

/// Each API's router at its base path, and the root router for every other path.
struct Dispatch {
    /// Base path and router (its state applied), each base path once.
    sites: Vec<(Box<str>, Router)>,
    root: Router,
    /// Whether the base path is stripped here: without the optional layers. With them, each
    /// router is nested at its base path as before, so that the layers sit where they sat,
    /// inside the method routing (a `HEAD` answer reaches them with its body) and before the
    /// base path is stripped.
    strip: bool,
}

/// The optional layers of [`Front::new`], each present only when it acts.
pub(crate) struct Layers {
    /// The rate limiter's ([`crate::rate_limit::limit`]).
    pub(crate) rate_limit: bool,
    /// The fault injector's and the inspector's ([`crate::admin`]).
    pub(crate) admin: bool,
}

impl Layers {
    /// `router` behind the layers, in their order: the inspector outermost, then faults,
    /// then the rate limiter.
    fn apply(&self, shared: &Arc<Shared>, mut router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
        if self.rate_limit {
            router = router.layer(from_fn_with_state(
                Arc::clone(shared),
                crate::rate_limit::limit,
            ));
        }
        if self.admin {
            router = router
                .layer(from_fn_with_state(
                    Arc::clone(shared),
                    crate::admin::faults::inject,
                ))
                .layer(from_fn_with_state(
                    Arc::clone(shared),
                    crate::admin::inspector::record,
                ));
        }
        router
    }
}

impl Front {
    /// The front of `sites` (base path and routes relative to it, each base path once) and
    /// of `root` for every other path, with the admin API's routes when it is on.
    pub(crate) fn new(
        shared: &Arc<Shared>,
        sites: Vec<(String, Router<Arc<Shared>>)>,
        root: Router<Arc<Shared>>,
        admin: Option<Router<Arc<Shared>>>,
        layers: &Layers,
    ) -> Self {
        let strip = !(layers.rate_limit || layers.admin);
        let sites = sites
            .into_iter()
            .map(|(base, routes)| {
                let router = if strip {
                    routes
                } else {
                    layers.apply(shared, Router::new().nest(&base, routes))
                };
                (base.into_boxed_str(), router.with_state(Arc::clone(shared)))
            })
            .collect();
        let root = if strip {
            root
        } else {
            layers.apply(shared, root)
        };
        let apis = Dispatch {
            sites,
            root: root.with_state(Arc::clone(shared)),
            strip,
        };
        Self(Arc::new(Inner {
            log: http::RequestLog::default(),
            admin: admin.map(|routes| routes.with_state(Arc::clone(shared))),
            apis,
        }))
    }
}

impl Inner {
    fn answer(&self, request: Request) -> RouteFuture<Infallible> {
        if let Some(admin) = &self.admin
            && let Some(end) = base_end(request.uri().path(), crate::admin::PREFIX)
        {
            return call(admin, strip(request, end));
        }
        self.apis.route(request)
    }
}

impl<B> Service<axum::http::Request<B>> for Front
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    /// One log line per request with an id, method, path as the client sent it (never the
    /// query, headers or body, where secrets travel), status and latency.
    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        let mut request = request.map(Body::new);
        let id = self.0.log.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let started = Instant::now();
        http::route_vendor_host(&mut request);
        let answer = self.0.answer(request);
        Box::pin(async move {
            let Ok(response) = answer.await;
            let status = response.status().as_u16();
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            if response.status().is_server_error() {
                tracing::warn!(request_id = id, %method, path, status, latency_ms, "request");
            } else {
                tracing::info!(request_id = id, %method, path, status, latency_ms, "request");
            }
            Ok(response)
        })
    }
}

impl Dispatch {
    fn route(&self, request: Request) -> RouteFuture<Infallible> {
        let path = request.uri().path();
        // The longest base path that matches, as the most specific nested route did.
        let site = self
            .sites
            .iter()
            .filter_map(|(base, router)| Some((base_end(path, base)?, router)))
            .max_by_key(|(end, _)| *end);
        match site {
            Some((end, router)) if self.strip => call(router, strip(request, end)),
            Some((_, router)) => call(router, request),
            None => call(&self.root, request),
        }
    }
}

/// `router`'s answer to `request` (a router is always ready; a clone is a reference count).
fn call(router: &Router, request: Request) -> RouteFuture<Infallible> {
    router.clone().call(request)
}

/// Where `base` ends in `path` when `path` is under it: `path` is `base`, or `base`, `/` and
/// more (what axum's `nest` matched: `base` and `base/{*rest}`).
fn base_end(path: &str, base: &str) -> Option<usize> {
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || (rest.starts_with('/') && rest.len() > 1)).then_some(base.len())
}

/// `request` with the first `end` bytes of its path removed (`/` when nothing is left), the
/// query kept, as a router nested at that base path saw it.
fn strip(mut request: Request, end: usize) -> Request {
    let uri = request.uri();
    let Some(path_and_query) = uri.path_and_query() else {
        return request;
    };
    let Some(rest) = path_and_query.as_str().get(end..) else {
        return request;
    };
    // axum's `StripPrefix` takes the `/` after the base path with it: of `base//x` the
    // router sees `/x`.
    let rest = rest
        .strip_prefix('/')
        .filter(|r| r.starts_with('/'))
        .unwrap_or(rest);
    let stripped = if rest.starts_with('/') {
        PathAndQuery::try_from(rest)
    } else {
        PathAndQuery::try_from(format!("/{rest}"))
    };
    let Ok(stripped) = stripped else {
        return request;
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(stripped);
    if let Ok(uri) = Uri::from_parts(parts) {
        *request.uri_mut() = uri;
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_match_as_nest_did() {
        assert_eq!(base_end("/telnyx", "/telnyx"), Some(7));
        assert_eq!(base_end("/telnyx/v2/x", "/telnyx"), Some(7));
        assert_eq!(base_end("/telnyx//", "/telnyx"), Some(7));
        assert_eq!(base_end("/telnyx/", "/telnyx"), None);
        assert_eq!(base_end("/telnyxx/v2", "/telnyx"), None);
        assert_eq!(base_end("/twilio", "/telnyx"), None);
    }

    #[test]
    fn the_base_path_is_stripped_and_the_query_kept() {
        let stripped = |uri: &str, end| {
            let request = Request::builder().uri(uri).body(Body::empty()).unwrap();
            strip(request, end).uri().to_string()
        };
        assert_eq!(stripped("/telnyx/v2/x?a=b", 7), "/v2/x?a=b");
        assert_eq!(stripped("/telnyx", 7), "/");
        assert_eq!(stripped("/telnyx?a=b", 7), "/?a=b");
        assert_eq!(stripped("/telnyx//", 7), "/");
        assert_eq!(stripped("/telnyx//v2//x", 7), "/v2//x");
        assert_eq!(
            stripped("http://api.telnyx.com/telnyx/v2", 7),
            "http://api.telnyx.com/v2"
        );
    }
}
