//! The conformance suite as `cargo test`: every case of `specs/` is its own named test.
//!
//! By default the suite runs against the embedded emulator (started in process on an
//! ephemeral port with a temporary database). Set `CREDSPEC_TARGET_<API>` variables (see
//! `credspec_conformance::target`) with credentials to run it against another
//! implementation instead. Normalized responses are compared with the snapshots under
//! `snapshots/<vendor>/<api>/` for the embedded emulator (set `CREDSPEC_SNAPSHOTS=1` to
//! compare them for another target too, `0` to skip them); `cargo insta review` accepts
//! changes.
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use credspec_conformance::known::KnownFailures;
use credspec_conformance::runner::{CaseReport, CaseStatus, Runner};
use credspec_conformance::spec::SpecSet;
use credspec_conformance::target::Target;
use libtest_mimic::{Arguments, Failed, Trial};

fn snapshot(report: &CaseReport, root: &Path) -> Result<(), Failed> {
    let dir = root.join("snapshots").join(&report.api);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let text = serde_json::to_string_pretty(&report.snapshot).expect("JSON of a JSON value");
    let id = report.id.clone();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        settings.bind(|| insta::assert_snapshot!(id, text));
    }));
    outcome.map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        Failed::from(format!("snapshot differs (cargo insta review):\n{message}"))
    })
}

/// The target of the embedded emulator: every API it serves, with its generated accounts.
fn embedded_target(
    e: &credspec_emulator::ephemeral::Ephemeral,
) -> Result<Target, credspec_conformance::target::TargetError> {
    Target::from_parts(
        |api| e.base_url(api.as_str()),
        e.twilio
            .clone()
            .map(|a| (a.sid.to_string(), a.auth_token.clone())),
        (e.twilio_api_key.0.to_string(), e.twilio_api_key.1.clone()),
        e.telnyx.clone().map(|k| k.key().clone()),
    )
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let specs = Arc::new(SpecSet::load(SpecSet::default_root()).expect("specs/ loads"));
    let known = KnownFailures::load(&SpecSet::default_root().join("known-failures.toml"))
        .expect("specs/known-failures.toml parses");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let external = Target::from_vars(|name| std::env::var(name).ok()).expect("target variables");
    let snapshots = match std::env::var("CREDSPEC_SNAPSHOTS").as_deref() {
        Ok("0") => false,
        Ok("1") => true,
        _ => external.is_none(),
    };
    // The whole suite runs once, in spec order per API (cases of an API share state); each
    // case then reports as its own test.
    let filter = args.filter.clone().filter(|_| !args.exact);
    let reports: BTreeMap<String, CaseReport> = runtime.block_on(async {
        let (target, embedded) = match external {
            Some(t) => (t, None),
            None => {
                let e = credspec_emulator::ephemeral::Ephemeral::start()
                    .await
                    .expect("embedded emulator starts");
                (embedded_target(&e).expect("embedded target"), Some(e))
            }
        };
        let runner = Runner::new(Arc::clone(&specs), target, known).expect("runner");
        let suite = runner.run_all(filter.as_deref(), 5, Arc::new(|_| {})).await;
        if let Some(e) = embedded {
            e.stop().await;
        }
        suite.cases.into_iter().map(|c| (c.id.clone(), c)).collect()
    });
    let reports = Arc::new(reports);
    let trials = specs
        .cases()
        .iter()
        .map(|case| {
            let id = case.id.clone();
            let reports = Arc::clone(&reports);
            let root = root.clone();
            let ignored = reports
                .get(&id)
                .is_none_or(|r| r.status == CaseStatus::Skipped);
            Trial::test(id.clone(), move || {
                let Some(report) = reports.get(&id) else {
                    return Ok(());
                };
                match report.status {
                    CaseStatus::Failed => Err(Failed::from(report.failure_text())),
                    CaseStatus::UnexpectedPass => {
                        Err(Failed::from(report.note.clone().unwrap_or_default()))
                    }
                    CaseStatus::Passed if snapshots => snapshot(report, &root),
                    _ => Ok(()),
                }
            })
            .with_kind(case.api.as_str())
            .with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
