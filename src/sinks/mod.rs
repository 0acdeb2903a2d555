//! Sinks: Parquet tables (Hive-partitioned where it helps), the run manifest, and
//! atomic publication (everything is staged, then renamed into place).

pub mod emerging;
pub mod escalations;
pub mod parquet;
pub mod posts;
pub mod publish;
pub mod read;
pub mod rejects;
pub mod run_summary;
