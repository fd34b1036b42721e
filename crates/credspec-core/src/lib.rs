//! credspec-core: the types, ID formats, credential material and rules of five vendor
//! credential APIs.
#![deny(missing_docs)]

pub mod material;
pub mod random;
pub mod secret;
