//! The language guard against labelled short posts (`eval/lang/`), beside the
//! alternatives it was chosen over:
//!
//! - `stop-words`: the script check and stop-word vote alone (the guard without the
//!   identifier, which was the whole gate before);
//! - `whatlang`: whatlang's detector alone;
//! - `lingua`: lingua's detector alone (over the guard's languages);
//! - `guard`: what the pipeline runs (`socialpulse::analysis::lang::guard`).
//!
//! For each set it prints the share of non-English posts that would be scored as
//! English, of English posts that would be skipped, and of undetermined ones (emoji,
//! links) that would be skipped; then the time per post of each, and of VADER alone,
//! medians of 5 passes.
//!
//!     cargo run --release --example eval_lang [-- --mistakes]
use socialpulse::analysis::lang::{self, Verdict, Votes};
use socialpulse::analysis::vader;
use std::time::Instant;

type Skip = fn(&str) -> bool;

fn stop_words(t: &str) -> bool {
    !lang::mostly_latin(t) || Votes::of(t).verdict().is_some()
}

fn whatlang_alone(t: &str) -> bool {
    whatlang::detect(t).is_some_and(|i| i.lang() != whatlang::Lang::Eng)
}

fn lingua_alone(t: &str) -> bool {
    matches!(lang::identify(t), Verdict::Other(_))
}

fn guard(t: &str) -> bool {
    matches!(lang::guard(t), Verdict::Other(_))
}

const METHODS: [(&str, Skip); 4] = [
    ("stop-words", stop_words),
    ("whatlang", whatlang_alone),
    ("lingua", lingua_alone),
    ("guard", guard),
];

fn load(name: &str) -> Vec<(String, String)> {
    let path = format!("{}/eval/lang/{name}.tsv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .collect()
}

/// Microseconds per post of `f` over `rows`, median of 5 passes.
fn micros(rows: &[(String, String)], f: &dyn Fn(&str)) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for (_, s) in rows {
                f(s);
            }
            t.elapsed().as_secs_f64() * 1e6 / rows.len() as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[2]
}

fn main() {
    let mistakes = std::env::args().any(|a| a == "--mistakes");
    // Warm up: the identifier loads its models on first use.
    for (_, skip) in METHODS {
        skip("warm up the models");
    }
    for set in ["dev", "heldout"] {
        let rows = load(set);
        let count = |l: &dyn Fn(&str) -> bool| rows.iter().filter(|(x, _)| l(x)).count();
        let (en, und) = (count(&|l| l == "en"), count(&|l| l == "und"));
        let other = rows.len() - en - und;
        println!("\n{set}: {en} English, {other} in 14 other languages, {und} undetermined\n");
        println!("| method | non-English scored | English skipped | undetermined skipped | µs per post |");
        println!("|---|---|---|---|---|");
        for (name, skip) in METHODS {
            let (mut scored, mut skipped, mut und_skipped) = (0, 0, 0);
            for (l, t) in &rows {
                let s = skip(t);
                match l.as_str() {
                    "en" if s => skipped += 1,
                    "und" if s => und_skipped += 1,
                    "en" | "und" => {}
                    _ if !s => scored += 1,
                    _ => {}
                }
                if mistakes && name == "guard" && (s == (l == "en" || l == "und")) {
                    println!("  mistake [{l}] {t} -> {:?}", lang::guard(t));
                }
            }
            let us = micros(&rows, &|t| {
                std::hint::black_box(skip(t));
            });
            println!(
                "| {name} | {scored}/{other} ({:.1} %) | {skipped}/{en} ({:.1} %) | {und_skipped}/{und} | {us:.1} |",
                100.0 * scored as f64 / other as f64,
                100.0 * skipped as f64 / en as f64
            );
        }
        let v = vader::vader();
        let vader_us = micros(&rows, &|t| {
            std::hint::black_box(v.polarity_scores(t));
        });
        let guarded_us = micros(&rows, &|t| {
            if !guard(t) {
                std::hint::black_box(v.polarity_scores(t));
            }
        });
        let english: Vec<(String, String)> =
            rows.iter().filter(|(l, _)| l == "en").cloned().collect();
        let en_vader = micros(&english, &|t| {
            std::hint::black_box(v.polarity_scores(t));
        });
        let en_guarded = micros(&english, &|t| {
            if !guard(t) {
                std::hint::black_box(v.polarity_scores(t));
            }
        });
        println!(
            "\nVADER alone {vader_us:.2} µs per post, guard + VADER {guarded_us:.2} µs ({:.1}×); English posts only: {en_vader:.2} vs {en_guarded:.2} µs ({:.2}×)",
            guarded_us / vader_us,
            en_guarded / en_vader
        );
    }
}
