//! credspec-conformance: replays `specs/` (the OpenAPI document of every API and the documented
//! example cases) against any implementation of the six credential APIs, checks every
//! response, and normalizes it for snapshots.
//!
//! It is an oracle, so it is deliberately independent of the codec crates
//! (`credspec-twilio`, `credspec-telnyx`): the emulator is built from them, and a checker
//! that shared their code would share their bugs. Its facts come from `specs/` instead:
//! schemas, `const`s, patterns and query defaults from each OpenAPI document, and what JSON
//! Schema cannot say (the timestamp form of each member, where an error body carries its
//! code, the token algorithm) from the document's `x-credspec` block ([`spec::Oracle`]).
//! From `credspec-core` it takes the table of APIs, the id, value and timestamp parsers,
//! rule ids and profiles, and `Secret`; never a codec.
//! It links the emulator only in its own tests (the CLI starts the emulator as the default
//! target).
//!
//! - [`spec`]: `specs/` as typed data, every schema compiled once.
//! - [`target`]: base URLs per API and credentials per vendor, from flags or environment.
//! - [`runner`]: schedules cases and scenarios, their steps, captures and cleanup.
//! - [`check`]: one module per check kind ([`check::CheckKind`]), each a function of one
//!   exchange; [`check::domain`] holds the domain rules a response must satisfy beyond its
//!   schema.
//! - [`normalize`]: redacted, sorted responses for snapshots.
//! - [`report`]: summary table, JUnit XML, JSON.
//! - [`observe`]: the same checks on exchanges no case wrote (what `credspec proxy` sees).
//! - [`coverage`]: the matrix of operations × check kinds a run exercised.
//! - [`generate`]: cases the documents imply without a case file (the protocol phase).
//! - [`harness`]: the suite as `cargo test`, one named test per case, for this workspace
//!   and for downstream crates testing their own implementation.
//!
//! ```no_run
//! use std::sync::Arc;
//! use credspec_conformance::{known::KnownFailures, runner::Runner, spec::SpecSet, target::Target};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let specs = Arc::new(SpecSet::load(SpecSet::default_root())?);
//! let target = Target::from_vars(|v| std::env::var(v).ok())?.ok_or("no target")?;
//! let runner = Runner::new(specs, target, KnownFailures::default())?;
//! let report = runner.run_all(None, 4, Arc::new(|_| {})).await;
//! print!("{}", credspec_conformance::report::summary_table(&report));
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod check;
pub mod coverage;
pub mod exchange;
pub mod fixtures;
pub mod generate;
pub mod harness;
pub mod known;
pub mod normalize;
pub mod observe;
pub mod report;
pub mod runner;
pub mod spec;
pub mod target;
pub mod template;
