//! The one integration test binary of credspec-telnyx.

mod fuzz;
mod roundtrip;
mod snapshots;
mod specs;
mod strategies;
mod translate;
