//! One Aho-Corasick pass over the folded text finds every taxonomy term, escalation
//! phrase, complaint word and information-request phrase at once; whole-word and
//! negation checks are applied to each hit.

use super::fold::fold;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// What a pattern stands for (one pattern may stand for several things).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Topic(usize),
    TopicExclude(usize),
    Escalation(usize),
    Complaint,
    InfoRequest,
}

/// A pattern and whether a negation just before it cancels it.
pub struct Pattern {
    pub targets: Vec<(Target, bool)>,
}

pub struct Matcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    texts: Vec<String>,
}

/// Words that, within the three words before a term, negate it.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "dont", "don't", "wont", "won't", "isnt", "isn't", "wasnt", "wasn't",
    "arent", "aren't", "didnt", "didn't", "doesnt", "doesn't", "without", "nothing", "cannot",
    "can't", "cant", "hardly", "nor", "neither",
];

impl Matcher {
    /// `entries`: (phrase, target, negatable).
    pub fn new(entries: &[(String, Target, bool)]) -> Result<Matcher, String> {
        let mut texts: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (phrase, target, negatable) in entries {
            let f = fold(phrase);
            if f.is_empty() {
                continue;
            }
            let id = *index.entry(f.clone()).or_insert_with(|| {
                texts.push(f.clone());
                patterns.push(Pattern {
                    targets: Vec::new(),
                });
                texts.len() - 1
            });
            if !patterns[id].targets.contains(&(*target, *negatable)) {
                patterns[id].targets.push((*target, *negatable));
            }
        }
        let ac = if texts.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .prefilter(false)
                    .build(&texts)
                    .map_err(|e| format!("building the term matcher: {e}"))?,
            )
        };
        Ok(Matcher {
            ac,
            patterns,
            texts,
        })
    }

    /// Every target hit in the folded text (whole words only; negated hits dropped
    /// for negatable targets), with duplicates removed, in first-hit order.
    pub fn hits(&self, folded: &str) -> Vec<Target> {
        let mut out: Vec<Target> = Vec::new();
        let Some(ac) = &self.ac else {
            return out;
        };
        let bytes = folded.as_bytes();
        for m in ac.find_overlapping_iter(folded) {
            let pat = &self.texts[m.pattern().as_usize()];
            let (s, e) = (m.start(), m.end());
            let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
            let first = pat.as_bytes()[0];
            let last = pat.as_bytes()[pat.len() - 1];
            if word(first) && s > 0 && word(bytes[s - 1]) {
                continue;
            }
            if word(last) && e < bytes.len() && word(bytes[e]) {
                continue;
            }
            let negated = preceded_by_negation(&folded[..s]);
            for &(t, negatable) in &self.patterns[m.pattern().as_usize()].targets {
                if negatable && negated {
                    continue;
                }
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }
}

fn preceded_by_negation(before: &str) -> bool {
    before
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .rev()
        .take(3)
        .any(|w| NEGATIONS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_phrases_and_negation() {
        let m = Matcher::new(&[
            ("late".into(), Target::Topic(0), false),
            ("running late".into(), Target::Topic(1), false),
            ("sue".into(), Target::Escalation(0), true),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let mut hits = m.hits("the bus is running late");
        hits.sort_by_key(|t| format!("{t:?}"));
        assert_eq!(hits, vec![Target::Topic(0), Target::Topic(1)]);
        assert_eq!(m.hits("chocolate and sued"), vec![]);
        assert_eq!(m.hits("i will sue you"), vec![Target::Escalation(0)]);
        assert_eq!(m.hits("i'm not going to sue"), vec![]);
    }
}
