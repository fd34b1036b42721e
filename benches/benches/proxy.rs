//! Proxy bench over loopback (issue 17): the latency the checking proxy adds to one
//! authenticated fetch.
//!
//! The emulator (memory database) serves on 127.0.0.1, and the proxy (`credspec_proxy`) on
//! another loopback port with the emulator as its upstream for Telnyx telephony
//! credentials. One client, [`loopback`]'s bare HTTP/1.1 keep-alive connection, sends
//! `GET /telnyx/v2/telephony_credentials/{id}` (one stored credential, `Bearer` key) one
//! request at a time, on one connection to the emulator and one to the proxy, on one tokio
//! runtime of two workers (the machine has two cores; client, proxy and emulator share
//! them). Through the proxy each request costs the second hop (the proxy's outbound
//! reqwest client, kept alive to the emulator) and the checks of the exchange (status,
//! headers, schema, domain, error format).
//!
//! Groups `proxy/fetch/direct` and `proxy/fetch/proxied`: criterion's time per request. Then
//! the paired measurement: rounds that alternate the two (which goes first alternates too),
//! each request timed alone; it prints the median latency of each side over every round and
//! the added median (proxied - direct), with the median of the rounds' own differences.
#![allow(clippy::expect_used, reason = "a bench stops on a broken setup")]
#![allow(
    clippy::print_stderr,
    reason = "the bench prints the medians it measured"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_conformance::target::Target;
use credspec_emulator::{Database, Served};
use credspec_proxy::Proxy;
use criterion::{Criterion, criterion_group, criterion_main};
use hyper::Method;

#[path = "support/loopback.rs"]
mod loopback;
#[path = "support/telnyx_emulator.rs"]
mod telnyx_emulator;

use loopback::{COLLECTION, Client, connect};

/// The emulator, the proxy in front of it, and the credential fetched.
struct Servers {
    emulator: std::net::SocketAddr,
    proxy: std::net::SocketAddr,
    authorization: String,
    /// `GET` this: the stored credential.
    path: String,
    _served: [Served; 2],
    /// Its reports grow by one per request; kept to the end, as `credspec proxy` keeps them.
    _proxy: Proxy,
}

async fn start() -> Servers {
    let (served, authorization) = telnyx_emulator::serve(Database::memory()).await;
    let emulator = served.local_addr();
    let specs = Arc::new(SpecSet::load(SpecSet::default_root()).expect("specs/ loads"));
    let api = ApiId::TelnyxTelephony;
    let base = format!("http://{emulator}{}", api.api().sites[0].prefix);
    let target = Target::default().with_base(api, &base).expect("a base URL");
    let proxy = Proxy::builder(specs, target)
        .build()
        .expect("the proxy builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let proxy_served = proxy
        .serve(listener, None, std::future::pending())
        .await
        .expect("serve the proxy");
    let client = connect(emulator).await;
    let body = loopback::send(
        &client,
        &authorization,
        Method::POST,
        COLLECTION.to_owned(),
        201,
    )
    .await;
    let body: serde_json::Value = serde_json::from_slice(&body).expect("create answers JSON");
    let id = body["data"]["id"].as_str().expect("an id");
    Servers {
        emulator,
        proxy: proxy_served.local_addr(),
        authorization,
        path: format!("{COLLECTION}/{id}"),
        _served: [served, proxy_served],
        _proxy: proxy,
    }
}

async fn fetch(client: &Client, servers: &Servers) {
    let _ = loopback::send(
        client,
        &servers.authorization,
        Method::GET,
        servers.path.clone(),
        200,
    )
    .await;
}

/// Rounds of the paired measurement, and requests per side in each.
const ROUNDS: usize = 20;
const ROUND_REQUESTS: usize = 500;

fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    match values.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

/// Each request of `ROUND_REQUESTS` on `client`, timed alone.
async fn round(client: &Client, servers: &Servers) -> Vec<Duration> {
    let mut out = Vec::with_capacity(ROUND_REQUESTS);
    for _ in 0..ROUND_REQUESTS {
        let started = Instant::now();
        fetch(client, servers).await;
        out.push(started.elapsed());
    }
    out
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn proxy(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let servers = runtime.block_on(start());
    let direct = runtime.block_on(connect(servers.emulator));
    let proxied = runtime.block_on(connect(servers.proxy));
    let mut group = c.benchmark_group("proxy/fetch");
    for (name, client) in [("direct", &direct), ("proxied", &proxied)] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                runtime.block_on(async {
                    let started = Instant::now();
                    for _ in 0..iters {
                        fetch(client, &servers).await;
                    }
                    started.elapsed()
                })
            });
        });
    }
    group.finish();

    // Fresh connections: the emulator closes those idle for 60 s.
    let direct = runtime.block_on(connect(servers.emulator));
    let proxied = runtime.block_on(connect(servers.proxy));
    let (mut all_direct, mut all_proxied, mut differences) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..ROUNDS {
        let (mut d, mut p) = runtime.block_on(async {
            if n % 2 == 0 {
                let d = round(&direct, &servers).await;
                (d, round(&proxied, &servers).await)
            } else {
                let p = round(&proxied, &servers).await;
                (round(&direct, &servers).await, p)
            }
        });
        all_direct.extend_from_slice(&d);
        all_proxied.extend_from_slice(&p);
        let (d, p) = (median(&mut d), median(&mut p));
        differences.push(micros(p) - micros(d));
    }
    let (d, p) = (median(&mut all_direct), median(&mut all_proxied));
    differences.sort_by(f64::total_cmp);
    eprintln!(
        "proxy/fetch paired ({ROUNDS} rounds of {ROUND_REQUESTS} requests a side): direct \
         {:.1} µs, proxied {:.1} µs (medians of every request); the proxy adds {:.1} µs \
         (median of the rounds' differences {:.1} µs)",
        micros(d),
        micros(p),
        micros(p) - micros(d),
        differences[differences.len() / 2]
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = proxy
}
criterion_main!(benches);
