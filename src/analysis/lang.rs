//! Cheap language gate for VADER, which is English-only. A post is skipped when the
//! source says it is not English, or when its letters are mostly in a non-Latin
//! script, or when it is Latin-script but clearly uses another language's function
//! words (a stop-word vote, one pass over the words; no model).

/// Why a post gets no sentiment, or `None` to score it.
pub fn skip_reason(source_lang: Option<&str>, text: &str) -> Option<String> {
    if let Some(l) = source_lang {
        let l = l.trim().to_ascii_lowercase();
        let primary = l.split(['-', '_']).next().unwrap_or("");
        if !primary.is_empty()
            && primary != "en"
            && primary != "und"
            && primary != "zxx"
            && primary != "qme"
        {
            return Some(format!("lang:{primary}"));
        }
        if primary == "en" {
            return None;
        }
    }
    detect_non_english(text).map(|l| format!("detected:{l}"))
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

/// word -> bit per language of `STOPWORDS` (bit 7: English), built once.
fn stopword_bits() -> &'static rustc_hash::FxHashMap<&'static str, u8> {
    static M: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, u8>> =
        std::sync::OnceLock::new();
    M.get_or_init(|| {
        let mut m: rustc_hash::FxHashMap<&'static str, u8> = rustc_hash::FxHashMap::default();
        for (k, (_, list)) in STOPWORDS.iter().enumerate() {
            for w in *list {
                *m.entry(w).or_insert(0) |= 1 << k;
            }
        }
        for w in ENGLISH {
            *m.entry(w).or_insert(0) |= 1 << 7;
        }
        m
    })
}

fn detect_non_english(text: &str) -> Option<&'static str> {
    // Script check: letters outside Latin (and its extensions) dominate.
    if !text.is_ascii() {
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
    }
    let bits = stopword_bits();
    let mut votes = [0u32; 7];
    let mut english = 0u32;
    let mut words = 0u32;
    let vote = |key: &str, votes: &mut [u32; 7], english: &mut u32| {
        if let Some(&b) = bits.get(key) {
            if b & (1 << 7) != 0 {
                *english += 1;
            }
            for (k, v) in votes.iter_mut().enumerate() {
                if b & (1 << k) != 0 {
                    *v += 1;
                }
            }
        }
    };
    if text.is_ascii() {
        // Byte words lower-cased into a stack buffer; stop words are at most 9 letters.
        let mut buf = [0u8; 9];
        for w in text
            .as_bytes()
            .split(|b| !b.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
        {
            words += 1;
            if w.len() > buf.len() {
                continue;
            }
            for (d, s) in buf.iter_mut().zip(w) {
                *d = s.to_ascii_lowercase();
            }
            if let Ok(key) = std::str::from_utf8(&buf[..w.len()]) {
                vote(key, &mut votes, &mut english);
            }
        }
    } else {
        let mut lower = String::new();
        for w in text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
        {
            words += 1;
            if w.len() > 12 {
                continue;
            }
            lower.clear();
            lower.extend(w.chars().flat_map(char::to_lowercase));
            vote(&lower, &mut votes, &mut english);
        }
    }
    let (best, &count) = votes.iter().enumerate().max_by_key(|(_, c)| **c)?;
    // At least two function words, and clearly more than English ones.
    if words >= 3 && count >= 2 && count > english * 2 {
        Some(STOPWORDS[best].0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
