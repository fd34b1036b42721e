//! The whole conformance suite against the embedded emulator, as `cargo test` and
//! `credspec conform` run it: every case of `specs/`, 5 APIs at a time
//! (`Runner::run_all(None, 5, ..)`).
//!
//! - `runner/run_all`: the wall time of `run_all` alone, each iteration against a fresh
//!   emulator (file database in a temporary directory) and a fresh runner, both made
//!   outside the timing: cases of one API share state, so a suite runs once per emulator.
//! - `runner/setup`: what is outside that timing: loading `specs/`, starting the emulator
//!   and making the runner (its material fixtures are generated then).
#![allow(clippy::expect_used, reason = "a bench stops on a broken setup")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use credspec_conformance::known::KnownFailures;
use credspec_conformance::runner::Runner;
use credspec_conformance::spec::SpecSet;
use credspec_conformance::target::Target;
use credspec_emulator::ephemeral::Ephemeral;
use criterion::{Criterion, criterion_group, criterion_main};

fn setup(runtime: &tokio::runtime::Runtime) -> (Ephemeral, Runner) {
    let root = SpecSet::default_root();
    let specs = Arc::new(SpecSet::load(&root).expect("specs/ loads"));
    let known = KnownFailures::load(&root.join("known-failures.toml")).expect("known failures");
    let emulator = runtime
        .block_on(Ephemeral::start())
        .expect("the embedded emulator starts");
    let target = Target::from_parts(
        |api| emulator.base_url(api.as_str()),
        emulator
            .twilio
            .clone()
            .map(|a| (a.sid.to_string(), a.auth_token.clone())),
        (
            emulator.twilio_api_key.0.to_string(),
            emulator.twilio_api_key.1.clone(),
        ),
        emulator.telnyx.clone().map(|k| k.key().clone()),
    )
    .expect("the embedded target");
    let runner = Runner::new(specs, target, known).expect("the runner");
    (emulator, runner)
}

fn runner(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut group = c.benchmark_group("runner");
    group.bench_function("run_all", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (emulator, runner) = setup(&runtime);
                let started = Instant::now();
                let report = runtime.block_on(runner.run_all(None, 5, Arc::new(|_| {})));
                total += started.elapsed();
                assert!(report.passed(), "the suite passes");
                runtime.block_on(emulator.stop());
            }
            total
        });
    });
    group.bench_function("setup", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let (emulator, runner) = setup(&runtime);
                total += started.elapsed();
                drop(runner);
                runtime.block_on(emulator.stop());
            }
            total
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(10));
    targets = runner
}
criterion_main!(benches);
