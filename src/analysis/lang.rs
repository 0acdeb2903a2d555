//! Cheap language gate for VADER, which is English-only. A post is skipped when the
//! source says it is not English, or when its letters are mostly in a non-Latin
//! script, or when it is Latin-script but clearly uses another language's function
//! words (a stop-word vote, one pass over the words; no model).

/// What the source's language tag says about scoring a post.
#[derive(Debug, PartialEq)]
pub enum SourceGate {
    /// Tagged English: score it.
    Score,
    /// Tagged with another language: skip with this reason.
    Skip(String),
    /// No usable tag: detect from the text.
    Detect,
}

pub fn source_gate(source_lang: Option<&str>) -> SourceGate {
    let Some(l) = source_lang else {
        return SourceGate::Detect;
    };
    let l = l.trim().to_ascii_lowercase();
    let primary = l.split(['-', '_']).next().unwrap_or("");
    match primary {
        "en" => SourceGate::Score,
        "" | "und" | "zxx" | "qme" => SourceGate::Detect,
        other => SourceGate::Skip(format!("lang:{other}")),
    }
}

/// Why a post gets no sentiment, or `None` to score it.
pub fn skip_reason(source_lang: Option<&str>, text: &str) -> Option<String> {
    match source_gate(source_lang) {
        SourceGate::Score => None,
        SourceGate::Skip(r) => Some(r),
        SourceGate::Detect => detect_non_english(text).map(detected),
    }
}

/// The `sentiment_skipped` reason of a detected language.
pub fn detected(lang: &str) -> String {
    format!("detected:{lang}")
}

/// Function words frequent in each language and rare in English.
const STOPWORDS: &[(&str, &[&str])] = &[
    (
        "es",
        &[
            "el", "los", "las", "del", "que", "por", "para", "con", "una", "muy", "pero", "está",
            "esta", "es", "y", "mi", "hoy", "qué", "gracias",
        ],
    ),
    (
        "fr",
        &[
            "le", "les", "des", "est", "et", "pour", "avec", "une", "pas", "très", "mais", "je",
            "nous", "vous", "du", "au", "merci", "ce",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "das", "und", "ist", "nicht", "mit", "ein", "eine", "sehr", "aber",
            "ich", "wir", "heute", "zu", "danke", "auf",
        ],
    ),
    (
        "pt",
        &[
            "o", "os", "as", "não", "com", "uma", "muito", "mas", "eu", "nós", "hoje", "obrigado",
            "é", "e", "do", "da",
        ],
    ),
    (
        "it",
        &[
            "il", "gli", "della", "che", "non", "con", "una", "molto", "ma", "io", "oggi",
            "grazie", "è", "e", "di",
        ],
    ),
    (
        "nl",
        &[
            "de", "het", "een", "en", "niet", "met", "zeer", "maar", "ik", "wij", "vandaag",
            "bedankt", "is", "van",
        ],
    ),
    (
        "mi",
        &[
            "te", "ngā", "kei", "ki", "tēnā", "koe", "kia", "ora", "mō", "nō", "kua", "ka", "ko",
            "mātou",
        ],
    ),
];

const ENGLISH: &[&str] = &[
    "the", "and", "is", "are", "was", "to", "of", "in", "it", "you", "i", "my", "for", "on",
    "with", "this", "that", "not", "be", "have", "at", "your", "we", "so", "but", "a", "an", "no",
    "why", "what",
];

/// A word of at most eight bytes packed little-endian into a `u64` (0 when longer):
/// the stop-word table is keyed by these, so a lookup hashes one integer.
fn packed(word: &[u8]) -> u64 {
    if word.len() > 8 {
        return 0;
    }
    word.iter()
        .enumerate()
        .fold(0u64, |w, (k, &b)| w | u64::from(b) << (8 * k))
}

/// Packed word -> bit per language of `STOPWORDS` (bit 7: English), built once.
fn stopword_bits() -> &'static rustc_hash::FxHashMap<u64, u8> {
    static M: std::sync::OnceLock<rustc_hash::FxHashMap<u64, u8>> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        let mut m: rustc_hash::FxHashMap<u64, u8> = rustc_hash::FxHashMap::default();
        for (k, (_, list)) in STOPWORDS.iter().enumerate() {
            for w in *list {
                *m.entry(packed(w.as_bytes())).or_insert(0) |= 1 << k;
            }
        }
        for w in ENGLISH {
            *m.entry(packed(w.as_bytes())).or_insert(0) |= 1 << 7;
        }
        m
    })
}

/// Stop-word votes over the words of a text (runs of ASCII letters, or of letters
/// for non-ASCII text), fed a word or a token at a time.
#[derive(Debug, Default, PartialEq)]
pub struct Votes {
    votes: [u32; 7],
    english: u32,
    words: u32,
}

impl Votes {
    /// One word of `len` ASCII letters, lower-cased and packed (`packed` is ignored
    /// past eight letters: no stop word is that long).
    #[inline]
    pub fn word(&mut self, packed: u64, len: usize) {
        self.words += 1;
        if len > 8 {
            return;
        }
        if let Some(&b) = stopword_bits().get(&packed) {
            self.english += u32::from(b >> 7);
            for (k, v) in self.votes.iter_mut().enumerate() {
                *v += u32::from(b >> k & 1);
            }
        }
    }

    /// Every run of ASCII letters in `bytes` (white space and punctuation separate words).
    pub fn ascii_runs(&mut self, bytes: &[u8]) {
        let (mut w, mut len) = (0u64, 0usize);
        for &b in bytes {
            if b.is_ascii_alphabetic() {
                if len < 8 {
                    w |= u64::from(b | 0x20) << (8 * len);
                }
                len += 1;
            } else if len > 0 {
                self.word(w, len);
                (w, len) = (0, 0);
            }
        }
        if len > 0 {
            self.word(w, len);
        }
    }

    /// A whitespace token of ASCII text, as VADER's tokeniser hands it over.
    #[inline]
    pub fn token(&mut self, raw: &[u8], letters: Option<u64>) {
        match letters {
            Some(w) => self.word(w, raw.len()),
            None => self.ascii_runs(raw),
        }
    }

    /// The language the votes point to, if it is clearly not English.
    pub fn verdict(&self) -> Option<&'static str> {
        let (best, &count) = self.votes.iter().enumerate().max_by_key(|(_, c)| **c)?;
        // At least two function words, and clearly more than English ones.
        if self.words >= 3 && count >= 2 && count > self.english * 2 {
            Some(STOPWORDS[best].0)
        } else {
            None
        }
    }
}

/// The language of a text when it is clearly not English (script, then stop words).
pub fn detect_non_english(text: &str) -> Option<&'static str> {
    let mut v = Votes::default();
    if text.is_ascii() {
        v.ascii_runs(text.as_bytes());
        return v.verdict();
    }
    // Script check: letters outside Latin (and its extensions) dominate.
    let (mut latin, mut other) = (0u32, 0u32);
    for c in text.chars() {
        if c.is_alphabetic() {
            if (c as u32) < 0x250 || (0x1E00..0x1F00).contains(&(c as u32)) {
                latin += 1;
            } else {
                other += 1;
            }
        }
    }
    if other > latin {
        return Some("non-latin-script");
    }
    let mut lower = String::new();
    for w in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        // Longer than any stop word even lower-cased: counted, not looked up.
        if w.len() > 12 {
            v.word(0, w.len());
            continue;
        }
        lower.clear();
        lower.extend(w.chars().flat_map(char::to_lowercase));
        v.word(packed(lower.as_bytes()), lower.len());
    }
    v.verdict()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stop_word_fits_a_packed_key() {
        for w in STOPWORDS.iter().flat_map(|(_, l)| l.iter()).chain(ENGLISH) {
            assert!(w.len() <= 8, "{w} is longer than 8 bytes");
        }
    }

    #[test]
    fn votes_from_vader_tokens_equal_a_pass_over_the_text() {
        for t in [
            "El tren de las 8 esta muy tarde otra vez, que verguenza",
            "Le bus est encore en retard, c'est pas possible!!",
            "The 7:15 bus is late again,this is not ok... #fail @Northline",
            "Das ist NICHT gut,und die Bahn ist sehr spaet\theute\x1cja",
            "a",
            "  extraordinarily   long-winded ABCDEFGHIJ words ",
            "",
        ] {
            let mut from_tokens = Votes::default();
            crate::analysis::vader::vader()
                .polarity_scores_with(t, |raw, letters| from_tokens.token(raw, letters));
            let mut from_text = Votes::default();
            from_text.ascii_runs(t.as_bytes());
            assert_eq!(from_tokens, from_text, "{t}");
            assert_eq!(from_tokens.verdict(), detect_non_english(t), "{t}");
        }
    }

    #[test]
    fn source_language_wins() {
        assert_eq!(
            skip_reason(Some("es"), "good service"),
            Some("lang:es".into())
        );
        assert_eq!(skip_reason(Some("en-GB"), "el tren está muy tarde"), None);
    }

    #[test]
    fn detection() {
        assert_eq!(
            skip_reason(None, "The 7:15 bus is late again, this is not ok"),
            None
        );
        assert_eq!(
            skip_reason(
                None,
                "El tren de las 8 está muy tarde otra vez, qué vergüenza"
            ),
            Some("detected:es".into())
        );
        assert_eq!(
            skip_reason(None, "Le bus est encore en retard, c'est pas possible"),
            Some("detected:fr".into())
        );
        assert_eq!(
            skip_reason(None, "電車がまた遅れています"),
            Some("detected:non-latin-script".into())
        );
        // English with one foreign-looking word stays scored.
        assert_eq!(
            skip_reason(None, "Kia ora, the train was great today"),
            None
        );
    }
}
