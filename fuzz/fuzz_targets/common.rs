// What each fuzz target does with its input, shared by the targets and by
// `tests/fuzz_corpus.rs`, which replays the committed corpora through the same code.
#![allow(dead_code)]
use socialpulse::config::Config;
use std::path::Path;
use std::sync::OnceLock;

/// The example pipeline's config (the generic CSV and NDJSON readers are reached
/// through the built-in presets of well-known exports, or a config's mappings).
pub fn config() -> &'static Config {
    static CFG: OnceLock<Config> = OnceLock::new();
    CFG.get_or_init(|| {
        let text = include_str!("../../pipelines/example.toml");
        let mut cfg: Config = toml::from_str(text).unwrap_or_default();
        cfg.topic_files.clear();
        cfg.run.batch_size = 64;
        cfg
    })
}

/// Read bytes as one input file; every outcome but a panic or a hang is fine.
pub fn read(bytes: Vec<u8>, name: &str) {
    let posts = std::sync::atomic::AtomicU64::new(0);
    let report = socialpulse::sources::read_bytes(bytes, Path::new(name), config(), &|b| {
        posts.fetch_add(b.drafts.len() as u64, std::sync::atomic::Ordering::Relaxed);
        for r in &b.rejects {
            assert!(!r.reason.is_empty(), "a reject without a reason");
        }
    });
    assert_eq!(report.posts, posts.into_inner(), "posts counted as emitted");
}

/// Any bytes through format detection and whichever reader it picks (NDJSON line
/// formats, JSON documents and their salvage, CSV, X archive).
pub fn detect(data: &[u8]) {
    read(data.to_vec(), "input");
}

/// CSV rows under a header that the built-in Sprout Social preset claims.
pub fn csv(data: &[u8]) {
    let mut bytes = b"Message ID,Network,Timestamp (UTC),Profile,From,Message,Message Type,Likes,Comments,Shares,Impressions,Language\n".to_vec();
    bytes.extend_from_slice(data);
    read(bytes, "inbox.csv");
}

/// X account archive parts: the `window.YTD.tweets.part0 = ` prefix and any body.
pub fn x_archive(data: &[u8]) {
    let mut bytes = b"window.YTD.tweets.part0 = ".to_vec();
    bytes.extend_from_slice(data);
    read(bytes, "data/tweets.js");
}

/// The decompressors' framing: a gzip (first byte even) or zstd magic number, then the
/// rest of the input.
pub fn compressed(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut bytes = if pick % 2 == 0 {
        vec![0x1f, 0x8b]
    } else {
        vec![0x28, 0xb5, 0x2f, 0xfd]
    };
    bytes.extend_from_slice(rest);
    read(bytes, "input.gz");
}

/// The VADER tokenizer and rules on any UTF-8 text: scores stay in range.
pub fn vader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let s = socialpulse::analysis::vader::vader().polarity_scores(text);
    assert!((-1.0..=1.0).contains(&s.compound), "{s:?}");
    for v in [s.neg, s.neu, s.pos] {
        assert!((0.0..=1.0).contains(&v), "{s:?}");
    }
}
