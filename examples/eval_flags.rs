//! Precision, recall and F1 of every flag on the labelled sets in `eval/flags/`:
//!
//!     cargo run --release --example eval_flags [-- [--mistakes] [DIR]]
//!
//! Without DIR it scores the three sets in turn: `eval/flags` (written with the rules),
//! `eval/flags/heldout` (written before the last round of rule changes, whose misses
//! then shaped it) and `eval/flags/fresh` (written after the rules were final and never
//! used to change them: the figures to trust). The flags run with the built-in rules
//! (the default configuration); `--mistakes` also lists every text a flag got wrong.
//!
//! First it prints the learned flags' cross-validated figures on the real labelled sets
//! and on `eval/` (recorded in each built-in model when `examples/build_models.rs` trained
//! it): the eval/ and heldout rows of the tables after it are training data for the
//! question and harm models, so those models' figures to trust are the cross-validated
//! ones and the fresh set's.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mistakes = args.iter().any(|a| a == "--mistakes");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/flags");
    let dirs: Vec<std::path::PathBuf> = match args.iter().find(|a| !a.starts_with("--")) {
        Some(d) => vec![d.into()],
        None => vec![
            root.clone(),
            root.join("heldout"),
            root.join("fresh"),
            root.join("blind"),
        ],
    };
    for name in ["question", "harm"] {
        let model = socialpulse::analysis::classifier::Classifier::builtin(name)
            .unwrap_or_else(|| Err(format!("no built-in model {name}")));
        match model {
            Ok(m) => println!(
                "\nbuilt-in model `{name}`: threshold {:.2} ({}), {}-fold cross-validated\n\n{}",
                m.threshold,
                m.training.threshold_rule,
                m.training.folds,
                socialpulse::analysis::classifier::train::table(&m.training.cv)
            ),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
    rules_on_real_sets();
    for dir in dirs {
        println!("\n{}\n", dir.display());
        match socialpulse::eval::evaluate(&dir, &socialpulse::config::Config::default()) {
            Ok(scores) => {
                print!("{}", socialpulse::eval::table(&scores));
                if mistakes {
                    for s in &scores {
                        for (kind, text) in &s.mistakes {
                            println!("{} {kind}: {text}", s.flag);
                        }
                    }
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
}

/// The rules alone (no learned model) on the real labelled sets the models are trained
/// on: the comparison the learned flags answer.
fn rules_on_real_sets() {
    use socialpulse::analysis::classifier::builtin::sets;
    use socialpulse::model::{Direction, Post};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules =
        socialpulse::analysis::Analyzer::for_training(&socialpulse::config::Config::default())
            .unwrap_or_else(|e| panic!("{e}"));
    let analysed = |text: &str| {
        let mut p = Post::new("twitter", "1".into(), 0, text.to_string());
        p.direction = Direction::Inbound;
        rules.analyse(&mut p);
        p
    };
    println!("\nthe rules alone on the real labelled sets\n");
    println!("| flag | set | examples | TP | FP | FN | precision | recall | F1 |\n|---|---|---|---|---|---|---|---|---|");
    for (name, flag) in [
        ("question", "is_question"),
        ("harm", "escalate (self_harm, safety)"),
    ] {
        let (examples, _) = sets(root, name).unwrap_or_else(|e| panic!("{e}"));
        let real: Vec<_> = examples
            .iter()
            .filter(|e| !e.set.starts_with("eval"))
            .collect();
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        for e in &real {
            let p = analysed(&e.text);
            let hit = if name == "question" {
                p.listening.is_question
            } else {
                p.listening
                    .escalation_reasons
                    .iter()
                    .any(|r| r == "self_harm" || r == "safety")
            };
            tp += usize::from(hit && e.label);
            fp += usize::from(hit && !e.label);
            fn_ += usize::from(!hit && e.label);
        }
        let r = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        println!(
            "| `{flag}` | {} | {} | {tp} | {fp} | {fn_} | {:.3} | {:.3} | {:.3} |",
            real[0].set,
            real.len(),
            r(tp, tp + fp),
            r(tp, tp + fn_),
            r(2 * tp, 2 * tp + fp + fn_)
        );
    }
}
