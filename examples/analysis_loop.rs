//! Full analysis of the VADER corpus in a loop; a target for profilers.
//!   cargo run --release --example analysis_loop -- 50
use socialpulse::analysis::Analyzer;
use socialpulse::config::Config;
use socialpulse::model::{Direction, Post};

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let root = env!("CARGO_MANIFEST_DIR");
    let text = match std::fs::read_to_string(format!("{root}/data/vader/tweets_GroundTruth.txt")) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("corpus: {e}");
            std::process::exit(1);
        }
    };
    let cfg = match Config::load(std::path::Path::new(&format!(
        "{root}/pipelines/transit.toml"
    ))) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let analyzer = match Analyzer::new(&cfg) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let base: Vec<Post> = text
        .split('\n')
        .filter_map(|l| l.trim_end_matches('\r').splitn(3, '\t').nth(2))
        .map(|t| {
            let mut p = Post::new("twitter", "1".into(), 1_793_700_000_000_000, t.to_string());
            p.direction = Direction::Inbound;
            p
        })
        .collect();
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..reps {
        let mut ps = base.clone();
        for p in &mut ps {
            analyzer.analyse(p);
            n += p.listening.topics.len();
        }
    }
    println!(
        "{:.0} posts/s ({n} topic hits)",
        (reps * base.len()) as f64 / t.elapsed().as_secs_f64()
    );
}
