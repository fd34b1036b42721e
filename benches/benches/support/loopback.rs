//! The loopback client the emulator benches share: hyper's bare HTTP/1.1 client connection
//! with requests built from parts, the cheapest client there is, so that what is measured
//! is the server, not the client (reqwest parses each URL and runs redirect and retry
//! layers; with it the emulator's fetch workload measured about 17.6k/s instead of 36k/s).

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, header};
use hyper_util::rt::TokioIo;
use tokio::sync::Mutex;

/// A Telnyx telephony credential create body.
pub(crate) const CREATE_BODY: &str = r#"{"connection_id":"1234567890"}"#;

/// The telephony credentials collection under the emulator's Telnyx base path.
pub(crate) const COLLECTION: &str = "/telnyx/v2/telephony_credentials";

/// One client: one keep-alive connection.
pub(crate) type Client = Mutex<SendRequest<Full<Bytes>>>;

/// Opens one keep-alive connection (`TCP_NODELAY`, as the emulator sets its side).
pub(crate) async fn connect(addr: std::net::SocketAddr) -> Client {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to the server");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let (send, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    Mutex::new(send)
}

/// Sends one request with `authorization` (a POST carries [`CREATE_BODY`]) and checks its
/// status; returns the body.
pub(crate) async fn send(
    client: &Client,
    authorization: &str,
    method: Method,
    path: String,
    status: u16,
) -> Bytes {
    let post = method == Method::POST;
    let body = if post {
        Full::new(Bytes::from_static(CREATE_BODY.as_bytes()))
    } else {
        Full::new(Bytes::new())
    };
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "127.0.0.1")
        .header(header::AUTHORIZATION, authorization);
    if post {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let request = request.body(body).expect("a request");
    let mut connection = client.lock().await;
    connection.ready().await.expect("the connection is ready");
    let response = connection
        .send_request(request)
        .await
        .expect("the request is answered");
    assert_eq!(response.status().as_u16(), status);
    response
        .into_body()
        .collect()
        .await
        .expect("the body is read")
        .to_bytes()
}
