//! The reports of a run: JUnit XML that a strict XML parser accepts, with the structure CI
//! systems read, and JSON in the documented shape, whatever the failure texts hold.

use std::collections::BTreeMap;
use std::time::Duration;

use credspec_conformance::check::{CheckKind, CheckResult, Failure};
use credspec_conformance::report::{CaseReport, CaseStatus, SuiteReport};
use credspec_conformance::report::{json, junit};
use serde_json::Value;

/// Text a response may put into a failure: markup, quotes, an ampersand, control
/// characters XML 1.0 cannot hold, and non-ASCII.
const NASTY: &str = "got <b>\"x\" & 'y'</b>\u{0}\u{1b}[31m\u{7f} ünïcode \u{FFFF}";

fn case(id: &str, api: &str, status: CaseStatus) -> CaseReport {
    let checks = match status {
        CaseStatus::Failed => vec![
            CheckResult::from_failures(CheckKind::Status, "request", Vec::new()),
            CheckResult::from_failures(CheckKind::Body, "create", vec![Failure::new(NASTY)]),
        ],
        _ => vec![CheckResult::from_failures(
            CheckKind::Status,
            "request",
            Vec::new(),
        )],
    };
    CaseReport {
        id: id.to_owned(),
        title: format!("title of {id}"),
        api: api.to_owned(),
        status,
        note: matches!(status, CaseStatus::Skipped | CaseStatus::KnownFailure)
            .then(|| format!("because {NASTY}")),
        checks,
        curls: BTreeMap::from([(
            String::from("create"),
            String::from("curl -X POST 'http://127.0.0.1/x?a=1&b=<2>'"),
        )]),
        lint: vec![String::from(
            "material.key-matches-certificate; /private_key",
        )],
        rules: match status {
            CaseStatus::Failed => vec![String::from(
                "twilio.classic.friendly-name-length; FriendlyName",
            )],
            _ => Vec::new(),
        },
        snapshot: Vec::new(),
        millis: 1234,
        shrunk: None,
    }
}

fn report() -> SuiteReport {
    SuiteReport {
        coverage: Vec::new(),
        cases: vec![
            case(
                "push.create.ok",
                "telnyx/mobile-push-credentials",
                CaseStatus::Passed,
            ),
            case(
                "push.create.bad",
                "telnyx/mobile-push-credentials",
                CaseStatus::Failed,
            ),
            case("notify.list.skip", "twilio/notify-v1", CaseStatus::Skipped),
            case(
                "notify.list.known",
                "twilio/notify-v1",
                CaseStatus::KnownFailure,
            ),
            case(
                "notify.list.fixed",
                "twilio/notify-v1",
                CaseStatus::UnexpectedPass,
            ),
        ],
        elapsed: Duration::from_millis(1500),
    }
}

#[test]
fn junit_is_well_formed_xml_with_one_suite_per_api() {
    let xml = junit(&report());
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let summary: Vec<_> = suites
        .iter()
        .map(|s| {
            (
                s.attribute("name").unwrap(),
                s.attribute("tests").unwrap(),
                s.attribute("failures").unwrap(),
                s.attribute("skipped").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("telnyx/mobile-push-credentials", "2", "1", "0"),
            ("twilio/notify-v1", "3", "1", "2"),
        ]
    );
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 5);
    let bad = cases
        .iter()
        .find(|c| c.attribute("name") == Some("push.create.bad"))
        .unwrap();
    assert_eq!(
        bad.attribute("classname"),
        Some("telnyx/mobile-push-credentials")
    );
    assert_eq!(bad.attribute("time"), Some("1.234"));
    let failure = bad.children().find(|n| n.has_tag_name("failure")).unwrap();
    let text = failure.text().unwrap();
    // Markup and quotes come back as they were; what XML cannot hold is spelled out.
    assert!(text.contains("got <b>\"x\" & 'y'</b>"), "{text}");
    assert!(text.contains("\\u{0}") && text.contains("\\u{1b}") && text.contains("ünïcode"));
    let skipped = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
        .count();
    assert_eq!(skipped, 2, "a skipped case and a known failure");
    let fixed = cases
        .iter()
        .find(|c| c.attribute("name") == Some("notify.list.fixed"))
        .unwrap();
    assert!(
        fixed.children().any(|n| n.has_tag_name("failure")),
        "an unexpected pass fails the run"
    );
}

#[test]
fn json_has_the_documented_shape() {
    let value: Value = serde_json::from_str(&json(&report())).unwrap();
    let cases = value["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    let statuses: Vec<_> = cases
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "passed",
            "failed",
            "skipped",
            "known-failure",
            "unexpected-pass"
        ]
    );
    let bad = &cases[1];
    assert_eq!(bad["id"], "push.create.bad");
    assert_eq!(bad["api"], "telnyx/mobile-push-credentials");
    assert_eq!(bad["millis"], 1234);
    assert!(bad.get("note").is_none(), "a note only where there is one");
    assert_eq!(bad["checks"][0]["kind"], "status");
    assert_eq!(bad["checks"][0]["outcome"], "passed");
    assert_eq!(bad["checks"][1]["kind"], "body");
    assert_eq!(bad["checks"][1]["step"], "create");
    assert_eq!(bad["checks"][1]["outcome"], "failed");
    assert_eq!(bad["checks"][1]["failures"][0]["message"], NASTY);
    assert!(
        bad["curls"]["create"]
            .as_str()
            .unwrap()
            .starts_with("curl ")
    );
    assert!(cases[2]["note"].as_str().unwrap().starts_with("because"));
    assert_eq!(
        bad["lint"][0],
        "material.key-matches-certificate; /private_key"
    );
    assert_eq!(
        bad["rules"][0],
        "twilio.classic.friendly-name-length; FriendlyName"
    );
    assert!(
        cases[0].get("rules").is_none(),
        "rules only where a target named some"
    );
}
