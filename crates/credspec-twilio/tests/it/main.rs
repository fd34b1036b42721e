//! The one integration test binary of credspec-twilio.

mod fuzz;
mod roundtrip;
mod snapshots;
mod specs;
mod strategies;
