//! Emulator benches over loopback: the emulator serves on 127.0.0.1 and `CLIENTS` clients,
//! each on its own keep-alive HTTP/1.1 connection, send Telnyx telephony credential
//! requests concurrently, on one tokio runtime of two workers (the machine has two cores;
//! the clients' own work is counted in the time). One criterion iteration is one request,
//! so the throughput criterion prints is requests per second.
//!
//! The client is hyper's bare HTTP/1.1 connection with requests built from parts, the
//! cheapest client there is, so that what is measured is the emulator, not the client
//! (reqwest parses each URL and runs redirect and retry layers; with it the same fetch
//! workload measured about 17.6k/s instead).
//!
//! Groups `emulator/<database>/<workload>`, each workload against a fresh emulator holding
//! 100 credentials, so that no workload runs on the rows an earlier one left:
//!
//! - `fetch`: `GET /v2/telephony_credentials/{id}` over those 100;
//! - `create`: `POST /v2/telephony_credentials`, each answered 201 only after its commit
//!   (with the file database: durable, WAL + `synchronous = FULL`);
//! - `mix`: of every 10 requests, 1 create, 1 list (`page[size]=20`) and 8 fetches.
#![allow(clippy::expect_used, reason = "a bench stops on a broken setup")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use credspec_core::random::SeededRandom;
use credspec_emulator::{Database, Emulator, Served, TelnyxApiKey};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, header};
use hyper_util::rt::TokioIo;
use tokio::sync::Mutex;

const CLIENTS: usize = 16;
const CREATE_BODY: &str = r#"{"connection_id":"1234567890"}"#;
const COLLECTION: &str = "/telnyx/v2/telephony_credentials";

struct Server {
    addr: std::net::SocketAddr,
    authorization: String,
    ids: Vec<String>,
    _served: Served,
    _dir: Option<tempfile::TempDir>,
}

/// One client: one keep-alive connection.
type Client = Mutex<SendRequest<Full<Bytes>>>;

#[derive(Clone, Copy)]
enum Workload {
    Fetch,
    Create,
    Mix,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Self::Fetch => "fetch",
            Self::Create => "create",
            Self::Mix => "mix",
        }
    }
}

async fn connect(addr: std::net::SocketAddr) -> Client {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to the emulator");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let (send, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    Mutex::new(send)
}

async fn start(file: bool) -> Server {
    let key = TelnyxApiKey::generate(&mut SeededRandom::new(7));
    let (database, dir) = if file {
        let dir = tempfile::tempdir().expect("a temporary directory");
        (Database::file(dir.path().join("bench.db")), Some(dir))
    } else {
        (Database::memory(), None)
    };
    let emulator = Emulator::builder()
        .database(database)
        .telnyx_key(key.clone())
        .build()
        .expect("the emulator builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let served = emulator
        .serve(listener, std::future::pending())
        .await
        .expect("serve");
    let mut server = Server {
        addr: served.local_addr(),
        authorization: format!("Bearer {}", key.key().expose_str()),
        ids: Vec::new(),
        _served: served,
        _dir: dir,
    };
    let client = connect(server.addr).await;
    for _ in 0..100 {
        let body = send(&client, &server, Method::POST, COLLECTION.to_owned(), 201).await;
        let body: serde_json::Value = serde_json::from_slice(&body).expect("create answers JSON");
        let id = body["data"]["id"].as_str().expect("an id").to_owned();
        server.ids.push(id);
    }
    server
}

/// Sends one request and checks its status; returns the body.
async fn send(
    client: &Client,
    server: &Server,
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
        .header(header::AUTHORIZATION, &server.authorization);
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

async fn request(client: &Client, server: &Server, workload: Workload, n: usize) {
    let kind = match workload {
        Workload::Fetch => 2,
        Workload::Create => 0,
        Workload::Mix => n % 10,
    };
    let _ = match kind {
        0 => send(client, server, Method::POST, COLLECTION.to_owned(), 201).await,
        1 => {
            let path = format!("{COLLECTION}?page%5Bsize%5D=20");
            send(client, server, Method::GET, path, 200).await
        }
        _ => {
            let id = &server.ids[n % server.ids.len()];
            send(
                client,
                server,
                Method::GET,
                format!("{COLLECTION}/{id}"),
                200,
            )
            .await
        }
    };
}

/// Runs `total` requests over the clients concurrently and returns the wall time.
async fn run(
    server: Arc<Server>,
    clients: Arc<Vec<Client>>,
    workload: Workload,
    total: u64,
) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..clients.len() {
        let (server, clients, next) =
            (Arc::clone(&server), Arc::clone(&clients), Arc::clone(&next));
        tasks.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                request(&clients[c], &server, workload, n).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a client task");
    }
    started.elapsed()
}

fn emulator(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    for (name, file) in [("memory", false), ("file", true)] {
        let mut group = c.benchmark_group(format!("emulator/{name}"));
        group.throughput(Throughput::Elements(1));
        for workload in [Workload::Fetch, Workload::Create, Workload::Mix] {
            let server = Arc::new(runtime.block_on(start(file)));
            let clients = runtime.block_on(async {
                let mut clients = Vec::with_capacity(CLIENTS);
                for _ in 0..CLIENTS {
                    clients.push(connect(server.addr).await);
                }
                Arc::new(clients)
            });
            group.bench_function(workload.name(), |b| {
                b.iter_custom(|iters| {
                    runtime.block_on(run(
                        Arc::clone(&server),
                        Arc::clone(&clients),
                        workload,
                        iters,
                    ))
                });
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = emulator
}
criterion_main!(benches);
