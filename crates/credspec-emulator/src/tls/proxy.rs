//! The `CONNECT` proxy on the plain port: the first bytes of a connection tell a `CONNECT`
//! from any other request, which hyper then serves as before.
//!
//! - `CONNECT <served host>:443` is answered `200 Connection established`, and the tunnel
//!   is the emulator itself: TLS is terminated with the local CA's certificate and the
//!   requests inside are served by the same router, addressed to that host.
//! - `CONNECT` to any other host, or to a served host on another port, is answered `403`
//!   with `{"status":403,"message":...}`; a `CONNECT` whose target is not `host:port`, or
//!   whose head is over 8 KiB, `400`. Either closes the connection. Nothing is ever
//!   tunnelled and no outbound connection is ever made: the emulator has no client.
//!
//! The head of a `CONNECT` must arrive within the header timeout, like any request's.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::uri::Authority;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};

/// The start of a `CONNECT` request (the method is case-sensitive).
const CONNECT: &[u8] = b"CONNECT ";

/// The largest `CONNECT` head read.
const MAX_HEAD: usize = 8 * 1024;

/// What a connection opened with.
pub(crate) enum Opening<S> {
    /// Any request but `CONNECT`: the stream, with the bytes read so far put back.
    Http(Prefixed<S>),
    /// An accepted `CONNECT`: the tunnel (the bytes after the head put back) and its host.
    Tunnel {
        /// The stream inside the tunnel.
        stream: Prefixed<S>,
        /// The served host it names.
        host: String,
    },
    /// Nothing more to serve: a refused `CONNECT`, a timeout, a closed or failed stream.
    Done,
}

/// Reads the start of `stream` (the whole head when it is a `CONNECT`) within `timeout`,
/// and answers a `CONNECT`.
pub(crate) async fn open<S>(mut stream: S, timeout: Duration) -> Opening<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut buf = Vec::new();
    let read = tokio::time::timeout(timeout, read_opening(&mut stream, &mut buf)).await;
    let head_end = match read {
        Ok(Ok(Start::Other)) => return Opening::Http(Prefixed::new(buf, stream)),
        Ok(Ok(Start::Connect(end))) => end,
        Ok(Ok(Start::TooLarge)) => {
            answer(&mut stream, 400, "The CONNECT request's head is too large.").await;
            return Opening::Done;
        }
        Ok(Ok(Start::Closed) | Err(_)) | Err(_) => return Opening::Done,
    };
    let rest = buf.split_off(head_end);
    let target = match connect_target(&buf) {
        Ok(target) => target,
        Err(status) => {
            let message = "The CONNECT request's target is not host:port.";
            answer(&mut stream, status, message).await;
            return Opening::Done;
        }
    };
    let host = target.host().trim_end_matches('.').to_ascii_lowercase();
    if target.port_u16() != Some(443) || !super::served_host(&host) {
        tracing::info!(target = %target, "CONNECT refused: not a served host on port 443");
        let message = "credspec serves no API at this host and port, and tunnels nothing.";
        answer(&mut stream, 403, message).await;
        return Opening::Done;
    }
    let established = stream
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await;
    if established.is_err() || stream.flush().await.is_err() {
        return Opening::Done;
    }
    Opening::Tunnel {
        stream: Prefixed::new(rest, stream),
        host,
    }
}

/// How a connection starts.
enum Start {
    /// Not with `CONNECT `.
    Other,
    /// With a `CONNECT` head of this many bytes.
    Connect(usize),
    /// With a `CONNECT` head over [`MAX_HEAD`].
    TooLarge,
    /// Closed before saying.
    Closed,
}

async fn read_opening<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
) -> io::Result<Start> {
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(Start::Closed);
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        let seen = buf.len().min(CONNECT.len());
        if buf.get(..seen) != CONNECT.get(..seen) {
            return Ok(Start::Other);
        }
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok(Start::Connect(end + 4));
        }
        if buf.len() > MAX_HEAD {
            return Ok(Start::TooLarge);
        }
    }
}

/// The target of a `CONNECT` head (`CONNECT host:port HTTP/1.1`), or the status refusing
/// it (400).
fn connect_target(head: &[u8]) -> Result<Authority, u16> {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line).map_err(|_| 400_u16)?.trim_end();
    let mut parts = line.split(' ');
    let (Some("CONNECT"), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(400);
    }
    let authority: Authority = target.parse().map_err(|_| 400_u16)?;
    if authority.port().is_none() || authority.as_str().contains('@') {
        return Err(400);
    }
    Ok(authority)
}

/// Writes a refusal in the emulator's own format and closes.
async fn answer<S: AsyncWrite + Unpin>(stream: &mut S, status: u16, message: &str) {
    let reason = if status == 403 {
        "Forbidden"
    } else {
        "Bad Request"
    };
    let body = serde_json::json!({"status": status, "message": message}).to_string();
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// A stream that first yields bytes already read from it.
pub(crate) struct Prefixed<S> {
    prefix: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S> Prefixed<S> {
    fn new(prefix: Vec<u8>, inner: S) -> Self {
        Self {
            prefix,
            at: 0,
            inner,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let left = this.prefix.get(this.at..).unwrap_or_default();
        if left.is_empty() {
            return Pin::new(&mut this.inner).poll_read(cx, buf);
        }
        let n = left.len().min(buf.remaining());
        buf.put_slice(left.get(..n).unwrap_or_default());
        this.at += n;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let target = |head: &str| connect_target(head.as_bytes()).map(|a| a.to_string());
        assert_eq!(
            target("CONNECT notify.twilio.com:443 HTTP/1.1\r\nHost: x\r\n\r\n").as_deref(),
            Ok("notify.twilio.com:443")
        );
        for bad in [
            "CONNECT notify.twilio.com HTTP/1.1\r\n",
            "CONNECT / HTTP/1.1\r\n",
            "CONNECT a@notify.twilio.com:443 HTTP/1.1\r\n",
            "CONNECT notify.twilio.com:443\r\n",
            "CONNECT notify.twilio.com:443 HTTP/2\r\n",
        ] {
            assert_eq!(target(bad), Err(400), "{bad}");
        }
    }
}
