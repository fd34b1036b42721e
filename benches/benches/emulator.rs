//! Emulator benches over loopback: the emulator serves on 127.0.0.1 and `CLIENTS` reqwest
//! clients (HTTP/1.1, keep-alive) send Telnyx telephony credential requests concurrently,
//! on one tokio runtime of two workers (the machine has two cores; the clients' own work
//! is counted in the time). One criterion iteration is one request, so the throughput
//! criterion prints is requests per second. Groups `emulator/<database>/<workload>`:
//!
//! - `fetch`: `GET /v2/telephony_credentials/{id}` over 100 credentials made beforehand;
//! - `create`: `POST /v2/telephony_credentials`, each answered 201 only after its commit
//!   (with the file database: durable, WAL + `synchronous = FULL`);
//! - `mix`: of every 10 requests, 1 create, 1 list (`page[size]=20`) and 8 fetches.
#![allow(clippy::expect_used, reason = "a bench stops on a broken setup")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use credspec_core::random::SeededRandom;
use credspec_emulator::{Database, Emulator, Served, TelnyxApiKey};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CLIENTS: usize = 16;
const CREATE_BODY: &str = r#"{"connection_id":"1234567890"}"#;

struct Server {
    base: String,
    key: String,
    ids: Vec<String>,
    _served: Served,
    _dir: Option<tempfile::TempDir>,
}

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
    let base = format!(
        "http://{}/telnyx/v2/telephony_credentials",
        served.local_addr()
    );
    let key = key.key().expose_str().to_owned();
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for _ in 0..100 {
        ids.push(create(&client, &base, &key).await);
    }
    Server {
        base,
        key,
        ids,
        _served: served,
        _dir: dir,
    }
}

async fn create(client: &reqwest::Client, base: &str, key: &str) -> String {
    let response = client
        .post(base)
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(CREATE_BODY)
        .send()
        .await
        .expect("create is answered");
    assert_eq!(response.status().as_u16(), 201);
    let bytes = response.bytes().await.expect("the create answer is read");
    let body: serde_json::Value = serde_json::from_slice(&bytes).expect("create answers JSON");
    body["data"]["id"].as_str().expect("an id").to_owned()
}

async fn request(client: &reqwest::Client, server: &Server, workload: Workload, n: usize) {
    let kind = match workload {
        Workload::Fetch => 2,
        Workload::Create => 0,
        Workload::Mix => n % 10,
    };
    let (response, expected) = match kind {
        0 => (
            client
                .post(&server.base)
                .bearer_auth(&server.key)
                .header("content-type", "application/json")
                .body(CREATE_BODY)
                .send()
                .await,
            201,
        ),
        1 => (
            client
                .get(format!("{}?page[size]=20", server.base))
                .bearer_auth(&server.key)
                .send()
                .await,
            200,
        ),
        _ => (
            client
                .get(format!(
                    "{}/{}",
                    server.base,
                    server.ids[n % server.ids.len()]
                ))
                .bearer_auth(&server.key)
                .send()
                .await,
            200,
        ),
    };
    let response = response.expect("the request is answered");
    assert_eq!(response.status().as_u16(), expected);
    let _ = response.bytes().await.expect("the body is read");
}

/// Runs `total` requests over `CLIENTS` concurrent clients and returns the wall time.
async fn run(
    server: Arc<Server>,
    clients: Arc<Vec<reqwest::Client>>,
    workload: Workload,
    total: u64,
) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
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
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    for (name, file) in [("memory", false), ("file", true)] {
        let server = Arc::new(runtime.block_on(start(file)));
        let clients: Arc<Vec<reqwest::Client>> =
            Arc::new((0..CLIENTS).map(|_| reqwest::Client::new()).collect());
        let mut group = c.benchmark_group(format!("emulator/{name}"));
        group.throughput(Throughput::Elements(1));
        for workload in [Workload::Fetch, Workload::Create, Workload::Mix] {
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
