//! `--record`: the whole conformance suite driven through the proxy in front of one
//! emulator is recorded, the recording replays green against a second, fresh emulator, and
//! no secret the run used is in any recorded file (issue 17, items 2 and 3).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use credspec_conformance::known::KnownFailures;
use credspec_conformance::report::CaseStatus;
use credspec_conformance::runner::Runner;
use credspec_conformance::spec::{ApiId, CaseKind, SpecSet};
use credspec_core::secret::is_secret_name;
use credspec_emulator::SystemClock;
use credspec_proxy::{Proxy, Recorder};
use serde_json::Value;

use crate::support::{self, ACCOUNTS, API_KEY, KEY, OTHER_KEY};

/// Every secret value of a JSON body: secret-named string members, at any depth.
fn secrets_of(value: &Value, name: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s) if is_secret_name(name) => out.push(s.clone()),
        Value::Object(map) => map.iter().for_each(|(k, v)| secrets_of(v, k, out)),
        Value::Array(items) => items.iter().for_each(|v| secrets_of(v, name, out)),
        _ => {}
    }
}

fn strings_of(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Object(map) => map.values().for_each(|v| strings_of(v, out)),
        Value::Array(items) => items.iter().for_each(|v| strings_of(v, out)),
        _ => {}
    }
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_suite_replays_green_and_holds_no_secret() {
    let specs = Arc::new(SpecSet::load(SpecSet::default_root()).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let upstream = support::start(None).await;

    // Every secret the run sends or receives, as the proxy saw it.
    let used: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let recorder =
        Arc::new(Recorder::create(dir.path(), &specs, Arc::new(SystemClock::new())).unwrap());
    let recording = Arc::clone(&recorder);
    let seen = Arc::clone(&used);
    let proxy = Proxy::builder(Arc::clone(&specs), upstream.target.clone())
        .on_exchange(move |exchange| {
            let mut found = Vec::new();
            for (k, v) in &exchange.request.headers {
                if k.eq_ignore_ascii_case("authorization") {
                    found.push(v.clone());
                    if let Some(basic) = v.strip_prefix("Basic ")
                        && let Ok(plain) = base64::engine::general_purpose::STANDARD.decode(basic)
                    {
                        let plain = String::from_utf8(plain).unwrap();
                        found.extend(plain.split_once(':').map(|(_, p)| p.to_owned()));
                    }
                }
            }
            if let Ok(body) = serde_json::from_slice::<Value>(&exchange.request.body) {
                secrets_of(&body, "", &mut found);
            }
            for (k, v) in form_urlencoded::parse(&exchange.request.body) {
                if is_secret_name(&k) {
                    found.push(v.into_owned());
                }
            }
            if let Some(Ok(answer)) = exchange.response.json() {
                if let Value::String(token) = &answer {
                    found.push(token.clone());
                }
                secrets_of(&answer, "", &mut found);
            }
            seen.lock().unwrap().extend(found);
            recording.record(exchange).unwrap();
        })
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let front = proxy
        .serve(listener, None, std::future::pending())
        .await
        .unwrap();

    // The suite, one case at a time (the recording's order is the order of the state
    // changes), through the proxy.
    let runner = Runner::new(
        Arc::clone(&specs),
        support::target_at(front.local_addr()),
        KnownFailures::default(),
    )
    .unwrap();
    let mut ran = 0;
    for case in specs.cases() {
        let report = runner.run_case(case).await;
        if report.status == CaseStatus::Passed {
            ran += 1;
        }
    }
    assert!(ran > 100, "only {ran} cases passed through the proxy");

    // What was recorded: a scenario per API, loadable as a specs directory.
    recorder.flush().unwrap();
    let recorded = SpecSet::load(dir.path()).unwrap();
    let apis: BTreeSet<ApiId> = recorded
        .cases()
        .iter()
        .flat_map(|c| std::iter::once(c.api).chain(c.steps.iter().filter_map(|s| s.api)))
        .collect();
    assert_eq!(
        apis,
        ApiId::ALL.into_iter().collect(),
        "an API was not recorded"
    );
    assert!(
        recorded
            .cases()
            .iter()
            .all(|c| c.kind == CaseKind::Scenario && c.source[0].starts_with("recording:"))
    );
    let steps: usize = recorded.cases().iter().map(|c| c.steps.len()).sum();
    let of_an_operation = proxy
        .reports()
        .iter()
        .filter(|r| r.operation.is_some())
        .count();
    assert_eq!(
        steps, of_an_operation,
        "every exchange of an operation is a step"
    );

    // The replay, against a fresh emulator.
    let fresh = support::start(None).await;
    let replay = Runner::new(
        Arc::new(recorded),
        fresh.target.clone(),
        KnownFailures::default(),
    )
    .unwrap();
    for case in replay.specs().cases() {
        let report = replay.run_case(case).await;
        assert_eq!(
            report.status,
            CaseStatus::Passed,
            "{} ({} steps) must replay green:\n{}{}",
            report.id,
            case.steps.len(),
            report.failure_text(),
            report.note.clone().unwrap_or_default()
        );
    }

    // No secret of the run in any recorded file.
    let mut used = used.lock().unwrap().clone();
    used.extend([KEY, OTHER_KEY].map(str::to_owned));
    used.extend(ACCOUNTS.map(|(_, token)| token.to_owned()));
    used.push(API_KEY.1.to_owned());
    // The documented examples the suite sends are public string values of specs/
    // (placeholders such as "-----BEGIN CERTIFICATE-----MIIFnzCC..."), not secrets of the run.
    let mut public = Vec::new();
    files(&SpecSet::default_root(), &mut public);
    let mut public_strings = BTreeSet::new();
    for path in public
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        strings_of(&value, &mut public_strings);
    }
    used.retain(|s| s.len() >= 8 && !public_strings.contains(s));
    used.sort();
    used.dedup();
    assert!(used.len() > 100, "too few secrets seen: {}", used.len());
    // Each secret as it is and as a JSON string writes it (escaped).
    let patterns: Vec<String> = used
        .iter()
        .flat_map(|s| {
            let escaped = serde_json::to_string(s).unwrap();
            [s.clone(), escaped[1..escaped.len() - 1].to_owned()]
        })
        .collect();
    let search = aho_corasick::AhoCorasick::new(&patterns).unwrap();
    let mut recorded_files = Vec::new();
    files(dir.path(), &mut recorded_files);
    assert!(recorded_files.len() > ApiId::ALL.len());
    for path in &recorded_files {
        let text = std::fs::read_to_string(path).unwrap();
        if let Some(found) = search.find(&text) {
            let secret = &patterns[found.pattern().as_usize()];
            panic!(
                "{} holds a secret the run used ({} characters, starting {:?})",
                path.display(),
                secret.len(),
                secret.chars().take(6).collect::<String>()
            );
        }
    }
}
