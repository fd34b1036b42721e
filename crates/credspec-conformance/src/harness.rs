//! The conformance suite as `cargo test` targets: every case of `specs/` becomes its own
//! named test (libtest-mimic), so `cargo test -- FILTER` and the usual test output work.
//!
//! A trial is named `[<api>] <id>`, and the runner runs exactly the cases libtest-mimic keeps
//! for the filter, `--exact` and `--skip` ([`selects`]); a trial whose case did not run
//! fails. The targets' base URLs are probed first: one that cannot be reached fails the
//! suite as a single `credspec::setup` test.
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
use crate::report::{CaseReport, CaseStatus};
use crate::runner::Runner;
use crate::spec::{Case, SpecSet};
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

fn infrastructure(args: &Arguments, message: String) -> Conclusion {
    // One failing test that says why the suite could not run. It runs whatever the filter:
    // a filter that hid it would turn a suite that never ran into a pass.
    let args = Arguments {
        filter: None,
        skip: Vec::new(),
        exact: false,
        ignored: false,
        ..args.clone()
    };
    libtest_mimic::run(
        &args,
        vec![Trial::test("credspec::setup", move || {
            Err(Failed::from(message))
        })],
    )
}

/// The seed of generated values: `CREDSPEC_SEED`, or 0.
fn generate_seed() -> u64 {
    std::env::var("CREDSPEC_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// The trial of a case, as libtest-mimic names it (`[<api>] <id>`).
fn trial(case: &Case, test: impl FnOnce() -> Result<(), Failed> + Send + 'static) -> Trial {
    Trial::test(case.id.clone(), test).with_kind(case.api.as_str())
}

/// True when libtest-mimic would run the trial of `case` under `args`: its name and kind
/// pass the filter and `--skip` exactly as libtest-mimic matches them. `--ignored` is left
/// to libtest-mimic, since a case is ignored only once it has been skipped.
pub fn selects(args: &Arguments, case: &Case) -> bool {
    let args = Arguments {
        ignored: false,
        ..args.clone()
    };
    let probe = trial(case, || Ok(()));
    !args.is_filtered_out(&probe) && !args.is_ignored(&probe)
}

/// How the trial of a case ends, from its report. A case without a report did not run, and
/// a test that did not run must not pass.
fn conclude(report: Option<&CaseReport>, snapshots: &Snapshots) -> Result<(), Failed> {
    let Some(report) = report else {
        return Err(Failed::from(
            "the runner produced no report for this case, so it was not checked",
        ));
    };
    match (report.status, snapshots) {
        (CaseStatus::Failed | CaseStatus::UnexpectedPass, _) => {
            Err(Failed::from(report.failure_text()))
        }
        (CaseStatus::Passed, Snapshots::In(dir)) => snapshot(report, dir),
        (CaseStatus::Passed | CaseStatus::Skipped | CaseStatus::KnownFailure, _) => Ok(()),
    }
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
    run_with_args(&Arguments::from_args(), target, strict, snapshots)
}

/// [`run_with_strict`] with the given test arguments instead of the command line's.
pub fn run_with_args(
    args: &Arguments,
    target: Target,
    strict: Option<Target>,
    snapshots: Snapshots,
) -> Conclusion {
    let root = SpecSet::default_root();
    let specs = match SpecSet::load(&root) {
        Ok(s) => Arc::new(s),
        Err(e) => return infrastructure(args, format!("loading specs/: {e}")),
    };
    let known = match KnownFailures::load(&root.join("known-failures.toml")) {
        Ok(k) => k,
        Err(e) => return infrastructure(args, e.to_string()),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return infrastructure(args, format!("tokio runtime: {e}")),
    };
    // `CREDSPEC_GENERATE=N` adds the generated cases, up to N per operation, drawn from
    // `CREDSPEC_SEED` (default 0).
    let generated = std::env::var("CREDSPEC_GENERATE")
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .map(|n| crate::generate::cases(&specs, n, generate_seed()))
        .unwrap_or_default();
    let runner = match Runner::new(Arc::clone(&specs), target, known) {
        Ok(r) => match strict {
            Some(strict) => r.with_strict_target(strict),
            None => r,
        },
        Err(e) => return infrastructure(args, e.to_string()),
    }
    .with_generated(generated.clone());
    // The suite runs once, in spec order per API (cases of an API share state), over the
    // cases libtest-mimic will show; each case then reports as its own test.
    let reports: BTreeMap<String, CaseReport> = if args.list {
        BTreeMap::new()
    } else {
        let apis = specs
            .cases()
            .iter()
            .chain(&generated)
            .filter(|c| selects(args, c))
            .map(|c| c.api);
        if let Err(e) = runtime.block_on(runner.probe(apis)) {
            return infrastructure(args, e.to_string());
        }
        let mut suite =
            runtime.block_on(runner.run_selected(|c| selects(args, c), 5, Arc::new(|_| {})));
        // A failed drawn case reports its shrunk form too.
        runtime.block_on(crate::generate::shrink_failures(
            &runner,
            &mut suite,
            generate_seed(),
        ));
        suite.cases.into_iter().map(|c| (c.id.clone(), c)).collect()
    };
    let reports = Arc::new(reports);
    let trials = specs
        .cases()
        .iter()
        .chain(&generated)
        .map(|case| {
            // A known failure is neither a pass nor a failure: libtest's nearest word is
            // "ignored", as for a case the target cannot run.
            let ignored = reports.get(&case.id).is_some_and(|r| {
                matches!(r.status, CaseStatus::Skipped | CaseStatus::KnownFailure)
            });
            let reports = Arc::clone(&reports);
            // A generated case has no snapshot of its own.
            let snapshots = if case.id.starts_with(crate::generate::PREFIX) {
                Snapshots::Off
            } else {
                snapshots.clone()
            };
            let id = case.id.clone();
            trial(case, move || conclude(reports.get(&id), &snapshots)).with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(args, trials)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(filter: &str, exact: bool, skip: &[&str]) -> Arguments {
        Arguments {
            filter: Some(filter.to_owned()),
            exact,
            skip: skip.iter().map(|s| (*s).to_owned()).collect(),
            ..Arguments::default()
        }
    }

    #[test]
    fn selects_what_libtest_mimic_runs() {
        let specs = SpecSet::load(SpecSet::default_root()).unwrap();
        let cases = specs.cases();
        let notify = cases
            .iter()
            .find(|c| c.api.as_str() == "twilio/notify-v1")
            .unwrap();
        let telnyx = cases
            .iter()
            .find(|c| c.api.as_str().starts_with("telnyx/"))
            .unwrap();
        // Filters that match the trial name `[api] id` but not the bare id.
        for filter in ["twilio", "twilio/notify-v1", "[twilio/notify-v1]"] {
            assert!(selects(&args(filter, false, &[]), notify), "{filter}");
            assert!(!selects(&args(filter, false, &[]), telnyx), "{filter}");
        }
        assert!(selects(&args("telnyx", false, &[]), telnyx));
        // The bare id still selects, and `--exact` takes the id or the whole name.
        assert!(selects(&args(&notify.id, false, &[]), notify));
        assert!(selects(&args(&notify.id, true, &[]), notify));
        let full = format!("[{}] {}", notify.api.as_str(), notify.id);
        assert!(selects(&args(&full, true, &[]), notify));
        assert!(!selects(&args("notify-v1.create", true, &[]), notify));
        // `--skip` on the kind.
        assert!(!selects(&args("", false, &["twilio/"]), notify));
        assert!(selects(&args("", false, &["twilio/"]), telnyx));
        // Every trial libtest-mimic keeps is a selected case, and no other.
        let arguments = args("twilio/notify-v1", false, &[]);
        let kept = cases
            .iter()
            .filter(|c| !arguments.is_filtered_out(&trial(c, || Ok(()))))
            .count();
        let selected = cases.iter().filter(|c| selects(&arguments, c)).count();
        assert!(kept > 0);
        assert_eq!(kept, selected);
    }

    #[test]
    fn a_case_without_a_report_fails() {
        let failed = conclude(None, &Snapshots::Off).unwrap_err();
        assert!(failed.message().unwrap().contains("no report"));
    }
}
