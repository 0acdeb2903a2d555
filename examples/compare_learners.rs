//! The learned flags' two candidate learners side by side, on the built-in models' data
//! with the same stratified folds and the same threshold rule:
//!
//!     cargo run --release --example compare_learners
//!
//! - liblinear: L2-regularised logistic regression over socialpulse's hashed features
//!   (words, word pairs, sentence openings, question marks, the rules' and VADER's
//!   hints), calibrated by Platt scaling: what `socialpulse train` uses;
//! - fastText (the `fasttext` crate, a pure-Rust port): supervised, word bigrams, its
//!   own tokenisation, softmax probabilities.
//!
//! Prints cross-validated precision, recall and F1 at the chosen threshold, the wall
//! time of one 5-fold cross-validation, and the size of a model trained on all the data.

use fasttext::args::{Args, LossName, ModelName};
use fasttext::FastText;
use socialpulse::analysis::classifier::builtin::{options, sets, NAMES};
use socialpulse::analysis::classifier::train::{choose, folds, to_json, train, Options};
use socialpulse::analysis::Analyzer;
use socialpulse::config::Config;
use std::io::Write;
use std::time::Instant;

fn fasttext_line(text: &str) -> String {
    text.to_lowercase().replace(['\n', '\r', '\t'], " ")
}

fn fasttext_fit(dir: &std::path::Path, rows: &[(&str, bool)]) -> FastText {
    let path = dir.join("train.txt");
    let mut f = std::fs::File::create(&path).expect("train file");
    for (t, l) in rows {
        writeln!(f, "__label__{} {}", u8::from(*l), fasttext_line(t)).expect("write");
    }
    let mut args = Args {
        input: path,
        model: ModelName::Supervised,
        ..Args::default()
    };
    args.apply_supervised_defaults();
    args.loss = LossName::Softmax;
    args.epoch = 25;
    args.lr = 0.5;
    args.word_ngrams = 2;
    args.thread = 1;
    args.verbose = 0;
    FastText::train(args).expect("fastText trains")
}

fn fasttext_prob(m: &FastText, text: &str) -> f64 {
    m.predict(&fasttext_line(text), 2, 0.0)
        .iter()
        .find(|p| p.label == "__label__1")
        .map_or(0.0, |p| f64::from(p.prob))
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let analyzer = Analyzer::for_training(&Config::default()).expect("analyser");
    let tmp = tempfile::tempdir().expect("tmp");
    println!("| model | learner | precision | recall | F1 | 5-fold CV wall | model size |");
    println!("|---|---|---|---|---|---|---|");
    for name in NAMES {
        let (examples, _) = sets(root, name).expect("sets");
        let opts: Options = Options {
            costs: vec![16.0],
            ..options(name)
        };
        let t0 = Instant::now();
        let trained = train(name, &examples, &analyzer, &opts).expect("train");
        let secs = t0.elapsed().as_secs_f64();
        let all = &trained.file.training.cv[0];
        let size = to_json(&trained.file).expect("json").len();
        println!(
            "| {name} | liblinear LR | {:.3} | {:.3} | {:.3} | {secs:.1} s | {:.1} MB |",
            all.precision,
            all.recall,
            all.f1,
            size as f64 / 1e6
        );
        let fold = folds(&examples, opts.folds);
        let t0 = Instant::now();
        let mut probs = vec![0.0; examples.len()];
        for k in 0..opts.folds {
            let rows: Vec<(&str, bool)> = examples
                .iter()
                .zip(&fold)
                .filter(|(_, f)| **f != k)
                .map(|(e, _)| (e.text.as_str(), e.label))
                .collect();
            let m = fasttext_fit(tmp.path(), &rows);
            for (i, e) in examples.iter().enumerate().filter(|(i, _)| fold[*i] == k) {
                probs[i] = fasttext_prob(&m, &e.text);
            }
        }
        let secs = t0.elapsed().as_secs_f64();
        let labels: Vec<bool> = examples.iter().map(|e| e.label).collect();
        let (_, f) = choose(&probs, &labels, opts.rule);
        let rows: Vec<(&str, bool)> = examples
            .iter()
            .map(|e| (e.text.as_str(), e.label))
            .collect();
        let m = fasttext_fit(tmp.path(), &rows);
        let bin = tmp.path().join("m.bin");
        m.save_model(&bin).expect("save");
        let size = std::fs::metadata(&bin).map_or(0, |m| m.len());
        println!(
            "| {name} | fastText | {:.3} | {:.3} | {:.3} | {secs:.1} s | {:.1} MB |",
            f.precision,
            f.recall,
            f.f1,
            size as f64 / 1e6
        );
    }
}
