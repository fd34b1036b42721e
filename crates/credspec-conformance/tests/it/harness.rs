//! The suite as `cargo test` (issue 14, section 1): a filter on the trial name `[api] id`
//! runs exactly the cases it shows, and a suite that cannot reach its target fails.

use credspec_conformance::harness::{self, Snapshots};
use credspec_conformance::spec::SpecSet;
use credspec_conformance::target::Target;
use libtest_mimic::{Arguments, FormatSetting};

use crate::emulator::{closed_port, embedded_target, runtime};

/// The arguments of a nested run. Its console goes to a log file beside the test binary's
/// scratch space: libtest-mimic writes to stdout directly, past cargo's capture, and a
/// nested run's deliberate "FAILED" would read as a failure of this suite.
fn filtered(filter: &str, log: &str) -> Arguments {
    let log = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("harness-{log}.log"));
    Arguments {
        filter: Some(filter.to_owned()),
        format: Some(FormatSetting::Terse),
        test_threads: Some(1),
        logfile: Some(log.to_string_lossy().into_owned()),
        ..Arguments::default()
    }
}

#[test]
fn a_filter_on_the_api_runs_every_case_it_shows() {
    let runtime = runtime();
    let emulator = runtime
        .block_on(credspec_emulator::ephemeral::Ephemeral::start())
        .unwrap();
    let strict = runtime
        .block_on(credspec_emulator::ephemeral::Ephemeral::start_strict())
        .unwrap();
    let specs = SpecSet::load(SpecSet::default_root()).unwrap();
    let notify = specs
        .cases()
        .iter()
        .filter(|c| c.api.as_str() == "twilio/notify-v1")
        .count();
    // `twilio/notify-v1` is in the trial name `[twilio/notify-v1] <id>`, never in an id.
    assert!(!specs.cases().iter().any(|c| c.id.contains("twilio/")));
    let conclusion = harness::run_with_args(
        &filtered("twilio/notify-v1", "filter-on-the-api"),
        embedded_target(&emulator),
        Some(embedded_target(&strict)),
        Snapshots::Off,
    );
    runtime.block_on(emulator.stop());
    runtime.block_on(strict.stop());
    assert_eq!(conclusion.num_failed, 0, "{conclusion:?}");
    assert_eq!(conclusion.num_passed, notify as u64, "{conclusion:?}");
}

#[test]
fn a_filtered_suite_against_an_unreachable_target_fails() {
    // Before the fix, no case matched the filter in the runner, nothing was sent, and every
    // trial passed without a report.
    let port = closed_port();
    let target = Target::default()
        .with_target_arg(&format!("twilio/notify-v1=http://127.0.0.1:{port}"))
        .unwrap();
    let conclusion = harness::run_with_args(
        &filtered("twilio/notify-v1", "unreachable"),
        target,
        None,
        Snapshots::Off,
    );
    assert!(conclusion.has_failed(), "{conclusion:?}");
    assert_eq!(conclusion.num_passed, 0, "{conclusion:?}");
}
