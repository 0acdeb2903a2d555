//! serde_json against sonic-rs and simd-json on the NDJSON parse path: every line of a
//! corpus decoded into the `serde_json::Value` the readers take, each parser timed on
//! the same lines in alternation (medians of 5).
//!
//!     socialpulse generate --posts 200000 --format ndjson --compression none --out /tmp/j
//!     cargo run --profile ci --example compare_json -- /tmp/j/data/posts-00001.ndjson

use serde_json::Value;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: compare_json FILE.ndjson");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let lines: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    type Parse = fn(&[u8]) -> Option<Value>;
    let parsers: [(&str, Parse); 3] = [
        ("serde_json", |l| serde_json::from_slice::<Value>(l).ok()),
        ("sonic-rs", |l| sonic_rs::from_slice::<Value>(l).ok()),
        ("simd-json", |l| {
            let mut buf = l.to_vec();
            simd_json::serde::from_slice::<Value>(&mut buf).ok()
        }),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); parsers.len()];
    let mut parsed = vec![0usize; parsers.len()];
    for _ in 0..5 {
        for (i, (_, parse)) in parsers.iter().enumerate() {
            let t = Instant::now();
            parsed[i] = lines.iter().filter_map(|l| parse(l)).count();
            times[i].push(t.elapsed().as_secs_f64());
        }
    }
    // The same trees, or the comparison means nothing.
    for l in lines.iter().take(2000) {
        let a = parsers[0].1(l);
        for (name, parse) in &parsers[1..] {
            assert_eq!(
                a,
                parse(l),
                "{name} differs on {}",
                String::from_utf8_lossy(l)
            );
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let base = median(&mut times[0].clone());
    println!("{} lines, {} MB", lines.len(), bytes.len() / 1_000_000);
    for (i, (name, _)) in parsers.iter().enumerate() {
        let m = median(&mut times[i]);
        println!(
            "{name:>10}: {:7.1} ms  ({:.2}x serde_json)  {} parsed",
            m * 1e3,
            m / base,
            parsed[i]
        );
    }
}
