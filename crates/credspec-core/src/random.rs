//! The injected random source used to generate identifiers and secrets.
//!
//! Core never reads the operating system's randomness: a server passes its own
//! [`RandomSource`] (backed by the OS in the binary, seeded in tests), so that every generated
//! id is reproducible under test.

/// A source of random bytes.
pub trait RandomSource {
    /// Fills `dest` with random bytes.
    fn fill_bytes(&mut self, dest: &mut [u8]);

    /// A random `u64`.
    fn next_u64(&mut self) -> u64 {
        let mut buf = [0u8; 8];
        self.fill_bytes(&mut buf);
        u64::from_le_bytes(buf)
    }

    /// A uniformly chosen element of `alphabet`, which must not be empty.
    fn pick(&mut self, alphabet: &[u8]) -> u8 {
        let len = alphabet.len() as u64;
        if len == 0 {
            return 0;
        }
        // Rejection sampling keeps the choice uniform.
        let zone = u64::MAX - (u64::MAX % len);
        loop {
            let v = self.next_u64();
            if v < zone {
                return alphabet[(v % len) as usize];
            }
        }
    }
}

/// A small deterministic generator (SplitMix64) for tests and reproducible runs.
///
/// Not cryptographically secure: servers that hand out real secrets use an OS-backed source.
#[derive(Debug, Clone)]
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    /// A generator whose output is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }
}

impl RandomSource for SeededRandom {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_is_reproducible_and_seed_dependent() {
        let mut a = SeededRandom::new(7);
        let mut b = SeededRandom::new(7);
        let mut c = SeededRandom::new(8);
        let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert_eq!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn pick_stays_in_alphabet() {
        let mut r = SeededRandom::new(1);
        let alphabet = b"abc";
        let mut seen = [false; 3];
        for _ in 0..200 {
            let c = r.pick(alphabet);
            let i = alphabet.iter().position(|&a| a == c).expect("in alphabet");
            seen[i] = true;
        }
        assert!(seen.iter().all(|s| *s), "all letters drawn: {seen:?}");
    }
}
