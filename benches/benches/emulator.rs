//! Emulator benches over loopback: the emulator serves on 127.0.0.1 and `CLIENTS` clients,
//! each on its own keep-alive HTTP/1.1 connection, send Telnyx telephony credential
//! requests concurrently, on one tokio runtime of two workers (the machine has two cores;
//! the clients' own work is counted in the time). One criterion iteration is one request,
//! so the throughput criterion prints is requests per second.
//!
//! The client is [`loopback`]'s: hyper's bare HTTP/1.1 connection.
//!
//! Groups `emulator/<database>/<workload>`, each workload against a fresh emulator holding
//! 100 credentials, so that no workload runs on the rows an earlier one left:
//!
//! - `fetch`: `GET /v2/telephony_credentials/{id}` over those 100;
//! - `create`: `POST /v2/telephony_credentials`, each answered 201 only after its commit
//!   (with the file database: durable, WAL + `synchronous = FULL`);
//! - `mix`: of every 10 requests, 1 create, 1 list (`page[size]=20`) and 8 fetches.
//!
//! Beside `fetch`, in the same group and run, with the same clients and requests:
//!
//! - `fetch-logged`: the same fetches with the binary's log configuration in force (the
//!   `fmt` subscriber at `info`, each line written with one `write` to `/dev/null`, where
//!   the binary writes to stderr);
//! - `bare`: a bare axum handler on another loopback port answering every fetch with the
//!   bytes the emulator answered for one of them (same status, `Content-Type` and body), no
//!   authentication, store or middleware: the limit an axum server reaches on this machine.
//!
//! At the end the bench prints `fetch / bare` and `fetch-logged / bare`, each the ratio of
//! the median requests/s of the two workloads' samples in this run.
#![allow(clippy::expect_used, reason = "a bench stops on a broken setup")]
#![allow(
    clippy::print_stderr,
    reason = "the bench prints the ratios it computed"
)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use credspec_emulator::{Database, Served};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hyper::{Method, header};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;
use tracing_subscriber::reload;

#[path = "support/loopback.rs"]
mod loopback;
#[path = "support/telnyx_emulator.rs"]
mod telnyx_emulator;

use loopback::{COLLECTION, Client, connect};

const CLIENTS: usize = 16;

struct Server {
    addr: std::net::SocketAddr,
    authorization: String,
    ids: Vec<String>,
    _served: Served,
    _dir: Option<tempfile::TempDir>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Workload {
    Fetch,
    FetchLogged,
    Bare,
    Create,
    Mix,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Self::Fetch => "fetch",
            Self::FetchLogged => "fetch-logged",
            Self::Bare => "bare",
            Self::Create => "create",
            Self::Mix => "mix",
        }
    }
}

/// How many samples criterion takes per benchmark (the configuration below).
const SAMPLES: usize = 10;

/// The requests/s of each `iter_custom` call of one benchmark, warm-up calls first; the
/// last [`SAMPLES`] are criterion's samples.
#[derive(Default)]
struct Rates(std::sync::Mutex<Vec<f64>>);

impl Rates {
    fn push(&self, iters: u64, elapsed: Duration) {
        #[allow(clippy::cast_precision_loss, reason = "a rate, not a count")]
        let rate = iters as f64 / elapsed.as_secs_f64();
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(rate);
    }

    fn push_ratio(&self, ratio: f64) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(ratio);
    }

    /// The median of the samples.
    fn median(&self) -> f64 {
        let all = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut samples = all[all.len().saturating_sub(SAMPLES)..].to_vec();
        samples.sort_by(f64::total_cmp);
        match samples.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => samples[n / 2],
            n => (samples[n / 2 - 1] + samples[n / 2]) / 2.0,
        }
    }
}

/// The level of the bench's log subscriber, switched on for `fetch-logged` only.
type LogLevel = reload::Handle<LevelFilter, tracing_subscriber::Registry>;

/// Installs the binary's log configuration (`cli::main`: the `fmt` subscriber, no colours,
/// one write per line), writing to `/dev/null`, off until the handle turns it on.
fn install_log() -> LogLevel {
    let null = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .expect("/dev/null opens");
    let (level, handle) = reload::Layer::new(LevelFilter::OFF);
    tracing_subscriber::registry()
        .with(level)
        .with(tracing_subscriber::fmt::layer().with_writer(std::sync::Mutex::new(null)))
        .init();
    handle
}

/// A bare axum 0.8 router answering `GET {COLLECTION}/{id}` with `body` (200,
/// `application/json`), served by `axum::serve` with `TCP_NODELAY` as the emulator sets it.
async fn start_bare(body: Bytes) -> std::net::SocketAddr {
    use axum::serve::ListenerExt as _;
    let router = axum::Router::new().route(
        &format!("{COLLECTION}/{{id}}"),
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("a bound address");
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

async fn start(file: bool) -> Server {
    let (database, dir) = if file {
        let dir = tempfile::tempdir().expect("a temporary directory");
        (Database::file(dir.path().join("bench.db")), Some(dir))
    } else {
        (Database::memory(), None)
    };
    let (served, authorization) = telnyx_emulator::serve(database).await;
    let mut server = Server {
        addr: served.local_addr(),
        authorization,
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

/// Sends one request as the server's account and checks its status; returns the body.
async fn send(
    client: &Client,
    server: &Server,
    method: Method,
    path: String,
    status: u16,
) -> Bytes {
    loopback::send(client, &server.authorization, method, path, status).await
}

async fn request(client: &Client, server: &Server, workload: Workload, n: usize) {
    let kind = match workload {
        Workload::Fetch | Workload::FetchLogged | Workload::Bare => 2,
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
    let log = install_log();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let workloads = [
        Workload::Fetch,
        Workload::FetchLogged,
        Workload::Bare,
        Workload::Create,
        Workload::Mix,
    ];
    let mut ratios = Vec::new();
    for (name, file) in [("memory", false), ("file", true)] {
        let mut group = c.benchmark_group(format!("emulator/{name}"));
        group.throughput(Throughput::Elements(1));
        let mut rates: BTreeMap<&str, Arc<Rates>> = BTreeMap::new();
        let mut fetched = Vec::new();
        for workload in workloads {
            let mut server = runtime.block_on(start(file));
            let _bare_dir = if workload == Workload::Bare {
                // The emulator's answer to one fetch, served as is by the bare handler to
                // the same requests.
                let body = runtime.block_on(async {
                    let client = connect(server.addr).await;
                    let path = format!("{COLLECTION}/{}", server.ids[0]);
                    send(&client, &server, Method::GET, path, 200).await
                });
                server.addr = runtime.block_on(start_bare(body));
                server._dir.take()
            } else {
                None
            };
            let server = Arc::new(server);
            let clients = runtime.block_on(async {
                let mut clients = Vec::with_capacity(CLIENTS);
                for _ in 0..CLIENTS {
                    clients.push(connect(server.addr).await);
                }
                Arc::new(clients)
            });
            let level = if workload == Workload::FetchLogged {
                LevelFilter::INFO
            } else {
                LevelFilter::OFF
            };
            log.modify(|filter| *filter = level)
                .expect("the log level changes");
            if matches!(workload, Workload::Fetch | Workload::Bare) {
                fetched.push((workload, Arc::clone(&server)));
            }
            let rate = Arc::clone(rates.entry(workload.name()).or_default());
            group.bench_function(workload.name(), |b| {
                b.iter_custom(|iters| {
                    let elapsed = runtime.block_on(run(
                        Arc::clone(&server),
                        Arc::clone(&clients),
                        workload,
                        iters,
                    ));
                    rate.push(iters, elapsed);
                    elapsed
                });
            });
        }
        log.modify(|filter| *filter = LevelFilter::OFF)
            .expect("the log level changes");
        group.finish();
        let median = |w: Workload| rates.get(w.name()).map_or(f64::NAN, |r| r.median());
        let bare = median(Workload::Bare);
        for workload in [Workload::Fetch, Workload::FetchLogged] {
            let own = median(workload);
            if !(own / bare).is_finite() {
                // One of the two was filtered out of this run.
                continue;
            }
            ratios.push(format!(
                "emulator/{name}: {} {:.1}k/s / bare {:.1}k/s = {:.0}% (criterion samples)",
                workload.name(),
                own / 1000.0,
                bare / 1000.0,
                own / bare * 100.0
            ));
        }
        ratios.extend(paired(&runtime, &log, name, &fetched));
    }
    for ratio in ratios {
        eprintln!("{ratio}");
    }
}

/// Rounds of the paired measurement, and requests per workload in each.
const ROUNDS: usize = 10;
const ROUND_REQUESTS: u64 = 20_000;

/// The ratios again from alternating rounds (`fetch`, `fetch-logged`, `bare`, then again),
/// so that a slow spell of this shared machine falls on both sides of each ratio: the median
/// over the rounds of each round's ratio.
fn paired(
    runtime: &tokio::runtime::Runtime,
    log: &LogLevel,
    name: &str,
    fetched: &[(Workload, Arc<Server>)],
) -> Vec<String> {
    let find = |w: Workload| fetched.iter().find(|(f, _)| *f == w);
    let (Some((_, emulator)), Some((_, bare))) = (find(Workload::Fetch), find(Workload::Bare))
    else {
        return Vec::new();
    };
    // Fresh connections: the emulator closes those idle for 60 s, as the ones of the
    // criterion benches may have been while the other workloads ran.
    let reconnect = |server: &Arc<Server>| {
        runtime.block_on(async {
            let mut clients = Vec::with_capacity(CLIENTS);
            for _ in 0..CLIENTS {
                clients.push(connect(server.addr).await);
            }
            Arc::new(clients)
        })
    };
    let (emulator_clients, bare_clients) = (&reconnect(emulator), &reconnect(bare));
    let rate = |server: &Arc<Server>, clients: &Arc<Vec<Client>>, level: LevelFilter| {
        log.modify(|filter| *filter = level)
            .expect("the log level changes");
        let elapsed = runtime.block_on(run(
            Arc::clone(server),
            Arc::clone(clients),
            Workload::Fetch,
            ROUND_REQUESTS,
        ));
        log.modify(|filter| *filter = LevelFilter::OFF)
            .expect("the log level changes");
        #[allow(clippy::cast_precision_loss, reason = "a rate, not a count")]
        let rate = ROUND_REQUESTS as f64 / elapsed.as_secs_f64();
        rate
    };
    let (plain, logged) = (Rates::default(), Rates::default());
    let (mut plain_rates, mut logged_rates, mut bare_rates) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let own = rate(emulator, emulator_clients, LevelFilter::OFF);
        let own_logged = rate(emulator, emulator_clients, LevelFilter::INFO);
        let limit = rate(bare, bare_clients, LevelFilter::OFF);
        plain.push_ratio(own / limit);
        logged.push_ratio(own_logged / limit);
        plain_rates.push(own);
        logged_rates.push(own_logged);
        bare_rates.push(limit);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (own, own_logged, limit) = (
        median(plain_rates),
        median(logged_rates),
        median(bare_rates),
    );
    vec![format!(
        "emulator/{name} paired ({ROUNDS} rounds of {ROUND_REQUESTS}): fetch {:.1}k/s, \
             fetch-logged {:.1}k/s, bare {:.1}k/s (medians); fetch / bare {:.0}%, \
             fetch-logged / bare {:.0}% (median of the rounds' ratios)",
        own / 1000.0,
        own_logged / 1000.0,
        limit / 1000.0,
        plain.median() * 100.0,
        logged.median() * 100.0
    )]
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
