//! `credspec proxy`: the checking proxy of [`credspec_proxy`] on a port, each violation
//! printed as it happens, and the reports written on SIGINT or SIGTERM.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use credspec_conformance::report;
use credspec_conformance::spec::SpecSet;
use credspec_conformance::target::Target;
use credspec_emulator::{HttpsFront, LocalCa};
use credspec_proxy::{Proxy, Recorder};

use crate::Exit;

/// Options of `credspec proxy`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The address to listen on, for plain-HTTP requests and `CONNECT <vendor host>:443`.
    #[arg(long, default_value = "127.0.0.1:8089")]
    listen: String,
    /// An API and the base URL its requests are forwarded to, `API=URL` (repeatable; the
    /// same form as `conform --target`).
    #[arg(long = "upstream", value_name = "API=URL", required = true)]
    upstreams: Vec<String>,
    /// Write a report on exit: `junit=FILE` or `json=FILE` (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    reports: Vec<String>,
    /// The directory of the API documents (default: `specs/` here, else the built-in one).
    #[arg(long)]
    specs: Option<PathBuf>,
    /// Directory of the local CA that terminates `CONNECT` tunnels (`ca.pem`, `ca-key.pem`),
    /// created on first start and reused after; the emulator's `--ca-dir` works here too.
    #[arg(long, default_value = "credspec-ca")]
    ca_dir: PathBuf,
    /// Record every exchange under DIR as one scenario per API in the `specs/` case format,
    /// secrets left out; `credspec conform --specs DIR` replays it against any target.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> Result<Exit, Box<dyn std::error::Error>> {
    let writers = crate::conform::report_writers(&args.reports)?;
    let mut target = Target::default();
    for arg in &args.upstreams {
        target = target.with_target_arg(arg)?;
    }
    let dir = crate::conform::specs_dir(args.specs.as_ref());
    let specs = Arc::new(SpecSet::load(&dir)?);
    let mut builder = Proxy::builder(Arc::clone(&specs), target).on_exchange(|exchange| {
        for line in exchange.report.violation_lines() {
            eprintln!("{line}");
        }
    });
    let recorder = args
        .record
        .as_ref()
        .map(|dir| {
            Recorder::create(dir, &specs, Arc::new(credspec_emulator::SystemClock::new()))
                .map(Arc::new)
        })
        .transpose()?;
    if let (Some(dir), Some(recorder)) = (&args.record, &recorder) {
        let recorder = Arc::clone(recorder);
        eprintln!(
            "recording to {} (session {}); replay: credspec conform --specs {}",
            dir.display(),
            recorder.session(),
            dir.display()
        );
        builder = builder.on_exchange(move |exchange| {
            if let Err(e) = recorder.record(exchange) {
                eprintln!("credspec proxy: exchange not recorded: {e}");
            }
        });
    }
    let proxy = builder.build()?;
    let ca = LocalCa::load_or_create(&args.ca_dir)?;
    let front = HttpsFront::new(&ca)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| format!("listening on {}: {e}", args.listen))?;
        let addr = listener.local_addr()?;
        eprintln!("credspec proxy listening on http://{addr}");
        eprintln!(
            "HTTPS proxy: HTTPS_PROXY=http://{addr}; trust the CA {} (CONNECT to a vendor host on 443 only)",
            ca.cert_path().display()
        );
        let served = proxy
            .serve(
                listener,
                Some(front),
                credspec_emulator::cli::shutdown_signal(),
            )
            .await?;
        served.wait().await?;
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    let suite = proxy.suite_report(started.elapsed());
    let violations: usize = proxy.reports().iter().map(|r| r.violations().count()).sum();
    print!("{}", report::summary_table(&suite));
    println!(
        "{} exchange(s), {violations} violation(s)",
        suite.cases.len()
    );
    crate::conform::write_reports(&writers, &suite)?;
    if let Some(recorder) = &recorder {
        recorder.flush()?;
    }
    Ok(if violations == 0 {
        Exit::Ok
    } else {
        Exit::Failed
    })
}
