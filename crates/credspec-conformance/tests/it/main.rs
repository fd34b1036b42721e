//! The one integration test binary of credspec-conformance.
// Helpers outside #[test] functions may unwrap: a broken spec file should stop the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulator;
mod generate;
mod harness;
mod known;
mod observe;
mod report;
mod specs;
