//! Where a published snapshot's bytes are: each table, and in `_state/` each part of the
//! day summaries encoded alone as the state stores it (bincode, zstd level 1), summed
//! over the days, beside the posts sidecars and the response index.
//!
//!     cargo run --profile ci --example state_sizes -- OUT/current

use serde::Serialize;
use socialpulse::pipeline::state::{self, DaySummary};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn main() {
    let Some(snapshot) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: state_sizes OUT/current");
        std::process::exit(2);
    };
    let snapshot = std::fs::canonicalize(&snapshot).unwrap_or(snapshot);
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    let posts = bytes_under(&snapshot.join("posts"));
    let mut tables: BTreeMap<String, u64> = BTreeMap::new();
    for entry in std::fs::read_dir(&snapshot).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        tables.insert(name, bytes_under(&entry.path()));
    }
    let total: u64 = tables.values().sum();
    println!(
        "snapshot {:.1} MiB = {:.3}x posts",
        mib(total),
        total as f64 / posts as f64
    );
    for (name, b) in &tables {
        println!(
            "  {name:<16} {:>8.2} MiB  {:.3}x posts",
            mib(*b),
            *b as f64 / posts as f64
        );
    }

    let dir = state::dir(&snapshot);
    let scratch = std::env::temp_dir().join(format!("state_sizes-{}.bin", std::process::id()));
    let mut parts: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut days, mut open, mut escalated, mut files) = (0u64, 0usize, 0usize, 0u64);
    let mut summaries: Vec<PathBuf> = std::fs::read_dir(dir.join("days"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    summaries.sort();
    for path in &summaries {
        let s: DaySummary = match state::read_bin(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        days += 1;
        files += std::fs::metadata(path).map_or(0, |m| m.len());
        open += s.acc.responsiveness.unanswered().len();
        escalated += s.escalated.len();
        let mut add = |name, size| *parts.entry(name).or_default() += size;
        add(
            "daily_volume (author hashes)",
            encoded(&scratch, &s.acc.volume),
        );
        add(
            "daily_sentiment (compounds)",
            encoded(&scratch, &s.acc.sentiment),
        );
        add("engagement", encoded(&scratch, &s.acc.engagement));
        add(
            "responsiveness (open items)",
            encoded(&scratch, &s.acc.responsiveness),
        );
        add("topic_daily", encoded(&scratch, &s.acc.topics));
        add("daily_labels", encoded(&scratch, &s.acc.labels));
        add("emerging term counts", encoded(&scratch, &s.terms));
        add("escalated posts", encoded(&scratch, &s.escalated));
    }
    let _ = std::fs::remove_file(&scratch);
    println!(
        "_state/days: {days} summaries, {:.2} MiB ({open} open items, {escalated} escalated posts); each part encoded alone:",
        mib(files)
    );
    for (name, b) in &parts {
        println!(
            "  {name:<30} {:>8.2} MiB  {:.3}x posts",
            mib(*b),
            *b as f64 / posts as f64
        );
    }
    for (name, path) in [
        ("_state/posts (sidecars)", dir.join("posts")),
        ("_state/responses.bin", state::responses_path(&snapshot)),
        ("_state/rejects.bin", state::rejects_path(&snapshot)),
    ] {
        let b = bytes_under(&path);
        println!(
            "{name:<32} {:>8.2} MiB  {:.3}x posts",
            mib(b),
            b as f64 / posts as f64
        );
    }
}

/// The bytes `value` takes as the state writes it.
fn encoded<T: Serialize>(scratch: &Path, value: &T) -> u64 {
    match state::write_bin(scratch, value) {
        Ok(()) => std::fs::metadata(scratch).map_or(0, |m| m.len()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

/// Bytes of the files under `path` (or of `path` itself).
fn bytes_under(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) if m.is_dir() => std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| bytes_under(&e.path()))
            .sum(),
        _ => 0,
    }
}
