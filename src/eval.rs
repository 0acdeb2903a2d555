//! Flag evaluation: precision, recall and F1 of every flag against labelled sets
//! (`eval/flags/*.tsv`, documented in `eval/flags/README.md`). Each text is analysed as an
//! inbound post with no source language, by the same [`Analyzer`] a run uses.

use crate::analysis::Analyzer;
use crate::config::Config;
use crate::model::{Direction, Post};
use std::path::Path;

/// Counts of one flag on one labelled set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Score {
    pub flag: String,
    pub set: String,
    pub examples: usize,
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
    /// The texts it got wrong: (`"FP"` or `"FN"`, text).
    pub mistakes: Vec<(&'static str, String)>,
}

impl Score {
    pub fn precision(&self) -> Option<f64> {
        let p = self.true_pos + self.false_pos;
        (p > 0).then(|| self.true_pos as f64 / p as f64)
    }
    pub fn recall(&self) -> Option<f64> {
        let a = self.true_pos + self.false_neg;
        (a > 0).then(|| self.true_pos as f64 / a as f64)
    }
    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        (p + r > 0.0).then(|| 2.0 * p * r / (p + r))
    }
    fn count(&mut self, predicted: bool, actual: bool, text: &str) {
        self.examples += 1;
        match (predicted, actual) {
            (true, true) => self.true_pos += 1,
            (true, false) => {
                self.false_pos += 1;
                self.mistakes.push(("FP", text.to_string()));
            }
            (false, true) => {
                self.false_neg += 1;
                self.mistakes.push(("FN", text.to_string()));
            }
            (false, false) => {}
        }
    }
}

/// Rows of a `label<TAB>text` file after its header.
fn rows(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            l.split_once('\t')
                .map(|(a, b)| (a.trim().to_string(), b.to_string()))
                .ok_or_else(|| format!("{}: line {} has no tab", path.display(), i + 2))
        })
        .collect()
}

fn analysed(analyzer: &Analyzer, i: usize, text: &str) -> Post {
    let mut p = Post::new("twitter", format!("eval-{i}"), 0, text.to_string());
    p.direction = Direction::Inbound;
    analyzer.analyse(&mut p);
    p
}

/// Score every flag on the sets in `dir`.
pub fn evaluate(dir: &Path, cfg: &Config) -> Result<Vec<Score>, String> {
    let analyzer = Analyzer::new(cfg)?;
    let score = |flag: &str, set: &str| Score {
        flag: flag.into(),
        set: set.into(),
        ..Score::default()
    };
    let mut out = Vec::new();
    for (set, flag, pick) in [
        (
            "questions",
            "is_question",
            (|p: &Post| p.listening.is_question) as fn(&Post) -> bool,
        ),
        ("info_requests", "info_request", |p: &Post| {
            p.listening.info_request
        }),
        ("complaints", "is_complaint", |p: &Post| {
            p.listening.is_complaint
        }),
    ] {
        // A directory may hold some of the sets only (a blind set for one flag).
        let path = dir.join(format!("{set}.tsv"));
        if !path.exists() {
            continue;
        }
        let mut s = score(flag, set);
        for (i, (label, text)) in rows(&path)?.iter().enumerate() {
            s.count(pick(&analysed(&analyzer, i, text)), label == "1", text);
        }
        out.push(s);
    }
    if !dir.join("escalation.tsv").exists() {
        return Ok(out);
    }
    let esc = rows(&dir.join("escalation.tsv"))?;
    let mut any = score("escalate", "escalation");
    let mut by_reason: Vec<Score> = ["self_harm", "safety", "harm"]
        .iter()
        .map(|r| score(&format!("escalate:{r}"), "escalation"))
        .collect();
    for (i, (reason, text)) in esc.iter().enumerate() {
        let p = analysed(&analyzer, i, text);
        any.count(p.listening.escalate, reason != "-", text);
        for s in &mut by_reason {
            let r = s.flag.trim_start_matches("escalate:").to_string();
            // The learned harm flag covers every labelled reason (people hurt or in
            // danger, self-harm included); the rules are scored on their own reason.
            let truth = if r == "harm" {
                reason != "-"
            } else {
                *reason == r
            };
            s.count(p.listening.escalation_reasons.contains(&r), truth, text);
        }
    }
    out.push(any);
    out.extend(by_reason);
    if !dir.join("pii.tsv").exists() {
        return Ok(out);
    }
    let pii = rows(&dir.join("pii.tsv"))?;
    let mut has = score("has_pii", "pii");
    let mut by_type: Vec<Score> = ["email", "phone", "address", "card"]
        .iter()
        .map(|t| score(&format!("pii:{t}"), "pii"))
        .collect();
    for (i, (types, text)) in pii.iter().enumerate() {
        let p = analysed(&analyzer, i, text);
        let want: Vec<&str> = types.split(',').filter(|t| *t != "-").collect();
        has.count(p.listening.has_pii, !want.is_empty(), text);
        for s in &mut by_type {
            let t = s.flag.trim_start_matches("pii:").to_string();
            s.count(
                p.listening.pii_types.contains(&t),
                want.contains(&t.as_str()),
                text,
            );
        }
    }
    out.push(has);
    out.extend(by_type);
    Ok(out)
}

/// The scores as a Markdown table.
pub fn table(scores: &[Score]) -> String {
    let f = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.2}"));
    let mut s = String::from(
        "| flag | set | examples | TP | FP | FN | precision | recall | F1 |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for x in scores {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            x.flag,
            x.set,
            x.examples,
            x.true_pos,
            x.false_pos,
            x.false_neg,
            f(x.precision()),
            f(x.recall()),
            f(x.f1())
        ));
    }
    s
}
