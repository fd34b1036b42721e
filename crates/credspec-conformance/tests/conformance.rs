//! The conformance suite as `cargo test`: every case of `specs/` is its own named test.
//!
//! By default it runs against the embedded emulator (started in process on an ephemeral port
//! with a temporary database) and compares normalized responses with the snapshots under
//! `snapshots/<vendor>/<api>/`. With `CREDSPEC_TARGET_<API>` variables and credentials (see
//! `credspec_conformance::target`) it runs against another implementation instead, without
//! snapshots unless `CREDSPEC_SNAPSHOTS=1`.
#![allow(clippy::expect_used)]

use std::path::Path;

use credspec_conformance::harness::{self, Snapshots};
use credspec_conformance::target::Target;

fn main() {
    let snapshots = Snapshots::In(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../snapshots"));
    let external = Target::from_vars(|name| std::env::var(name).ok()).expect("target variables");
    if let Some(target) = external {
        let on = std::env::var("CREDSPEC_SNAPSHOTS").as_deref() == Ok("1");
        harness::run(target, if on { snapshots } else { Snapshots::Off }).exit();
    }
    // The emulator runs on its own runtime while the harness drives the cases.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let start = |strict: bool| {
        let started = if strict {
            runtime.block_on(credspec_emulator::ephemeral::Ephemeral::start_strict())
        } else {
            runtime.block_on(credspec_emulator::ephemeral::Ephemeral::start())
        };
        let emulator = started.expect("the embedded emulator starts");
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
        (emulator, target)
    };
    // The cases of the strict profile run against a second, strict emulator.
    let (emulator, target) = start(false);
    let (strict_emulator, strict) = start(true);
    let conclusion = harness::run_with_strict(target, Some(strict), snapshots);
    runtime.block_on(emulator.stop());
    runtime.block_on(strict_emulator.stop());
    conclusion.exit();
}
