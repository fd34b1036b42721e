//! credspec-core: the types, ID formats, credential material and rules of five vendor
//! credential APIs.
#![deny(missing_docs)]

mod format;
mod macros;

pub mod error;
pub mod id;
pub mod material;
pub mod random;
pub mod secret;
pub mod timestamp;
pub mod value;

pub use time;
