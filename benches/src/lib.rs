//! credspec-benches: what the criterion benches of `benches/benches/` share.
//!
//! - [`fixtures`]: the bodies to decode, read from `specs/` (documented examples of the
//!   OpenAPI documents and template-free bodies of the positive cases).
//! - [`codec`]: the [`Operation`](codec::Operation) trait through which a vendor's codec is
//!   benched (decode, decode + validate, encode) beside a plain serde baseline.
//! - [`telnyx`]: the Telnyx operations. Twilio's plug in the same way once `credspec-twilio`
//!   exists.
//!
//! Nothing here is part of `cargo test`; see `BENCHMARKS.md` for how to run the benches.
#![deny(missing_docs)]

pub mod codec;
pub mod fixtures;
pub mod telnyx;

/// Every vendor's operations (Telnyx today).
pub fn operations() -> Vec<Box<dyn codec::Operation>> {
    telnyx::operations()
}
