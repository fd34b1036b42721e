//! credspec-benches: what the criterion benches of `benches/benches/` share.
//!
//! - [`fixtures`]: the bodies to decode, read from `specs/` (documented examples of the
//!   OpenAPI documents and template-free bodies of the positive cases).
//! - [`codec`]: the [`Operation`](codec::Operation) trait through which a vendor's codec is
//!   benched (decode, decode + validate, encode) beside a plain serde baseline.
//! - [`telnyx`], [`twilio`]: each vendor's operations, with the plain serde structs of
//!   their baselines.
//!
//! Nothing here is part of `cargo test`; see `BENCHMARKS.md` for how to run the benches.
#![deny(missing_docs)]

pub mod codec;
pub mod fixtures;
pub mod telnyx;
pub mod twilio;

/// Every vendor's operations.
pub fn operations() -> Vec<Box<dyn codec::Operation>> {
    let mut ops = telnyx::operations();
    ops.extend(twilio::operations());
    ops
}
