//! Where the learned flags' time goes, per post, over the benchmark corpus (20,000
//! generated posts), single thread: feature extraction alone, and extraction plus both
//! built-in models' scores.
//!
//!     cargo run --release --example learned_cost

use socialpulse::analysis::classifier::{Classifier, Features, Hints};
use std::time::Instant;

fn main() {
    let dir = tempfile::tempdir().expect("tmp");
    let spec = socialpulse::corpus::Spec {
        posts: 20_000,
        ..Default::default()
    };
    let summary = socialpulse::corpus::generate(&spec, dir.path()).expect("corpus");
    let cfg = socialpulse::config::Config::load(&summary.config).expect("config");
    let pseudo = socialpulse::privacy::Pseudonymiser::from_secret(b"bench", false);
    let posts = socialpulse::pipeline::read_posts(&cfg, &pseudo)
        .expect("read")
        .posts;
    let q = Classifier::builtin("question").expect("q").expect("q");
    let h = Classifier::builtin("harm").expect("h").expect("h");
    let hints = Hints::default();
    let mut f = Features::default();
    for round in 0..5 {
        let t = Instant::now();
        let mut n = 0;
        for p in &posts {
            n += f.extract(&p.text, &hints, 18).indices.len();
        }
        let extract = t.elapsed().as_secs_f64() / posts.len() as f64 * 1e6;
        let t = Instant::now();
        let mut n2 = 0;
        for p in &posts {
            n2 += socialpulse::analysis::classifier::features::count_tokens(&p.text);
        }
        let tok = t.elapsed().as_secs_f64() / posts.len() as f64 * 1e6;
        println!("tokens {tok:.3} µs/post ({n2})");
        let t = Instant::now();
        let mut s = 0.0;
        for p in &posts {
            f.extract(&p.text, &hints, 18);
            s += q.probability(&f) + h.probability(&f);
        }
        let both = t.elapsed().as_secs_f64() / posts.len() as f64 * 1e6;
        println!("round {round}: extract {extract:.3} µs/post ({} features), extract + 2 models {both:.3} µs/post ({s:.1})", n / posts.len());
    }
}
