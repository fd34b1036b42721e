//! The checking proxy end to end (issue 17 §3): the emulator on 127.0.0.1:0, as it is or
//! behind the fault tests' faulty layer, and the proxy on 127.0.0.1:0 in front of it, its
//! upstream for every API.
//!
//! - [`crud`]: the conformance runner's cases through the proxy pass as they do directly,
//!   and the proxy sees every API and reports no violation;
//! - [`faults`]: behind a faulty emulator, the proxy reports exactly the check kinds that
//!   name the defect, and nothing against the correct one;
//! - [`connect`]: a client whose `HTTPS_PROXY` is the proxy reaches a vendor host through
//!   `CONNECT`, trusting the local CA;
//! - [`record`]: the suite recorded through the proxy replays green against a fresh emulator,
//!   and no secret of the run is in the recorded files;
//! - [`regions`]: a Twilio API in another region reaches that region's store, and its
//!   recording names the region.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use credspec_conformance::observe::ObservedReport;
use credspec_conformance::spec::{ApiId, SpecSet};
use credspec_conformance::target::Target;
use credspec_emulator::{HttpsFront, Served};
use credspec_proxy::Proxy;

/// The faulty layer and the emulator behind it, shared with the conformance runner's fault
/// tests (one copy).
#[path = "../../../credspec-conformance/tests/support/faults.rs"]
mod support;

mod connect;
mod crud;
mod faults;
mod record;
mod regions;

use support::{Fault, Running};

fn specs() -> Arc<SpecSet> {
    static SPECS: OnceLock<Arc<SpecSet>> = OnceLock::new();
    Arc::clone(SPECS.get_or_init(|| Arc::new(SpecSet::load(SpecSet::default_root()).unwrap())))
}

/// The emulator (behind `fault`, if any) and the proxy in front of it.
struct Proxied {
    /// The emulator: its target names its own address for every API.
    upstream: Running,
    proxy: Proxy,
    /// Where the proxy listens.
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    served: Served,
}

impl Proxied {
    async fn start(fault: Option<Arc<Fault>>, front: Option<HttpsFront>) -> Self {
        let upstream = support::start(fault).await;
        let proxy = Proxy::builder(specs(), upstream.target.clone())
            .build()
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let served = proxy.serve(listener, front, shutdown).await.unwrap();
        Self {
            upstream,
            proxy,
            addr: served.local_addr(),
            stop,
            served,
        }
    }

    /// The upstream's target with every API at the proxy instead, by the emulator's prefix
    /// (a client pointed at the proxy by base URL).
    fn target(&self) -> Target {
        ApiId::ALL
            .iter()
            .fold(self.upstream.target.clone(), |t, api| {
                let prefix = api.api().sites[0].prefix;
                t.rebased(*api, &format!("http://{}{prefix}", self.addr))
            })
    }

    /// Stops the proxy, then the emulator; returns what the proxy checked.
    async fn stop(self) -> Vec<ObservedReport> {
        let reports = self.proxy.reports();
        let _ = self.stop.send(());
        self.served.wait().await.unwrap();
        let _ = self.upstream.stop.send(());
        self.upstream.task.await.unwrap().unwrap();
        reports
    }
}

/// Every violation line of `reports`, for a failure message.
fn violation_lines(reports: &[ObservedReport]) -> String {
    reports
        .iter()
        .flat_map(ObservedReport::violation_lines)
        .collect::<Vec<_>>()
        .join("\n")
}
