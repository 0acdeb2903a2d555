//! Single-thread VADER throughput on the 4,200 tweets of the VADER paper, ours and
//! the crates.io `vader_sentiment` crate side by side in one run.
//!
//!   cargo bench --bench vader
//!
//! Criterion reports time per iteration (all 4,200 tweets) and throughput in
//! elements/s = tweets/s.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::path::PathBuf;

fn tweets() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/vader/tweets_GroundTruth.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.splitn(3, '\t').nth(2).map(str::to_string))
        .collect()
}

fn bench(c: &mut Criterion) {
    let tweets = tweets();
    let mut g = c.benchmark_group("vader_4200_tweets");
    g.throughput(Throughput::Elements(tweets.len() as u64));
    g.sample_size(30);

    let ours = socialpulse::analysis::vader::vader();
    g.bench_function("socialpulse", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for t in &tweets {
                acc += ours.polarity_scores(black_box(t)).compound;
            }
            acc
        })
    });

    let theirs = vader_sentiment::SentimentIntensityAnalyzer::new();
    g.bench_function("vader_sentiment_crate", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for t in &tweets {
                acc += theirs.polarity_scores(black_box(t))["compound"];
            }
            acc
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
