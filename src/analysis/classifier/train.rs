//! Training: liblinear's L2-regularised logistic regression over the hashed features,
//! the regularisation cost and the threshold chosen by stratified k-fold
//! cross-validation, probabilities calibrated by Platt scaling on the cross-validated
//! scores. Deterministic: the same examples give the same model file, byte for byte.

use super::features::{Features, Hints, SCHEME};
use super::{calibrate, Classifier, ModelFile, SetFigures, Training, FORMAT};
use liblinear::util::TrainingInput;
use liblinear::{Builder, LibLinearModel, SolverType};

/// One labelled text, and the labelled set it came from (figures are reported per set).
#[derive(Clone, Debug)]
pub struct Example {
    pub text: String,
    pub label: bool,
    pub set: String,
}

/// How to choose the threshold from the cross-validated probabilities.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ThresholdRule {
    /// The best F1 among thresholds whose precision reaches the given value (the best F1
    /// overall when none does).
    MaxF1 { min_precision: f64 },
    /// The highest threshold whose recall reaches the given value: for flags where a
    /// miss costs more than a false alarm (harm).
    Recall(f64),
}

impl ThresholdRule {
    fn describe(&self) -> String {
        match self {
            ThresholdRule::MaxF1 { min_precision } if *min_precision > 0.0 => {
                format!("max_f1_at_precision>={min_precision}")
            }
            ThresholdRule::MaxF1 { .. } => "max_f1".into(),
            ThresholdRule::Recall(r) => format!("recall>={r}"),
        }
    }
}

/// Training options.
#[derive(Clone, Debug)]
pub struct Options {
    pub folds: usize,
    pub rule: ThresholdRule,
    /// Regularisation costs tried; the one with the best cross-validated result wins.
    pub costs: Vec<f64>,
    pub hash_bits: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            folds: 5,
            rule: ThresholdRule::MaxF1 {
                min_precision: 0.75,
            },
            costs: vec![1.0, 4.0, 16.0],
            hash_bits: 18,
        }
    }
}

/// Fewest examples of each class `train` accepts.
pub const MIN_PER_CLASS: usize = 20;

/// Turns a text into features with the same hints the run gives a post.
pub trait Featurize: Sync {
    fn features(&self, text: &str, bits: u32) -> Features;
}

/// Hints-free featurisation, for tests and callers without an analyser.
pub struct Plain;

impl Featurize for Plain {
    fn features(&self, text: &str, bits: u32) -> Features {
        let mut f = Features::default();
        f.extract(text, &Hints::default(), bits);
        f
    }
}

fn sparse(f: &Features) -> Vec<(u32, f64)> {
    f.indices
        .iter()
        .map(|i| (i + 1, f64::from(f.value)))
        .collect()
}

/// A logistic regression fitted by liblinear on `x` (1-based feature indices) and `y`:
/// the coefficient of every feature 1..=n (at index i − 1) and the bias, signed so that
/// a positive score favours label 1. `balanced` weighs the classes to equal total cost.
fn logistic(
    x: Vec<Vec<(u32, f64)>>,
    y: &[bool],
    c: f64,
    epsilon: f64,
    balanced: bool,
) -> Result<(Vec<f64>, f64), String> {
    let labels: Vec<f64> = y.iter().map(|l| f64::from(u8::from(*l))).collect();
    let input = TrainingInput::from_sparse_features(labels, x)
        .map_err(|e| format!("training data: {e}"))?;
    let mut b = Builder::new();
    b.problem().input_data(input).bias(1.0);
    let params = b.parameters();
    params
        .solver_type(SolverType::L2R_LR)
        .stopping_criterion(epsilon)
        .constraints_violation_cost(c);
    if balanced {
        let pos = y.iter().filter(|l| **l).count() as f64;
        let neg = y.len() as f64 - pos;
        params
            .cost_penalty_labels(vec![0, 1])
            .cost_penalty_weights(vec![
                y.len() as f64 / (2.0 * neg),
                y.len() as f64 / (2.0 * pos),
            ]);
    }
    liblinear::toggle_liblinear_stdout_output(false);
    let model = b.build_model().map_err(|e| format!("liblinear: {e}"))?;
    // liblinear's decision value favours its first label: flip it when that is 0.
    let sign = if model.labels().first() == Some(&1) {
        1.0
    } else {
        -1.0
    };
    let n = model.num_features() as i32;
    let w = (1..=n)
        .map(|i| model.feature_coefficient(i, 0) * sign)
        .collect();
    Ok((w, model.label_bias(0) * sign))
}

/// Non-zero weights (0-based indices, as in [`Features`]) and bias of a class-balanced
/// logistic regression.
fn fit(x: &[Vec<(u32, f64)>], y: &[bool], c: f64) -> Result<(Vec<(u32, f32)>, f32), String> {
    let (w, bias) = logistic(x.to_vec(), y, c, 0.001, true)?;
    let sparse = w
        .iter()
        .enumerate()
        .filter(|(_, v)| **v != 0.0)
        .map(|(i, v)| (i as u32, *v as f32))
        .collect();
    Ok((sparse, bias as f32))
}

fn decision(w: &[f32], bias: f32, x: &[(u32, f64)]) -> f64 {
    x.iter()
        .map(|(i, v)| f64::from(w[(*i - 1) as usize]) * v)
        .sum::<f64>()
        + f64::from(bias)
}

/// Stratified folds: each class in a fixed pseudo-random order (a hash of the text and
/// its position), dealt round-robin.
pub fn folds(examples: &[Example], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let key = |i: &usize| blake3::hash(format!("{i}\u{0}{}", examples[*i].text).as_bytes());
    order.sort_by_key(|i| *key(i).as_bytes());
    let mut fold = vec![0; examples.len()];
    let (mut p, mut n) = (0, 0);
    for i in order {
        let c = if examples[i].label { &mut p } else { &mut n };
        fold[i] = *c % k;
        *c += 1;
    }
    fold
}

/// Counts at a threshold.
pub fn figures(set: &str, probs: &[f64], labels: &[bool], t: f64) -> SetFigures {
    let mut f = SetFigures {
        set: set.into(),
        examples: labels.len(),
        ..SetFigures::default()
    };
    for (p, l) in probs.iter().zip(labels) {
        let pred = *p >= t;
        f.positives += usize::from(*l);
        f.true_pos += usize::from(pred && *l);
        f.false_pos += usize::from(pred && !*l);
        f.false_neg += usize::from(!pred && *l);
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    f.precision = ratio(f.true_pos, f.true_pos + f.false_pos);
    f.recall = ratio(f.true_pos, f.true_pos + f.false_neg);
    f.f1 = ratio(2 * f.true_pos, 2 * f.true_pos + f.false_pos + f.false_neg);
    f
}

/// The threshold the rule picks on cross-validated probabilities (a hundredth grid).
pub fn choose(probs: &[f64], labels: &[bool], rule: ThresholdRule) -> (f64, SetFigures) {
    let grid: Vec<f64> = (1..100).map(|k| f64::from(k) / 100.0).collect();
    let at = |t: f64| figures("all", probs, labels, t);
    match rule {
        ThresholdRule::Recall(r) => {
            let t = grid
                .iter()
                .rev()
                .copied()
                .find(|t| at(*t).recall >= r)
                .unwrap_or(0.01);
            (t, at(t))
        }
        ThresholdRule::MaxF1 { min_precision } => {
            let best = |ok: &dyn Fn(&SetFigures) -> bool| {
                grid.iter()
                    .map(|t| (*t, at(*t)))
                    .filter(|(_, f)| ok(f))
                    .fold(None::<(f64, SetFigures)>, |acc, (t, f)| match acc {
                        Some((_, ref b)) if b.f1 >= f.f1 => acc,
                        _ => Some((t, f)),
                    })
            };
            best(&|f| f.precision >= min_precision && f.true_pos > 0)
                .or_else(|| best(&|_| true))
                .unwrap_or((0.5, at(0.5)))
        }
    }
}

/// Platt's sigmoid fitted to (score, label) pairs: a one-feature logistic regression,
/// barely regularised.
fn platt(z: &[f64], y: &[bool]) -> Result<(f64, f64), String> {
    let x: Vec<Vec<(u32, f64)>> = z.iter().map(|v| vec![(1, *v)]).collect();
    let (w, bias) = logistic(x, y, 1000.0, 0.0001, false)?;
    Ok((w.first().copied().unwrap_or(0.0), bias))
}

/// What [`train`] returns: the model file and the cross-validated figures.
pub struct Trained {
    pub file: ModelFile,
    pub classifier: Classifier,
}

/// Checks a label file's examples before training: both classes, enough of each.
pub fn check(examples: &[Example]) -> Result<(), String> {
    let pos = examples.iter().filter(|e| e.label).count();
    let neg = examples.len() - pos;
    if pos == 0 || neg == 0 {
        return Err(format!(
            "the labels hold a single class ({pos} positive, {neg} negative): both are needed"
        ));
    }
    if pos < MIN_PER_CLASS || neg < MIN_PER_CLASS {
        return Err(format!(
            "too few examples: {pos} positive and {neg} negative; at least {MIN_PER_CLASS} of each are needed"
        ));
    }
    Ok(())
}

/// Train the model `name` on `examples`.
pub fn train(
    name: &str,
    examples: &[Example],
    featurize: &dyn Featurize,
    opts: &Options,
) -> Result<Trained, String> {
    use rayon::prelude::*;
    check(examples)?;
    let bits = opts.hash_bits;
    let x: Vec<Vec<(u32, f64)>> = examples
        .par_iter()
        .map(|e| sparse(&featurize.features(&e.text, bits)))
        .collect();
    let y: Vec<bool> = examples.iter().map(|e| e.label).collect();
    let fold = folds(examples, opts.folds);
    let mut best: Option<(f64, f64, Vec<f64>)> = None;
    for &c in &opts.costs {
        // Cross-validated decision values: each example scored by the model that did not
        // see it.
        let per_fold: Vec<Result<Vec<(usize, f64)>, String>> = (0..opts.folds)
            .into_par_iter()
            .map(|k| {
                let (tx, ty): (Vec<_>, Vec<_>) = (0..x.len())
                    .filter(|i| fold[*i] != k)
                    .map(|i| (x[i].clone(), y[i]))
                    .unzip();
                let (w, b) = fit(&tx, &ty, c)?;
                let mut dense = vec![0f32; 1 << bits];
                for (i, v) in w {
                    dense[i as usize] = v;
                }
                Ok((0..x.len())
                    .filter(|i| fold[*i] == k)
                    .map(|i| (i, decision(&dense, b, &x[i])))
                    .collect())
            })
            .collect();
        let mut z = vec![0.0; x.len()];
        for f in per_fold {
            for (i, v) in f? {
                z[i] = v;
            }
        }
        let p = platt(&z, &y)?;
        let probs: Vec<f64> = z.iter().map(|v| calibrate(*v, p)).collect();
        let (_, fig) = choose(&probs, &y, opts.rule);
        let objective = match opts.rule {
            ThresholdRule::Recall(_) => fig.precision,
            ThresholdRule::MaxF1 { .. } => fig.f1,
        };
        if best.as_ref().is_none_or(|b| objective > b.1) {
            best = Some((c, objective, z));
        }
    }
    let (c, _, z) = best.ok_or("no regularisation cost to try")?;
    let p = platt(&z, &y)?;
    let probs: Vec<f64> = z.iter().map(|v| calibrate(*v, p)).collect();
    let (threshold, all) = choose(&probs, &y, opts.rule);
    let mut cv = vec![all];
    cv.extend(per_set(examples, &probs, &y, threshold));
    let (weights, bias) = fit(&x, &y, c)?;
    let round = |v: f64| (v * 1e6).round() / 1e6;
    let file = ModelFile {
        format: FORMAT.into(),
        version: 1,
        name: name.into(),
        features: SCHEME.into(),
        hash_bits: bits,
        bias,
        platt_a: round(p.0),
        platt_b: round(p.1),
        threshold,
        training: Training {
            c,
            folds: opts.folds,
            threshold_rule: opts.rule.describe(),
            cv: cv
                .into_iter()
                .map(|mut f| {
                    f.precision = round(f.precision);
                    f.recall = round(f.recall);
                    f.f1 = round(f.f1);
                    f
                })
                .collect(),
        },
        weights,
    };
    let json = to_json(&file)?;
    let classifier = Classifier::from_json(&json, name)?;
    Ok(Trained { file, classifier })
}

/// A model file's JSON: the header fields one per line, then the weights, one
/// `[index, weight]` pair per line, so a retrained model diffs readably.
pub fn to_json(file: &ModelFile) -> Result<String, String> {
    let header = ModelFile {
        weights: Vec::new(),
        ..file.clone()
    };
    let head = serde_json::to_string_pretty(&header).map_err(|e| format!("model file: {e}"))?;
    let head = head
        .strip_suffix("\"weights\": []\n}")
        .ok_or("model file: unexpected layout")?;
    let mut out = String::with_capacity(head.len() + file.weights.len() * 24);
    out.push_str(head);
    out.push_str("\"weights\": [\n");
    for (k, (i, w)) in file.weights.iter().enumerate() {
        let sep = if k + 1 == file.weights.len() { "" } else { "," };
        out.push_str(&format!(
            "    [{i},{}]{sep}\n",
            serde_json::to_string(w).map_err(|e| e.to_string())?
        ));
    }
    out.push_str("  ]\n}\n");
    Ok(out)
}

/// Figures of `model` on labelled `examples`, one row per set and one for all.
pub fn evaluate(
    model: &Classifier,
    examples: &[Example],
    featurize: &dyn Featurize,
) -> Vec<SetFigures> {
    use rayon::prelude::*;
    let probs: Vec<f64> = examples
        .par_iter()
        .map(|e| model.probability(&featurize.features(&e.text, model.hash_bits)))
        .collect();
    let y: Vec<bool> = examples.iter().map(|e| e.label).collect();
    let mut out = vec![figures("all", &probs, &y, model.threshold)];
    out.extend(per_set(examples, &probs, &y, model.threshold));
    out
}

/// Figures per labelled set, in order of first appearance; none when there is one set
/// (its figures are the overall ones).
fn per_set(examples: &[Example], probs: &[f64], y: &[bool], threshold: f64) -> Vec<SetFigures> {
    let mut sets: Vec<&str> = Vec::new();
    for e in examples {
        if !sets.contains(&e.set.as_str()) {
            sets.push(&e.set);
        }
    }
    if sets.len() < 2 {
        return Vec::new();
    }
    sets.iter()
        .map(|s| {
            let idx: Vec<usize> = (0..examples.len())
                .filter(|i| examples[*i].set == *s)
                .collect();
            let pr: Vec<f64> = idx.iter().map(|i| probs[*i]).collect();
            let la: Vec<bool> = idx.iter().map(|i| y[*i]).collect();
            figures(s, &pr, &la, threshold)
        })
        .collect()
}

/// Why `train` or `evaluate` failed: the input (exit 2) or the work (exit 1).
#[derive(Debug)]
pub enum TrainError {
    /// The labels, the config or the model named are unusable.
    Input(String),
    /// Training or writing the model failed.
    Failed(String),
}

impl TrainError {
    pub fn exit_code(&self) -> u8 {
        match self {
            TrainError::Input(_) => 2,
            TrainError::Failed(_) => 1,
        }
    }
}

impl std::fmt::Display for TrainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrainError::Input(e) | TrainError::Failed(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for TrainError {}

fn config_at(path: Option<&std::path::Path>) -> Result<crate::config::Config, TrainError> {
    match path {
        Some(p) => crate::config::Config::load(p).map_err(TrainError::Input),
        None => Ok(crate::config::Config::default()),
    }
}

fn examples_of(labels: &[std::path::PathBuf]) -> Result<Vec<Example>, TrainError> {
    let mut out = Vec::new();
    for path in labels {
        out.extend(read_labels(path).map_err(TrainError::Input)?);
    }
    Ok(out)
}

/// `socialpulse train`: the examples of the label files, featurised as a run would
/// (sentiment and the rules of `config`), trained and written to `out`.
pub fn train_files(
    name: &str,
    labels: &[std::path::PathBuf],
    config: Option<&std::path::Path>,
    opts: &Options,
    out: &std::path::Path,
) -> Result<Trained, TrainError> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(TrainError::Input(format!(
            "classifier name {name:?} must be letters, digits, '_' or '-'"
        )));
    }
    if opts.folds < 2 {
        return Err(TrainError::Input("folds must be at least 2".into()));
    }
    let cfg = config_at(config)?;
    let examples = examples_of(labels)?;
    check(&examples).map_err(|e| {
        TrainError::Input(format!(
            "{}: {e}",
            labels
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let analyzer = crate::analysis::Analyzer::for_training(&cfg).map_err(TrainError::Input)?;
    let trained = train(name, &examples, &analyzer, opts).map_err(TrainError::Failed)?;
    let json = to_json(&trained.file).map_err(TrainError::Failed)?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| TrainError::Failed(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(out, json)
        .map_err(|e| TrainError::Failed(format!("cannot write {}: {e}", out.display())))?;
    Ok(trained)
}

/// `socialpulse evaluate`: the threshold used and the figures of the model (`model`, or
/// the config's `[[classifiers]]` entry of that name, or the built-in one) on the label
/// files.
pub fn evaluate_files(
    name: &str,
    labels: &[std::path::PathBuf],
    model: Option<&std::path::Path>,
    config: Option<&std::path::Path>,
) -> Result<(f64, Vec<SetFigures>), TrainError> {
    let cfg = config_at(config)?;
    let configured = cfg.classifiers.iter().find(|c| c.name == name);
    let mut classifier = match (model, configured.and_then(|c| c.model.as_deref())) {
        (Some(p), _) | (None, Some(p)) => Classifier::load(p).map_err(TrainError::Input)?,
        (None, None) => match Classifier::builtin(name) {
            Some(m) => m.map_err(TrainError::Failed)?.clone(),
            None => {
                return Err(TrainError::Input(format!(
                    "no built-in model {name:?} (built in: question, harm): give --model"
                )))
            }
        },
    };
    if let Some(t) = configured.and_then(|c| c.threshold) {
        classifier.threshold = t;
    }
    let examples = examples_of(labels)?;
    if examples.is_empty() {
        return Err(TrainError::Input("the label files hold no examples".into()));
    }
    let analyzer = crate::analysis::Analyzer::for_training(&cfg).map_err(TrainError::Input)?;
    Ok((
        classifier.threshold,
        evaluate(&classifier, &examples, &analyzer),
    ))
}

/// The figures as a Markdown table.
pub fn table(rows: &[SetFigures]) -> String {
    let mut s = String::from(
        "| set | examples | positives | TP | FP | FN | precision | recall | F1 |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {:.3} | {:.3} | {:.3} |\n",
            r.set,
            r.examples,
            r.positives,
            r.true_pos,
            r.false_pos,
            r.false_neg,
            r.precision,
            r.recall,
            r.f1
        ));
    }
    s
}

/// Labelled examples from a CSV or TSV file with the columns `text` and `label`
/// (`1`/`0`, `true`/`false`, `yes`/`no`); the delimiter is the one in the header.
pub fn read_labels(path: &std::path::Path) -> Result<Vec<Example>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: not UTF-8 (byte {}): save the labels as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains('\t') { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: header: {e}", path.display()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    for name in ["text", "label"] {
        let n = headers
            .iter()
            .filter(|h| h.trim().eq_ignore_ascii_case(name))
            .count();
        if n > 1 {
            return Err(format!(
                "{}: the column `{name}` appears {n} times in the header: which one is meant?",
                path.display()
            ));
        }
    }
    let (Some(t), Some(l)) = (col("text"), col("label")) else {
        return Err(format!(
            "{}: needs the columns `text` and `label`; the header has {:?}",
            path.display(),
            headers.iter().collect::<Vec<_>>()
        ));
    };
    let set = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: row {}: {e}", path.display(), i + 2))?;
        let label = match rec
            .get(l)
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "1" | "true" | "yes" => true,
            "0" | "false" | "no" => false,
            other => {
                return Err(format!(
                    "{}: row {}: label {other:?} is not 1/0 or true/false",
                    path.display(),
                    i + 2
                ))
            }
        };
        let text = rec.get(t).unwrap_or_default();
        // A quote never closed swallows the rows after it into this text: its lines
        // end the way rows end, with a delimiter and a label.
        let swallowed = text.lines().skip(1).any(|line| {
            line.rsplit_once(delimiter as char)
                .is_some_and(|(_, last)| {
                    matches!(
                        last.trim().to_ascii_lowercase().as_str(),
                        "1" | "0" | "true" | "false" | "yes" | "no"
                    )
                })
        });
        if swallowed {
            return Err(format!(
                "{}: row {}: an unterminated quote? its text runs over {} lines that end like rows of their own",
                path.display(),
                i + 2,
                text.lines().count()
            ));
        }
        if text.trim().is_empty() {
            return Err(format!(
                "{}: row {}: the text is empty",
                path.display(),
                i + 2
            ));
        }
        out.push(Example {
            text: text.to_string(),
            label,
            set: set.clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Vec<Example> {
        let mut out = Vec::new();
        for i in 0..40 {
            out.push(Example {
                text: format!("when does the {i} bus leave?"),
                label: true,
                set: "a".into(),
            });
            out.push(Example {
                text: format!("the {i} bus left on time today"),
                label: false,
                set: "a".into(),
            });
        }
        out
    }

    #[test]
    fn a_separable_set_is_learned_and_training_is_deterministic() {
        let opts = Options {
            costs: vec![1.0],
            ..Options::default()
        };
        let a = train("q", &examples(), &Plain, &opts).expect("train");
        let b = train("q", &examples(), &Plain, &opts).expect("train");
        assert_eq!(to_json(&a.file).ok(), to_json(&b.file).ok());
        assert_eq!(a.file.training.cv[0].f1, 1.0);
        let f = Plain.features("when does the 99 bus leave?", 18);
        assert!(a.classifier.probability(&f) >= a.classifier.threshold);
        let f = Plain.features("the 99 bus left on time today", 18);
        assert!(a.classifier.probability(&f) < a.classifier.threshold);
    }

    #[test]
    fn too_few_or_one_class_is_refused() {
        let one: Vec<Example> = examples().into_iter().filter(|e| e.label).collect();
        assert!(check(&one).unwrap_err().contains("single class"));
        let few: Vec<Example> = examples().into_iter().take(30).collect();
        assert!(check(&few).unwrap_err().contains("at least 20"));
    }

    #[test]
    fn thresholds_follow_their_rule() {
        let probs = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3];
        let labels = [true, true, false, true, false, false];
        let (t, f) = choose(&probs, &labels, ThresholdRule::Recall(1.0));
        assert_eq!((t, f.recall), (0.6, 1.0));
        let (t, f) = choose(&probs, &labels, ThresholdRule::MaxF1 { min_precision: 1.0 });
        assert_eq!((t, f.true_pos, f.false_pos), (0.71, 2, 0));
    }
}
