//! The nightly state, kept inside each snapshot under `_state/` so that it is published
//! (and survives a kill) together with the tables it describes:
//!
//! - `state.json`: the inputs ingested (path, size, modification time, BLAKE3), the
//!   fingerprints of the configuration the stored posts were made under, and per UTC
//!   day what is stored;
//! - `posts/day-<N>.parquet`: what the day's published `posts` rows lack to be the
//!   stored posts (sealed working links, withheld flags, unpublished text; see
//!   `stored.rs`), kept while the day is within `retention.days`. The posts
//!   themselves are the published partitions, read back when the day is recomputed;
//! - `days/day-<N>.bin`: the day's metric accumulators, emerging-term counts and
//!   escalated posts, from which every table but `posts` is rebuilt each run;
//! - `responses.bin`: every response seen (key of the answered post, time), for
//!   matching late replies to earlier posts;
//! - `rejects.bin`: the rejects of every input ingested.
//!
//! Binary files are bincode, zstd-compressed. A day's files change only when the day
//! does; the others are hard-linked from the previous snapshot. A snapshot of the
//! previous layout (format 2, which stored each day's posts again as
//! `posts/day-<N>.bin`) is read and rewritten in this one by the next run.

use crate::analysis::emerging::DayTerms;
use crate::config::Config;
use crate::metrics::Accumulators;
use crate::model::Post;
use bincode::Options;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const STATE_DIR: &str = "_state";
/// How to rebuild when the state cannot be used, for the messages that ask for it.
pub const FULL_HINT: &str = "run again with --full (it reads every input in input.paths; if inputs ingested before are gone, it names them and rebuilds without them only with --forget-missing)";
/// Raised when the layout of `_state/` changes; an output with another layout is
/// rebuilt from the inputs (with a message saying so).
pub const STATE_FORMAT: u32 = 3;
/// The layout before the posts were stored once, still read (and rewritten).
pub const LEGACY_FORMAT: u32 = 2;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    /// Fingerprint of what reading and normalising depend on (mappings, accounts,
    /// privacy options and key): stored posts cannot be redone without the inputs.
    pub ingest: String,
    /// The same, part by part ([`ingest_parts`]), so a run that needs `--full` can
    /// name the setting that changed (absent in states written before it existed).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ingest_parts: BTreeMap<String, String>,
    /// Fingerprint of what analysing a post depends on (sentiment, topics, flags,
    /// escalation rules, time zone): stored posts are re-analysed when it changes.
    pub analysis: String,
    /// `output.partition` the `posts` table is laid out by.
    pub partition: String,
    /// Inputs ingested, by recorded path.
    pub inputs: BTreeMap<String, InputRecord>,
    /// What is stored per UTC day (days since the epoch).
    pub days: BTreeMap<i64, DayState>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InputRecord {
    pub bytes: u64,
    /// Modification time, nanoseconds since the epoch (0 when the file system has none).
    pub modified_ns: i64,
    pub blake3: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DayState {
    /// Posts of the day after deduplication.
    pub posts: u64,
    /// The day's posts are stored (and published): false once older than
    /// `retention.days`.
    pub stored: bool,
    /// The stored posts keep their text: false once older than `retention.text_days`.
    pub text: bool,
}

/// What the tables need of one day.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DaySummary {
    /// Folded over the day's posts; responsiveness items not yet matched (the
    /// responses live in `responses.bin`).
    pub acc: Accumulators,
    pub terms: DayTerms,
    /// The day's escalated posts (none once the day is past `retention.days`).
    pub escalated: Vec<Post>,
}

pub fn dir(snapshot: &Path) -> PathBuf {
    snapshot.join(STATE_DIR)
}

pub fn sidecar_path(snapshot: &Path, day: i64) -> PathBuf {
    dir(snapshot)
        .join("posts")
        .join(format!("day-{day}.parquet"))
}

/// A day's posts as format 2 stored them (bincode).
pub fn legacy_posts_path(snapshot: &Path, day: i64) -> PathBuf {
    dir(snapshot).join("posts").join(format!("day-{day}.bin"))
}

pub fn summary_path(snapshot: &Path, day: i64) -> PathBuf {
    dir(snapshot).join("days").join(format!("day-{day}.bin"))
}

pub fn responses_path(snapshot: &Path) -> PathBuf {
    dir(snapshot).join("responses.bin")
}

pub fn rejects_path(snapshot: &Path) -> PathBuf {
    dir(snapshot).join("rejects.bin")
}

fn codec() -> impl bincode::Options + Copy {
    bincode::DefaultOptions::new()
}

/// Write a value as zstd-compressed bincode.
pub fn write_bin<T: Serialize>(path: &Path, value: &T) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    if let Some(parent) = path.parent() {
        crate::sinks::publish::create_dir_all(parent).map_err(|e| err(&e))?;
    }
    let file = std::fs::File::create(path).map_err(|e| err(&e))?;
    let mut z = zstd::Encoder::new(std::io::BufWriter::new(file), 1).map_err(|e| err(&e))?;
    codec().serialize_into(&mut z, value).map_err(|e| err(&e))?;
    use std::io::Write;
    z.finish()
        .map_err(|e| err(&e))?
        .flush()
        .map_err(|e| err(&e))
}

/// Read a value written by [`write_bin`]; a damaged file is an error naming it.
pub fn read_bin<T: DeserializeOwned>(path: &Path) -> Result<T, String> {
    let err = |e: &dyn std::fmt::Display| {
        format!("damaged state file {}: {e}; {}", path.display(), FULL_HINT)
    };
    let file = std::fs::File::open(path).map_err(|e| err(&e))?;
    let z = zstd::Decoder::new(file).map_err(|e| err(&e))?;
    codec()
        .deserialize_from(std::io::BufReader::new(z))
        .map_err(|e| err(&e))
}

impl State {
    /// The state of a published snapshot; `None` when it has none (a first run, or
    /// an output written by a version without nightly state).
    pub fn load(snapshot: &Path) -> Result<Option<State>, String> {
        let path = dir(snapshot).join("state.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let state: State = serde_json::from_str(&text)
            .map_err(|e| format!("damaged state file {}: {e}; {FULL_HINT}", path.display()))?;
        Ok(matches!(state.format, STATE_FORMAT | LEGACY_FORMAT).then_some(state))
    }

    pub fn save(&self, snapshot: &Path) -> Result<(), String> {
        let path = dir(snapshot).join("state.json");
        let json = serde_json::to_string_pretty(self).map_err(|e| format!("state: {e}"))?;
        crate::sinks::publish::create_dir_all(&dir(snapshot))
            .and_then(|_| std::fs::write(&path, json))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

fn fingerprint<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    blake3::hash(json.as_bytes()).to_hex()[..16].to_string()
}

/// See [`State::ingest`]. `key_check` is a pseudonym made with the run's key, so a
/// changed key (which changes every stored pseudonym) counts as a change. A handle is
/// the same account with or without its leading `@`.
pub fn ingest_fingerprint(cfg: &Config, key_check: &str) -> String {
    fingerprint_read(cfg, &same_accounts(cfg), key_check)
}

/// The fingerprint outputs written before handles were compared without their `@`
/// hold: equal to [`ingest_fingerprint`] unless a handle is written with one.
pub fn legacy_ingest_fingerprint(cfg: &Config, key_check: &str) -> String {
    fingerprint_read(cfg, &cfg.accounts, key_check)
}

/// The accounts as they decide who is who: handles without a leading `@`.
fn same_accounts(cfg: &Config) -> Vec<crate::config::AccountConfig> {
    let mut accounts = cfg.accounts.clone();
    for a in &mut accounts {
        a.handle = a.handle.trim_start_matches('@').to_string();
    }
    accounts
}

/// [`State::ingest_parts`]: one fingerprint per setting reading depends on, by the name
/// a user knows it by; `key_id` names the pseudonymisation key
/// ([`crate::privacy::Pseudonymiser::key_id`]).
pub fn ingest_parts(cfg: &Config, key_id: &str) -> BTreeMap<String, String> {
    let p = &cfg.privacy;
    [
        ("[[mappings]]", fingerprint(&cfg.mappings)),
        ("[[accounts]]", fingerprint(&same_accounts(cfg))),
        (
            "privacy.keep_public_identities",
            fingerprint(&p.keep_public_identities),
        ),
        ("privacy.private_messages", fingerprint(&p.private_messages)),
        ("the pseudonymisation key", fingerprint(&key_id)),
        ("input.timezone", fingerprint(&cfg.input.timezone)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn fingerprint_read(
    cfg: &Config,
    accounts: &[crate::config::AccountConfig],
    key_check: &str,
) -> String {
    let p = &cfg.privacy;
    let read = (
        &cfg.mappings,
        accounts,
        p.keep_public_identities,
        &p.private_messages,
        key_check,
    );
    // `input.timezone` decides how some exports' times are read; unset, the fingerprint
    // is the one outputs written before it existed hold.
    match &cfg.input.timezone {
        None => fingerprint(&read),
        Some(tz) => fingerprint(&(read, tz)),
    }
}

/// See [`State::analysis`].
pub fn analysis_fingerprint(cfg: &Config) -> String {
    fingerprint(&(
        &cfg.sentiment,
        &cfg.topics,
        &cfg.flags,
        &cfg.escalation,
        &cfg.metrics.timezone,
        // The models' content, not only their paths: a retrained file is re-applied.
        (
            cfg.classifiers
                .iter()
                .map(|c| (&c.name, c.threshold))
                .collect::<Vec<_>>(),
            crate::analysis::model_digests(cfg),
            &cfg.responsiveness,
        ),
    ))
}

/// Size and modification time of an input, for telling an unchanged file from one
/// to read again.
pub fn file_stamp(path: &Path) -> Option<(u64, i64)> {
    let m = std::fs::metadata(path).ok()?;
    let ns = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    Some((m.len(), ns))
}
