//! Rebuilds the built-in models in `models/` from the labelled sets in the repository
//! (see `src/analysis/classifier/builtin.rs` for the data and the threshold rules):
//!
//!     cargo run --release --example build_models
//!
//! It prints each model's cross-validated figures per labelled set and its figures on
//! the unseen `eval/flags/fresh/` set. Training is deterministic: `tests/classifiers.rs`
//! checks that the committed files are what this writes.

use socialpulse::analysis::classifier::builtin::{build, NAMES};
use socialpulse::analysis::classifier::train::{evaluate, table, to_json};
use socialpulse::analysis::Analyzer;
use socialpulse::config::Config;
use std::path::Path;

fn main() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let analyzer = Analyzer::for_training(&Config::default())?;
    for name in NAMES {
        let (trained, fresh) = build(root, name)?;
        let f = &trained.file;
        println!(
            "\n{name}: C = {}, threshold {:.2} ({}), {} weights\n\ncross-validated ({} folds):\n\n{}",
            f.training.c,
            f.threshold,
            f.training.threshold_rule,
            f.weights.len(),
            f.training.folds,
            table(&f.training.cv)
        );
        println!(
            "unseen (eval/flags/fresh):\n\n{}",
            table(&evaluate(&trained.classifier, &fresh, &analyzer))
        );
        let path = root.join("models").join(format!("{name}.json"));
        std::fs::write(&path, to_json(f)?).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
