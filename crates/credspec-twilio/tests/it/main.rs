//! The one integration test binary of credspec-twilio.

mod fuzz;
mod roundtrip;
mod strategies;
