//! Reports of a run: the closing summary table, JUnit XML and JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::check::{CheckKind, Outcome};
use crate::runner::{CaseStatus, SuiteReport};

/// Passed / failed / skipped counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
}

/// Counts per API: cases, and checks per kind.
pub fn tally(report: &SuiteReport) -> BTreeMap<String, (Counts, BTreeMap<CheckKind, Counts>)> {
    let mut out: BTreeMap<String, (Counts, BTreeMap<CheckKind, Counts>)> = BTreeMap::new();
    for case in &report.cases {
        let (cases, checks) = out.entry(case.api.clone()).or_default();
        match case.status {
            CaseStatus::Passed | CaseStatus::KnownFailure => cases.passed += 1,
            CaseStatus::Failed | CaseStatus::UnexpectedPass => cases.failed += 1,
            CaseStatus::Skipped => cases.skipped += 1,
        }
        for check in &case.checks {
            let c = checks.entry(check.kind).or_default();
            match check.outcome {
                Outcome::Passed => c.passed += 1,
                Outcome::Failed { .. } => c.failed += 1,
                Outcome::Skipped { .. } => c.skipped += 1,
            }
        }
    }
    out
}

/// The closing summary: one row per API with cases and each check kind as
/// passed/failed/skipped.
pub fn summary_table(report: &SuiteReport) -> String {
    let tally = tally(report);
    let kinds: Vec<CheckKind> = CheckKind::ALL
        .into_iter()
        .filter(|k| tally.values().any(|(_, m)| m.contains_key(k)))
        .collect();
    let mut header = vec![String::from("API"), String::from("cases")];
    header.extend(kinds.iter().map(|k| k.to_string()));
    let mut rows = vec![header];
    let cell = |c: &Counts| format!("{}/{}/{}", c.passed, c.failed, c.skipped);
    for (api, (cases, checks)) in &tally {
        let mut row = vec![api.clone(), cell(cases)];
        row.extend(
            kinds
                .iter()
                .map(|k| checks.get(k).map_or_else(|| String::from("-"), cell)),
        );
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::from("passed/failed/skipped\n");
    for (n, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
        if n == 0 {
            out.push_str(
                &widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  "),
            );
            out.push('\n');
        }
    }
    let failed = report.cases.iter().filter(|c| c.status.fails_run()).count();
    let _ = writeln!(
        out,
        "{} cases, {} failed, in {:.2}s",
        report.cases.len(),
        failed,
        report.elapsed.as_secs_f64()
    );
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// JUnit XML: one test suite per API, one test case per case.
pub fn junit(report: &SuiteReport) -> String {
    let mut by_api: BTreeMap<&str, Vec<&crate::runner::CaseReport>> = BTreeMap::new();
    for case in &report.cases {
        by_api.entry(case.api.as_str()).or_default().push(case);
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"credspec\">\n",
    );
    for (api, cases) in by_api {
        let failures = cases.iter().filter(|c| c.status.fails_run()).count();
        let skipped = cases
            .iter()
            .filter(|c| c.status == CaseStatus::Skipped)
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
            xml_escape(api),
            cases.len()
        );
        for case in cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml_escape(api),
                xml_escape(&case.id),
                case.millis as f64 / 1000.0
            );
            match case.status {
                CaseStatus::Failed | CaseStatus::UnexpectedPass => {
                    let text = if case.status == CaseStatus::UnexpectedPass {
                        case.note.clone().unwrap_or_default()
                    } else {
                        case.failure_text()
                    };
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        xml_escape(text.lines().next().unwrap_or("failed")),
                        xml_escape(&text)
                    );
                }
                CaseStatus::Skipped | CaseStatus::KnownFailure => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        xml_escape(case.note.as_deref().unwrap_or(""))
                    );
                }
                CaseStatus::Passed => out.push_str("/>\n"),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The whole report as JSON.
pub fn json(report: &SuiteReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
