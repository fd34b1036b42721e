//! The real clock and the operating system's randomness: what the binary injects where tests
//! inject a [`FixedClock`](credspec_core::timestamp::FixedClock) and a
//! [`SeededRandom`](credspec_core::random::SeededRandom).

use std::sync::Mutex;

use credspec_core::random::{RandomSource, SeededRandom};
use credspec_core::time::OffsetDateTime;
use credspec_core::timestamp::Clock;

/// The system clock: the only place in the emulator that reads the time of day.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct SystemClock;

impl SystemClock {
    /// The system clock.
    pub fn new() -> Self {
        Self
    }
}

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The one real clock; everything else is injected.
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Randomness from the operating system (`getrandom`), for ids and secrets the binary hands
/// out. It asks the OS for [`OsRandom::BUFFER`] bytes at a time and hands each byte out
/// once (one system call per few hundred ids, not one per id). Should the OS source ever
/// fail, it falls back to a generator seeded from the clock rather than panic.
#[non_exhaustive]
pub struct OsRandom {
    buffer: Box<[u8; Self::BUFFER]>,
    /// How many bytes at the start of `buffer` are used up.
    used: usize,
    fallback: Option<SeededRandom>,
}

impl std::fmt::Debug for OsRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The buffer holds future secrets: never printed.
        f.debug_struct("OsRandom")
            .field("fallback", &self.fallback.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for OsRandom {
    fn default() -> Self {
        Self {
            buffer: Box::new([0; Self::BUFFER]),
            used: Self::BUFFER,
            fallback: None,
        }
    }
}

impl OsRandom {
    /// How many bytes one request to the OS fetches.
    pub const BUFFER: usize = 4096;

    /// The OS source.
    pub fn new() -> Self {
        Self::default()
    }

    fn fallback(&mut self) -> &mut SeededRandom {
        self.fallback.get_or_insert_with(|| {
            tracing::warn!(
                "the operating system's random source failed; using a clock-seeded generator"
            );
            let nanos = SystemClock.now().unix_timestamp_nanos();
            SeededRandom::new(u64::try_from(nanos & i128::from(u64::MAX)).unwrap_or_default())
        })
    }
}

impl RandomSource for OsRandom {
    fn fill_bytes(&mut self, mut dest: &mut [u8]) {
        while !dest.is_empty() {
            if self.fallback.is_some() {
                self.fallback().fill_bytes(dest);
                return;
            }
            if self.used == Self::BUFFER {
                if getrandom::fill(self.buffer.as_mut_slice()).is_err() {
                    self.fallback().fill_bytes(dest);
                    return;
                }
                self.used = 0;
            }
            let available = self.buffer.get(self.used..).unwrap_or_default();
            let n = available.len().min(dest.len());
            let (now, rest) = dest.split_at_mut(n);
            now.copy_from_slice(available.get(..n).unwrap_or_default());
            // Each byte is handed out once: wipe what was taken.
            if let Some(taken) = self.buffer.get_mut(self.used..self.used + n) {
                taken.fill(0);
            }
            self.used += n;
            dest = rest;
        }
    }
}

/// A random source shared by request handlers.
pub(crate) struct SharedRandom(Mutex<Box<dyn RandomSource + Send>>);

impl std::fmt::Debug for SharedRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedRandom")
    }
}

impl SharedRandom {
    pub(crate) fn new(source: Box<dyn RandomSource + Send>) -> Self {
        Self(Mutex::new(source))
    }

    /// Runs `f` with exclusive use of the source.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Borrowed<'_>) -> T) -> T {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut Borrowed(guard.as_mut()))
    }
}

/// A borrowed random source, sized so that core's `generate(&mut impl RandomSource)`
/// functions take it.
pub(crate) struct Borrowed<'a>(&'a mut (dyn RandomSource + Send));

impl RandomSource for Borrowed<'_> {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_random_fills_and_differs() {
        let mut r = OsRandom::new();
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        r.fill_bytes(&mut a);
        r.fill_bytes(&mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn os_random_hands_out_fresh_bytes_across_refills() {
        let mut r = OsRandom::new();
        let mut seen = std::collections::BTreeSet::new();
        // Several buffers' worth in odd-sized pieces: no 13-byte piece repeats.
        for _ in 0..(3 * OsRandom::BUFFER / 13) {
            let mut piece = [0u8; 13];
            r.fill_bytes(&mut piece);
            assert!(seen.insert(piece), "a repeated piece");
        }
        let mut big = vec![0u8; 2 * OsRandom::BUFFER + 5];
        r.fill_bytes(&mut big);
        assert!(big.iter().any(|b| *b != 0));
        assert!(
            big[big.len() - 8..].iter().any(|b| *b != 0),
            "filled to the end"
        );
    }

    #[test]
    fn shared_random_is_the_injected_source() {
        let shared = SharedRandom::new(Box::new(SeededRandom::new(3)));
        let mut direct = SeededRandom::new(3);
        assert_eq!(shared.with(|r| r.next_u64()), direct.next_u64());
    }
}
