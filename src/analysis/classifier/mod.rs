//! Learned classifiers: logistic regression over hashed features ([`features`]), trained
//! with liblinear ([`train`]) and stored as small JSON model files. A model gives a
//! calibrated probability (Platt scaling fitted on cross-validated scores); the flag is
//! the probability at or above the model's threshold.
//!
//! The built-in models (`question`, `harm`) ship in `models/` and are compiled into the
//! binary; `[[classifiers]]` in the config replaces them or adds labels of an
//! organisation's own. See docs/listening.md.

pub mod builtin;
pub mod features;
pub mod train;

pub use features::{Features, Hints};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::OnceLock;

/// The model file's `format` field.
pub const FORMAT: &str = "socialpulse-classifier";

/// Cross-validated figures of a model on one labelled set, at the model's threshold.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetFigures {
    pub set: String,
    pub examples: usize,
    pub positives: usize,
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// How a model was trained, recorded in its file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Training {
    /// liblinear's regularisation cost chosen by cross-validation.
    pub c: f64,
    pub folds: usize,
    /// The rule that chose the threshold (`max_f1`, `max_f1_at_precision>=P`,
    /// `recall>=R`).
    pub threshold_rule: String,
    /// Cross-validated figures on all the data and on each labelled set.
    pub cv: Vec<SetFigures>,
}

/// A model file as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    pub format: String,
    pub version: u32,
    pub name: String,
    pub features: String,
    pub hash_bits: u32,
    pub bias: f32,
    pub platt_a: f64,
    pub platt_b: f64,
    pub threshold: f64,
    pub training: Training,
    /// Non-zero weights: (hashed feature index, weight).
    pub weights: Vec<(u32, f32)>,
}

/// A loaded model, ready to score.
#[derive(Clone, Debug)]
pub struct Classifier {
    pub name: String,
    pub threshold: f64,
    pub hash_bits: u32,
    /// A digest of the model file's content: part of the analysis fingerprint.
    pub digest: String,
    pub training: Training,
    weights: Vec<f32>,
    bias: f32,
    platt: (f64, f64),
}

impl Classifier {
    /// A model from its file's JSON; `origin` names it in errors.
    pub fn from_json(json: &str, origin: &str) -> Result<Classifier, String> {
        let m: ModelFile = serde_json::from_str(json)
            .map_err(|e| format!("{origin}: not a socialpulse model file: {e}"))?;
        if m.format != FORMAT || m.version != 1 {
            return Err(format!(
                "{origin}: not a socialpulse model file (format {:?}, version {})",
                m.format, m.version
            ));
        }
        if m.features != features::SCHEME {
            return Err(format!(
                "{origin}: trained with features {:?}, this build reads {:?}: train it again",
                m.features,
                features::SCHEME
            ));
        }
        if !(8..=24).contains(&m.hash_bits) {
            return Err(format!("{origin}: hash_bits {} out of range", m.hash_bits));
        }
        // Numbers a score can be made of: a weight of 1e39 is infinite in f32 and makes
        // every score NaN; a threshold outside [0, 1] flags everything or nothing.
        if !(0.0..=1.0).contains(&m.threshold) {
            return Err(format!(
                "{origin}: threshold {} is not a probability (0 to 1)",
                m.threshold
            ));
        }
        for (what, v) in [
            ("bias", f64::from(m.bias)),
            ("platt_a", m.platt_a),
            ("platt_b", m.platt_b),
        ] {
            if !v.is_finite() {
                return Err(format!("{origin}: {what} is not a finite number"));
            }
        }
        let mut weights = vec![0f32; 1 << m.hash_bits];
        for (i, w) in &m.weights {
            if !w.is_finite() {
                return Err(format!(
                    "{origin}: weight {i} is not a finite number (too large for a 32-bit float?)"
                ));
            }
            match weights.get_mut(*i as usize) {
                Some(slot) => *slot = *w,
                None => return Err(format!("{origin}: weight index {i} out of range")),
            }
        }
        Ok(Classifier {
            digest: blake3::hash(json.as_bytes()).to_hex()[..16].to_string(),
            name: m.name,
            threshold: m.threshold,
            hash_bits: m.hash_bits,
            training: m.training,
            weights,
            bias: m.bias,
            platt: (m.platt_a, m.platt_b),
        })
    }

    /// A model file from disk.
    pub fn load(path: &Path) -> Result<Classifier, String> {
        let bytes = crate::config::read_regular(path, "model")?;
        let text = String::from_utf8(bytes)
            .map_err(|e| format!("model {} is not UTF-8: {e}", path.display()))?;
        Classifier::from_json(&text, &path.display().to_string())
    }

    /// The built-in model `name` (`question`, `harm`), parsed once per process; `None`
    /// for any other name.
    pub fn builtin(name: &str) -> Option<Result<&'static Classifier, String>> {
        type Cell = OnceLock<Result<Classifier, String>>;
        static QUESTION: Cell = OnceLock::new();
        static HARM: Cell = OnceLock::new();
        let (cell, json) = match name {
            "question" => (&QUESTION, include_str!("../../../models/question.json")),
            "harm" => (&HARM, include_str!("../../../models/harm.json")),
            _ => return None,
        };
        let origin = format!("built-in model {name}");
        Some(
            cell.get_or_init(|| Classifier::from_json(json, &origin))
                .as_ref()
                .map_err(Clone::clone),
        )
    }

    /// The raw linear score (before calibration).
    pub fn decision(&self, f: &Features) -> f64 {
        let sum: f32 = f
            .indices
            .iter()
            .map(|i| self.weights.get(*i as usize).copied().unwrap_or(0.0))
            .sum();
        f64::from(sum * f.value + self.bias)
    }

    /// The calibrated probability that the post carries the label.
    pub fn probability(&self, f: &Features) -> f64 {
        calibrate(self.decision(f), self.platt)
    }
}

/// Platt scaling: `1 / (1 + exp(-(a·z + b)))`.
pub fn calibrate(z: f64, (a, b): (f64, f64)) -> f64 {
    1.0 / (1.0 + (-(a * z + b)).exp())
}

/// A probability rounded as stored in `posts` (4 decimals), so scores do not carry
/// float noise into the tables.
pub fn rounded(p: f64) -> f64 {
    (p * 10_000.0).round() / 10_000.0
}
