//! The language guard in front of VADER, which is English-only. A post is scored when
//! its source tags it English, skipped when the source tags another language, and
//! otherwise judged from its text, cheapest evidence first:
//!
//! 1. no words once URLs, @mentions and #hashtags are set aside (emoji, numbers):
//!    *undetermined*, scored (VADER reads emoji and punctuation the same in any
//!    language);
//! 2. letters mostly outside the Latin script: not English;
//! 3. a stop-word vote (one pass over the words, riding on VADER's tokeniser for
//!    ASCII text): clearly another language's function words, not English; an English
//!    word that the other languages lack (`the`, `you`, `why`, ...), English;
//! 4. anything still unsettled (short Latin-script text such as "No he dormido nada")
//!    goes to a language identifier (lingua, over the languages in `DETECTED`).
//!
//! `posts.lang_detected` records the verdict. Figures: docs/vader.md.

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
        SourceGate::Detect => match guard(text) {
            Verdict::Other(l) => Some(detected(l)),
            Verdict::English | Verdict::Undetermined => None,
        },
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

/// English words that the other languages' function words do not share: one of them
/// settles a text as English without the identifier.
const ENGLISH_ONLY: &[&str] = &[
    "the", "and", "you", "your", "this", "that", "with", "why", "what", "where", "when", "how",
    "are", "have", "has", "not", "for", "just", "please", "thanks", "thank", "again", "they",
    "there", "would", "could", "should", "been", "were", "from", "about", "ever", "really", "very",
    "still", "never", "every", "today", "lol", "omg", "thx", "pls", "plz", "yes", "nope", "yeah",
    "ugh", "wow", "cheers", "anyone", "nobody", "who",
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

/// Packed word -> bit per language of `STOPWORDS` (bit 7: English, bit 8: English
/// only), built once.
fn stopword_bits() -> &'static rustc_hash::FxHashMap<u64, u16> {
    static M: std::sync::OnceLock<rustc_hash::FxHashMap<u64, u16>> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        let mut m: rustc_hash::FxHashMap<u64, u16> = rustc_hash::FxHashMap::default();
        for (k, (_, list)) in STOPWORDS.iter().enumerate() {
            for w in *list {
                *m.entry(packed(w.as_bytes())).or_insert(0) |= 1 << k;
            }
        }
        for w in ENGLISH {
            *m.entry(packed(w.as_bytes())).or_insert(0) |= 1 << 7;
        }
        for w in ENGLISH_ONLY {
            *m.entry(packed(w.as_bytes())).or_insert(0) |= 1 << 8;
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
    english_only: u32,
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
            self.english += u32::from(b >> 7 & 1);
            self.english_only += u32::from(b >> 8 & 1);
            for (k, v) in self.votes.iter_mut().enumerate() {
                *v += u32::from(b >> k & 1);
            }
        }
    }

    /// The votes of any text.
    pub fn of(text: &str) -> Votes {
        let mut v = Votes::default();
        if text.is_ascii() {
            v.ascii_text(text.as_bytes());
        } else {
            non_ascii_votes(text, &mut v);
        }
        v
    }

    /// The words of ASCII text, token by token as VADER splits it (URLs, @mentions and
    /// #hashtags set aside).
    pub fn ascii_text(&mut self, bytes: &[u8]) {
        for token in bytes.split(|&b| crate::analysis::vader::py_space(char::from(b))) {
            if !token.is_empty() {
                self.token(token, None);
            }
        }
    }

    /// Every run of ASCII letters in `bytes` (white space and punctuation separate words).
    fn ascii_runs(&mut self, bytes: &[u8]) {
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

    /// A whitespace token of ASCII text, as VADER's tokeniser hands it over. Links,
    /// @mentions and #hashtags name things, not a language: they are not words here.
    #[inline]
    pub fn token(&mut self, raw: &[u8], letters: Option<u64>) {
        if is_reference(raw) {
            return;
        }
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

/// A link, @mention or #hashtag token.
fn is_reference(token: &[u8]) -> bool {
    matches!(token.first(), Some(b'@' | b'#'))
        || token.starts_with(b"http://")
        || token.starts_with(b"https://")
        || token.starts_with(b"www.")
}

/// What the guard concluded about a text's language.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    English,
    /// Another language: an ISO 639-1 code.
    Other(&'static str),
    /// Too little text to judge (emoji, numbers, links, mentions, hashtags only).
    Undetermined,
}

impl Verdict {
    /// The `lang_detected` value.
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::English => "en",
            Verdict::Other(c) => c,
            Verdict::Undetermined => "und",
        }
    }
}

/// The guard over a text whose source gave no language, from the votes of its words
/// (already counted: for ASCII text while VADER tokenised it) and, when they settle
/// nothing, the language identifier.
pub fn judge(text: &str, votes: &Votes) -> Verdict {
    if votes.words == 0 {
        return Verdict::Undetermined;
    }
    if let Some(l) = votes.verdict() {
        return Verdict::Other(l);
    }
    if votes.english_only > 0 {
        return Verdict::English;
    }
    identify(text)
}

/// The guard over any text whose source gave no language (one pass to count the
/// votes, then [`judge`]); non-Latin scripts are named by the identifier.
pub fn guard(text: &str) -> Verdict {
    if !mostly_latin(text) {
        return match identify(text) {
            Verdict::English | Verdict::Undetermined => Verdict::Other("und"),
            v => v,
        };
    }
    judge(text, &Votes::of(text))
}

/// Whether a text's letters are mostly Latin script (ASCII text always is).
pub fn mostly_latin(text: &str) -> bool {
    if text.is_ascii() {
        return true;
    }
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
    other <= latin
}

/// Stop-word votes over non-ASCII text: words are runs of letters, tokens that are
/// links, mentions or hashtags set aside.
fn non_ascii_votes(text: &str, v: &mut Votes) {
    let mut lower = String::new();
    for token in text.split(crate::analysis::vader::py_space) {
        if token.is_empty() || is_reference(token.as_bytes()) {
            continue;
        }
        for w in token
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
    }
}

/// The languages the identifier chooses among, with their ISO 639-1 codes.
const DETECTED: &[(lingua::Language, &str)] = {
    use lingua::Language::*;
    &[
        (English, "en"),
        (Spanish, "es"),
        (Portuguese, "pt"),
        (French, "fr"),
        (German, "de"),
        (Italian, "it"),
        (Dutch, "nl"),
        (Tagalog, "tl"),
        (Maori, "mi"),
        (Indonesian, "id"),
        (Malay, "ms"),
        (Swahili, "sw"),
        (Russian, "ru"),
        (Ukrainian, "uk"),
        (Chinese, "zh"),
        (Japanese, "ja"),
        (Korean, "ko"),
        (Turkish, "tr"),
        (Polish, "pl"),
        (Vietnamese, "vi"),
        (Hindi, "hi"),
    ]
};

fn detector() -> &'static lingua::LanguageDetector {
    static D: std::sync::OnceLock<lingua::LanguageDetector> = std::sync::OnceLock::new();
    D.get_or_init(|| {
        let langs: Vec<lingua::Language> = DETECTED.iter().map(|(l, _)| *l).collect();
        lingua::LanguageDetectorBuilder::from_languages(&langs).build()
    })
}

/// Letters of the Arabic script (its Unicode blocks and presentation forms).
fn is_arabic_letter(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
        && c.is_alphabetic()
}

/// The most characters of one word the identifier sees.
pub const WORD_CHARS: usize = 64;
/// The most characters of a text the identifier sees.
pub const TEXT_CHARS: usize = 2000;

/// The first `n` characters of `s`.
fn clip(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// The identifier's language for a text (links, mentions and hashtags removed).
///
/// Arabic is the one language of its script the guard names, so the script alone
/// names it: lingua's own rules do the same for a script only one of its languages
/// uses, and leaving its Arabic model out keeps 9 MB out of the binary.
///
/// The work is bounded: the identifier sees each word cut to [`WORD_CHARS`] characters
/// and the text cut to [`TEXT_CHARS`] (its cost grows faster than linearly with a word's
/// length, so one unbroken 512 KB token took over a minute); no real word is that long,
/// and a language is settled long before that much text.
pub fn identify(text: &str) -> Verdict {
    let mut cleaned = String::new();
    let mut chars = 0;
    for t in text
        .split(crate::analysis::vader::py_space)
        .filter(|t| !t.is_empty() && !is_reference(t.as_bytes()))
    {
        if chars >= TEXT_CHARS {
            break;
        }
        if !cleaned.is_empty() {
            cleaned.push(' ');
            chars += 1;
        }
        let word = clip(t, WORD_CHARS.min(TEXT_CHARS.saturating_sub(chars)));
        chars += word.chars().count();
        cleaned.push_str(word);
    }
    let (mut arabic, mut letters) = (0usize, 0usize);
    for c in cleaned.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        arabic += usize::from(is_arabic_letter(c));
    }
    if 2 * arabic > letters {
        return Verdict::Other("ar");
    }
    match detector().detect_language_of(&cleaned) {
        None => Verdict::Undetermined,
        Some(lingua::Language::English) => Verdict::English,
        Some(l) => DETECTED
            .iter()
            .find(|(x, _)| *x == l)
            .map_or(Verdict::Undetermined, |(_, c)| Verdict::Other(c)),
    }
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
            from_text.ascii_text(t.as_bytes());
            assert_eq!(from_tokens, from_text, "{t}");
            assert_eq!(judge(t, &from_tokens), guard(t), "{t}");
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
            Some("detected:ja".into())
        );
        // Arabic by its script, with or without a few Latin words.
        assert_eq!(
            skip_reason(None, "القطار متأخر مرة أخرى اليوم"),
            Some("detected:ar".into())
        );
        assert_eq!(
            skip_reason(None, "الحافلة رقم 22 لم تصل، Northline متأخرة"),
            Some("detected:ar".into())
        );
        assert_eq!(identify("القطار متأخر"), Verdict::Other("ar"));
        // Short Latin-script text the stop words cannot settle goes to the identifier.
        assert_eq!(
            skip_reason(None, "No he dormido nada"),
            Some("detected:es".into())
        );
        assert_eq!(
            guard("😡😡 https://northline.example @northline #RedLine"),
            Verdict::Undetermined
        );
        assert_eq!(guard("The lift at Park Rd is broken"), Verdict::English);
        // English with one foreign-looking word stays scored.
        assert_eq!(
            skip_reason(None, "Kia ora, the train was great today"),
            None
        );
    }
}
