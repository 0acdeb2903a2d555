//! Stage timers: thread time per pipeline stage, summed across workers.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Thread time spent per pipeline stage, summed across workers: where a run's CPU goes.
pub struct Stages {
    nanos: [AtomicU64; Stages::NAMES.len()],
}

impl Stages {
    pub const NAMES: [&'static str; 10] = [
        "parse",
        "spill",
        "dedup",
        "sentiment",
        "listening",
        "aggregate",
        "write_posts",
        "write_tables",
        "rejects",
        "state",
    ];

    pub fn new() -> Stages {
        Stages {
            nanos: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    /// Run `f`, charging its time to `stage`.
    pub fn time<T>(&self, stage: usize, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.nanos[stage].fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        out
    }

    pub fn add(&self, stage: usize, d: std::time::Duration) {
        self.nanos[stage].fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
    }

    pub fn sub(&self, stage: usize, d: std::time::Duration) {
        self.nanos[stage].fetch_sub(d.as_nanos() as u64, Ordering::Relaxed);
    }

    pub fn report(&self) -> BTreeMap<String, u64> {
        Stages::NAMES
            .iter()
            .zip(&self.nanos)
            .map(|(n, v)| (n.to_string(), v.load(Ordering::Relaxed) / 1_000_000))
            .collect()
    }
}

impl Default for Stages {
    fn default() -> Stages {
        Stages::new()
    }
}

pub const PARSE: usize = 0;
pub const SPILL: usize = 1;
pub const DEDUP: usize = 2;
pub const SENTIMENT: usize = 3;
pub const LISTENING: usize = 4;
pub const AGGREGATE: usize = 5;
pub const WRITE_POSTS: usize = 6;
pub const WRITE_TABLES: usize = 7;
pub const REJECTS: usize = 8;
/// Reading and writing the nightly state (stored posts, day summaries).
pub const STATE: usize = 9;
