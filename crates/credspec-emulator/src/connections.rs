//! The accept loop: HTTP/1.1 connections under three limits, so that clients that open
//! connections and send nothing, or half a request, cannot starve the server (issue 15 §3).
//!
//! - **Header timeout**: a request's head must be complete within it, counted from the
//!   moment the connection waits for a request (its opening, or the end of the previous
//!   answer on a kept-alive connection); otherwise the connection is closed. hyper's own
//!   `header_read_timeout`.
//! - **Idle timeout**: a connection on which no byte moves, either way, for this long is
//!   closed, whatever it was doing (a body sent halfway, an answer nobody reads).
//! - **Connection cap**: at most this many connections are served at once; the next one waits
//!   in the listen backlog until one closes, and reaching the cap is logged. The default sits
//!   below the process's open-file limit, so the listener never fails for want of a
//!   descriptor.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::http::header::HOST;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::Watcher;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};

use crate::tls::proxy::Opening;

/// Descriptors kept back from the connection cap for the database, the listener, logs and
/// the process's own files.
const RESERVED_FILES: usize = 64;

/// The connection limits of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How long a request's head may take to arrive.
    pub header_timeout: Duration,
    /// How long a connection may stay without a byte in either direction.
    pub idle_timeout: Duration,
    /// How many connections are served at once.
    pub max_connections: usize,
}

impl Default for Limits {
    /// 10 s to send a request's head, 60 s without a byte, and a connection cap of the
    /// open-file limit less 64 (at least 16; 960 where the limit cannot be read).
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
        }
    }
}

impl Limits {
    /// These limits with a header timeout of `timeout`.
    #[must_use]
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// These limits with an idle timeout of `timeout`.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// These limits with a cap of `max` connections (at least 1).
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }
}

/// The cap below the process's soft open-file limit (Linux: `/proc/self/limits`).
fn default_max_connections() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("Max open files"))
                .and_then(|line| line.split_whitespace().nth(3))
                .and_then(|soft| soft.parse::<usize>().ok())
        })
        .unwrap_or(1024);
    limit.saturating_sub(RESERVED_FILES).max(16)
}

/// A stream that notes when a byte last moved.
struct Watched {
    stream: TcpStream,
    last: Arc<AtomicU64>,
    epoch: Instant,
}

impl Watched {
    fn touch(&self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(now, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.touch();
        }
        polled
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// Resolves once nothing has moved on the connection for `timeout`.
async fn idle(last: Arc<AtomicU64>, epoch: Instant, timeout: Duration) {
    loop {
        let since = Duration::from_millis(last.load(Ordering::Relaxed));
        let quiet = epoch.elapsed().saturating_sub(since);
        if quiet >= timeout {
            return;
        }
        tokio::time::sleep(timeout - quiet).await;
    }
}

/// The service (a router, or the emulator's front) as a hyper service that, for a response
/// marked [`crate::admin::faults::CloseConnection`], never answers and tells the connection to
/// close.
struct Closing<S> {
    inner: TowerToHyperService<S>,
    close: Arc<Notify>,
    /// Set on a TLS connection (the HTTPS front): its requests are marked
    /// `X-Forwarded-Proto: https`, and given `Host: <host>` when they have none.
    secure: Option<Secure>,
}

/// What a TLS connection tells its requests.
#[derive(Clone)]
struct Secure {
    /// The tunnel's host (`CONNECT notify.twilio.com:443`), if any.
    host: Option<axum::http::HeaderValue>,
}

type Answer = Result<axum::response::Response, std::convert::Infallible>;

/// What the accept loop serves: a router, or the emulator's front.
pub(crate) trait App:
    tower::Service<
        hyper::Request<hyper::body::Incoming>,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> App for S where
    S: tower::Service<
            hyper::Request<hyper::body::Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
            Future: Send + 'static,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

impl<S: App> hyper::service::Service<hyper::Request<hyper::body::Incoming>> for Closing<S> {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn call(&self, mut request: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        if let Some(secure) = &self.secure {
            let headers = request.headers_mut();
            let https = axum::http::HeaderValue::from_static("https");
            headers.insert("x-forwarded-proto", https);
            if let Some(host) = secure.host.as_ref().filter(|_| !headers.contains_key(HOST)) {
                headers.insert(HOST, host.clone());
            }
        }
        let answer = self.inner.call(request);
        let close = Arc::clone(&self.close);
        Box::pin(async move {
            let response = answer.await?;
            if response
                .extensions()
                .get::<crate::admin::faults::CloseConnection>()
                .is_some()
            {
                close.notify_one();
                std::future::pending::<()>().await;
            }
            Ok(response)
        })
    }
}

/// The HTTPS front of a server: the `CONNECT` proxy on the plain listener, and a listener
/// that speaks TLS directly, when given.
pub(crate) struct Https {
    pub(crate) front: crate::tls::HttpsFront,
    pub(crate) listener: Option<TcpListener>,
}

/// Accepts on `listener`, or never when there is none.
async fn accept(listener: Option<&TcpListener>) -> io::Result<(TcpStream, std::net::SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

/// Serves `router` on `listener` (and the HTTPS front, when given) under `limits` until
/// `shutdown` resolves, then lets the connections finish their requests in flight.
pub(crate) async fn serve(
    listener: TcpListener,
    router: impl App,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
    https: Option<Https>,
) -> io::Result<()> {
    let (front, direct) = match https {
        Some(https) => (Some(https.front), https.listener),
        None => (None, None),
    };
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                tracing::warn!(
                    max_connections = limits.max_connections,
                    "connection cap reached; new connections wait in the listen backlog"
                );
                tokio::select! {
                    permit = Arc::clone(&permits).acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (accepted, is_direct) = tokio::select! {
            accepted = listener.accept() => (accepted, false),
            accepted = accept(direct.as_ref()) => (accepted, true),
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of descriptors or a connection reset before it was accepted: the
                // listener stays up.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let epoch = Instant::now();
        let last = Arc::new(AtomicU64::new(0));
        let io = Watched {
            stream,
            last: Arc::clone(&last),
            epoch,
        };
        let close = Arc::new(Notify::new());
        let service = |secure| Closing {
            inner: TowerToHyperService::new(router.clone()),
            close: Arc::clone(&close),
            secure,
        };
        let plain = service(None);
        let secure = service(Some(Secure { host: None }));
        let watcher = graceful.watcher();
        let front = front.clone();
        let connection = async move {
            let Some(front) = front else {
                return serve_http(io, plain, limits, watcher).await;
            };
            if is_direct {
                if let Some(tls) = handshake(&front, io, limits).await {
                    serve_http(tls, secure, limits, watcher).await;
                }
                return;
            }
            match crate::tls::proxy::open(io, limits.header_timeout).await {
                Opening::Http(io) => serve_http(io, plain, limits, watcher).await,
                Opening::Tunnel { stream, host } => {
                    let Some(tls) = handshake(&front, stream, limits).await else {
                        return;
                    };
                    let host = axum::http::HeaderValue::from_str(&host).ok();
                    let secure = Closing {
                        secure: Some(Secure { host }),
                        ..secure
                    };
                    serve_http(tls, secure, limits, watcher).await;
                }
                Opening::Done => {}
            }
        };
        tokio::spawn(async move {
            tokio::select! {
                () = connection => {}
                () = idle(last, epoch, limits.idle_timeout) => {
                    tracing::debug!("idle connection closed");
                }
                () = close.notified() => {
                    tracing::debug!("connection closed by a fault rule");
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Serves HTTP/1.1 on `io` with `service` until the connection closes or the server shuts
/// down.
async fn serve_http<I, S: App>(io: I, service: Closing<S>, limits: Limits, watcher: Watcher)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(io), service);
    let _ = watcher.watch(connection).await;
}

/// The TLS side of `io`, once its handshake (within the header timeout) succeeds.
async fn handshake<I>(
    front: &crate::tls::HttpsFront,
    io: I,
    limits: Limits,
) -> Option<tokio_rustls::server::TlsStream<I>>
where
    I: AsyncRead + AsyncWrite + Unpin,
{
    match tokio::time::timeout(limits.header_timeout, front.acceptor().accept(io)).await {
        Ok(Ok(tls)) => Some(tls),
        Ok(Err(error)) => {
            tracing::debug!(%error, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            None
        }
    }
}
