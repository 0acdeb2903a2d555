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

/// The example config over `inputs`, run into `out`: every reject kept (no ratio
/// limit), no progress bar, the key from `key_env` (unset: generated under `out`).
pub fn run_config(inputs: &[PathBuf], out: &Path, key_env: &str) -> Config {
    let mut cfg = config_for(inputs);
    cfg.output.dir = out.to_path_buf();
    cfg.run.max_reject_ratio = 1.0;
    cfg.run.progress = false;
    cfg.privacy.key_env = key_env.into();
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

/// A generated NDJSON corpus of `posts` records under `dir/corpus` (the CLI's
/// `generate`); returns its `pipeline.toml`.
pub fn generated_corpus(dir: &Path, posts: u64) -> PathBuf {
    let corpus = dir.join("corpus");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_socialpulse"))
        .args(["generate", "--format", "ndjson", "--posts"])
        .arg(posts.to_string())
        .arg("--out")
        .arg(&corpus)
        .output()
        .expect("generate");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    corpus.join("pipeline.toml")
}

/// Snapshots in `out` other than the published one (a run's, in progress or left by a
/// killed run).
pub fn unpublished(out: &Path) -> Vec<PathBuf> {
    let current = socialpulse::sinks::publish::current(out);
    let Ok(rd) = std::fs::read_dir(socialpulse::sinks::publish::snapshots_dir(out)) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| Some(p) != current.as_ref())
        .collect();
    v.sort();
    v
}

/// Whether a run's unpublished snapshot exists in `out`.
pub fn staged(out: &Path) -> bool {
    !unpublished(out).is_empty()
}

/// The published snapshot of `out` (what `OUT/current` points to).
pub fn cur(out: &Path) -> PathBuf {
    out.join("current")
}

/// Wait (up to a minute) until a run has staged into `out`, then a little longer so it
/// is busy writing.
pub fn wait_until_staged(out: &Path) {
    let t = std::time::Instant::now();
    while !staged(out) && t.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(staged(out), "the run never staged into {}", out.display());
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// Every record batch of a published table (its Parquet files, partitions included, in
/// path order).
pub fn read_table(dir: &Path) -> Vec<arrow::record_batch::RecordBatch> {
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    files(dir, &mut paths);
    paths
        .iter()
        .flat_map(|f| {
            parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
                std::fs::File::open(f).expect("open"),
            )
            .expect("parquet")
            .build()
            .expect("reader")
            .map(|b| b.expect("batch"))
        })
        .collect()
}

/// Every file below `dir`, depth first (nothing when it cannot be read).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A batch's column by name, as its Arrow array type.
pub fn column<T: arrow::array::Array + Clone + 'static>(
    b: &arrow::record_batch::RecordBatch,
    name: &str,
) -> T {
    b.column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>().cloned())
        .unwrap_or_else(|| panic!("column {name} of the expected type"))
}
