//! The HTTPS front over real sockets (issue 16): a rustls client that trusts only the
//! generated `ca.pem` reaches every API through `CONNECT` and through the direct TLS port;
//! unserved hosts get neither a tunnel nor a certificate; the CA survives a restart.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use credspec_core::timestamp::FixedClock;
use credspec_emulator::{HttpsFront, Limits, LocalCa, Served};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::{AC_A, KEY_A, START, TOKEN_A, builder};

/// A running emulator with its HTTPS front.
struct Front {
    addr: SocketAddr,
    https: SocketAddr,
    tls: tokio_rustls::TlsConnector,
    stop: tokio::sync::oneshot::Sender<()>,
    served: Served,
}

impl Front {
    async fn start(ca_dir: &Path) -> Self {
        let ca = LocalCa::load_or_create(ca_dir).unwrap();
        let front = HttpsFront::new(&ca).unwrap();
        let clock = Arc::new(FixedClock::new(START));
        let emulator = builder(&clock, 16).build().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let https = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let served = emulator
            .serve_https(listener, Some(https), front, shutdown, Limits::default())
            .await
            .unwrap();
        // The client trusts the file the emulator wrote, and nothing else.
        let pem = std::fs::read(ca.cert_path()).unwrap();
        Self {
            addr: served.local_addr(),
            https: served.https_addr().unwrap(),
            tls: connector(&pem),
            stop,
            served,
        }
    }

    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.served.wait().await.unwrap();
    }

    /// Sends `CONNECT host:port` and returns the answer's status and the open stream.
    async fn connect(&self, target: &str) -> (u16, String, TcpStream) {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let head = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        while !answer.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            if stream.read(&mut byte).await.unwrap() == 0 {
                break;
            }
            answer.push(byte[0]);
        }
        let answer = String::from_utf8(answer).unwrap();
        (status_of(&answer), answer, stream)
    }

    /// One request to `host` through the proxy, as an SDK sends it: origin-form, `Host`.
    async fn via_proxy(&self, host: &str, request: &Request) -> Reply {
        let (status, answer, stream) = self.connect(&format!("{host}:443")).await;
        assert_eq!(status, 200, "{answer}");
        self.exchange(stream, host, request).await
    }

    /// One request to `host` on the direct TLS port (`/etc/hosts` style).
    async fn direct(&self, host: &str, request: &Request) -> Reply {
        let stream = TcpStream::connect(self.https).await.unwrap();
        self.exchange(stream, host, request).await
    }

    async fn exchange(&self, stream: TcpStream, host: &str, request: &Request) -> Reply {
        let name = ServerName::try_from(host.to_owned()).unwrap();
        let mut tls = self.tls.connect(name, stream).await.unwrap();
        let mut raw = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\nConnection: close\r\n",
            request.method, request.path, request.auth
        )
        .into_bytes();
        if let Some((content_type, body)) = &request.body {
            raw.extend(
                format!(
                    "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                    body.len()
                )
                .bytes(),
            );
            raw.extend(b"\r\n");
            raw.extend(body);
        } else {
            raw.extend(b"\r\n");
        }
        tls.write_all(&raw).await.unwrap();
        let mut answer = Vec::new();
        // A peer that closes without close_notify is an error to rustls; the bytes are in.
        let _ = tls.read_to_end(&mut answer).await;
        let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8(answer[..split].to_vec()).unwrap();
        Reply {
            status: status_of(&head),
            head,
            body: answer[split + 4..].to_vec(),
        }
    }

    /// Whether a TLS handshake naming `name` succeeds on the direct port.
    async fn handshake(&self, name: &str) -> bool {
        let stream = TcpStream::connect(self.https).await.unwrap();
        let name = ServerName::try_from(name.to_owned()).unwrap();
        self.tls.connect(name, stream).await.is_ok()
    }
}

fn connector(ca_pem: &[u8]) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca_pem).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

fn status_of(head: &str) -> u16 {
    head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0)
}

struct Request {
    method: &'static str,
    path: String,
    auth: String,
    body: Option<(&'static str, Vec<u8>)>,
}

impl Request {
    fn new(method: &'static str, path: &str, auth: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            auth: auth.to_owned(),
            body: None,
        }
    }

    fn form(mut self, form: &str) -> Self {
        self.body = Some((
            "application/x-www-form-urlencoded",
            form.as_bytes().to_vec(),
        ));
        self
    }

    fn json(mut self, body: &Value) -> Self {
        self.body = Some(("application/json", serde_json::to_vec(body).unwrap()));
        self
    }
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn assert(self, status: u16) -> Self {
        assert_eq!(
            self.status,
            status,
            "{}\n{}",
            self.head,
            String::from_utf8_lossy(&self.body)
        );
        self
    }
}

fn twilio() -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{AC_A}:{TOKEN_A}"));
    format!("Basic {encoded}")
}

fn telnyx() -> String {
    format!("Bearer {KEY_A}")
}

/// The host and origin-form path of an absolute `https://` link.
fn split_link(link: &str) -> (&str, &str) {
    let rest = link.strip_prefix("https://").unwrap();
    let slash = rest.find('/').unwrap();
    (&rest[..slash], &rest[slash..])
}

#[tokio::test]
async fn every_api_through_connect_with_vendor_links_and_paging() {
    let dir = tempfile::tempdir().unwrap();
    let front = Front::start(dir.path()).await;
    let form = format!("Type=gcm&ApiKey={}", crate::twilio_classic::GCM_KEY);

    // The classic Twilio APIs, each on its own host, in the default region and in au1.
    for (host, collection) in [
        ("notify.twilio.com", "/v1/Credentials"),
        ("chat.twilio.com", "/v2/Credentials"),
        ("ip-messaging.twilio.com", "/v2/Credentials"),
        ("conversations.twilio.com", "/v1/Credentials"),
        ("notify.sydney.au1.twilio.com", "/v1/Credentials"),
    ] {
        let create = Request::new("POST", collection, &twilio()).form(&form);
        let created = front.via_proxy(host, &create).await.assert(201).json();
        let sid = created["sid"].as_str().unwrap().to_owned();
        let item = format!("{collection}/{sid}");
        assert_eq!(created["url"], format!("https://{host}{item}"), "{host}");
        let fetched = Request::new("GET", &item, &twilio());
        let fetched = front.via_proxy(host, &fetched).await.assert(200).json();
        assert_eq!(fetched["url"], format!("https://{host}{item}"));
        let update = Request::new("POST", &item, &twilio()).form("FriendlyName=renamed");
        let updated = front.via_proxy(host, &update).await.assert(200).json();
        assert_eq!(updated["friendly_name"], "renamed");
        let list = Request::new("GET", collection, &twilio());
        let listed = front.via_proxy(host, &list).await.assert(200).json();
        assert_eq!(listed["credentials"][0]["sid"], sid.as_str(), "{listed}");
        let delete = Request::new("DELETE", &item, &twilio());
        front.via_proxy(host, &delete).await.assert(204);
        let gone = Request::new("GET", &item, &twilio());
        front.via_proxy(host, &gone).await.assert(404);
    }

    // Paging: next_page_url names the vendor's host, and following it through the proxy
    // gives the next page.
    let mut sids = Vec::new();
    for _ in 0..2 {
        let create = Request::new("POST", "/v1/Credentials", &twilio()).form(&form);
        let created = front
            .via_proxy("notify.twilio.com", &create)
            .await
            .assert(201);
        sids.push(created.json()["sid"].as_str().unwrap().to_owned());
    }
    let first = Request::new("GET", "/v1/Credentials?PageSize=1", &twilio());
    let first = front
        .via_proxy("notify.twilio.com", &first)
        .await
        .assert(200)
        .json();
    let next = first["meta"]["next_page_url"].as_str().unwrap().to_owned();
    assert!(
        next.starts_with("https://notify.twilio.com/v1/Credentials?"),
        "{next}"
    );
    assert!(
        first["meta"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://notify.twilio.com/v1/Credentials?"),
        "{first}"
    );
    let (host, path) = split_link(&next);
    let second = Request::new("GET", path, &twilio());
    let second = front.via_proxy(host, &second).await.assert(200).json();
    let seen = [&first, &second].map(|page| page["credentials"][0]["sid"].clone());
    assert_ne!(seen[0], seen[1], "the second page is another credential");
    for sid in &sids {
        assert!(seen.contains(&Value::from(sid.as_str())), "{sid}");
    }

    // Comms: resourceLocation names comms.twilio.com.
    let host = "comms.twilio.com";
    let collection = "/v1/PushNotifications/Credentials";
    let create =
        Request::new("POST", collection, &twilio()).json(&crate::twilio_comms::apn("proxy"));
    let accepted = front.via_proxy(host, &create).await.assert(202).json();
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let item = format!("{collection}/{id}");
    assert_eq!(
        accepted["resourceLocation"],
        format!("https://{host}{item}")
    );
    let fetch = Request::new("GET", &item, &twilio());
    let fetched = front.via_proxy(host, &fetch).await.assert(200).json();
    assert_eq!(fetched["appName"], "proxy");
    let patch = Request::new("PATCH", &item, &twilio()).json(&json!({"tags": {"env": "tls"}}));
    front.via_proxy(host, &patch).await.assert(202);
    let list = Request::new("GET", collection, &twilio());
    let listed = front.via_proxy(host, &list).await.assert(200).json();
    assert_eq!(listed["credentials"][0]["tags"], json!({"env": "tls"}));
    let delete = Request::new("DELETE", &item, &twilio());
    front.via_proxy(host, &delete).await.assert(202);

    // Telnyx mobile push (no update operation) and telephony credentials.
    let host = "api.telnyx.com";
    let push = "/v2/mobile_push_credentials";
    let create = Request::new("POST", push, &telnyx()).json(&crate::telnyx_push::android("proxy"));
    let created = front.via_proxy(host, &create).await.assert(200).json();
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    let item = format!("{push}/{id}");
    let fetch = Request::new("GET", &item, &telnyx());
    front.via_proxy(host, &fetch).await.assert(200);
    let list = Request::new("GET", push, &telnyx());
    let listed = front.via_proxy(host, &list).await.assert(200).json();
    assert_eq!(listed["data"][0]["id"], id.as_str());
    let delete = Request::new("DELETE", &item, &telnyx());
    front.via_proxy(host, &delete).await.assert(204);
    let telephony = "/v2/telephony_credentials";
    let create =
        Request::new("POST", telephony, &telnyx()).json(&json!({"connection_id": "1234567890"}));
    let created = front.via_proxy(host, &create).await.assert(201).json();
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    let item = format!("{telephony}/{id}");
    let patch = Request::new("PATCH", &item, &telnyx()).json(&json!({"name": "tls"}));
    let patched = front.via_proxy(host, &patch).await.assert(200).json();
    assert_eq!(patched["data"]["name"], "tls");
    let fetch = Request::new("GET", &item, &telnyx());
    front.via_proxy(host, &fetch).await.assert(200);
    let list = Request::new("GET", telephony, &telnyx());
    let listed = front.via_proxy(host, &list).await.assert(200).json();
    assert_eq!(listed["data"][0]["id"], id.as_str());
    let delete = Request::new("DELETE", &item, &telnyx());
    front.via_proxy(host, &delete).await.assert(200);

    // Plain HTTP keeps working on the same port.
    let mut plain = TcpStream::connect(front.addr).await.unwrap();
    let get = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    plain.write_all(get.as_bytes()).await.unwrap();
    let mut answer = String::new();
    plain.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(r#"{"status":"ok"}"#), "{answer}");
    front.stop().await;
}

#[tokio::test]
async fn unserved_targets_get_403_and_no_tunnel() {
    let dir = tempfile::tempdir().unwrap();
    let front = Front::start(dir.path()).await;
    // A listener the emulator would reach if it ever dialled out: it must see nobody.
    let bait = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bait_target = bait.local_addr().unwrap().to_string();
    for target in [
        "example.com:443",
        "api.twilio.com:443",
        "notify.twilio.com:80",
        "notify.twilio.com:8443",
        bait_target.as_str(),
    ] {
        let (status, answer, mut stream) = front.connect(target).await;
        assert_eq!(status, 403, "{target}: {answer}");
        let mut body = String::new();
        stream.read_to_string(&mut body).await.unwrap();
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["status"], 403, "{body}");
    }
    let (status, answer, _) = front.connect("notify.twilio.com").await;
    assert_eq!(status, 400, "a target without a port: {answer}");
    // Nothing connected to the bait (a connection would be waiting in its backlog).
    let waiting = tokio::time::timeout(std::time::Duration::ZERO, bait.accept()).await;
    assert!(waiting.is_err(), "the emulator dialled out");
    front.stop().await;
}

#[tokio::test]
async fn direct_https_serves_vendor_names_and_no_certificate_for_others() {
    let dir = tempfile::tempdir().unwrap();
    let front = Front::start(dir.path()).await;
    for host in [
        "notify.twilio.com",
        "api.telnyx.com",
        "chat.dublin.ie1.twilio.com",
    ] {
        assert!(front.handshake(host).await, "{host}");
    }
    for unserved in ["example.com", "api.twilio.com", "localhost"] {
        assert!(!front.handshake(unserved).await, "{unserved}");
    }
    let form = format!("Type=gcm&ApiKey={}", crate::twilio_classic::GCM_KEY);
    let create = Request::new("POST", "/v1/Credentials", &twilio()).form(&form);
    let created = front.direct("conversations.twilio.com", &create).await;
    let created = created.assert(201).json();
    let sid = created["sid"].as_str().unwrap();
    assert_eq!(
        created["url"],
        format!("https://conversations.twilio.com/v1/Credentials/{sid}")
    );
    // Inside a tunnel, a name other than a served one gets no certificate either.
    let (status, _, stream) = front.connect("notify.twilio.com:443").await;
    assert_eq!(status, 200);
    let name = ServerName::try_from("example.com").unwrap();
    assert!(front.tls.connect(name, stream).await.is_err());
    front.stop().await;
}

#[tokio::test]
async fn the_ca_survives_a_restart_and_its_key_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let ca_dir = dir.path().join("ca");
    let first = Front::start(&ca_dir).await;
    let pem = std::fs::read(ca_dir.join("ca.pem")).unwrap();
    first.stop().await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(ca_dir.join("ca-key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let second = Front::start(&ca_dir).await;
    assert_eq!(std::fs::read(ca_dir.join("ca.pem")).unwrap(), pem);
    // A client that trusted the first start's CA trusts the second.
    let client = connector(&pem);
    let (status, _, stream) = second.connect("api.telnyx.com:443").await;
    assert_eq!(status, 200);
    let name = ServerName::try_from("api.telnyx.com").unwrap();
    assert!(client.connect(name, stream).await.is_ok());
    second.stop().await;
}

/// The binary prints where `ca.pem` is, serves CONNECT on its one port, and finds the same
/// CA on its next start.
#[test]
fn the_binary_prints_the_ca_and_proxies() {
    use std::io::{BufRead as _, Read as _, Write as _};
    let dir = tempfile::tempdir().unwrap();
    let ca_dir = dir.path().join("ca");
    let start = || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_credspec-emulator"))
            .args([
                "--db",
                ":memory:",
                "--addr",
                "127.0.0.1:0",
                "--log",
                "error",
            ])
            .arg("--ca-dir")
            .arg(&ca_dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut addr = None;
        let mut proxy = None;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(rest) = line.strip_prefix("credspec-emulator listening on http://") {
                addr = rest.split(' ').next().map(str::to_owned);
            }
            if line.starts_with("HTTPS proxy:") {
                proxy = Some(line);
                break;
            }
        }
        // The reader is kept: a closed pipe would fail the binary's next start line.
        (child, lines, addr.unwrap(), proxy.unwrap())
    };
    let (mut child, _out, addr, line) = start();
    let ca_pem = ca_dir.join("ca.pem");
    assert!(line.contains(&ca_pem.display().to_string()), "{line}");
    assert!(
        line.contains(&format!("HTTPS_PROXY=http://{addr}")),
        "{line}"
    );
    let pem = std::fs::read(&ca_pem).unwrap();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"CONNECT api.telnyx.com:443 HTTP/1.1\r\nHost: api.telnyx.com:443\r\n\r\n")
        .unwrap();
    let mut established = [0u8; 39];
    stream.read_exact(&mut established).unwrap();
    assert_eq!(&established, b"HTTP/1.1 200 Connection established\r\n\r\n");
    child.kill().unwrap();
    child.wait().unwrap();
    let (mut child, _out, _, _) = start();
    assert_eq!(std::fs::read(&ca_pem).unwrap(), pem, "the same CA");
    child.kill().unwrap();
    child.wait().unwrap();
}
