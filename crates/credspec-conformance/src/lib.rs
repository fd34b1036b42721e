//! credspec-conformance: loads `specs/` (the five OpenAPI documents and the documented example
//! cases) and, in later work, replays them against any implementation.
//!
//! It depends on `credspec-core` for the rules a case names; it never links the emulator
//! except in its own tests.
//!
//! ```no_run
//! use credspec_conformance::spec::SpecSet;
//!
//! let specs = SpecSet::load(SpecSet::default_root())?;
//! println!("{} cases", specs.cases().len());
//! # Ok::<(), credspec_conformance::spec::SpecError>(())
//! ```
#![deny(missing_docs)]

pub mod spec;
