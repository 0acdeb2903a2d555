//! Full per-post analysis (sentiment + topics, entities, flags, personal data with the
//! transit taxonomy) against sentiment-only scoring, single thread, side by side.
//!
//!   cargo bench --bench analysis
//!
//! Two corpora:
//! - `analysis_4200_tweets`: the VADER paper's tweets (no language tag, so the
//!   sentiment step also runs the stop-word language vote);
//! - `analysis_benchmark_corpus`: 20,000 posts of the end-to-end benchmark's generated
//!   NDJSON corpus, read through the pipeline's own reader, with the config `generate`
//!   writes. Both sides run the pipeline's steps (`score_sentiment`, then `listen`, a
//!   chunk of `ANALYSIS_CHUNK` posts at a time as in the pipeline); `listening_only` times `listen`
//!   alone on posts already scored.
//!
//! Runs with the allocator the `socialpulse` binary ships with (mimalloc), so the
//! per-post allocations cost what they cost in a real run.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use socialpulse::analysis::{Analyzer, ANALYSIS_CHUNK};
use socialpulse::config::Config;
use socialpulse::model::{Direction, Post};
use std::path::PathBuf;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn posts() -> Vec<Post> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("data/vader/tweets_GroundTruth.txt"))
        .unwrap_or_else(|e| panic!("corpus: {e}"));
    text.split('\n')
        .filter_map(|l| l.trim_end_matches('\r').splitn(3, '\t').nth(2))
        .enumerate()
        .map(|(i, t)| {
            let mut p = Post::new(
                "twitter",
                i.to_string(),
                1_793_700_000_000_000,
                t.to_string(),
            );
            p.direction = Direction::Inbound;
            p
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let posts = posts();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cfg = Config::load(&root.join("pipelines/transit.toml")).unwrap_or_else(|e| panic!("{e}"));
    let analyzer = Analyzer::new(&cfg).unwrap_or_else(|e| panic!("{e}"));
    let vader = socialpulse::analysis::vader::vader();
    let mut g = c.benchmark_group("analysis_4200_tweets");
    g.throughput(Throughput::Elements(posts.len() as u64));
    g.sample_size(20);
    g.bench_function("sentiment_only", |b| {
        b.iter(|| {
            posts
                .iter()
                .map(|p| vader.polarity_scores(black_box(&p.text)).compound)
                .sum::<f64>()
        })
    });
    batched(&mut g, "full_listening", &posts, |ps| {
        ps.iter_mut().for_each(|p| analyzer.analyse(black_box(p)))
    });
    g.finish();
}

/// Times `step` over a fresh copy of `posts` (the copy is made outside the timing).
fn batched(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    posts: &[Post],
    step: impl Fn(&mut [Post]),
) {
    g.bench_function(name, |b| {
        b.iter_batched(
            || posts.to_vec(),
            |mut ps| {
                step(&mut ps);
                ps
            },
            criterion::BatchSize::LargeInput,
        )
    });
}

/// The end-to-end benchmark's corpus (`socialpulse generate --format ndjson`), as the
/// pipeline reads it.
fn benchmark_corpus(n: u64) -> (Vec<Post>, Config) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let spec = socialpulse::corpus::Spec {
        posts: n,
        ..Default::default()
    };
    let summary =
        socialpulse::corpus::generate(&spec, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let cfg = Config::load(&summary.config).unwrap_or_else(|e| panic!("{e}"));
    let pseudo = socialpulse::privacy::Pseudonymiser::from_secret(b"bench", false);
    let read = socialpulse::pipeline::read_posts(&cfg, &pseudo).unwrap_or_else(|e| panic!("{e}"));
    (read.posts, cfg)
}

fn bench_corpus(c: &mut Criterion) {
    let (posts, cfg) = benchmark_corpus(20_000);
    let analyzer = Analyzer::new(&cfg).unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("analysis_benchmark_corpus");
    g.throughput(Throughput::Elements(posts.len() as u64));
    g.sample_size(20);
    batched(&mut g, "sentiment_only", &posts, |ps| {
        ps.iter_mut()
            .for_each(|p| analyzer.score_sentiment(black_box(p)))
    });
    // As the pipeline runs it: both steps over a chunk while it is in cache.
    batched(&mut g, "full_listening", &posts, |ps| {
        for chunk in ps.chunks_mut(ANALYSIS_CHUNK) {
            chunk
                .iter_mut()
                .for_each(|p| analyzer.score_sentiment(black_box(p)));
            chunk.iter_mut().for_each(|p| analyzer.listen(black_box(p)));
        }
    });
    // The same with the rules only (no learned model): the difference is what the
    // learned flags cost per post, as the pipeline runs them.
    let rules_only = Analyzer::for_training(&cfg).unwrap_or_else(|e| panic!("{e}"));
    batched(&mut g, "full_listening_rules_only", &posts, |ps| {
        for chunk in ps.chunks_mut(ANALYSIS_CHUNK) {
            chunk
                .iter_mut()
                .for_each(|p| rules_only.score_sentiment(black_box(p)));
            chunk
                .iter_mut()
                .for_each(|p| rules_only.listen(black_box(p)));
        }
    });
    // The listening step alone, on posts already scored (as the pipeline runs it), with
    // the learned flags (question and harm models) and with the rules only: the
    // difference is what the learned flags cost per post.
    let mut scored = posts.clone();
    scored.iter_mut().for_each(|p| analyzer.score_sentiment(p));
    batched(&mut g, "listening_only", &scored, |ps| {
        ps.iter_mut().for_each(|p| analyzer.listen(black_box(p)))
    });
    batched(&mut g, "listening_rules_only", &scored, |ps| {
        ps.iter_mut().for_each(|p| rules_only.listen(black_box(p)))
    });
    g.finish();
}

/// Each listening step alone over the benchmark corpus (where `listen`'s time goes).
fn bench_steps(c: &mut Criterion) {
    use socialpulse::analysis::{entities, flags, fold, pii};
    let (posts, _) = benchmark_corpus(20_000);
    let texts: Vec<&str> = posts.iter().map(|p| p.text.as_str()).collect();
    let mut g = c.benchmark_group("listening_steps");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.sample_size(20);
    let mut folded = String::new();
    g.bench_function("fold", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    fold::fold_into(black_box(t), &mut folded);
                    folded.len()
                })
                .sum::<usize>()
        })
    });
    let each = |g: &mut criterion::BenchmarkGroup<'_, _>, name: &str, f: &dyn Fn(&str) -> usize| {
        g.bench_function(name, |b| {
            b.iter(|| texts.iter().map(|t| f(black_box(t))).sum::<usize>())
        });
    };
    each(&mut g, "question", &|t| {
        usize::from(flags::looks_like_question(t))
    });
    each(&mut g, "personal_data", &|t| pii::find(t).len());
    each(&mut g, "hashtags", &|t| entities::hashtags(t).len());
    each(&mut g, "urls", &|t| entities::urls(t).len());
    each(&mut g, "emoji", &|t| entities::emoji(t).len());
    g.finish();
}

criterion_group!(benches, bench, bench_corpus, bench_steps);
criterion_main!(benches);
