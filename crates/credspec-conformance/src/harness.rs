//! The conformance suite as `cargo test` targets: every case of `specs/` becomes its own
//! named test (libtest-mimic), so `cargo test -- FILTER` and the usual test output work.
//!
//! A downstream crate runs the whole suite against its own implementation from a test
//! target with `harness = false`:
//!
//! ```no_run
//! use credspec_conformance::harness::{self, Snapshots};
//! use credspec_conformance::target::Target;
//!
//! let base = "http://127.0.0.1:8080"; // where the implementation under test listens
//! let target = Target::default()
//!     .with_credentials_from_vars(|v| std::env::var(v).ok()) // CREDSPEC_TELNYX_API_KEY, ...
//!     .with_target_arg(&format!("telnyx/telephony-credentials={base}/telnyx"))
//!     .expect("a valid target");
//! harness::run(target, Snapshots::Off).exit();
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use libtest_mimic::{Arguments, Conclusion, Failed, Trial};

use crate::known::KnownFailures;
use crate::runner::{CaseReport, CaseStatus, Runner};
use crate::spec::SpecSet;
use crate::target::Target;

/// Whether passing cases are compared with insta snapshots.
#[derive(Debug, Clone)]
pub enum Snapshots {
    /// No snapshot comparison.
    Off,
    /// Compare with `<dir>/<vendor>/<api>/<case id>.snap`.
    In(PathBuf),
}

fn snapshot(report: &CaseReport, dir: &std::path::Path) -> Result<(), Failed> {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir.join(&report.api));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let text =
        serde_json::to_string_pretty(&report.snapshot).map_err(|e| Failed::from(e.to_string()))?;
    let id = report.id.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        settings.bind(|| insta::assert_snapshot!(id, text));
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        Failed::from(format!("snapshot differs (cargo insta review):\n{message}"))
    })
}

fn infrastructure(message: String) -> Conclusion {
    // One failing test that says why the suite could not run.
    let args = Arguments::from_args();
    libtest_mimic::run(
        &args,
        vec![Trial::test("credspec::setup", move || {
            Err(Failed::from(message))
        })],
    )
}

/// Runs every case of the workspace's `specs/` against `target`, each as a named test, with
/// the command line's test arguments (filter, `--list`, `--ignored`...). Cases of APIs the
/// target does not cover, or that need credentials it lacks, are reported as ignored.
pub fn run(target: Target, snapshots: Snapshots) -> Conclusion {
    run_with_strict(target, None, snapshots)
}

/// [`run`], with the cases of the strict profile run against `strict` (a second
/// implementation that refuses `lint` findings too) instead of being skipped.
pub fn run_with_strict(target: Target, strict: Option<Target>, snapshots: Snapshots) -> Conclusion {
    let args = Arguments::from_args();
    let root = SpecSet::default_root();
    let specs = match SpecSet::load(&root) {
        Ok(s) => Arc::new(s),
        Err(e) => return infrastructure(format!("loading specs/: {e}")),
    };
    let known = match KnownFailures::load(&root.join("known-failures.toml")) {
        Ok(k) => k,
        Err(e) => return infrastructure(e.to_string()),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return infrastructure(format!("tokio runtime: {e}")),
    };
    let runner = match Runner::new(Arc::clone(&specs), target, known) {
        Ok(r) => match strict {
            Some(strict) => r.with_strict_target(strict),
            None => r,
        },
        Err(e) => return infrastructure(e.to_string()),
    };
    // The suite runs once, in spec order per API (cases of an API share state); each case
    // then reports as its own test.
    let filter = args.filter.clone().filter(|_| !args.exact);
    let reports: BTreeMap<String, CaseReport> = if args.list {
        BTreeMap::new()
    } else {
        runtime
            .block_on(runner.run_all(filter.as_deref(), 5, Arc::new(|_| {})))
            .cases
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect()
    };
    let reports = Arc::new(reports);
    let trials = specs
        .cases()
        .iter()
        .map(|case| {
            let id = case.id.clone();
            let ignored = reports
                .get(&id)
                .is_some_and(|r| r.status == CaseStatus::Skipped);
            let reports = Arc::clone(&reports);
            let snapshots = snapshots.clone();
            Trial::test(id.clone(), move || {
                let Some(report) = reports.get(&id) else {
                    return Ok(());
                };
                match (report.status, &snapshots) {
                    (CaseStatus::Failed, _) => Err(Failed::from(report.failure_text())),
                    (CaseStatus::UnexpectedPass, _) => {
                        Err(Failed::from(report.note.clone().unwrap_or_default()))
                    }
                    (CaseStatus::Passed, Snapshots::In(dir)) => snapshot(report, dir),
                    _ => Ok(()),
                }
            })
            .with_kind(case.api.as_str())
            .with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials)
}
