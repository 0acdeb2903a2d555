//! socialpulse: social listening and sentiment analytics as a batch pipeline.
//!
//! Data flows one way: [`sources`] → [`model::Post`] → [`analysis`] → [`sinks`],
//! orchestrated by [`pipeline`]. The CLI in `main.rs` is a thin wrapper.

pub mod analysis;
pub mod config;
pub mod corpus;
pub mod eval;
pub mod exit;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod privacy;
pub mod report;
pub mod sinks;
pub mod sources;
pub mod text;

/// Helpers shared by unit tests.
#[cfg(test)]
pub(crate) mod testing {
    /// A xorshift generator: reproducible pseudo-random test inputs without a dependency.
    pub struct XorShift(pub u64);

    impl XorShift {
        /// A number below `m`.
        pub fn below(&mut self, m: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % m as u64) as usize
        }
    }

    /// `n` texts of up to `max_pieces - 1` pieces each, drawn with the generator seeded
    /// `seed`; every second text uses only the ASCII pieces, so the byte paths that
    /// specialise ASCII text are exercised as often as the general ones.
    pub fn piece_texts(seed: u64, pieces: &[&str], max_pieces: usize, n: usize) -> Vec<String> {
        let mut rng = XorShift(seed);
        let ascii: Vec<&str> = pieces.iter().copied().filter(|p| p.is_ascii()).collect();
        (0..n)
            .map(|k| {
                let from = if k % 2 == 0 { &ascii[..] } else { pieces };
                let count = rng.below(max_pieces);
                (0..count).map(|_| from[rng.below(from.len())]).collect()
            })
            .collect()
    }
}
