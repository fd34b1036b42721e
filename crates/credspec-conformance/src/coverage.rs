//! What a run exercised: every operation of every document against every check kind, with
//! how many exchanges each check judged and how many of those failed. An operation or a
//! check no case reached shows as a gap, so a user sees what a run did not test.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::check::CheckKind;
use crate::report::CaseReport;
use crate::spec::{ApiId, SpecSet};

/// How often one check judged one operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Judged {
    /// Steps the check judged (a single-request case is one step; a repeated step counts
    /// once, as its report does).
    pub runs: usize,
    /// Of those, how many failed it.
    pub failed: usize,
    /// Of the runs, how many were of generated cases ([`crate::generate`]).
    pub generated: usize,
}

/// One operation's row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CoverageRow {
    /// The API.
    pub api: ApiId,
    /// The operationId.
    pub operation: String,
    /// Every check kind, with its counts (zero where none).
    pub checks: BTreeMap<CheckKind, Judged>,
}

impl CoverageRow {
    /// The checks of one answer ([`crate::check::CHECKS`]) that never judged this
    /// operation; capture and cleanup apply only to some operations, so they are no gap.
    pub fn gaps(&self) -> impl Iterator<Item = CheckKind> + '_ {
        crate::check::CHECKS
            .iter()
            .map(|(kind, _)| *kind)
            .filter(|kind| self.checks.get(kind).is_none_or(|j| j.runs == 0))
    }
}

/// The kinds of the matrix: every kind, in the order they run.
fn kinds() -> impl Iterator<Item = CheckKind> {
    CheckKind::ALL.into_iter()
}

/// The matrix of `cases` over every operation of `specs`, in document order of APIs and
/// operations' ids.
pub fn matrix(specs: &SpecSet, cases: &[CaseReport]) -> Vec<CoverageRow> {
    let mut rows: BTreeMap<(ApiId, String), BTreeMap<CheckKind, Judged>> = BTreeMap::new();
    for api in ApiId::ALL {
        for operation in specs.api(api).operations().keys() {
            rows.insert(
                (api, operation.clone()),
                kinds().map(|k| (k, Judged::default())).collect(),
            );
        }
    }
    for case in cases {
        let generated = case.id.starts_with(crate::generate::PREFIX);
        for check in &case.checks {
            let (Some(api), Some(operation)) = (check.api, &check.operation) else {
                continue;
            };
            if let Some(judged) = rows
                .get_mut(&(api, operation.clone()))
                .and_then(|row| row.get_mut(&check.kind))
            {
                judged.runs += 1;
                judged.failed += usize::from(check.failed());
                judged.generated += usize::from(generated);
            }
        }
    }
    rows.into_iter()
        .map(|((api, operation), checks)| CoverageRow {
            api,
            operation,
            checks,
        })
        .collect()
}

/// The matrix as text: one line per operation, one column per check kind, each cell the
/// steps judged (`-` for none, `n!f` when `f` of them failed, `n+g` when `g` more were
/// generated), then the gaps counted.
pub fn table(rows: &[CoverageRow]) -> String {
    let kinds: Vec<CheckKind> = kinds().collect();
    let name = |r: &CoverageRow| format!("{} {}", r.api, r.operation);
    let width = rows.iter().map(|r| name(r).len()).max().unwrap_or(0).max(9);
    let mut out = String::new();
    let _ = write!(out, "{:<width$}", "operation");
    for kind in &kinds {
        let _ = write!(out, "  {:>9}", kind.as_str());
    }
    out.push('\n');
    for row in rows {
        let _ = write!(out, "{:<width$}", name(row));
        for kind in &kinds {
            let judged = row.checks.get(kind).copied().unwrap_or_default();
            let from_files = judged.runs - judged.generated;
            let mut cell = match (judged.runs, from_files) {
                (0, _) => String::from("-"),
                (_, n) if judged.generated == 0 => n.to_string(),
                (_, n) => format!("{n}+{}", judged.generated),
            };
            if judged.failed > 0 {
                cell.push_str(&format!("!{}", judged.failed));
            }
            let _ = write!(out, "  {cell:>9}");
        }
        out.push('\n');
    }
    let unexercised = rows
        .iter()
        .filter(|r| r.checks.values().all(|j| j.runs == 0))
        .count();
    let gaps: usize = rows.iter().map(|r| r.gaps().count()).sum();
    let _ = writeln!(
        out,
        "{} operations, {unexercised} never exercised; {gaps} operation x answer-check cells with no run",
        rows.len()
    );
    out
}
