//! The known-failure ledger (issue 14, section 1): an entry must name a case; a listed case
//! that fails is a known failure counted on its own, one that passes fails the run and says
//! why, and one that is skipped says it was not checked.

use std::sync::Arc;

use credspec_conformance::known::KnownFailures;
use credspec_conformance::report::{CaseStatus, SuiteReport};
use credspec_conformance::report::{summary_table, tally};
use credspec_conformance::runner::{Runner, RunnerError};
use credspec_conformance::spec::{CaseKind, SpecSet};
use credspec_conformance::target::Target;
use credspec_core::rules::Profile;
use credspec_core::secret::Secret;
use credspec_emulator::ephemeral::Ephemeral;

use crate::emulator::{embedded_target, runtime};

fn ledger(ids: &[&str]) -> KnownFailures {
    let mut text = String::from("[known-failures]\n");
    for id in ids {
        text.push_str(&format!("\"{id}\" = \"a reason for {id}\"\n"));
    }
    KnownFailures::parse(&text).unwrap()
}

fn specs() -> Arc<SpecSet> {
    Arc::new(SpecSet::load(SpecSet::default_root()).unwrap())
}

/// A single-request create case of Notify v1 that the emulator passes: the vendor profile,
/// a 201 with valid credentials.
fn passing_case(specs: &SpecSet) -> String {
    specs
        .cases()
        .iter()
        .find(|c| {
            c.api.as_str() == "twilio/notify-v1"
                && c.kind == CaseKind::Positive
                && c.profile.is_none()
                && c.request
                    .as_ref()
                    .is_some_and(|r| r.operation == "CreateCredential")
        })
        .map(|c| c.id.clone())
        .unwrap()
}

/// A case of the strict profile.
fn strict_case(specs: &SpecSet) -> String {
    specs
        .cases()
        .iter()
        .find(|c| c.profile == Some(Profile::Strict))
        .map(|c| c.id.clone())
        .unwrap()
}

fn run(runner: &Runner, ids: &[String]) -> SuiteReport {
    let ids = ids.to_vec();
    runtime().block_on(runner.run_selected(move |c| ids.contains(&c.id), 1, Arc::new(|_| {})))
}

#[test]
fn an_entry_that_names_no_case_is_an_error() {
    let target = Target::default()
        .with_target_arg("notify-v1=http://127.0.0.1:9")
        .unwrap();
    let err = Runner::new(specs(), target, ledger(&["notify-v1.create.no-such-case"])).unwrap_err();
    assert!(
        matches!(&err, RunnerError::UnknownKnownFailure(id) if id == "notify-v1.create.no-such-case"),
        "{err}"
    );
    assert!(err.to_string().contains("names no case"), "{err}");
}

#[test]
fn listed_cases_fail_as_known_pass_unexpectedly_or_are_skipped_as_such() {
    let specs = specs();
    let passing = passing_case(&specs);
    let strict = strict_case(&specs);
    let rt = runtime();
    let emulator = rt.block_on(Ephemeral::start()).unwrap();

    // Listed and passing: fails the run, and the text says why.
    let runner = Runner::new(
        Arc::clone(&specs),
        embedded_target(&emulator),
        ledger(&[passing.as_str(), strict.as_str()]),
    )
    .unwrap();
    let suite = run(&runner, &[passing.clone(), strict.clone()]);
    let by_id =
        |suite: &SuiteReport, id: &str| suite.cases.iter().find(|c| c.id == id).cloned().unwrap();
    let unexpected = by_id(&suite, &passing);
    assert_eq!(unexpected.status, CaseStatus::UnexpectedPass);
    assert!(!suite.passed());
    let text = unexpected.failure_text();
    assert!(
        text.contains("listed as a known failure") && text.contains("remove it"),
        "{text}"
    );
    // Listed, of the strict profile, and no strict target: skipped, and the note says that
    // the listing was not checked.
    let skipped = by_id(&suite, &strict);
    assert_eq!(skipped.status, CaseStatus::Skipped);
    let note = skipped.note.unwrap_or_default();
    assert!(
        note.contains("strict profile") && note.contains("listed as a known failure"),
        "{note}"
    );

    // Listed and failing (a wrong auth token): a known failure, counted on its own.
    let wrong = Target::from_parts(
        |api| emulator.base_url(api.as_str()),
        emulator.twilio.clone().map(|a| {
            (
                a.sid.to_string(),
                Secret::new(String::from("not-the-token")),
            )
        }),
        (
            emulator.twilio_api_key.0.to_string(),
            emulator.twilio_api_key.1.clone(),
        ),
        emulator.telnyx.clone().map(|k| k.key().clone()),
    )
    .unwrap();
    let runner = Runner::new(
        Arc::clone(&specs),
        wrong.clone(),
        ledger(&[passing.as_str()]),
    )
    .unwrap();
    let suite = run(&runner, std::slice::from_ref(&passing));
    let known = by_id(&suite, &passing);
    assert_eq!(
        known.status,
        CaseStatus::KnownFailure,
        "{}",
        known.failure_text()
    );
    assert!(suite.passed());
    let (cases, _) = tally(&suite).remove("twilio/notify-v1").unwrap();
    assert_eq!((cases.passed, cases.failed, cases.known), (0, 0, 1));
    let table = summary_table(&suite);
    assert!(
        table.contains("1 cases, 0 failed, 0 passed, 1 known failures, 0 skipped"),
        "{table}"
    );
    // The same failure unlisted fails the run.
    let runner = Runner::new(Arc::clone(&specs), wrong, KnownFailures::default()).unwrap();
    let suite = run(&runner, std::slice::from_ref(&passing));
    assert_eq!(by_id(&suite, &passing).status, CaseStatus::Failed);
    rt.block_on(emulator.stop());
}

/// The coverage matrix counts what a run exercised, per operation and check kind, and shows
/// every other operation of the documents as unexercised.
#[test]
fn coverage_counts_exactly_what_ran() {
    let specs = specs();
    let rt = runtime();
    let emulator = rt.block_on(Ephemeral::start()).unwrap();
    let runner = Runner::new(
        Arc::clone(&specs),
        embedded_target(&emulator),
        KnownFailures::default(),
    )
    .unwrap();
    let id = passing_case(&specs);
    let report = run(&runner, &[id]);
    let operations: usize = credspec_conformance::spec::ApiId::ALL
        .iter()
        .map(|api| specs.api(*api).operations().len())
        .sum();
    assert_eq!(report.coverage.len(), operations);
    let ran: Vec<_> = report
        .coverage
        .iter()
        .filter(|r| r.checks.values().any(|j| j.runs > 0))
        .map(|r| (r.api.as_str(), r.operation.as_str()))
        .collect();
    // The create, and the delete that cleaned up after it.
    assert_eq!(
        ran,
        [
            ("twilio/notify-v1", "CreateCredential"),
            ("twilio/notify-v1", "DeleteCredential")
        ]
    );
    let create = report
        .coverage
        .iter()
        .find(|r| r.api.as_str() == "twilio/notify-v1" && r.operation == "CreateCredential")
        .unwrap();
    use credspec_conformance::check::CheckKind;
    assert_eq!(create.checks[&CheckKind::Status].runs, 1);
    assert_eq!(create.checks[&CheckKind::Status].failed, 0);
    assert_eq!(
        create.checks[&CheckKind::Error].runs,
        0,
        "a 201 has no error to check"
    );
    // Every answer check judged the create; the fetch, never run, lacks them all.
    assert_eq!(
        create.gaps().count(),
        1,
        "only the error check: {:?}",
        create.gaps().collect::<Vec<_>>()
    );
    let fetch = report
        .coverage
        .iter()
        .find(|r| r.api.as_str() == "twilio/notify-v1" && r.operation == "FetchCredential")
        .unwrap();
    assert_eq!(fetch.gaps().count(), CheckKind::ALL.len() - 3);
    let text = credspec_conformance::coverage::table(&report.coverage);
    assert!(
        text.contains(&format!(
            "{operations} operations, {} never exercised",
            operations - 2
        )),
        "{text}"
    );
    rt.block_on(emulator.stop());
}
