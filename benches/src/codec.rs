//! What the codec bench runs for one operation and direction: decode, decode + validate,
//! encode, and the baseline (the same bytes read by serde into a plain struct of the same
//! shape, without validation).
//!
//! A vendor plugs in by listing its operations as [`Operation`]s (see [`crate::telnyx`]);
//! the bench iterates over every vendor's list and every fixture of that operation.

use std::hint::black_box;

use crate::fixtures::Direction;

/// Reads bytes into something, or says why not.
pub type DecodeFn<T> = fn(&[u8]) -> Result<T, String>;

/// One operation's codec in one direction, as the bench sees it: every function returns
/// only whether it succeeded (the value goes through [`black_box`] and is dropped inside,
/// in the codec and the baseline alike).
pub trait Operation: Send + Sync {
    /// The API as `specs/` names it.
    fn api(&self) -> &'static str;
    /// The OpenAPI `operationId`.
    fn operation(&self) -> &'static str;
    /// Which body it reads.
    fn direction(&self) -> Direction;
    /// Decodes with the codec.
    fn decode(&self, bytes: &[u8]) -> Result<(), String>;
    /// Decodes with the codec, then applies core's rules (via `to_params()` / `check()` /
    /// `validate()`); an input they refuse is an error.
    fn decode_validate(&self, bytes: &[u8]) -> Result<(), String>;
    /// The baseline, when there is one: `serde_json::from_slice` into a plain struct.
    fn baseline(&self) -> Option<DecodeFn<()>>;
    /// Decodes once (outside the timing) and returns the encoder of that value; it returns
    /// the encoded length.
    fn encoder(&self, bytes: &[u8]) -> Result<Box<dyn Fn() -> usize + '_>, String>;
}

/// An [`Operation`] from plain functions: `T` is the codec's type, `B` the baseline's.
#[derive(Debug)]
pub struct Op<T> {
    /// The API.
    pub api: &'static str,
    /// The operation.
    pub operation: &'static str,
    /// The direction.
    pub direction: Direction,
    /// The codec's decoder.
    pub decode: DecodeFn<T>,
    /// Core's rules on the decoded value.
    pub validate: fn(&T) -> Result<(), String>,
    /// The codec's encoder.
    pub encode: fn(&T) -> Vec<u8>,
    /// The baseline.
    pub baseline: Option<DecodeFn<()>>,
}

impl<T: Send + Sync + 'static> Operation for Op<T> {
    fn api(&self) -> &'static str {
        self.api
    }

    fn operation(&self) -> &'static str {
        self.operation
    }

    fn direction(&self) -> Direction {
        self.direction
    }

    fn decode(&self, bytes: &[u8]) -> Result<(), String> {
        (self.decode)(bytes).map(|v| drop(black_box(v)))
    }

    fn decode_validate(&self, bytes: &[u8]) -> Result<(), String> {
        let value = (self.decode)(bytes)?;
        (self.validate)(&value)?;
        drop(black_box(value));
        Ok(())
    }

    fn baseline(&self) -> Option<DecodeFn<()>> {
        self.baseline
    }

    fn encoder(&self, bytes: &[u8]) -> Result<Box<dyn Fn() -> usize + '_>, String> {
        let value = (self.decode)(bytes)?;
        Ok(Box::new(move || black_box((self.encode)(&value)).len()))
    }
}

/// The baseline of plain struct `B`: `serde_json::from_slice`, nothing else.
pub fn serde_baseline<B: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<(), String> {
    serde_json::from_slice::<B>(bytes)
        .map(|v| drop(black_box(v)))
        .map_err(|e| e.to_string())
}

/// Violations as one error text (empty list = valid).
pub fn violations<V: std::fmt::Debug>(found: &[V]) -> Result<(), String> {
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!("{found:?}"))
    }
}
