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

/// The benchmark's Python peer (pandas + vaderSentiment 3.3.2, `bench/peer.py`) and
/// socialpulse, on the same generated export, must agree: daily posts per (date,
/// platform, account) exactly, and the mean compound wherever socialpulse scored every
/// post of the group (the peer also scores the Spanish and Māori posts it skips).
#[test]
fn python_peer_agrees() {
    use socialpulse::pipeline::{run, RunOptions};
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = Spec {
        posts: 3_000,
        ..Spec::default()
    };
    let summary = corpus::generate(&spec, dir.path()).expect("generate");
    let mut cfg = Config::load(&summary.config).expect("config");
    let out = dir.path().join("out");
    cfg.output.dir = out.clone();
    run(
        &cfg,
        &RunOptions {
            quiet: true,
            ..RunOptions::default()
        },
    )
    .expect("run");
    let peer_out = dir.path().join("peer.parquet");
    let status = std::process::Command::new("python3")
        .arg(common::root().join("bench/peer.py"))
        .arg(dir.path().join("data"))
        .arg(&peer_out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success(), "bench/peer.py failed");
    let query = format!(
        r#"
import duckdb
out, peer = {out:?}, {peer:?}
vol = duckdb.sql(f"""
  with ours as (select date, platform, account, sum(posts) posts
                from read_parquet('{{out}}/daily_volume/*.parquet') group by all)
  select count(*), count(*) filter (where ours.posts is not distinct from p.posts)
  from ours full outer join read_parquet('{{peer}}') p using (date, platform, account)
""").fetchall()[0]
sent = duckdb.sql(f"""
  with ours as (select date, platform, account, sum(skipped) skipped,
                       sum(mean_compound * scored) / sum(scored) mean
                from read_parquet('{{out}}/daily_sentiment/*.parquet') group by all)
  select count(*), max(abs(ours.mean - p.mean_compound))
  from ours join read_parquet('{{peer}}') p using (date, platform, account)
  where ours.skipped = 0
""").fetchall()[0]
print(vol[0], vol[1], sent[0], sent[1])
"#,
        out = out.join("current").display().to_string(),
        peer = peer_out.display().to_string()
    );
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg(query)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&o.stdout);
    let f: Vec<f64> = text
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    assert_eq!(f.len(), 4, "{text} {}", String::from_utf8_lossy(&o.stderr));
    assert!(f[0] > 50.0, "groups compared: {text}");
    assert_eq!(f[0], f[1], "daily volume rows that agree: {text}");
    assert!(f[2] > 0.0, "some groups fully scored: {text}");
    assert!(f[3] < 1e-9, "max mean-compound difference: {text}");
}
