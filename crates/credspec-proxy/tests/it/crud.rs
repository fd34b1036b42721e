//! The conformance runner's cases through the proxy pass as they do directly, and the proxy
//! sees every API and finds nothing wrong with the correct emulator.
//!
//! The runner reaches the proxy as a client reaches a forward proxy: its target is the
//! emulator's base URLs and `HTTP_PROXY` names the proxy, so every request, the links it
//! follows (next pages, `Location`) included, goes through the proxy, and the links the
//! emulator writes name the base the runner targets. (By base URL, with the proxy's address
//! as the runner's target, the emulator's links name the emulator, the upstream the proxy
//! forwards to: the runner's domain checks refuse them, the proxy's accept them.)
//!
//! `HTTP_PROXY` is read when the runner's client is built, and a test may not set the
//! environment of its own process (`set_var` is `unsafe`), so the runner runs in a child:
//! this test binary again, running the same test with the variables below set.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use credspec_conformance::known::KnownFailures;
use credspec_conformance::observe::ObservedReport;
use credspec_conformance::report::CaseReport;
use credspec_conformance::runner::Runner;
use credspec_conformance::spec::{ApiId, Case};
use credspec_conformance::target::Target;
use serde_json::{Value, json};

use crate::{Proxied, specs, support, violation_lines};

/// Set in the child: the emulator's address (the upstream of the proxy in `HTTP_PROXY`).
const UPSTREAM: &str = "CREDSPEC_PROXY_IT_UPSTREAM";
/// Set in the child: the file it writes its case reports to.
const OUT: &str = "CREDSPEC_PROXY_IT_OUT";

/// The case status and failure text of each case, by id.
type Outcomes = BTreeMap<String, (String, String)>;

fn outcomes(reports: &[CaseReport]) -> Outcomes {
    reports
        .iter()
        .map(|r| {
            let status = format!("{:?}", r.status);
            (r.id.clone(), (status, r.failure_text()))
        })
        .collect()
}

async fn run(target: Target, select: fn(&Case) -> bool) -> Vec<CaseReport> {
    let runner = Runner::new(specs(), target, KnownFailures::default()).unwrap();
    runner.run_selected(select, 4, Arc::new(|_| {})).await.cases
}

/// In the child (the variables set): runs the cases against the emulator at `UPSTREAM`
/// (through `HTTP_PROXY`), writes their outcomes to `OUT` and returns `true`.
async fn child(select: fn(&Case) -> bool) -> bool {
    let (Ok(upstream), Ok(out)) = (std::env::var(UPSTREAM), std::env::var(OUT)) else {
        return false;
    };
    let reports = run(support::target_at(upstream.parse().unwrap()), select).await;
    let outcomes: Value = json!(outcomes(&reports));
    std::fs::write(out, outcomes.to_string()).unwrap();
    true
}

/// Runs the cases `select` picks directly against a fresh emulator, then through the proxy
/// in front of another (the runner in a child, this test again: `test`); returns both
/// outcomes and what the proxy checked.
async fn direct_and_proxied(
    test: &'static str,
    select: fn(&Case) -> bool,
) -> (Outcomes, Outcomes, Vec<ObservedReport>) {
    let direct = support::start(None).await;
    let alone = outcomes(&run(direct.target.clone(), select).await);
    let _ = direct.stop.send(());
    direct.task.await.unwrap().unwrap();

    let proxied = Proxied::start(None, None).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("outcomes.json");
    let exe = std::env::current_exe().unwrap();
    let upstream = proxied.upstream.addr.to_string();
    let proxy = format!("http://{}", proxied.addr);
    let child = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe)
            .args([test, "--exact", "--test-threads", "1"])
            .env(UPSTREAM, upstream)
            .env(OUT, &out)
            .env("HTTP_PROXY", &proxy)
            .env("http_proxy", &proxy)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .output()
            .map(|o| (o, out))
    });
    let (output, out) = child.await.unwrap().unwrap();
    assert!(
        output.status.success(),
        "the runner's child failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let through: Outcomes = serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
    let observed = proxied.stop().await;
    (alone, through, observed)
}

/// The ids whose outcome through the proxy differs from the direct one, with both.
fn differences(alone: &Outcomes, through: &Outcomes) -> Vec<String> {
    assert_eq!(
        alone.keys().collect::<Vec<_>>(),
        through.keys().collect::<Vec<_>>()
    );
    alone
        .iter()
        .filter(|(id, (status, _))| through[*id].0 != *status)
        .map(|(id, (status, _))| {
            let (proxied, text) = &through[id];
            format!("{id}: {status} directly, {proxied} through the proxy:\n{text}")
        })
        .collect()
}

fn apis(observed: &[ObservedReport]) -> BTreeSet<ApiId> {
    observed.iter().map(|r| r.api).collect()
}

fn every_case(_: &Case) -> bool {
    true
}

/// Every case of `specs/`: through the proxy each ends as it does directly (most pass; the
/// strict profile's are skipped both ways), and the proxy checked exchanges of every API.
#[tokio::test(flavor = "multi_thread")]
async fn every_case_through_the_proxy_ends_as_it_does_directly() {
    if child(every_case).await {
        return;
    }
    let test = "crud::every_case_through_the_proxy_ends_as_it_does_directly";
    let (alone, through, observed) = direct_and_proxied(test, every_case).await;
    let passed = alone.values().filter(|(s, _)| s == "Passed").count();
    assert!(passed > 400, "{passed} of {} cases passed", alone.len());
    let differ = differences(&alone, &through);
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert!(observed.len() > alone.len(), "{} exchanges", observed.len());
    assert_eq!(apis(&observed), BTreeSet::from(ApiId::ALL));
    // Nothing is reported: not the TRACE a case sends to see the 405 (an undeclared method,
    // D40), nor the update of an expired telephony credential refused 422 with Telnyx's
    // non-standard body `{"errors":{"status":...}}` that the document declares (D9).
    let traced = observed
        .iter()
        .filter(|r| r.request_line.starts_with("TRACE ") && r.status == 405)
        .count();
    assert!(traced > 0, "no TRACE seen");
    let expired_updates = observed
        .iter()
        .filter(|r| r.operation == Some("UpdateTelephonyCredential") && r.status == 422)
        .count();
    assert!(expired_updates > 0, "no refused telephony update seen");
    let unexpected: Vec<&ObservedReport> = observed
        .iter()
        .filter(|r| r.violations().next().is_some())
        .collect();
    let lines: Vec<String> = unexpected
        .iter()
        .flat_map(|r| r.violation_lines())
        .collect();
    assert!(lines.is_empty(), "{}", lines.join("\n"));
}

fn lifecycle(case: &Case) -> bool {
    case.id.contains(".lifecycle.")
}

/// The CRUD scenario of every API (`*.lifecycle.*`): each passes through the proxy, and the
/// proxy saw every API and reports no violation.
#[tokio::test(flavor = "multi_thread")]
async fn the_crud_scenario_of_every_api_passes_through_the_proxy_without_violation() {
    if child(lifecycle).await {
        return;
    }
    let test = "crud::the_crud_scenario_of_every_api_passes_through_the_proxy_without_violation";
    let (alone, through, observed) = direct_and_proxied(test, lifecycle).await;
    let scenarios: BTreeSet<ApiId> = specs()
        .cases()
        .iter()
        .filter(|c| lifecycle(c))
        .map(|c| c.api)
        .collect();
    assert_eq!(
        scenarios,
        BTreeSet::from(ApiId::ALL),
        "a CRUD scenario per API"
    );
    for (id, (status, text)) in &through {
        assert_eq!(status, "Passed", "{id} through the proxy:\n{text}");
    }
    assert!(differences(&alone, &through).is_empty());
    assert!(!observed.is_empty());
    assert_eq!(apis(&observed), BTreeSet::from(ApiId::ALL));
    let violations: usize = observed.iter().map(|r| r.violations().count()).sum();
    assert_eq!(violations, 0, "{}", violation_lines(&observed));
}
