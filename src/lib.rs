//! socialpulse: social listening and sentiment analytics as a batch pipeline.
//!
//! Data flows one way: [`sources`] → [`model::Post`] → [`analysis`] → [`sinks`],
//! orchestrated by [`pipeline`]. The CLI in `main.rs` is a thin wrapper.

pub mod analysis;
pub mod config;
pub mod corpus;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod privacy;
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
}
