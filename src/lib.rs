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
