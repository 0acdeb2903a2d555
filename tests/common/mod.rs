//! Helpers shared by the integration tests.
#![allow(dead_code)]

use socialpulse::config::Config;
use socialpulse::model::Post;
use socialpulse::pipeline::{collect, Collected};
use socialpulse::privacy::Pseudonymiser;
use std::path::{Path, PathBuf};

pub const KEY: &[u8] = b"test-key-not-secret";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example pipeline's config (accounts, mappings) pointed at the given inputs.
pub fn config_for(inputs: &[PathBuf]) -> Config {
    let mut cfg = Config::load(&root().join("pipelines/example.toml")).expect("example config");
    cfg.input.paths = inputs.to_vec();
    cfg
}

pub fn pseudo() -> Pseudonymiser {
    Pseudonymiser::from_secret(KEY, false)
}

pub fn collect_paths(inputs: &[PathBuf]) -> Collected {
    collect(&config_for(inputs), &pseudo()).expect("collect")
}

/// Read fixtures (paths relative to fixtures/) in memory through the pipeline.
pub fn fixtures(paths: &[&str]) -> Collected {
    let inputs: Vec<PathBuf> = paths
        .iter()
        .map(|p| root().join("fixtures").join(p))
        .collect();
    collect_paths(&inputs)
}

/// Microseconds of an RFC 3339 instant, parsed by chrono (not by our code).
pub fn ts(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .expect("rfc3339")
        .timestamp_micros()
}

pub fn find<'a>(c: &'a Collected, id: &str) -> &'a Post {
    c.posts.iter().find(|p| p.post_id == id).unwrap_or_else(|| {
        panic!(
            "post {id} not found among {:?}",
            c.posts.iter().map(|p| &p.post_id).collect::<Vec<_>>()
        )
    })
}

pub fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write temp file");
    p
}
