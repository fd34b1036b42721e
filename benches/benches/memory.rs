//! The emulator's memory with 100k stored credentials and 256 open connections: a recorded
//! run, not a criterion bench (there is nothing to time). It starts the release
//! `credspec-emulator` binary as a child process on a database file, so that only the
//! emulator's memory is counted, then over loopback:
//!
//! 1. opens 256 keep-alive connections and creates 100 000 Telnyx telephony credentials
//!    through the API (`POST /v2/telephony_credentials`, each durable before its answer),
//!    spread over the 256 connections;
//! 2. fetches one credential on every connection, so each one has served a request and
//!    stays open;
//! 3. reads the child's `VmRSS` (resident now), `VmHWM` (the peak) and thread count from
//!    `/proc/<pid>/status`, then again after a second of quiet.
//!
//! ```sh
//! cargo build --release -p credspec-emulator          # the binary this measures
//! cargo bench -p credspec-benches --bench memory
//! ```
//!
//! The binary is looked for next to the bench's own directory (`target/release/`), or at
//! `CREDSPEC_EMULATOR_BIN`.
#![allow(clippy::expect_used, reason = "a measurement stops on a broken setup")]
#![allow(clippy::print_stdout, reason = "the measurement prints what it read")]

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hyper::Method;

#[path = "support/loopback.rs"]
mod loopback;

use loopback::{COLLECTION, Client, connect, send};

const CONNECTIONS: usize = 256;
const CREDENTIALS: usize = 100_000;
const KEY: &str = "KEY0123456789ABCDEF0123456789ABCDEF";

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("CREDSPEC_EMULATOR_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the bench's own path");
    // target/release/deps/memory-<hash> -> target/release/credspec-emulator
    let path = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the bench runs from target/<profile>/deps")
        .join("credspec-emulator");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --release -p credspec-emulator` first",
        path.display()
    );
    path
}

/// Starts the emulator on a free port; returns the child and its address.
fn start(dir: &std::path::Path) -> (Child, std::net::SocketAddr) {
    // The key goes in a config file, not on the command line.
    let config = dir.join("accounts.toml");
    std::fs::write(&config, format!("telnyx_api_keys = [\"{KEY}\"]\n")).expect("config");
    let mut child = Command::new(binary())
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--db")
        .arg(dir.join("memory.db"))
        .arg("--config")
        .arg(&config)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the emulator prints its address")
            .expect("stdout reads");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            let addr = rest.split_whitespace().next().expect("an address");
            break addr.parse().expect("a socket address");
        }
    };
    // Keep reading so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// `VmRSS`, `VmHWM` (kB) and `Threads` of `pid`.
fn status(pid: u32) -> (u64, u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .expect("a numeric field")
    };
    (field("VmRSS:"), field("VmHWM:"), field("Threads:"))
}

fn mib(kb: u64) -> String {
    #[allow(clippy::cast_precision_loss, reason = "a figure to read")]
    let mib = kb as f64 / 1024.0;
    format!("{mib:.1} MiB")
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to select here.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (mut child, addr) = start(dir.path());
    let pid = child.id();
    let (rss, _, threads) = status(pid);
    println!("started: VmRSS {} ({threads} threads)", mib(rss));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let authorization = Arc::new(format!("Bearer {KEY}"));
    let clients: Arc<Vec<Client>> = runtime.block_on(async {
        let mut clients = Vec::with_capacity(CONNECTIONS);
        for _ in 0..CONNECTIONS {
            clients.push(connect(addr).await);
        }
        Arc::new(clients)
    });
    let started = Instant::now();
    let first_id = runtime.block_on(async {
        let next = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for c in 0..CONNECTIONS {
            let (clients, next, authorization) = (
                Arc::clone(&clients),
                Arc::clone(&next),
                Arc::clone(&authorization),
            );
            tasks.spawn(async move {
                let mut last = None;
                while next.fetch_add(1, Ordering::Relaxed) < CREDENTIALS {
                    let path = COLLECTION.to_owned();
                    let body = send(&clients[c], &authorization, Method::POST, path, 201).await;
                    last = Some(body);
                }
                last
            });
        }
        let mut id = None;
        while let Some(done) = tasks.join_next().await {
            if let Some(body) = done.expect("a client task") {
                let body: serde_json::Value =
                    serde_json::from_slice(&body).expect("create answers JSON");
                id = body["data"]["id"].as_str().map(str::to_owned);
            }
        }
        id.expect("at least one credential")
    });
    let elapsed = started.elapsed();
    #[allow(clippy::cast_precision_loss, reason = "a rate")]
    let rate = CREDENTIALS as f64 / elapsed.as_secs_f64();
    let (rss, hwm, threads) = status(pid);
    println!(
        "{CREDENTIALS} durable creates over {CONNECTIONS} connections in {:.2} s ({:.1}k/s): \
         VmRSS {}, VmHWM {} ({threads} threads)",
        elapsed.as_secs_f64(),
        rate / 1000.0,
        mib(rss),
        mib(hwm)
    );
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for c in 0..CONNECTIONS {
            let (clients, authorization) = (Arc::clone(&clients), Arc::clone(&authorization));
            let path = format!("{COLLECTION}/{first_id}");
            tasks.spawn(async move {
                send(&clients[c], &authorization, Method::GET, path, 200).await;
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("a client task");
        }
    });
    let (rss, hwm, threads) = status(pid);
    println!(
        "{CREDENTIALS} stored, {CONNECTIONS} open connections, each after a fetch: VmRSS {}, \
         VmHWM {} ({threads} threads)",
        mib(rss),
        mib(hwm)
    );
    std::thread::sleep(Duration::from_secs(1));
    let (rss, hwm, threads) = status(pid);
    println!(
        "a second later, connections still open: VmRSS {}, VmHWM {} ({threads} threads)",
        mib(rss),
        mib(hwm)
    );
    drop(clients);
    child.kill().expect("the emulator stops");
    child.wait().expect("the emulator is reaped");
}
