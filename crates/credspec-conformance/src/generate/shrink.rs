//! Shrinking (issue 14 §4): a failed case of drawn values (a drawn positive, a stateful
//! sequence) is drawn again from its seed and index, and its proptest value tree is walked
//! to simpler values (shorter text, fewer actions, earlier picks) as proptest's own runner
//! does: simplify while the candidate still fails, complicate back when it passes. Each
//! candidate is run against the same target, by the same runner; a candidate counts as
//! failing only when one of the checks that failed the original fails it too, so that the
//! walk does not wander to another defect. The simplest failing candidate is kept on the
//! report, with its own failures and curl lines.

use std::collections::BTreeSet;

use proptest::strategy::ValueTree as _;

use super::PREFIX;
use super::positive::Positive;
use super::stateful::{DrawnTree, Sequences};
use crate::report::{CaseReport, CaseStatus, Shrunk, SuiteReport};
use crate::runner::Runner;
use crate::spec::{ApiId, Case, SpecSet};

/// The most candidates one failure runs: each may send a dozen requests.
pub const BUDGET: usize = 500;

/// What is drawn again, and the tree that shrinks it.
enum Drawn<'s> {
    Positive {
        positive: Positive<'s>,
        tree: Box<dyn proptest::strategy::ValueTree<Value = String>>,
    },
    Sequence {
        sequences: Sequences<'s>,
        api: ApiId,
        tree: DrawnTree,
    },
}

/// The value tree of one generated case, drawn again from its seed.
pub struct Shrinker<'s> {
    drawn: Drawn<'s>,
    n: usize,
    seed: u64,
}

impl std::fmt::Debug for Shrinker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.drawn {
            Drawn::Positive { .. } => "positive",
            Drawn::Sequence { .. } => "sequence",
        };
        f.debug_struct("Shrinker")
            .field("kind", &kind)
            .field("n", &self.n)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl<'s> Shrinker<'s> {
    /// The shrinker of generated case `id` as `seed` draws it; `None` for a case that draws
    /// nothing (protocol cases, negatives) or that this seed does not draw.
    pub fn for_case(specs: &'s SpecSet, id: &str, seed: u64) -> Option<Self> {
        let rest = id.strip_prefix(PREFIX)?;
        let api = ApiId::ALL
            .into_iter()
            .find(|api| rest.starts_with(&format!("{}.", super::short(*api))))?;
        if let Some(n) = rest
            .strip_prefix(&format!("{}.sequence-", super::short(api)))
            .and_then(|n| n.parse::<usize>().ok())
        {
            let sequences = Sequences::new(specs, seed);
            let (_, tree) = sequences
                .draws(api, n + 1)
                .into_iter()
                .find(|(i, _)| *i == n)?;
            return Some(Self {
                drawn: Drawn::Sequence {
                    sequences,
                    api,
                    tree,
                },
                n,
                seed,
            });
        }
        let (positive, n) = Positive::of_api(specs, api)
            .into_iter()
            .find_map(|p| p.draw_of(id).map(|n| (p, n)))?;
        let (_, tree) = positive.draws(seed, n + 1).find(|(i, _)| *i == n)?;
        Some(Self {
            drawn: Drawn::Positive { positive, tree },
            n,
            seed,
        })
    }

    /// The case of the current value; `None` when it makes no case (a sequence whose actions
    /// all fall on nothing, a value its schema refuses).
    pub fn current(&self) -> Option<Case> {
        match &self.drawn {
            Drawn::Positive { positive, tree } => positive.case(self.n, tree.current(), self.seed),
            Drawn::Sequence {
                sequences,
                api,
                tree,
            } => sequences.case(*api, self.n, &tree.current()),
        }
    }

    /// A simpler value; `false` when there is none.
    pub fn simplify(&mut self) -> bool {
        match &mut self.drawn {
            Drawn::Positive { tree, .. } => tree.simplify(),
            Drawn::Sequence { tree, .. } => tree.simplify(),
        }
    }

    /// Back towards the last failing value, after a simplification that passed; `false`
    /// when there is nothing between.
    pub fn complicate(&mut self) -> bool {
        match &mut self.drawn {
            Drawn::Positive { tree, .. } => tree.complicate(),
            Drawn::Sequence { tree, .. } => tree.complicate(),
        }
    }
}

/// The simplest draw found, within `budget` runs, that fails like `failed` (a report of the
/// generated case `case`, as `seed` draws it) against `runner`'s target; `None` when the
/// case draws nothing or no simpler draw fails.
pub async fn shrink(
    runner: &Runner,
    case: &Case,
    failed: &CaseReport,
    seed: u64,
    budget: usize,
) -> Option<Shrunk> {
    let mut shrinker = Shrinker::for_case(runner.specs(), &case.id, seed)?;
    let kinds = failed.failed_kinds();
    let mut best: Option<(CaseReport, Case)> = None;
    let mut runs = 0;
    if !shrinker.simplify() {
        return None;
    }
    while runs < budget {
        runs += 1;
        let fails = match shrinker.current() {
            Some(candidate) => {
                let report = runner.run_case(&candidate).await;
                let same = report.status == CaseStatus::Failed
                    && !report.failed_kinds().is_disjoint(&kinds);
                if same {
                    best = Some((report, candidate));
                }
                same
            }
            None => false,
        };
        let moved = if fails {
            shrinker.simplify()
        } else {
            shrinker.complicate()
        };
        if !moved {
            break;
        }
    }
    let (report, case) = best?;
    Some(Shrunk {
        runs,
        requests: case.exchanges().len(),
        seed,
        report,
        case,
    })
}

/// Shrinks the first failed drawn case of each kind (an operation's drawn member, an API's
/// sequences) of `suite`, run by `runner` with the generated cases of `seed`, and keeps each
/// result on its report. One of a kind is enough to show the defect, and a broad defect
/// fails every draw of it: shrinking them all would multiply the run.
pub async fn shrink_failures(runner: &Runner, suite: &mut SuiteReport, seed: u64) {
    let mut shrunk_kinds = BTreeSet::new();
    for report in suite
        .cases
        .iter_mut()
        .filter(|r| r.status == CaseStatus::Failed && r.id.starts_with(PREFIX))
    {
        let kind = report
            .id
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .to_owned();
        if shrunk_kinds.contains(&kind) {
            continue;
        }
        let Some(case) = runner.generated_case(&report.id) else {
            continue;
        };
        report.shrunk = shrink(runner, case, report, seed, BUDGET)
            .await
            .map(Box::new);
        if report.shrunk.is_some() {
            shrunk_kinds.insert(kind);
        }
    }
}
