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
//! Speed: the lexicons are parsed once into one packed word table (`table.rs`); an
//! ASCII text is read from a space-padded copy with full eight-byte loads, and scoring
//! reuses thread-local buffers, allocating nothing per token or per text.

use rustc_hash::FxHashMap;
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

// Keyword ids: the rules compare these instead of strings.
const K_NONE: u8 = 0;
const K_NO: u8 = 1;
const K_BUT: u8 = 2;
const K_LEAST: u8 = 3;
const K_KIND: u8 = 4;
const K_OF: u8 = 5;
const K_NEVER: u8 = 6;
const K_SO: u8 = 7;
const K_THIS: u8 = 8;
const K_WITHOUT: u8 = 9;
const K_DOUBT: u8 = 10;
const K_AT: u8 = 11;
const K_VERY: u8 = 12;
const K_OR: u8 = 13;
const K_NOR: u8 = 14;
const K_JUST: u8 = 15;
const K_ENOUGH: u8 = 16;
const K_SORT: u8 = 17;
const K_THE: u8 = 18;
const K_SHIT: u8 = 19;
const K_BOMB: u8 = 20;
const K_BAD: u8 = 21;
const K_ASS: u8 = 22;
const K_BUS: u8 = 23;
const K_STOP: u8 = 24;
const K_YEAH: u8 = 25;
const K_RIGHT: u8 = 26;
const K_KISS: u8 = 27;
const K_DEATH: u8 = 28;
const K_TO: u8 = 29;
const K_DIE: u8 = 30;
const K_FOR: u8 = 31;
const K_BEATING: u8 = 32;
const K_HEART: u8 = 33;

const KEYWORDS: &[(&str, u8)] = &[
    ("no", K_NO),
    ("but", K_BUT),
    ("least", K_LEAST),
    ("kind", K_KIND),
    ("of", K_OF),
    ("never", K_NEVER),
    ("so", K_SO),
    ("this", K_THIS),
    ("without", K_WITHOUT),
    ("doubt", K_DOUBT),
    ("at", K_AT),
    ("very", K_VERY),
    ("or", K_OR),
    ("nor", K_NOR),
    ("just", K_JUST),
    ("enough", K_ENOUGH),
    ("sort", K_SORT),
    ("the", K_THE),
    ("shit", K_SHIT),
    ("bomb", K_BOMB),
    ("bad", K_BAD),
    ("ass", K_ASS),
    ("bus", K_BUS),
    ("stop", K_STOP),
    ("yeah", K_YEAH),
    ("right", K_RIGHT),
    ("kiss", K_KISS),
    ("death", K_DEATH),
    ("to", K_TO),
    ("die", K_DIE),
    ("for", K_FOR),
    ("beating", K_BEATING),
    ("heart", K_HEART),
];

/// Multi-word special cases of the reference (single-word keys can never match an n-gram).
const SPECIAL_CASES: &[(&[u8], f64)] = &[
    (&[K_THE, K_SHIT], 3.0),
    (&[K_THE, K_BOMB], 3.0),
    (&[K_BAD, K_ASS], 1.5),
    (&[K_BUS, K_STOP], 0.0),
    (&[K_YEAH, K_RIGHT], -2.0),
    (&[K_KISS, K_OF, K_DEATH], -1.5),
    (&[K_TO, K_DIE, K_FOR], 3.0),
    (&[K_BEATING, K_HEART], 3.5),
];

/// Multi-word boosters, checked on the two words before a lexicon word.
const BOOSTER_BIGRAMS: &[(u8, u8, f64)] = &[
    (K_JUST, K_ENOUGH, B_DECR),
    (K_KIND, K_OF, B_DECR),
    (K_SORT, K_OF, B_DECR),
];

/// VADER scores, rounded as the reference rounds them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    pub compound: f64,
}

/// Everything the rules need to know about one lower-cased word, from one hash lookup,
/// packed into 32 bits so table slots and tokens stay small:
/// bits 0–15 the lexicon valence in tenths (`NO_LEX` when the word is not in the
/// lexicon; every lexicon value has one decimal), bits 16–23 the keyword (`K_*`),
/// bit 24 booster, bit 25 dampener, bit 26 negation word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WordInfo(u32);

const NO_LEX: u16 = i16::MIN as u16;
const BOOSTER: u32 = 1 << 24;
const DAMPENER: u32 = 1 << 25;
const NEGATION: u32 = 1 << 26;

impl Default for WordInfo {
    fn default() -> Self {
        WordInfo(u32::from(NO_LEX))
    }
}

impl WordInfo {
    /// `valence` in tenths, or `None` when it has more than one decimal (so that
    /// `lex()` could not give back the same `f64`).
    fn with_lex(self, valence: f64) -> Option<WordInfo> {
        let tenths = (valence * 10.0).round();
        let fits = tenths.abs() < 3_000.0 && tenths / 10.0 == valence;
        fits.then(|| WordInfo(self.0 & !0xFFFF | u32::from(tenths as i16 as u16)))
    }
    fn with_flags(self, flags: u32) -> WordInfo {
        WordInfo(self.0 | flags)
    }
    fn with_kw(self, kw: u8) -> WordInfo {
        WordInfo(self.0 & !(0xFF << 16) | u32::from(kw) << 16)
    }
    #[inline]
    fn has_lex(self) -> bool {
        self.0 as u16 != NO_LEX
    }
    /// The valence: tenths / 10 is correctly rounded, so it is the very `f64` that
    /// parsing the lexicon's one-decimal text gives.
    #[inline]
    fn lex(self) -> Option<f64> {
        self.has_lex()
            .then(|| f64::from(self.0 as u16 as i16) / 10.0)
    }
    #[inline]
    fn kw(self) -> u8 {
        (self.0 >> 16) as u8
    }
    #[inline]
    fn is_booster(self) -> bool {
        self.0 & (BOOSTER | DAMPENER) != 0
    }
    #[inline]
    fn booster(self) -> Option<f64> {
        if self.0 & BOOSTER != 0 {
            Some(B_INCR)
        } else if self.0 & DAMPENER != 0 {
            Some(B_DECR)
        } else {
            None
        }
    }
    #[inline]
    fn negation(self) -> bool {
        self.0 & NEGATION != 0
    }
}

/// One token of the text being scored (8 bytes).
#[derive(Clone, Copy, Debug, Default)]
struct Tok {
    info: WordInfo,
    /// Python `str.isupper()` of the token as written.
    upper: bool,
    /// `negated([word])`: a negation word or contains "n't".
    neg: bool,
}

pub struct Vader {
    words: table::WordTable<WordInfo>,
    /// One bit per (first, middle, last byte, length) signature of every key: three
    /// quarters of tweet tokens are not in the table, and this rejects most of them
    /// without hashing or lower-casing the token.
    maybe: Box<[u64; PREFILTER_WORDS]>,
    emojis: FxHashMap<char, &'static str>,
}

const PREFILTER_BITS: u32 = 16;
const PREFILTER_WORDS: usize = (1 << PREFILTER_BITS) / 64;

/// Signature of a non-empty token, the same for a token and its lower case; see
/// `Vader::maybe`. Setting bit 5 of every byte maps `A`-`Z` onto `a`-`z` (other bytes
/// may change too, but identically for the token and the key, which is all a
/// signature needs) without a compare per byte.
#[inline]
fn prefilter_slot(b: &[u8]) -> usize {
    let lo = |c: u8| u32::from(c | 0x20);
    let n = b.len();
    let x = lo(b[0]) | lo(b[n / 2]) << 8 | lo(b[n - 1]) << 16 | (n.min(255) as u32) << 24;
    (x.wrapping_mul(0x9E37_79B1) >> (32 - PREFILTER_BITS)) as usize
}

/// The shared engine, built on first use.
pub fn vader() -> &'static Vader {
    static V: OnceLock<Vader> = OnceLock::new();
    V.get_or_init(Vader::new)
}

/// Python's `str.isspace` (Rust's `is_whitespace` plus the four ASCII separators).
#[inline]
pub(crate) fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

// Byte classes for the ASCII fast path: one table lookup per byte gives everything
// the tokeniser and the rules need.
const C_SPACE: u8 = 1;
const C_UPPER: u8 = 2;
const C_LOWER: u8 = 4;
const C_APOS: u8 = 8;
const C_EXCL: u8 = 16;
const C_QUEST: u8 = 32;
/// Any ASCII punctuation (with `'`, `!` and `?`): only such tokens need stripping.
const C_PUNCT: u8 = 64;

const fn byte_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        t[b] = if matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x1c..=0x1f) {
            C_SPACE
        } else if c.is_ascii_uppercase() {
            C_UPPER
        } else if c.is_ascii_lowercase() {
            C_LOWER
        } else if c == b'\'' {
            C_APOS | C_PUNCT
        } else if c == b'!' {
            C_EXCL | C_PUNCT
        } else if c == b'?' {
            C_QUEST | C_PUNCT
        } else if c.is_ascii_punctuation() {
            C_PUNCT
        } else {
            0
        };
        b += 1;
    }
    t
}

static CLASS: [u8; 256] = byte_classes();

/// Index of the first ASCII whitespace byte at or after `i` in `padded`, a text
/// followed by eight spaces, for `i` at most the text's length. Eight bytes at a
/// time: a word has a candidate when one of its bytes is below 0x21, and the lowest
/// candidate is exact (borrows only run upwards); the class table confirms it, since
/// control bytes such as 0x01 are not whitespace. The padding ends every scan
/// within the buffer, with no byte-by-byte tail.
#[inline]
fn next_space(padded: &[u8], mut i: usize) -> usize {
    use table::{LSB, MSB};
    while let Some(chunk) = padded.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let w = u64::from_le_bytes(*chunk);
        let below = w.wrapping_sub(0x21 * LSB) & !w & MSB;
        if below == 0 {
            i += 8;
            continue;
        }
        let j = i + (below.trailing_zeros() / 8) as usize;
        if CLASS[padded[j] as usize] == C_SPACE {
            return j;
        }
        i = j + 1;
    }
    padded.len()
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

/// Byte range of `b` without leading and trailing ASCII punctuation.
fn punct_trimmed(b: &[u8]) -> (usize, usize) {
    let punct = |c: &u8| CLASS[*c as usize] & C_PUNCT != 0;
    let start = b.iter().position(|c| !punct(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !punct(c)).map_or(start, |e| e + 1);
    (start, end)
}

/// `token.strip(string.punctuation)`, kept only if more than two characters remain.
/// ASCII punctuation bytes never occur inside a multi-byte UTF-8 sequence, so
/// trimming bytes is trimming characters.
fn strip_punc_if_word(token: &str) -> &str {
    let (start, end) = punct_trimmed(token.as_bytes());
    let stripped = &token[start..end];
    // More than 8 bytes is more than two characters; fewer needs an exact count.
    if stripped.len() <= 2 || (stripped.len() <= 8 && stripped.chars().count() <= 2) {
        token
    } else {
        stripped
    }
}

/// Python's `round(x, nd)`: round half to even on the exact binary value.
#[inline(always)]
pub fn py_round(x: f64, nd: i32) -> f64 {
    // powi of a non-constant exponent is a library call: the scorer's two cases by hand.
    let m = match nd {
        3 => 1e3,
        4 => 1e4,
        _ => 10f64.powi(nd),
    };
    let y = x * m;
    // From 2^52 on every f64 is an integer; NaN and infinities pass through.
    if y.is_nan() || y.abs() >= 4_503_599_627_370_496.0 {
        return y / m;
    }
    // Integer conversions truncate inline (f64::trunc and round are libm calls on
    // baseline x86-64); exact below 2^52.
    let t = y as i64;
    let frac = (y - t as f64).abs();
    if (frac - 0.5).abs() > 1e-6 {
        // Not near a tie: round half away from zero is the nearest integer.
        let r = t + i64::from(frac > 0.5) * if y < 0.0 { -1 } else { 1 };
        return r as f64 / m;
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
    lower: String,
    toks: Vec<Tok>,
    /// An ASCII text followed by eight spaces (see `next_space`).
    padded: Vec<u8>,
    /// (token index, valence) of the tokens whose valence is not zero.
    sentiments: Vec<(usize, f64)>,
    /// Indices of the tokens in the lexicon.
    lexical: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Vader {
    fn new() -> Vader {
        let mut words: FxHashMap<&'static str, WordInfo> = FxHashMap::default();
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
                    let info = words.entry(w).or_default();
                    match info.with_lex(v) {
                        Some(i) => *info = i,
                        // The published lexicon has one decimal everywhere (a test
                        // checks every line); anything else is left out rather than
                        // scored with a different value.
                        None => debug_assert!(false, "lexicon value {v} of {w}"),
                    }
                }
            }
        }
        for (w, b) in BOOSTERS {
            let info = words.entry(w).or_default();
            *info = info.with_flags(if *b > 0.0 { BOOSTER } else { DAMPENER });
        }
        for w in NEGATE {
            let info = words.entry(w).or_default();
            *info = info.with_flags(NEGATION);
        }
        for (w, k) in KEYWORDS {
            let info = words.entry(w).or_default();
            *info = info.with_kw(*k);
        }
        let mut entries: Vec<(&str, WordInfo)> = words.into_iter().collect();
        // Insertion order fixes probe sequences: keep the table the same on every run.
        entries.sort_unstable_by_key(|(k, _)| *k);
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
        let mut maybe = Box::new([0u64; PREFILTER_WORDS]);
        for (k, _) in entries.iter().filter(|(k, _)| !k.is_empty()) {
            let slot = prefilter_slot(k.as_bytes());
            maybe[slot / 64] |= 1 << (slot % 64);
        }
        Vader {
            words: table::WordTable::new(&entries),
            maybe,
            emojis,
        }
    }

    pub fn lexicon_len(&self) -> usize {
        self.words.infos().filter(|w| w.lex().is_some()).count()
    }

    /// Score a text exactly as `SentimentIntensityAnalyzer().polarity_scores(text)`.
    pub fn polarity_scores(&self, text: &str) -> Scores {
        self.polarity_scores_with(text, |_, _| {})
    }

    /// `polarity_scores`, also handing every whitespace token of an ASCII text to
    /// `on_token` as it is read: its raw bytes, and its lower case packed into a word
    /// when it is one to eight letters. Other steps that need the words (the language
    /// gate) ride on this pass instead of scanning the text again. Not called for
    /// non-ASCII text.
    pub fn polarity_scores_with(
        &self,
        text: &str,
        on_token: impl FnMut(&[u8], Option<u64>),
    ) -> Scores {
        SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => self.score_with(text, &mut s, on_token),
            // Re-entrant call (cannot happen in practice): use fresh scratch.
            Err(_) => self.score_with(text, &mut Scratch::default(), on_token),
        })
    }

    /// Whether the non-empty token `b` (any case) may be a key: false means it is in no
    /// table (see `maybe`).
    #[inline]
    fn maybe_known(&self, b: &[u8]) -> bool {
        let slot = prefilter_slot(b);
        self.maybe[slot / 64] & (1 << (slot % 64)) != 0
    }

    /// An ASCII token whose byte classes (`C_*`, or-ed over the raw token) are known.
    /// Stripping punctuation never changes the case flags, and the apostrophe flag is
    /// only a hint that the exact "n't" test is worth running.
    fn ascii_token(&self, padded: &[u8], start: usize, end: usize, classes: u8) -> Tok {
        // ASCII: bytes are characters, so "two or fewer characters" is a length test.
        let (start, end) = if classes & C_PUNCT == 0 {
            (start, end)
        } else {
            let (s, e) = punct_trimmed(&padded[start..end]);
            if e - s <= 2 {
                (start, end)
            } else {
                (start + s, start + e)
            }
        };
        let b = &padded[start..end];
        let up = classes & C_UPPER != 0;
        let upper = up && classes & C_LOWER == 0;
        let apos = classes & C_APOS != 0;
        if !self.maybe_known(b) {
            // Not in any table; "n't" words are negations even when unknown.
            return Tok {
                info: WordInfo::default(),
                upper,
                neg: apos && contains_nt_ignore_case(b),
            };
        }
        // The table lower-cases as it hashes: no copy of the token.
        let info = self.words.get_at(padded, start, end).unwrap_or_default();
        Tok {
            info,
            upper,
            neg: info.negation() || (apos && contains_nt_ignore_case(b)),
        }
    }

    /// A token of one to eight ASCII letters: no punctuation to strip, no apostrophe.
    #[inline]
    fn letters_token(&self, l: table::Letters, raw: &[u8]) -> Tok {
        let info = if self.maybe_known(raw) {
            self.words.get_word(l.lower, raw.len()).unwrap_or_default()
        } else {
            WordInfo::default()
        };
        Tok {
            info,
            upper: l.upper,
            neg: info.negation(),
        }
    }

    fn unicode_token(&self, raw: &str, lower: &mut String) -> Tok {
        let token = strip_punc_if_word(raw);
        lower.clear();
        if token.contains('Σ') {
            // Final-sigma rules need the whole word: the rare allocating path.
            lower.push_str(&token.to_lowercase());
        } else {
            lower.extend(token.chars().flat_map(char::to_lowercase));
        }
        let info = self.words.get(lower.as_bytes()).unwrap_or_default();
        Tok {
            info,
            upper: py_isupper(token),
            neg: info.negation() || lower.contains("n't"),
        }
    }

    fn score_with(
        &self,
        text: &str,
        s: &mut Scratch,
        mut on_token: impl FnMut(&[u8], Option<u64>),
    ) -> Scores {
        let mut buf = std::mem::take(&mut s.text);
        let ascii = text.is_ascii();
        // Emojis to their descriptions (only non-ASCII characters can be emojis).
        let text: &str = if ascii {
            text
        } else {
            buf.clear();
            let mut prev_space = true;
            for c in text.chars() {
                if let Some(desc) = self.emojis.get(&c) {
                    if !prev_space {
                        buf.push(' ');
                    }
                    buf.push_str(desc);
                    prev_space = false;
                } else {
                    buf.push(c);
                    prev_space = c == ' ';
                }
            }
            &buf
        };

        // Tokens: Python's split() on whitespace (split() ignores the ends, so strip() is implied).
        let toks = &mut s.toks;
        toks.clear();
        let (mut excl, mut quest) = (0usize, 0usize);
        if ascii {
            let len = text.len();
            let padded = &mut s.padded;
            padded.clear();
            padded.extend_from_slice(text.as_bytes());
            padded.extend_from_slice(&[b' '; 8]);
            let bytes = &padded[..];
            let mut i = 0;
            while i < len {
                while i < len && CLASS[bytes[i] as usize] == C_SPACE {
                    i += 1;
                }
                if i == len {
                    break;
                }
                let start = i;
                i = next_space(bytes, i).min(len);
                // Most tokens are short words of letters: classified, lower-cased,
                // packed and looked up eight bytes at a time, without a loop over bytes.
                if let Some(l) = table::letters_at(bytes, start, i - start) {
                    on_token(&bytes[start..i], Some(l.lower));
                    toks.push(self.letters_token(l, &bytes[start..i]));
                    continue;
                }
                on_token(&bytes[start..i], None);
                let classes = bytes[start..i]
                    .iter()
                    .fold(0u8, |a, &b| a | CLASS[b as usize]);
                if classes & (C_EXCL | C_QUEST) != 0 {
                    for &b in &bytes[start..i] {
                        excl += usize::from(b == b'!');
                        quest += usize::from(b == b'?');
                    }
                }
                toks.push(self.ascii_token(bytes, start, i, classes));
            }
        } else {
            for raw in text.split(py_space).filter(|t| !t.is_empty()) {
                toks.push(self.unicode_token(raw, &mut s.lower));
            }
            for b in text.bytes() {
                excl += usize::from(b == b'!');
                quest += usize::from(b == b'?');
            }
        }
        let sentiments = &mut s.sentiments;
        let scores = self.score_tokens(toks, sentiments, &mut s.lexical, excl, quest);
        s.text = buf;
        scores
    }

    fn score_tokens(
        &self,
        toks: &[Tok],
        sentiments: &mut Vec<(usize, f64)>,
        lexical: &mut Vec<u32>,
        excl: usize,
        quest: usize,
    ) -> Scores {
        let n = toks.len();
        let kw = |i: usize| toks[i].info.kw();
        let has_lex = |i: usize| toks[i].info.has_lex();
        // One branch-free pass: capitals, the first "but", and the lexicon words (most
        // tokens are none, so the rules below run over these indices only).
        lexical.clear();
        lexical.resize(n, 0);
        let (mut allcaps, mut found, mut but) = (0usize, 0usize, n);
        for (i, t) in toks.iter().enumerate() {
            allcaps += usize::from(t.upper);
            but = if t.info.kw() == K_BUT {
                but.min(i)
            } else {
                but
            };
            lexical[found] = i as u32;
            found += usize::from(t.info.has_lex());
        }
        let is_cap_diff = allcaps > 0 && allcaps < n;

        // The reference keeps one valence per token, most of them 0. Zeros change
        // none of the sums and neither side of the "but" rule (0 * k = 0), so only
        // the others are kept, with their token index, and the zeros are counted.
        sentiments.clear();
        for &i in &lexical[..found] {
            let i = i as usize;
            let t = toks[i];
            if t.info.is_booster() || (i + 1 < n && t.info.kw() == K_KIND && kw(i + 1) == K_OF) {
                continue;
            }
            let Some(base) = t.info.lex() else {
                continue;
            };
            let mut valence = base;
            if t.info.kw() == K_NO && i + 1 < n && has_lex(i + 1) {
                valence = 0.0;
            }
            if (i > 0 && kw(i - 1) == K_NO)
                || (i > 1 && kw(i - 2) == K_NO)
                || (i > 2 && kw(i - 3) == K_NO && matches!(kw(i - 1), K_OR | K_NOR))
            {
                valence = base * N_SCALAR;
            }
            if t.upper && is_cap_diff {
                if valence > 0.0 {
                    valence += C_INCR;
                } else {
                    valence -= C_INCR;
                }
            }
            for start_i in 0..3 {
                if i > start_i && !has_lex(i - (start_i + 1)) {
                    let j = i - (start_i + 1);
                    let mut sc = scalar_inc_dec(&toks[j], valence, is_cap_diff);
                    if start_i == 1 && sc != 0.0 {
                        sc *= 0.95;
                    }
                    if start_i == 2 && sc != 0.0 {
                        sc *= 0.9;
                    }
                    valence += sc;
                    valence = negation_check(valence, toks, start_i, i);
                    if start_i == 2 {
                        valence = special_idioms_check(valence, toks, i);
                    }
                }
            }
            // "least" as negation, except "at least" / "very least".
            if i > 1 && !has_lex(i - 1) && kw(i - 1) == K_LEAST {
                if kw(i - 2) != K_AT && kw(i - 2) != K_VERY {
                    valence *= N_SCALAR;
                }
            } else if i > 0 && !has_lex(i - 1) && kw(i - 1) == K_LEAST {
                valence *= N_SCALAR;
            }
            if valence != 0.0 {
                sentiments.push((i, valence));
            }
        }

        // The "but" rule, with the reference's lookup of each value's first occurrence
        // (among non-zero values, the first occurrence of a non-zero value).
        if but < n {
            let bi = but;
            for k in 0..sentiments.len() {
                let v = sentiments[k].1;
                let si = sentiments.iter().position(|x| x.1 == v).unwrap_or(k);
                match sentiments[si].0.cmp(&bi) {
                    std::cmp::Ordering::Less => sentiments[si].1 = v * 0.5,
                    std::cmp::Ordering::Greater => sentiments[si].1 = v * 1.5,
                    std::cmp::Ordering::Equal => {}
                }
            }
        }
        score_valence(sentiments, n - sentiments.len(), excl, quest)
    }
}

/// `"n't" in word.lower()` for ASCII bytes.
fn contains_nt_ignore_case(b: &[u8]) -> bool {
    b.windows(3).any(|w| {
        w[0].eq_ignore_ascii_case(&b'n') && w[1] == b'\'' && w[2].eq_ignore_ascii_case(&b't')
    })
}

fn scalar_inc_dec(word: &Tok, valence: f64, is_cap_diff: bool) -> f64 {
    let Some(b) = word.info.booster() else {
        return 0.0;
    };
    let mut scalar = if valence < 0.0 { -b } else { b };
    if word.upper && is_cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

fn negation_check(valence: f64, toks: &[Tok], start_i: usize, i: usize) -> f64 {
    let kw = |j: usize| toks[j].info.kw();
    match start_i {
        0 => {
            if toks[i - 1].neg {
                return valence * N_SCALAR;
            }
        }
        1 => {
            if kw(i - 2) == K_NEVER && matches!(kw(i - 1), K_SO | K_THIS) {
                return valence * 1.25;
            } else if kw(i - 2) == K_WITHOUT && kw(i - 1) == K_DOUBT {
                return valence;
            } else if toks[i - 2].neg {
                return valence * N_SCALAR;
            }
        }
        _ => {
            // Python precedence: (never and so/this two back) or (so/this one back).
            if (kw(i - 3) == K_NEVER && matches!(kw(i - 2), K_SO | K_THIS))
                || matches!(kw(i - 1), K_SO | K_THIS)
            {
                return valence * 1.25;
            } else if kw(i - 3) == K_WITHOUT && (kw(i - 2) == K_DOUBT || kw(i - 1) == K_DOUBT) {
                return valence;
            } else if toks[i - 3].neg {
                return valence * N_SCALAR;
            }
        }
    }
    valence
}

fn special_case(toks: &[Tok], start: usize, len: usize) -> Option<f64> {
    let first = toks[start].info.kw();
    if first == K_NONE {
        return None;
    }
    SPECIAL_CASES
        .iter()
        .find(|(words, _)| {
            words.len() == len
                && words
                    .iter()
                    .enumerate()
                    .all(|(k, w)| toks[start + k].info.kw() == *w)
        })
        .map(|(_, v)| *v)
}

/// Called with i >= 3 only (the three-words-back branch).
fn special_idioms_check(mut valence: f64, toks: &[Tok], i: usize) -> f64 {
    let n = toks.len();
    // onezero, twoonezero, twoone, threetwoone, threetwo: first match wins.
    let sequences = [(i - 1, 2), (i - 2, 3), (i - 2, 2), (i - 3, 3), (i - 3, 2)];
    if let Some(v) = sequences
        .iter()
        .find_map(|&(st, len)| special_case(toks, st, len))
    {
        valence = v;
    }
    if n - 1 > i {
        if let Some(v) = special_case(toks, i, 2) {
            valence = v;
        }
    }
    if n - 1 > i + 1 {
        if let Some(v) = special_case(toks, i, 3) {
            valence = v;
        }
    }
    // threetwoone (three words) never matches a booster; threetwo and twoone may.
    for st in [i - 3, i - 2] {
        for (a, b, v) in BOOSTER_BIGRAMS {
            if toks[st].info.kw() == *a && toks[st + 1].info.kw() == *b {
                valence += v;
            }
        }
    }
    valence
}

/// `excl` and `quest`: the number of `!` and `?` in the text.
/// `sentiments`: the non-zero valences in token order; `zeros`: how many tokens
/// scored 0 (the reference's neutral count).
fn score_valence(
    sentiments: &[(usize, f64)],
    zeros: usize,
    ep_count: usize,
    qm_count: usize,
) -> Scores {
    if sentiments.is_empty() && zeros == 0 {
        return Scores::default();
    }
    let mut sum_s: f64 = 0.0;
    for (_, v) in sentiments {
        sum_s += v;
    }
    let ep = ep_count.min(4) as f64 * 0.292;
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
    let (mut pos_sum, mut neg_sum) = (0.0f64, 0.0f64);
    for &(_, v) in sentiments {
        if v > 0.0 {
            pos_sum += v + 1.0;
        } else {
            neg_sum += v - 1.0;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += punct;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= punct;
    }
    let total = pos_sum + neg_sum.abs() + zeros as f64;
    Scores {
        neg: py_round((neg_sum / total).abs(), 3),
        neu: py_round((zeros as f64 / total).abs(), 3),
        pos: py_round((pos_sum / total).abs(), 3),
        compound: py_round(compound, 4),
    }
}

pub(crate) mod table;

#[cfg(test)]
mod tests;
