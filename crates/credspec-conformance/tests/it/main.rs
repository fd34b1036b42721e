//! The one integration test binary of credspec-conformance.

mod specs;
