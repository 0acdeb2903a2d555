//! How the built-in models in `models/` are trained, from the labelled sets kept in the
//! repository (`data/labels/`, `eval/flags/`): `examples/build_models.rs` writes them and
//! a test checks that the committed files are exactly what this gives.
//!
//! - `question`: Tweet-Act (speech act `QUE` against every other act) with
//!   `eval/flags/questions.tsv` and `eval/flags/heldout/questions.tsv`; threshold: the
//!   best cross-validated F1.
//! - `harm`: CrisisLexT26 (information type `Affected individuals` against every other
//!   type, unrelated tweets included) with `eval/flags/escalation.tsv` and
//!   `eval/flags/heldout/escalation.tsv` (any reason against `-`); threshold: the
//!   highest whose cross-validated recall reaches 0.80, since a missed report of people
//!   hurt costs more than a false alarm.
//!
//! `eval/flags/fresh/` is never trained on: it is the unseen set.

use super::train::{self, Example, Options, ThresholdRule, Trained};
use crate::analysis::Analyzer;
use crate::config::Config;
use std::path::Path;

/// The names of the built-in models.
pub const NAMES: [&str; 2] = ["question", "harm"];

/// The rows of a tab-separated file with a header: `text`, and the label column decided
/// by `positive`.
fn tsv(
    path: &Path,
    label: &str,
    positive: &dyn Fn(&str) -> bool,
    set: &str,
) -> Result<Vec<Example>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| *h == n)
            .ok_or_else(|| format!("{}: no column {n}", path.display()))
    };
    let (t, l) = (col("text")?, col(label)?);
    Ok(lines
        .filter(|line| !line.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            Example {
                text: f.get(t).copied().unwrap_or_default().to_string(),
                label: positive(f.get(l).copied().unwrap_or_default()),
                set: set.to_string(),
            }
        })
        .collect())
}

/// The training examples of built-in model `name` and its unseen set, read from the
/// repository at `root`.
pub fn sets(root: &Path, name: &str) -> Result<(Vec<Example>, Vec<Example>), String> {
    let flag = |v: &str| v == "1";
    let any_reason = |v: &str| v != "-";
    let (real, column, positive, eval, eval_column): (_, _, &dyn Fn(&str) -> bool, _, _) =
        match name {
            "question" => (
                ("data/labels/tweet_act/train.tsv", "tweet_act"),
                "act",
                &|v: &str| v == "QUE",
                "questions.tsv",
                ("label", &flag as &dyn Fn(&str) -> bool),
            ),
            "harm" => (
                ("data/labels/crisislex_t26/labeled.tsv", "crisislex_t26"),
                "information_type",
                &|v: &str| v == "Affected individuals",
                "escalation.tsv",
                ("reason", &any_reason as &dyn Fn(&str) -> bool),
            ),
            other => return Err(format!("no built-in model {other:?}")),
        };
    let mut train = tsv(&root.join(real.0), column, positive, real.1)?;
    let flags = root.join("eval/flags");
    train.extend(tsv(
        &flags.join(eval),
        eval_column.0,
        eval_column.1,
        "eval",
    )?);
    train.extend(tsv(
        &flags.join("heldout").join(eval),
        eval_column.0,
        eval_column.1,
        "eval/heldout",
    )?);
    let fresh = tsv(
        &flags.join("fresh").join(eval),
        eval_column.0,
        eval_column.1,
        "eval/fresh",
    )?;
    Ok((train, fresh))
}

/// The training options of built-in model `name`.
pub fn options(name: &str) -> Options {
    let rule = match name {
        "harm" => ThresholdRule::Recall(0.80),
        _ => ThresholdRule::MaxF1 { min_precision: 0.0 },
    };
    Options {
        rule,
        ..Options::default()
    }
}

/// Train built-in model `name` from the sets under `root`, with the default config's
/// rules as hints. Returns the model and its unseen set.
pub fn build(root: &Path, name: &str) -> Result<(Trained, Vec<Example>), String> {
    let (examples, fresh) = sets(root, name)?;
    let analyzer = Analyzer::for_training(&Config::default())?;
    let trained = train::train(name, &examples, &analyzer, &options(name))?;
    Ok((trained, fresh))
}
