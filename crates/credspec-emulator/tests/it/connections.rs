//! Connections held open (issue 15 §3): 1,000 half-sent requests are closed after the header
//! timeout while `/healthz` keeps answering; a stalled body is closed after the idle timeout;
//! reaching the connection cap is logged and the next connection is served once one closes.
//! Liveness checks with generous deadlines, not timed tests.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use credspec_core::timestamp::FixedClock;
use credspec_emulator::{Database, Limits};

use crate::{START, builder, logs};

/// A served emulator under `limits`, and the sender that stops it.
async fn serve(limits: Limits, seed: u64) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let clock = Arc::new(FixedClock::new(START));
    let emulator = builder(&clock, seed)
        .database(Database::memory())
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = emulator
        .serve_with(
            listener,
            async {
                let _ = stopped.await;
            },
            limits,
        )
        .await
        .unwrap();
    (served.local_addr(), stop)
}

/// `GET /healthz` on a new connection, with a generous timeout: the status line's code.
fn healthz(addr: SocketAddr) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(30)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.get(9..12)?.parse().ok()
}

/// Whether the server closed `stream` (a read sees the end, or a reset) by `deadline`.
fn closed_by_server(stream: &mut TcpStream, deadline: Instant) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 512];
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            // A 408 or 400 written before the close is a close too.
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true,
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_half_sent_requests_are_closed_and_healthz_keeps_answering() {
    let limits = Limits::default()
        .header_timeout(Duration::from_secs(1))
        .idle_timeout(Duration::from_secs(30))
        .max_connections(1500);
    let (addr, stop) = serve(limits, 71).await;
    let held = tokio::task::spawn_blocking(move || {
        let mut held = Vec::with_capacity(1000);
        for _ in 0..1000 {
            let mut stream = TcpStream::connect(addr).unwrap();
            // A request line and one header, never the blank line that ends the head.
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
                .unwrap();
            held.push(stream);
        }
        // The server answers while all of them are held.
        assert_eq!(healthz(addr), Some(200));
        held
    })
    .await
    .unwrap();
    let closed = tokio::task::spawn_blocking(move || {
        // One generous deadline for all of them: a server that never closes them fails in
        // 30 s, not in 1,000 times that.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut closed = 0;
        for mut stream in held {
            if closed_by_server(&mut stream, deadline) {
                closed += 1;
            }
        }
        (closed, healthz(addr))
    })
    .await
    .unwrap();
    assert_eq!(closed, (1000, Some(200)));
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_is_closed_after_the_idle_timeout() {
    let limits = Limits::default()
        .header_timeout(Duration::from_secs(30))
        .idle_timeout(Duration::from_secs(1));
    let (addr, stop) = serve(limits, 72).await;
    let closed = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        // A complete head that promises 100 bytes of body, then 10 of them.
        stream
            .write_all(
                b"POST /telnyx/v2/telephony_credentials HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":\"x",
            )
            .unwrap();
        closed_by_server(&mut stream, Instant::now() + Duration::from_secs(30))
    })
    .await
    .unwrap();
    assert!(closed);
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reaching_the_cap_is_logged_and_the_next_connection_waits_its_turn() {
    let capture = logs::install();
    let limits = Limits::default()
        .header_timeout(Duration::from_secs(1))
        .max_connections(4);
    let (addr, stop) = serve(limits, 73).await;
    let answered = tokio::task::spawn_blocking(move || {
        let held: Vec<TcpStream> = (0..4)
            .map(|_| {
                let mut s = TcpStream::connect(addr).unwrap();
                s.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
                s
            })
            .collect();
        // The fifth waits in the backlog until the header timeout frees a place.
        let status = healthz(addr);
        drop(held);
        status
    })
    .await
    .unwrap();
    assert_eq!(answered, Some(200));
    let text = capture.text();
    assert!(
        text.contains("connection cap reached") && text.contains("max_connections=4"),
        "no cap line in the log"
    );
    let _ = stop.send(());
}

#[test]
fn the_default_cap_sits_below_the_open_file_limit() {
    let limits = Limits::default();
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|s| s.parse::<usize>().ok())
        });
    if let Some(soft) = soft {
        assert!(
            limits.max_connections < soft,
            "{} >= {soft}",
            limits.max_connections
        );
    }
    assert!(limits.max_connections >= 16);
    assert_eq!(limits.header_timeout, Duration::from_secs(10));
    assert_eq!(limits.idle_timeout, Duration::from_secs(60));
}
