//! A large plain line-format file read in byte ranges (the Spark path's split reads)
//! gives exactly the posts, line numbers and rejects of reading it whole.

mod common;
use common::*;
use socialpulse::config::Config;
use socialpulse::model::Reject;
use socialpulse::sources::{self, Batch};
use std::sync::Mutex;

/// (post id, line) of every draft, sorted.
type Lines = Vec<(String, u64)>;
/// The drafts' lines, the rejects (sorted), and the reports' bytes, records, posts, rejects.
type Read = (Lines, Vec<Reject>, (u64, u64, u64, u64));

fn collect(f: impl FnOnce(&(dyn Fn(Batch) + Sync)) -> Vec<socialpulse::model::FileReport>) -> Read {
    let got: Mutex<(Lines, Vec<Reject>)> = Mutex::new((Vec::new(), Vec::new()));
    let reports = f(&|b: Batch| {
        let mut g = got.lock().expect("lock");
        g.0.extend(
            b.drafts
                .iter()
                .map(|d| (d.post.post_id.clone(), d.post.source_position)),
        );
        g.1.extend(b.rejects);
    });
    let (mut posts, mut rejects) = got.into_inner().expect("lock");
    posts.sort();
    rejects.sort_by(|a, b| (a.position, &a.reason).cmp(&(b.position, &b.reason)));
    let sum = reports.iter().fold((0, 0, 0, 0), |a, r| {
        (
            a.0 + r.bytes,
            a.1 + r.records,
            a.2 + r.posts,
            a.3 + r.rejects,
        )
    });
    (posts, rejects, sum)
}

#[test]
fn byte_ranges_of_a_plain_ndjson_file_read_exactly_what_the_whole_file_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_socialpulse"))
        .args([
            "generate",
            "--posts",
            "5000",
            "--posts-per-file",
            "5000",
            "--compression",
            "none",
            "--out",
        ])
        .arg(&corpus)
        .output()
        .expect("generate");
    assert!(o.status.success());
    let file = corpus.join("data/posts-00001.ndjson");
    let cfg = Config::load(&corpus.join("pipeline.toml")).expect("config");
    let whole = collect(|emit| vec![sources::read_file(&file, &cfg, None, emit)]);
    assert!(
        whole.0.len() > 4_000 && !whole.1.is_empty(),
        "the corpus has posts and rejects"
    );
    let size = std::fs::metadata(&file).expect("size").len();
    // Ranges that cut lines anywhere, a range inside one line, and one range for all.
    for chunk in [size / 7 + 13, 997, size] {
        let ranges = sources::line_ranges(&file, &cfg, chunk).unwrap_or(vec![(0, size)]);
        assert!(chunk >= size || ranges.len() > 1);
        let split = collect(|emit| {
            ranges
                .iter()
                .map(|&(a, b)| sources::read_line_range(&file, a, b, &cfg, emit))
                .collect()
        });
        assert_eq!(split.0, whole.0, "posts and line numbers, chunk {chunk}");
        assert_eq!(split.1, whole.1, "rejects, chunk {chunk}");
        assert_eq!(
            split.2, whole.2,
            "bytes, records, posts, rejects, chunk {chunk}"
        );
    }
}

#[test]
fn only_plain_line_format_files_are_split() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = Config::default();
    // Compressed, a JSON document, and a CSV: read whole.
    let gz = root().join("fixtures");
    let mut checked = 0;
    for f in files_under(&gz) {
        let name = f.display().to_string();
        let expect_split = name.ends_with(".ndjson") || name.ends_with(".jsonl");
        let split = sources::line_ranges(&f, &cfg, 1).is_some();
        if !expect_split {
            assert!(!split, "{name} must be read whole");
            checked += 1;
        }
    }
    assert!(checked > 10);
    let small = write(
        dir.path(),
        "small.ndjson",
        b"{\"id\":\"1\",\"text\":\"hi\",\"created_at\":\"2026-01-01T00:00:00Z\"}\n",
    );
    assert!(
        sources::line_ranges(&small, &cfg, 1 << 20).is_none(),
        "a file under the chunk size is read whole"
    );
}
