//! VADER sentiment (Hutto & Gilbert, ICWSM 2014), a rule-for-rule port of the
//! reference Python package vaderSentiment 3.3.2 (MIT, © 2016 C.J. Hutto), with the
//! reference's own lexicons (`vader_lexicon.txt`, `emoji_utf8_lexicon.txt`).
//!
//! Parity is exact, quirks included: the `but` rule looks values up by *first equal
//! value* (`list.index`), `never so/this` three words back fires on `so`/`this` alone,
//! tokenisation is Python's `str.split()` plus `strip(string.punctuation)` kept only
//! when at least three characters remain, and scores are rounded half-to-even like
//! Python's `round`. See `tests/vader_parity.rs` for the 4,200-tweet check.
//!
//! Speed: the lexicons are parsed once into FxHash maps; scoring a text allocates a
//! handful of buffers per call (reused through a thread-local scratch), never per token.

use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::sync::OnceLock;

const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;

const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

const BOOSTERS: &[(&str, f64)] = &[
    ("absolutely", B_INCR),
    ("amazingly", B_INCR),
    ("awfully", B_INCR),
    ("completely", B_INCR),
    ("considerable", B_INCR),
    ("considerably", B_INCR),
    ("decidedly", B_INCR),
    ("deeply", B_INCR),
    ("effing", B_INCR),
    ("enormous", B_INCR),
    ("enormously", B_INCR),
    ("entirely", B_INCR),
    ("especially", B_INCR),
    ("exceptional", B_INCR),
    ("exceptionally", B_INCR),
    ("extreme", B_INCR),
    ("extremely", B_INCR),
    ("fabulously", B_INCR),
    ("flipping", B_INCR),
    ("flippin", B_INCR),
    ("frackin", B_INCR),
    ("fracking", B_INCR),
    ("fricking", B_INCR),
    ("frickin", B_INCR),
    ("frigging", B_INCR),
    ("friggin", B_INCR),
    ("fully", B_INCR),
    ("fuckin", B_INCR),
    ("fucking", B_INCR),
    ("fuggin", B_INCR),
    ("fugging", B_INCR),
    ("greatly", B_INCR),
    ("hella", B_INCR),
    ("highly", B_INCR),
    ("hugely", B_INCR),
    ("incredible", B_INCR),
    ("incredibly", B_INCR),
    ("intensely", B_INCR),
    ("major", B_INCR),
    ("majorly", B_INCR),
    ("more", B_INCR),
    ("most", B_INCR),
    ("particularly", B_INCR),
    ("purely", B_INCR),
    ("quite", B_INCR),
    ("really", B_INCR),
    ("remarkably", B_INCR),
    ("so", B_INCR),
    ("substantially", B_INCR),
    ("thoroughly", B_INCR),
    ("total", B_INCR),
    ("totally", B_INCR),
    ("tremendous", B_INCR),
    ("tremendously", B_INCR),
    ("uber", B_INCR),
    ("unbelievably", B_INCR),
    ("unusually", B_INCR),
    ("utter", B_INCR),
    ("utterly", B_INCR),
    ("very", B_INCR),
    ("almost", B_DECR),
    ("barely", B_DECR),
    ("hardly", B_DECR),
    ("just enough", B_DECR),
    ("kind of", B_DECR),
    ("kinda", B_DECR),
    ("kindof", B_DECR),
    ("kind-of", B_DECR),
    ("less", B_DECR),
    ("little", B_DECR),
    ("marginal", B_DECR),
    ("marginally", B_DECR),
    ("occasional", B_DECR),
    ("occasionally", B_DECR),
    ("partly", B_DECR),
    ("scarce", B_DECR),
    ("scarcely", B_DECR),
    ("slight", B_DECR),
    ("slightly", B_DECR),
    ("somewhat", B_DECR),
    ("sort of", B_DECR),
    ("sorta", B_DECR),
    ("sortof", B_DECR),
    ("sort-of", B_DECR),
];

/// Multi-word special cases (single-word keys of the reference can never match an n-gram).
const SPECIAL_CASES: &[(&[&str], f64)] = &[
    (&["the", "shit"], 3.0),
    (&["the", "bomb"], 3.0),
    (&["bad", "ass"], 1.5),
    (&["bus", "stop"], 0.0),
    (&["yeah", "right"], -2.0),
    (&["kiss", "of", "death"], -1.5),
    (&["to", "die", "for"], 3.0),
    (&["beating", "heart"], 3.5),
];

/// Multi-word boosters, checked on the two words before a lexicon word.
const BOOSTER_BIGRAMS: &[(&str, &str, f64)] = &[
    ("just", "enough", B_DECR),
    ("kind", "of", B_DECR),
    ("sort", "of", B_DECR),
];

/// VADER scores, rounded as the reference rounds them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    pub compound: f64,
}

pub struct Vader {
    lexicon: FxHashMap<&'static str, f64>,
    boosters: FxHashMap<&'static str, f64>,
    negations: FxHashSet<&'static str>,
    emojis: FxHashMap<char, &'static str>,
}

/// The shared engine, built on first use.
pub fn vader() -> &'static Vader {
    static V: OnceLock<Vader> = OnceLock::new();
    V.get_or_init(Vader::new)
}

/// Python's `str.isspace` (Rust's `is_whitespace` plus the four ASCII separators).
#[inline]
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.isupper`: no lower/title-case character and at least one upper-case one.
fn py_isupper(s: &str) -> bool {
    if s.is_ascii() {
        let b = s.as_bytes();
        return !b.iter().any(u8::is_ascii_lowercase) && b.iter().any(u8::is_ascii_uppercase);
    }
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

fn is_titlecase(c: char) -> bool {
    matches!(c as u32,
        0x01C5 | 0x01C8 | 0x01CB | 0x01F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF
        | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// `token.strip(string.punctuation)`, kept only if more than two characters remain.
fn strip_punc_if_word(token: &str) -> &str {
    let stripped = token.trim_matches(|c: char| c.is_ascii_punctuation());
    if stripped.chars().count() <= 2 {
        token
    } else {
        stripped
    }
}

/// Python's `round(x, nd)`: round half to even on the exact binary value.
pub fn py_round(x: f64, nd: i32) -> f64 {
    let m = 10f64.powi(nd);
    let y = x * m;
    let frac = (y - y.trunc()).abs();
    if (frac - 0.5).abs() > 1e-6 {
        return y.round() / m;
    }
    // Near a tie the scaled product may be off by an ulp: use exact decimal formatting.
    format!("{:.*}", nd as usize, x)
        .parse()
        .unwrap_or(y.round() / m)
}

fn normalize(score: f64) -> f64 {
    let n = score / (score * score + 15.0).sqrt();
    n.clamp(-1.0, 1.0)
}

/// Per-call working memory, reused across calls on the same thread.
#[derive(Default)]
struct Scratch {
    text: String,
    lowered: String,
    /// (start, end) of each token's lower-case form in `lowered`.
    lower_spans: Vec<(u32, u32)>,
    upper: Vec<bool>,
    lex: Vec<Option<f64>>,
    sentiments: Vec<f64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Vader {
    fn new() -> Vader {
        let mut lexicon = FxHashMap::default();
        for line in include_str!("vader_lexicon.txt")
            .trim_end_matches('\n')
            .split('\n')
        {
            if line.is_empty() {
                continue;
            }
            let mut f = line.trim().split('\t');
            if let (Some(w), Some(v)) = (f.next(), f.next()) {
                if let Ok(v) = v.parse::<f64>() {
                    lexicon.insert(w, v);
                }
            }
        }
        let mut emojis = FxHashMap::default();
        for line in include_str!("emoji_utf8_lexicon.txt")
            .trim_end_matches('\n')
            .split('\n')
        {
            let mut f = line.trim().split('\t');
            if let (Some(e), Some(d)) = (f.next(), f.next()) {
                let mut chars = e.chars();
                // Only single code points can match: the reference tests `chr in emojis`.
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    emojis.insert(c, d);
                }
            }
        }
        Vader {
            lexicon,
            boosters: BOOSTERS.iter().copied().collect(),
            negations: NEGATE.iter().copied().collect(),
            emojis,
        }
    }

    pub fn lexicon_len(&self) -> usize {
        self.lexicon.len()
    }

    /// Score a text exactly as `SentimentIntensityAnalyzer().polarity_scores(text)`.
    pub fn polarity_scores(&self, text: &str) -> Scores {
        SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => self.score_with(text, &mut s),
            // Re-entrant call (cannot happen in practice): use fresh scratch.
            Err(_) => self.score_with(text, &mut Scratch::default()),
        })
    }

    fn score_with(&self, text: &str, s: &mut Scratch) -> Scores {
        // Emojis to their descriptions (only non-ASCII characters can be emojis).
        let text: &str = if text.is_ascii() {
            text
        } else {
            s.text.clear();
            let mut prev_space = true;
            for c in text.chars() {
                if let Some(desc) = self.emojis.get(&c) {
                    if !prev_space {
                        s.text.push(' ');
                    }
                    s.text.push_str(desc);
                    prev_space = false;
                } else {
                    s.text.push(c);
                    prev_space = c == ' ';
                }
            }
            &s.text
        };
        let text = text.trim_matches(py_space);

        // Tokens with their lower-case forms, upper-case flags and lexicon valences.
        let tokens: Vec<&str> = text
            .split(py_space)
            .filter(|t| !t.is_empty())
            .map(strip_punc_if_word)
            .collect();
        let n = tokens.len();
        s.lowered.clear();
        s.lower_spans.clear();
        s.upper.clear();
        s.lex.clear();
        for t in &tokens {
            let start = s.lowered.len() as u32;
            if t.is_ascii() {
                s.lowered
                    .extend(t.bytes().map(|b| b.to_ascii_lowercase() as char));
            } else {
                s.lowered.push_str(&t.to_lowercase());
            }
            s.lower_spans.push((start, s.lowered.len() as u32));
            s.upper.push(py_isupper(t));
        }
        let lowered = &s.lowered;
        let spans = &s.lower_spans;
        let low = |i: usize| -> &str {
            let (a, b) = spans[i];
            &lowered[a as usize..b as usize]
        };
        for i in 0..n {
            s.lex.push(self.lexicon.get(low(i)).copied());
        }
        let upper = &s.upper;
        let lex = &s.lex;
        let allcaps = upper.iter().filter(|u| **u).count();
        let is_cap_diff = allcaps > 0 && allcaps < n;

        let sentiments = &mut s.sentiments;
        sentiments.clear();
        for i in 0..n {
            let w = low(i);
            if self.boosters.contains_key(w) || (i + 1 < n && w == "kind" && low(i + 1) == "of") {
                sentiments.push(0.0);
                continue;
            }
            let Some(base) = lex[i] else {
                sentiments.push(0.0);
                continue;
            };
            let mut valence = base;
            if w == "no" && i + 1 < n && lex[i + 1].is_some() {
                valence = 0.0;
            }
            if (i > 0 && low(i - 1) == "no")
                || (i > 1 && low(i - 2) == "no")
                || (i > 2 && low(i - 3) == "no" && matches!(low(i - 1), "or" | "nor"))
            {
                valence = base * N_SCALAR;
            }
            if upper[i] && is_cap_diff {
                if valence > 0.0 {
                    valence += C_INCR;
                } else {
                    valence -= C_INCR;
                }
            }
            for start_i in 0..3 {
                if i > start_i && lex[i - (start_i + 1)].is_none() {
                    let j = i - (start_i + 1);
                    let mut sc = self.scalar_inc_dec(low(j), upper[j], valence, is_cap_diff);
                    if start_i == 1 && sc != 0.0 {
                        sc *= 0.95;
                    }
                    if start_i == 2 && sc != 0.0 {
                        sc *= 0.9;
                    }
                    valence += sc;
                    valence = self.negation_check(valence, &low, start_i, i);
                    if start_i == 2 {
                        valence = special_idioms_check(valence, &low, n, i);
                    }
                }
            }
            // "least" as negation, except "at least" / "very least".
            if i > 1 && lex[i - 1].is_none() && low(i - 1) == "least" {
                if low(i - 2) != "at" && low(i - 2) != "very" {
                    valence *= N_SCALAR;
                }
            } else if i > 0 && lex[i - 1].is_none() && low(i - 1) == "least" {
                valence *= N_SCALAR;
            }
            sentiments.push(valence);
        }

        // The "but" rule, with the reference's lookup of each value's first occurrence.
        if let Some(bi) = (0..n).find(|&i| low(i) == "but") {
            for k in 0..n {
                let v = sentiments[k];
                let si = sentiments.iter().position(|x| *x == v).unwrap_or(k);
                if si < bi {
                    sentiments[si] = v * 0.5;
                } else if si > bi {
                    sentiments[si] = v * 1.5;
                }
            }
        }
        score_valence(sentiments, text)
    }

    fn scalar_inc_dec(
        &self,
        word_lower: &str,
        word_upper: bool,
        valence: f64,
        is_cap_diff: bool,
    ) -> f64 {
        let Some(&b) = self.boosters.get(word_lower) else {
            return 0.0;
        };
        let mut scalar = if valence < 0.0 { -b } else { b };
        if word_upper && is_cap_diff {
            if valence > 0.0 {
                scalar += C_INCR;
            } else {
                scalar -= C_INCR;
            }
        }
        scalar
    }

    fn negated(&self, w: &str) -> bool {
        self.negations.contains(w) || w.contains("n't")
    }

    fn negation_check<'a>(
        &self,
        valence: f64,
        low: &impl Fn(usize) -> &'a str,
        start_i: usize,
        i: usize,
    ) -> f64 {
        match start_i {
            0 => {
                if self.negated(low(i - 1)) {
                    return valence * N_SCALAR;
                }
            }
            1 => {
                if low(i - 2) == "never" && matches!(low(i - 1), "so" | "this") {
                    return valence * 1.25;
                } else if low(i - 2) == "without" && low(i - 1) == "doubt" {
                    return valence;
                } else if self.negated(low(i - 2)) {
                    return valence * N_SCALAR;
                }
            }
            _ => {
                // Python precedence: (never and so/this two back) or (so/this one back).
                if (low(i - 3) == "never" && matches!(low(i - 2), "so" | "this"))
                    || matches!(low(i - 1), "so" | "this")
                {
                    return valence * 1.25;
                } else if low(i - 3) == "without"
                    && (low(i - 2) == "doubt" || low(i - 1) == "doubt")
                {
                    return valence;
                } else if self.negated(low(i - 3)) {
                    return valence * N_SCALAR;
                }
            }
        }
        valence
    }
}

fn phrase_at<'a>(low: &impl Fn(usize) -> &'a str, start: usize, words: &[&str]) -> bool {
    words.iter().enumerate().all(|(k, w)| low(start + k) == *w)
}

fn special_case<'a>(low: &impl Fn(usize) -> &'a str, start: usize, len: usize) -> Option<f64> {
    SPECIAL_CASES
        .iter()
        .find(|(words, _)| words.len() == len && phrase_at(low, start, words))
        .map(|(_, v)| *v)
}

/// Called with i >= 3 only (the three-words-back branch).
fn special_idioms_check<'a>(
    mut valence: f64,
    low: &impl Fn(usize) -> &'a str,
    n: usize,
    i: usize,
) -> f64 {
    // onezero, twoonezero, twoone, threetwoone, threetwo: first match wins.
    let sequences = [(i - 1, 2), (i - 2, 3), (i - 2, 2), (i - 3, 3), (i - 3, 2)];
    if let Some(v) = sequences
        .iter()
        .find_map(|&(st, len)| special_case(low, st, len))
    {
        valence = v;
    }
    if n - 1 > i {
        if let Some(v) = special_case(low, i, 2) {
            valence = v;
        }
    }
    if n - 1 > i + 1 {
        if let Some(v) = special_case(low, i, 3) {
            valence = v;
        }
    }
    // threetwoone (three words) never matches a booster; threetwo and twoone may.
    for st in [i - 3, i - 2] {
        for (a, b, v) in BOOSTER_BIGRAMS {
            if low(st) == *a && low(st + 1) == *b {
                valence += v;
            }
        }
    }
    valence
}

fn score_valence(sentiments: &[f64], text: &str) -> Scores {
    if sentiments.is_empty() {
        return Scores::default();
    }
    let mut sum_s: f64 = 0.0;
    for v in sentiments {
        sum_s += v;
    }
    let ep = text.bytes().filter(|b| *b == b'!').count().min(4) as f64 * 0.292;
    let qm_count = text.bytes().filter(|b| *b == b'?').count();
    let qm = if qm_count > 1 {
        if qm_count <= 3 {
            qm_count as f64 * 0.18
        } else {
            0.96
        }
    } else {
        0.0
    };
    let punct = ep + qm;
    if sum_s > 0.0 {
        sum_s += punct;
    } else if sum_s < 0.0 {
        sum_s -= punct;
    }
    let compound = normalize(sum_s);
    let (mut pos_sum, mut neg_sum, mut neu_count) = (0.0f64, 0.0f64, 0usize);
    for &v in sentiments {
        if v > 0.0 {
            pos_sum += v + 1.0;
        }
        if v < 0.0 {
            neg_sum += v - 1.0;
        }
        if v == 0.0 {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += punct;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= punct;
    }
    let total = pos_sum + neg_sum.abs() + neu_count as f64;
    Scores {
        neg: py_round((neg_sum / total).abs(), 3),
        neu: py_round((neu_count as f64 / total).abs(), 3),
        pos: py_round((pos_sum / total).abs(), 3),
        compound: py_round(compound, 4),
    }
}

#[cfg(test)]
mod tests;
