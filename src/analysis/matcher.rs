//! One pass over the folded text finds every taxonomy term, escalation phrase,
//! complaint word and information-request phrase at once; whole-word and negation
//! checks are applied to each hit.
//!
//! A phrase that starts with a word character can only match where a text word equals
//! its first word (the match must start at a word boundary, and the phrase's first word
//! ends where the phrase has a non-word character or ends, with its own boundary
//! check). So such phrases are indexed by their first word in a packed word table, and
//! each text word costs one table probe; the rest of the phrase is compared only when
//! the first word is known. Phrases that start with another character (`#tag`, `@`,
//! `£5`) go through Aho-Corasick, which is built only when there are any.

use super::fold::fold;
use super::vader::table::{in_range, WordTable, MAX_KEY, MSB};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// What a pattern stands for (one pattern may stand for several things).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Topic(usize),
    TopicExclude(usize),
    Escalation(usize),
    Complaint,
    /// Words that name a complaint's subject (a refund, a complaint): a complaint
    /// unless the post asks about it.
    ComplaintTopic,
    InfoRequest,
}

impl Target {
    /// Position in a [`Hits`] set: topics, their exclusions and escalation rules
    /// interleaved after the three single targets, so no count is needed up front.
    fn bit(self) -> usize {
        match self {
            Target::Complaint => 0,
            Target::InfoRequest => 1,
            Target::ComplaintTopic => 2,
            Target::Topic(i) => 3 + 3 * i,
            Target::TopicExclude(i) => 4 + 3 * i,
            Target::Escalation(i) => 5 + 3 * i,
        }
    }

    fn from_bit(b: usize) -> Target {
        match b {
            0 => Target::Complaint,
            1 => Target::InfoRequest,
            2 => Target::ComplaintTopic,
            _ => match (b - 3) % 3 {
                0 => Target::Topic((b - 3) / 3),
                1 => Target::TopicExclude((b - 3) / 3),
                _ => Target::Escalation((b - 3) / 3),
            },
        }
    }
}

/// The targets hit in one text: a bit set, cleared and reused between texts.
#[derive(Clone, Debug, Default)]
pub struct Hits(Vec<u64>);

impl Hits {
    pub fn clear(&mut self) {
        self.0.iter_mut().for_each(|w| *w = 0);
    }
    fn insert(&mut self, t: Target) {
        let b = t.bit();
        if self.0.len() <= b / 64 {
            self.0.resize(b / 64 + 1, 0);
        }
        self.0[b / 64] |= 1 << (b % 64);
    }
    pub fn contains(&self, t: Target) -> bool {
        let b = t.bit();
        self.0.get(b / 64).is_some_and(|w| w & (1 << (b % 64)) != 0)
    }
    /// The targets in the set, in bit order.
    pub fn iter(&self) -> impl Iterator<Item = Target> + '_ {
        (0..self.0.len() * 64)
            .filter(|&b| self.0[b / 64] & (1 << (b % 64)) != 0)
            .map(Target::from_bit)
    }
}

/// A pattern and whether a negation just before it cancels it.
pub struct Pattern {
    pub targets: Vec<(Target, bool)>,
}

pub struct Matcher {
    /// First word of each word-initial phrase → index in `groups`.
    first_words: WordTable<u32>,
    /// Phrases (indices into `patterns`) sharing a first word.
    groups: Vec<Vec<usize>>,
    /// A 4,096-bit set of [`sketch`]es of the first words: most text words are in no
    /// phrase, and this small set (in L1) turns them away before the table probe.
    sketches: [u64; 64],
    /// Phrases that do not start with a word character, or whose first word is too
    /// long for the word table, and their indices into `patterns`.
    ac: Option<(AhoCorasick, Vec<usize>)>,
    patterns: Vec<Pattern>,
    /// Each pattern's folded bytes followed by [`PADDING`] zero bytes, for [`eq_padded`].
    padded: Vec<Vec<u8>>,
}

thread_local! {
    static WORD_BITS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Which of the eight bytes of `w` are word bytes (ASCII letter or digit, or 0x80 and
/// above), as the low eight bits, byte 0 in bit 0: SWAR tests set each byte's high bit,
/// and one multiply gathers the eight high bits.
#[inline(always)]
fn word_bits8(w: u64) -> u64 {
    let alpha = in_range(w | 0x2020_2020_2020_2020, b'a', b'z');
    let digit = in_range(w, b'0', b'9');
    let m = (w & MSB) | alpha | digit;
    m.wrapping_mul(0x0002_0408_1020_4081) >> 56
}

/// The (start, end) of every run of word bytes in `padded[..len]`, where `padded` has
/// [`PADDING`] non-word bytes after `len`. A bitmap of word bytes is built first, eight
/// bytes per step without branches, and runs are read from it with bit scans, so the
/// scan does not branch (and mispredict) on every byte.
fn word_runs<'a>(
    padded: &[u8],
    len: usize,
    bits: &'a mut Vec<u64>,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    bits.clear();
    bits.resize(len.div_ceil(64) + 1, 0);
    let mut k = 0;
    while k < len {
        let Some(c) = padded.get(k..).and_then(|t| t.first_chunk::<8>()) else {
            break;
        };
        bits[k / 64] |= word_bits8(u64::from_le_bytes(*c)) << (k % 64);
        k += 8;
    }
    // The last word of the map stays zero: every run ends before it.
    let bits: &'a [u64] = bits;
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let mut w = pos >> 6;
        let mut cur = bits.get(w)? & (u64::MAX << (pos & 63));
        while cur == 0 {
            w += 1;
            cur = *bits.get(w)?;
        }
        let s = (w << 6) + cur.trailing_zeros() as usize;
        let mut w = s >> 6;
        let mut cur = !bits.get(w)? & (u64::MAX << (s & 63));
        while cur == 0 {
            w += 1;
            cur = !*bits.get(w)?;
        }
        pos = (w << 6) + cur.trailing_zeros() as usize;
        Some((s, pos))
    })
}

/// `a[i..i + n] == b[j..j + n]`, eight bytes at a time; both slices hold at least
/// eight bytes from every compared position (padding).
#[inline]
fn eq_padded(a: &[u8], i: usize, b: &[u8], j: usize, n: usize) -> bool {
    let load = |x: &[u8], k: usize| {
        x.get(k..)
            .and_then(|t| t.first_chunk::<8>())
            .map(|c| u64::from_le_bytes(*c))
    };
    let mut k = 0;
    while k < n {
        let (Some(x), Some(y)) = (load(a, i + k), load(b, j + k)) else {
            return false;
        };
        let left = n - k;
        let keep = if left >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * left)) - 1
        };
        if (x ^ y) & keep != 0 {
            return false;
        }
        k += 8;
    }
    true
}

/// Words that, within the three words before a term, negate it.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "dont", "don't", "wont", "won't", "isnt", "isn't", "wasnt", "wasn't",
    "arent", "aren't", "didnt", "didn't", "doesnt", "doesn't", "without", "nothing", "cannot",
    "can't", "cant", "hardly", "nor", "neither",
];

/// Bytes that make up words for the whole-word rule: ASCII letters and digits, and
/// every byte of a non-ASCII character.
const WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c >= 0x80;
        b += 1;
    }
    t
};

#[inline(always)]
fn is_word(b: u8) -> bool {
    WORD[b as usize]
}

/// 12 bits from a word's first byte, last byte and length.
#[inline(always)]
fn sketch(w: &[u8]) -> usize {
    let (Some(&a), Some(&z)) = (w.first(), w.last()) else {
        return 0;
    };
    (usize::from(a) * 61 + usize::from(z) * 7 + w.len()) & 4095
}

/// Bytes of padding [`Matcher::hits_padded`] needs after the text.
pub const PADDING: usize = 8;

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
        let mut firsts: Vec<&str> = Vec::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut others: Vec<usize> = Vec::new();
        for (id, t) in texts.iter().enumerate() {
            let b = t.as_bytes();
            let n = b.iter().position(|&c| !is_word(c)).unwrap_or(b.len());
            if n == 0 || n > MAX_KEY {
                others.push(id);
                continue;
            }
            let first = &t[..n];
            match firsts.iter().position(|f| *f == first) {
                Some(g) => groups[g].push(id),
                None => {
                    firsts.push(first);
                    groups.push(vec![id]);
                }
            }
        }
        let keys: Vec<(&str, u32)> = firsts
            .iter()
            .enumerate()
            .map(|(g, f)| (*f, g as u32))
            .collect();
        let first_words = WordTable::new(&keys);
        let mut sketches = [0u64; 64];
        for f in &firsts {
            let k = sketch(f.as_bytes());
            sketches[k / 64] |= 1 << (k % 64);
        }
        let ac = if others.is_empty() {
            None
        } else {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .prefilter(false)
                .build(others.iter().map(|&id| &texts[id]))
                .map_err(|e| format!("building the term matcher: {e}"))?;
            Some((ac, others))
        };
        let padded = texts
            .iter()
            .map(|t| t.bytes().chain([0; PADDING]).collect())
            .collect();
        Ok(Matcher {
            padded,
            first_words,
            groups,
            sketches,
            ac,
            patterns,
        })
    }

    /// Every target hit in the folded text (whole words only; negated hits dropped
    /// for negatable targets), with duplicates removed.
    pub fn hits(&self, folded: &str) -> Vec<Target> {
        let mut padded = String::with_capacity(folded.len() + PADDING);
        padded.push_str(folded);
        padded.extend(std::iter::repeat_n(' ', PADDING));
        let mut hits = Hits::default();
        self.hits_padded(&padded, folded.len(), &mut hits);
        hits.iter().collect()
    }

    /// [`hits`](Self::hits) of `padded[..len]`; `padded` has [`PADDING`] more bytes
    /// after it that are not word bytes (spaces), so words are read with full
    /// eight-byte loads.
    pub fn hits_padded(&self, padded: &str, len: usize, out: &mut Hits) {
        out.clear();
        let Some(text) = padded.get(..len) else {
            return;
        };
        let all = padded.as_bytes();
        let bytes = text.as_bytes();
        WORD_BITS.with(|bits| {
            let mut bits = bits.borrow_mut();
            for (s, i) in word_runs(all, len, &mut bits) {
                let k = sketch(&bytes[s..i]);
                if self.sketches[k / 64] & (1 << (k % 64)) == 0 {
                    continue;
                }
                let Some(g) = self.first_words.get_at(all, s, i) else {
                    continue;
                };
                let mut negated = None;
                for &id in &self.groups[g as usize] {
                    let pat = &self.padded[id];
                    let n = pat.len() - PADDING;
                    let e = s + n;
                    // The first word is known equal; only a phrase's rest is compared.
                    if e > len || (e > i && !eq_padded(all, i, pat, i - s, e - i)) {
                        continue;
                    }
                    if is_word(pat[n - 1]) && e < len && is_word(bytes[e]) {
                        continue;
                    }
                    self.record(id, text, s, &mut negated, out);
                }
            }
        });
        if let Some((ac, ids)) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                let id = ids[m.pattern().as_usize()];
                let pat = self.pattern(id);
                let (s, e) = (m.start(), m.end());
                if is_word(pat[0]) && s > 0 && is_word(bytes[s - 1]) {
                    continue;
                }
                if is_word(pat[pat.len() - 1]) && e < len && is_word(bytes[e]) {
                    continue;
                }
                self.record(id, text, s, &mut None, out);
            }
        }
    }

    /// The folded bytes of pattern `id`, without the padding.
    fn pattern(&self, id: usize) -> &[u8] {
        let p = &self.padded[id];
        &p[..p.len() - PADDING]
    }

    /// Adds the targets of pattern `id` matched at `s`; the negation check runs at most
    /// once per position, and only for negatable targets.
    fn record(&self, id: usize, text: &str, s: usize, negated: &mut Option<bool>, out: &mut Hits) {
        for &(t, negatable) in &self.patterns[id].targets {
            if negatable
                && *negated.get_or_insert_with(|| preceded_by_negation(text.get(..s).unwrap_or("")))
            {
                continue;
            }
            out.insert(t);
        }
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

    /// The rule spelled out, independent of the word index: every occurrence of every
    /// phrase at every byte offset, whole-word at each end that is a word character,
    /// dropped when negatable and preceded by a negation.
    fn brute(entries: &[(String, Target, bool)], folded: &str) -> Vec<Target> {
        let b = folded.as_bytes();
        let mut out = Vec::new();
        for (phrase, t, negatable) in entries {
            let p = fold(phrase);
            if p.is_empty() {
                continue;
            }
            let pb = p.as_bytes();
            for s in 0..b.len() {
                let e = s + pb.len();
                if e > b.len() || &b[s..e] != pb {
                    continue;
                }
                if is_word(pb[0]) && s > 0 && is_word(b[s - 1]) {
                    continue;
                }
                if is_word(pb[pb.len() - 1]) && e < b.len() && is_word(b[e]) {
                    continue;
                }
                if *negatable && preceded_by_negation(&folded[..s]) {
                    continue;
                }
                if !out.contains(t) {
                    out.push(*t);
                }
            }
        }
        out.sort_by_key(|t| format!("{t:?}"));
        out
    }

    #[test]
    fn word_index_equals_the_rule_on_generated_texts() {
        let phrases = [
            "late",
            "running late",
            "late again",
            "bus",
            "bus stop",
            "bus-stop",
            "don't",
            "wi-fi",
            "#fares",
            "@help",
            "£5",
            "c++",
            "e.g.",
            "café",
            "über app",
            "a",
            "supercalifragilisticexpialidocious!!",
            "7",
        ];
        let entries: Vec<(String, Target, bool)> = phrases
            .iter()
            .enumerate()
            .map(|(i, p)| (p.to_string(), Target::Topic(i), i % 3 == 0))
            .chain([("late".to_string(), Target::Complaint, true)])
            .collect();
        let m = Matcher::new(&entries).unwrap_or_else(|e| panic!("{e}"));
        let pieces = [
            "late",
            "running",
            "again",
            "bus",
            "stop",
            "don",
            "t",
            "wi",
            "fi",
            "fares",
            "help",
            "£5",
            "5",
            "c",
            "e",
            "g",
            "cafe",
            "café",
            "über",
            "app",
            "a",
            "7",
            "77",
            "not",
            "never",
            "lately",
            "chocolate",
            "supercalifragilisticexpialidocious",
            "c++",
            "e.g.",
        ];
        let seps = [
            " ", " ", " ", "-", "'", ".", "#", "@", "+", "!!", "", ", ", "é",
        ];
        let mut rng = crate::testing::XorShift(0x9e37_79b9_7f4a_7c15);
        let mut seen: Vec<Target> = Vec::new();
        for _ in 0..20_000 {
            let n = 1 + rng.below(9);
            let mut t = String::new();
            for k in 0..n {
                if k > 0 || rng.below(4) == 0 {
                    t.push_str(seps[rng.below(seps.len())]);
                }
                t.push_str(pieces[rng.below(pieces.len())]);
            }
            if rng.below(4) == 0 {
                t.push_str(seps[rng.below(seps.len())]);
            }
            let folded = fold(&t);
            let mut got = m.hits(&folded);
            got.sort_by_key(|t| format!("{t:?}"));
            let want = brute(&entries, &folded);
            assert_eq!(got, want, "{folded:?}");
            for t in want {
                if !seen.contains(&t) {
                    seen.push(t);
                }
            }
        }
        // Every phrase, including those left to Aho-Corasick, was hit somewhere.
        assert_eq!(seen.len(), phrases.len() + 1, "{seen:?}");
    }

    #[test]
    fn word_runs_equal_a_byte_loop() {
        let mut rng = crate::testing::XorShift(0x1234_5678_9abc_def1);
        let mut bits = Vec::new();
        for n in (0..300).chain([511, 512, 513, 1000]) {
            for _ in 0..20 {
                let b: Vec<u8> = (0..n)
                    .map(|_| {
                        [
                            b'a', b'Z', b'0', b'9', b' ', b'-', 0xC3, b'@', b'[', b'`', b'{', b'/',
                            b':',
                        ][rng.below(13)]
                    })
                    .collect();
                let mut want = Vec::new();
                let mut i = 0;
                while i < b.len() {
                    if !is_word(b[i]) {
                        i += 1;
                        continue;
                    }
                    let s = i;
                    while i < b.len() && is_word(b[i]) {
                        i += 1;
                    }
                    want.push((s, i));
                }
                let mut padded = b.clone();
                padded.extend([b' '; PADDING]);
                let got: Vec<(usize, usize)> = word_runs(&padded, b.len(), &mut bits).collect();
                assert_eq!(got, want, "{n}");
            }
        }
    }

    #[test]
    fn word_bits_of_every_byte_at_every_position() {
        for c in 0..=255u8 {
            for pos in 0..8 {
                for fill in [b' ', b'a', 0xff] {
                    let mut b = [fill; 8];
                    b[pos] = c;
                    let bits = word_bits8(u64::from_le_bytes(b));
                    for (k, &x) in b.iter().enumerate() {
                        assert_eq!(
                            bits >> k & 1 == 1,
                            is_word(x),
                            "{c:#x} at {pos} among {fill:#x}"
                        );
                    }
                }
            }
        }
    }
}
