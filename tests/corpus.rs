//! The synthetic corpus generator (`socialpulse generate`) against the readers: every
//! format's generated files are read back with exactly the generated posts, every
//! malformed record becomes a reject, and posts land on the account they address.

mod common;

use socialpulse::config::Config;
use socialpulse::corpus::{self, Compression, Spec, FORMATS};
use socialpulse::model::Direction;
use socialpulse::pipeline::collect;

#[test]
fn every_format_reads_back_exactly() {
    for &(name, format) in FORMATS {
        let dir = tempfile::tempdir().expect("tempdir");
        let spec = Spec {
            posts: 3_000,
            format,
            posts_per_file: 1_000,
            compression: Compression::Gzip,
            ..Spec::default()
        };
        let summary = corpus::generate(&spec, dir.path()).expect("generate");
        assert_eq!(summary.records, 3_000, "{name}");
        assert!(summary.malformed > 0 && summary.duplicates > 0, "{name}");
        let cfg = Config::load(&summary.config).expect("generated config loads");
        let got = collect(&cfg, &common::pseudo()).expect("collect");
        assert_eq!(
            got.posts.len() as u64,
            summary.unique_posts,
            "{name}: posts"
        );
        assert_eq!(
            got.rejects.len() as u64,
            summary.malformed,
            "{name}: rejects"
        );
        assert!(
            got.posts.iter().all(|p| p.account.is_some()),
            "{name}: every post belongs to an own account"
        );
        if !format.single_account() {
            let inbound = got
                .posts
                .iter()
                .filter(|p| p.direction == Direction::Inbound)
                .count();
            assert!(inbound > 1_500, "{name}: {inbound} inbound");
        }
        // Facebook's download carries no reply ids (see README, responsiveness).
        if name != "meta" {
            let replies = got.posts.iter().filter(|p| p.reply_to_id.is_some()).count();
            assert!(
                replies > 100,
                "{name}: {replies} replies thread to earlier posts"
            );
        }
    }
}

#[test]
fn same_seed_same_bytes() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let spec = Spec {
        posts: 2_000,
        compression: Compression::Zstd,
        ..Spec::default()
    };
    let sa = corpus::generate(&spec, a.path()).expect("generate");
    let sb = corpus::generate(&spec, b.path()).expect("generate");
    assert_eq!(sa.files.len(), sb.files.len());
    for (x, y) in sa.files.iter().zip(&sb.files) {
        assert_eq!(
            std::fs::read(x).ok(),
            std::fs::read(y).ok(),
            "{}",
            x.display()
        );
    }
}

/// The listening tool's export carries the account each post belongs to; the
/// pipeline derives it from authors and mentions, and must agree on every post.
#[test]
fn ndjson_accounts_match_the_generator() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = Spec {
        posts: 2_000,
        compression: Compression::None,
        ..Spec::default()
    };
    let summary = corpus::generate(&spec, dir.path()).expect("generate");
    let mut expected = std::collections::HashMap::new();
    for f in &summary.files {
        let text = std::fs::read_to_string(f).expect("read");
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                if let (Some(id), Some(acct)) = (v["id"].as_str(), v["account"].as_str()) {
                    expected.insert(id.to_string(), acct.to_string());
                }
            }
        }
    }
    let cfg = Config::load(&summary.config).expect("config");
    let got = collect(&cfg, &common::pseudo()).expect("collect");
    assert_eq!(got.posts.len() as u64, summary.unique_posts);
    for p in &got.posts {
        assert_eq!(
            p.account.as_deref(),
            expected.get(&p.post_id).map(String::as_str),
            "post {}: {:?}",
            p.post_id,
            p.text
        );
    }
}
