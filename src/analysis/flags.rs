//! Per-post flags: question, complaint, official information request (with its
//! statutory due date), escalation with reasons, and the built-in vocabularies.

use crate::config::EscalationRule;
use chrono::{Datelike, NaiveDate, Weekday};

/// The built-in vocabularies (`vocabulary.toml`, compiled in): data apart from the
/// rules that use it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Words that name what a complaint is about.
    pub complaint_topic_terms: Vec<String>,
    /// Complaint phrases that carry no negative sentiment.
    pub complaint_terms: Vec<String>,
    /// Official information request phrases.
    pub info_request_terms: Vec<String>,
    /// Phrases that make a request under an information law.
    pub request_acts: Vec<String>,
    /// The escalation rules used when the config has none.
    pub escalation: Vec<EscalationRule>,
}

const VOCABULARY_TOML: &str = include_str!("vocabulary.toml");

/// The built-in vocabularies, parsed once. The file is part of the program (a unit test
/// parses it and checks every list), not an input.
pub fn vocabulary() -> &'static Vocabulary {
    static V: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    V.get_or_init(|| match toml::from_str(VOCABULARY_TOML) {
        Ok(v) => v,
        // Unreachable once `vocabulary_is_lower_case_and_without_duplicates` passes.
        Err(e) => panic!("src/analysis/vocabulary.toml: {e}"),
    })
}

/// Built-in escalation rules, used when the config has none. Priority orders the
/// `escalations` queue (lower first).
pub fn default_escalation_rules() -> Vec<EscalationRule> {
    vocabulary().escalation.clone()
}

/// Priority of information requests in the escalation queue (statutory deadline).
pub const INFO_REQUEST_PRIORITY: u8 = 4;

/// Whether a message that names an information law makes a request under it: a
/// `request_acts` phrase ([`vocabulary`]), or a heading (`OIA request:`, `FOI request -`,
/// `FOIA request for ...`) at its start.
pub fn makes_a_request(text: &str) -> bool {
    let lower = text.to_lowercase();
    if vocabulary()
        .request_acts
        .iter()
        .any(|a| lower.contains(a.as_str()))
    {
        return true;
    }
    // The opening words, @mentions skipped: "<law> request" then ':', '-' or "for".
    let opening: Vec<&str> = lower
        .split_whitespace()
        .skip_while(|w| w.starts_with('@'))
        .take(6)
        .collect();
    let joined = opening.join(" ");
    let Some(at) = joined.find("request") else {
        return false;
    };
    let rest = joined[at + "request".len()..].trim_start();
    at <= 40 && (rest.starts_with(':') || rest.starts_with('-') || rest.starts_with("for "))
}

const INTERROGATIVES: &[&str] = &[
    "how", "when", "where", "why", "what", "which", "who", "whom", "whose", "is", "are", "was",
    "were", "can", "could", "will", "would", "does", "do", "did", "should", "shall", "may", "has",
    "have",
];

/// A question to the organisation: a `?` (or `¿`) outside URLs and quotations, or a
/// sentence that opens with an interrogative word ("how do I get a refund").
pub fn looks_like_question(text: &str) -> bool {
    let ascii = text.is_ascii();
    let b = text.as_bytes();
    let needs_cleaning = memchr::memchr(b'"', b).is_some()
        || super::entities::has_url_marker(b)
        || (!ascii && text.contains('\u{201C}'));
    let owned;
    let cleaned: &str = if needs_cleaning {
        owned = strip_urls_and_quotes(text);
        &owned
    } else {
        text
    };
    if memchr::memchr(b'?', cleaned.as_bytes()).is_some() || (!ascii && cleaned.contains('¿')) {
        return true;
    }
    opens_with_interrogative(cleaned)
}

/// The sentence rule: a sentence ends at `.`, `!` or a newline; its opening words (after
/// any @mentions, trimmed of punctuation) are checked by [`question_opening`].
fn opens_with_interrogative(text: &str) -> bool {
    // Sentence ends are ASCII, so every cut is a character boundary.
    let b = text.as_bytes();
    let mut start = 0;
    loop {
        let end = memchr::memchr3(b'.', b'!', b'\n', &b[start..]).map_or(b.len(), |k| start + k);
        if sentence_asks(&text[start..end]) {
            return true;
        }
        if end >= b.len() {
            return false;
        }
        start = end + 1;
    }
}

fn trim_word(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
}

/// First words of the asking openings that have no interrogative.
const OPENERS: &[&str] = &[
    "any",
    "anyone",
    "anybody",
    "just",
    "i",
    "wondering",
    "please",
];

fn sentence_asks(sentence: &str) -> bool {
    let mut words = sentence
        .split_whitespace()
        .skip_while(|w| w.starts_with('@'))
        .map(trim_word);
    let first = words.next().unwrap_or("");
    // Most sentences open with neither: decided without reading further.
    if !interrogative(first.as_bytes()) && !is_in(first, OPENERS) {
        return false;
    }
    let second = words.next().unwrap_or("");
    let third = words.next().unwrap_or("");
    question_opening(first, second, third)
}

/// Auxiliaries and modals: after a wh-word they make the inversion of a question ("when
/// does", "where is"); without one, "when it rains", "where the bus stops" open a clause.
const AUXILIARIES: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "can",
    "could",
    "will",
    "would",
    "should",
    "shall",
    "may",
    "might",
    "has",
    "have",
    "had",
    "must",
    "am",
    "isn't",
    "aren't",
    "don't",
    "doesn't",
    "didn't",
    "can't",
    "won't",
    "wouldn't",
    "shouldn't",
    "couldn't",
];

/// What may follow `how` in a question ("how do", "how long", "how much"); "how lovely",
/// "how nice of you" are exclamations.
const AFTER_HOW: &[&str] = &[
    "long",
    "much",
    "many",
    "often",
    "far",
    "soon",
    "late",
    "early",
    "come",
    "about",
    "to",
    "i",
    "we",
    "you",
    "they",
    "old",
    "big",
    "frequently",
];

/// Openings that ask without an interrogative word.
const ASKING_OPENINGS: &[(&str, &str)] = &[
    ("any", "update"),
    ("any", "updates"),
    ("any", "news"),
    ("any", "idea"),
    ("any", "ideas"),
    ("anyone", "know"),
    ("anybody", "know"),
    ("just", "wondering"),
    ("i", "wonder"),
    ("wondering", "if"),
    ("wondering", "whether"),
    ("please", "advise"),
];

fn is_in(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Whether a sentence opening with these words asks something.
fn question_opening(first: &str, second: &str, third: &str) -> bool {
    let pair = |a: &str, b: &str| first.eq_ignore_ascii_case(a) && second.eq_ignore_ascii_case(b);
    if ASKING_OPENINGS.iter().any(|(a, b)| pair(a, b))
        || (pair("i", "was") && third.eq_ignore_ascii_case("wondering"))
    {
        return true;
    }
    if !interrogative(first.as_bytes()) {
        return false;
    }
    let is = |w: &str| first.eq_ignore_ascii_case(w);
    if is("what") {
        // "What a mess", "What an idea": exclamations.
        !is_in(second, &["a", "an"])
    } else if is("who") {
        // "Who knew", "Who cares", "Who would have thought": rhetorical idioms.
        let idiom = is_in(second, &["knew", "cares"])
            || (pair("who", "would") && third.eq_ignore_ascii_case("have"));
        !idiom
    } else if is("how") {
        is_in(second, AUXILIARIES) || is_in(second, AFTER_HOW)
    } else if is("when") || is("where") || is("why") {
        // Without the inversion, "when it rains", "where the bus stops", "why I love".
        is_in(second, AUXILIARIES) || second.is_empty()
    } else {
        true
    }
}

/// A word of at most eight bytes, ASCII-lower-cased and packed little-endian.
const fn packed_lower(w: &[u8]) -> u64 {
    let mut p = 0u64;
    let mut k = 0;
    while k < w.len() && k < 8 {
        p |= (w[k].to_ascii_lowercase() as u64) << (8 * k);
        k += 1;
    }
    p
}

const PACKED_INTERROGATIVES: [u64; INTERROGATIVES.len()] = {
    let mut out = [0u64; INTERROGATIVES.len()];
    let mut k = 0;
    while k < out.len() {
        out[k] = packed_lower(INTERROGATIVES[k].as_bytes());
        k += 1;
    }
    out
};

/// An already trimmed word is one of `INTERROGATIVES` (any case).
fn interrogative(w: &[u8]) -> bool {
    // Interrogatives are 2 to 6 letters long; packed, a compare each.
    (2..=6).contains(&w.len()) && PACKED_INTERROGATIVES.contains(&packed_lower(w))
}

/// Remove URLs and "quoted" or “quoted” passages (someone else's words).
fn strip_urls_and_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_quote: Option<char> = None;
    let keep = |word: &str, in_quote: &mut Option<char>, out: &mut String| {
        let w = word.trim();
        if w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www.") {
            out.push(' ');
            return;
        }
        // Most words hold no quotation mark: kept or dropped whole.
        let quotes = |c: char| matches!(c, '"' | '\u{201C}' | '\u{201D}');
        if !word.contains(quotes) {
            if in_quote.is_none() {
                out.push_str(word);
            }
            return;
        }
        for c in word.chars() {
            match (*in_quote, c) {
                (None, '"') => *in_quote = Some('"'),
                (None, '\u{201C}') => *in_quote = Some('\u{201D}'),
                (Some(close), c) if c == close => *in_quote = None,
                (Some(_), _) => {}
                (None, c) => out.push(c),
            }
        }
    };
    if text.is_ascii() {
        // ASCII whitespace bytes are character boundaries: split without decoding. A
        // token is a word and the one white space byte that ends it (so it never starts
        // with white space unless it is that byte alone), and its only quotation mark
        // is '"'.
        let b = text.as_bytes();
        let mut quoted = false;
        let mut keep_ascii = |word: &str, out: &mut String| {
            let w = word.as_bytes();
            if w.starts_with(b"http://") || w.starts_with(b"https://") || w.starts_with(b"www.") {
                out.push(' ');
                return;
            }
            if memchr::memchr(b'"', w).is_none() {
                if !quoted {
                    out.push_str(word);
                }
                return;
            }
            for (k, &c) in w.iter().enumerate() {
                if c == b'"' {
                    quoted = !quoted;
                } else if !quoted {
                    out.push_str(&word[k..=k]);
                }
            }
        };
        let mut start = 0;
        for (i, c) in b.iter().enumerate() {
            if matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                keep_ascii(&text[start..=i], &mut out);
                start = i + 1;
            }
        }
        if start < b.len() {
            keep_ascii(&text[start..], &mut out);
        }
    } else {
        for word in text.split_inclusive(char::is_whitespace) {
            keep(word, &mut in_quote, &mut out);
        }
    }
    out
}

/// The date `working_days` working days after `received` (the day of receipt does not
/// count; weekends and the listed holidays are skipped), as the OIA/LGOIMA counts.
pub fn due_date(received: NaiveDate, working_days: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut d = received;
    let mut left = working_days;
    while left > 0 {
        d = match d.succ_opt() {
            Some(n) => n,
            None => return d,
        };
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && !holidays.contains(&d) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn due_dates_count_working_days_after_receipt() {
        // Received Tuesday 3 Nov 2026: 20 working days later is Tuesday 1 Dec 2026.
        assert_eq!(due_date(date("2026-11-03"), 20, &[]), date("2026-12-01"));
        // Received on a Saturday: counting starts Monday 9 Nov; day 20 is Friday 4 Dec.
        assert_eq!(due_date(date("2026-11-07"), 20, &[]), date("2026-12-04"));
        // A holiday inside the window pushes the date one working day.
        assert_eq!(
            due_date(date("2026-11-03"), 20, &[date("2026-11-16")]),
            date("2026-12-02")
        );
        assert_eq!(due_date(date("2026-11-03"), 1, &[]), date("2026-11-04"));
    }

    /// The rule as first written (character-level throughout), kept to check the byte paths.
    fn question_by_chars(text: &str) -> bool {
        let needs_cleaning = text.contains('"')
            || text.contains('\u{201C}')
            || text.contains("://")
            || text.contains("www.");
        let cleaned = if needs_cleaning {
            let mut out = String::new();
            let mut in_quote: Option<char> = None;
            for word in text.split_inclusive(char::is_whitespace) {
                let w = word.trim();
                if w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www.") {
                    out.push(' ');
                    continue;
                }
                for c in word.chars() {
                    match (in_quote, c) {
                        (None, '"') => in_quote = Some('"'),
                        (None, '\u{201C}') => in_quote = Some('\u{201D}'),
                        (Some(close), c) if c == close => in_quote = None,
                        (Some(_), _) => {}
                        (None, c) => out.push(c),
                    }
                }
            }
            out
        } else {
            text.to_string()
        };
        if cleaned.contains('?') || cleaned.contains('¿') {
            return true;
        }
        // The opening rule itself is `question_opening`'s; this checks the cleaning
        // (the ASCII fast path of `strip_urls_and_quotes` against this character one)
        // and the sentence and word splitting.
        cleaned.split(['.', '!', '\n']).any(|s| {
            let words: Vec<&str> = s
                .split(char::is_whitespace)
                .filter(|w| !w.is_empty())
                .skip_while(|w| w.starts_with('@'))
                .take(3)
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
                .collect();
            let at = |i: usize| words.get(i).copied().unwrap_or("");
            question_opening(at(0), at(1), at(2))
        })
    }

    #[test]
    fn byte_paths_agree_with_the_character_rule() {
        for t in [
            "@a @b HOW do I get there",
            "Great.\x0bwhy is it late",
            "ok!!! (When) does it open",
            "see www.who.int today",
            "he said \"why not\" and left. Where now",
            "he said \"unclosed why",
            "visit https://x.example/what. Fine",
            "“Why” she asked. Ok",
            "l'Who.is.there",
            "trailing space \t\r\n",
            "",
            "@only @handles",
            "Is\x1cit ok",
        ] {
            assert_eq!(looks_like_question(t), question_by_chars(t), "{t:?}");
        }
    }

    /// The byte path against the character rule on texts built from the bytes it
    /// branches on: sentence ends, every white space, '@', quotes, URL markers,
    /// interrogatives in any case and their near misses.
    #[test]
    fn byte_path_agrees_on_generated_texts() {
        let pieces = [
            "how",
            "HoW",
            "whom",
            "shall",
            "hows",
            "ho",
            "@who",
            "who!",
            "(why)",
            "is",
            " ",
            "\t",
            "\n",
            "\x0b",
            "\r",
            ".",
            "!",
            "@x",
            "\"",
            "www.",
            "://",
            "http://a.b/c?",
            "x",
            "what?",
            "will.",
            "1",
            "do'",
            "é",
            "cómo",
            "Howé",
            "¿",
            "“",
            "”",
            "😀",
            "\u{a0}",
            "\u{3000}",
            "\u{2028}",
            "\u{85}",
            "«who»",
        ];
        // Half the texts ASCII only: they take the byte paths.
        for t in crate::testing::piece_texts(0x9e37_79b9_7f4a_7c15, &pieces, 12, 20_000) {
            assert_eq!(looks_like_question(&t), question_by_chars(&t), "{t:?}");
        }
    }

    #[test]
    fn questions() {
        assert!(looks_like_question(
            "@NorthlineTransit does the 25 still stop at Elm Park?"
        ));
        assert!(looks_like_question(
            "@NorthlineTransit how do I get a refund for yesterday"
        ));
        assert!(looks_like_question("¿por qué no ponen más vagones"));
        assert!(!looks_like_question("Great service today, thanks!"));
        // A question inside quotes is someone else's; a '?' in a URL is not a question.
        assert!(!looks_like_question(
            "My boss said \"are you late again?\" thanks Northline"
        ));
        assert!(!looks_like_question(
            "Timetable here https://northline.example/t?route=25"
        ));
    }
}

#[cfg(test)]
mod vocabulary_tests {
    use super::*;

    /// Every list of the vocabulary file and every word class of the question rule:
    /// lower case (they are matched against folded text, so an upper-case term would
    /// never match), trimmed, non-empty, and each term once.
    #[test]
    fn vocabulary_is_lower_case_and_without_duplicates() {
        let v = vocabulary();
        let mut lists: Vec<(String, Vec<&str>)> = vec![
            (
                "complaint_topic_terms".into(),
                v.complaint_topic_terms.iter().map(String::as_str).collect(),
            ),
            (
                "complaint_terms".into(),
                v.complaint_terms.iter().map(String::as_str).collect(),
            ),
            (
                "info_request_terms".into(),
                v.info_request_terms.iter().map(String::as_str).collect(),
            ),
            (
                "request_acts".into(),
                v.request_acts.iter().map(String::as_str).collect(),
            ),
            ("INTERROGATIVES".into(), INTERROGATIVES.to_vec()),
            ("OPENERS".into(), OPENERS.to_vec()),
            ("AUXILIARIES".into(), AUXILIARIES.to_vec()),
            ("AFTER_HOW".into(), AFTER_HOW.to_vec()),
        ];
        for r in &v.escalation {
            lists.push((
                format!("escalation {}", r.reason),
                r.terms.iter().map(String::as_str).collect(),
            ));
        }
        for (name, terms) in &lists {
            assert!(!terms.is_empty(), "{name} is empty");
            let mut seen = std::collections::BTreeSet::new();
            for t in terms {
                assert!(
                    !t.is_empty() && t.trim() == *t,
                    "{name}: {t:?} is blank or untrimmed"
                );
                assert_eq!(*t, t.to_lowercase(), "{name}: {t:?} is not lower case");
                assert!(seen.insert(*t), "{name}: {t:?} appears twice");
            }
        }
        // Reasons and their queue priorities are distinct, and leave the information
        // requests' priority to them alone.
        let reasons: std::collections::BTreeSet<&str> =
            v.escalation.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(reasons.len(), v.escalation.len());
        let mut priorities: Vec<u8> = v.escalation.iter().map(|r| r.priority).collect();
        priorities.sort_unstable();
        priorities.dedup();
        assert_eq!(priorities.len(), v.escalation.len());
        assert!(!reasons.contains("info_request"));
        assert_eq!(default_escalation_rules().len(), 6);
    }
}
