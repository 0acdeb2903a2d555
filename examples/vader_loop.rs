//! Scores the VADER corpus many times; a target for profilers (perf, callgrind).
//!   cargo run --release --example vader_loop -- 200
fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/vader/tweets_GroundTruth.txt"
    );
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let tweets: Vec<&str> = text
        .split('\n')
        .filter_map(|l| l.trim_end_matches('\r').splitn(3, '\t').nth(2))
        .collect();
    let v = socialpulse::analysis::vader::vader();
    let t = std::time::Instant::now();
    let mut acc = 0.0;
    for _ in 0..reps {
        for tw in &tweets {
            acc += v.polarity_scores(tw).compound;
        }
    }
    let n = (reps * tweets.len()) as f64;
    println!(
        "{:.0} tweets/s (checksum {acc:.4})",
        n / t.elapsed().as_secs_f64()
    );
}
