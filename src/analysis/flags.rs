//! Per-post flags: question, complaint, official information request (with its
//! statutory due date), escalation with reasons, and the built-in vocabularies.

use crate::config::EscalationRule;
use chrono::{Datelike, NaiveDate, Weekday};

/// Built-in escalation rules, used when the config has none. Priority orders the
/// `escalations` queue (lower first).
pub fn default_escalation_rules() -> Vec<EscalationRule> {
    let rule = |reason: &str, priority: u8, negatable: bool, terms: &[&str]| EscalationRule {
        reason: reason.to_string(),
        terms: terms.iter().map(|t| t.to_string()).collect(),
        negatable,
        priority,
    };
    vec![
        rule(
            "self_harm",
            1,
            false,
            &[
                "kill myself",
                "killing myself",
                "suicide",
                "suicidal",
                "end my life",
                "self harm",
                "self-harm",
                "want to die",
                "hurt myself",
                "jump in front of",
            ],
        ),
        rule(
            "safety",
            2,
            false,
            &[
                "gun",
                "knife",
                "stabbed",
                "weapon",
                "bomb threat",
                "suspicious package",
                "assaulted",
                "assault",
                "attacked",
                "fight on",
                "injured",
                "unsafe",
                "derailed",
                "fire on the",
                "smoke on the",
                "emergency",
                "dangerous driving",
                "nearly hit",
            ],
        ),
        rule(
            "harassment",
            3,
            true,
            &[
                "harassed",
                "harassment",
                "harassing",
                "groped",
                "abused",
                "abusive",
                "racist",
                "racism",
                "sexual",
                "stalking",
                "followed me",
                "threatened me",
                "spat on",
                "homophobic",
            ],
        ),
        rule(
            "accessibility",
            4,
            true,
            &[
                "wheelchair",
                "lift out of order",
                "lift is broken",
                "elevator out of order",
                "elevator broken",
                "ramp",
                "mobility scooter",
                "guide dog",
                "accessible",
                "accessibility",
                "disabled",
                "disability",
                "blind",
                "deaf",
                "hearing loop",
            ],
        ),
        rule(
            "legal",
            5,
            true,
            &[
                "lawyer",
                "solicitor",
                "sue",
                "suing",
                "lawsuit",
                "legal action",
                "take you to court",
                "ombudsman",
                "human rights commission",
                "small claims",
                "tribunal",
            ],
        ),
        rule(
            "media",
            6,
            false,
            &[
                "journalist",
                "reporter",
                "media enquiry",
                "media inquiry",
                "press enquiry",
                "press inquiry",
                "request for comment",
                "for a story",
                "deadline for comment",
                "on the record",
            ],
        ),
    ]
}

/// Priority of information requests in the escalation queue (statutory deadline).
pub const INFO_REQUEST_PRIORITY: u8 = 4;

pub const COMPLAINT_TERMS: &[&str] = &[
    "complaint",
    "complain",
    "complaining",
    "unacceptable",
    "disgraceful",
    "disgusting",
    "appalling",
    "ridiculous",
    "terrible service",
    "worst",
    "useless",
    "fed up",
    "sick of",
    "still waiting",
    "no show",
    "didn't show up",
    "never turned up",
    "late again",
    "cancelled again",
    "refund",
    "overcharged",
    "charged twice",
    "rude",
    "filthy",
    "broken again",
    "not good enough",
    "shocking",
];

pub const INFO_REQUEST_TERMS: &[&str] = &[
    "official information act",
    "official information request",
    "oia request",
    "under the oia",
    "lgoima",
    "local government official information",
    "foia",
    "foi request",
    "freedom of information",
    "access to information request",
    "information request",
    "i request copies of",
    "request copies of",
    "please provide copies of",
    "i would like to request",
    "subject access request",
    "privacy act request",
];

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

/// The sentence rule in one pass over the bytes: a sentence ends at `.`, `!` or a
/// newline; its first word not starting with `@` (words end at white space, as
/// `char::is_whitespace` has it) is trimmed of non-alphanumeric characters and checked.
/// Only a byte of 0x80 or above starts a character that needs decoding (to know whether
/// it is white space, and its width); the rest is ASCII.
fn opens_with_interrogative(text: &str) -> bool {
    let b = text.as_bytes();
    let n = b.len();
    let end = |c: u8| matches!(c, b'.' | b'!' | b'\n');
    // Whether the character at `i` (a character boundary) is white space, and its width.
    let at = |i: usize| -> (bool, usize) {
        let c = b[i];
        if c < 0x80 {
            return (matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'), 1);
        }
        match text.get(i..).and_then(|s| s.chars().next()) {
            Some(ch) => (ch.is_whitespace(), ch.len_utf8()),
            None => (false, 1),
        }
    };
    let mut i = 0;
    while i < n {
        // The sentence's words until one does not start with '@'.
        loop {
            while i < n && !end(b[i]) {
                let (space, w) = at(i);
                if !space {
                    break;
                }
                i += w;
            }
            if i >= n || end(b[i]) {
                break;
            }
            let start = i;
            while i < n && !end(b[i]) {
                let (space, w) = at(i);
                if space {
                    break;
                }
                i += w;
            }
            if b[start] != b'@' {
                let word = &b[start..i];
                let hit = if word.is_ascii() {
                    is_interrogative(word)
                } else {
                    let w = text.get(start..i).unwrap_or("");
                    interrogative(w.trim_matches(|c: char| !c.is_alphanumeric()).as_bytes())
                };
                if hit {
                    return true;
                }
                break;
            }
        }
        // On to the next sentence.
        match memchr::memchr3(b'.', b'!', b'\n', &b[i.min(n)..]) {
            Some(k) => i += k + 1,
            None => return false,
        }
    }
    false
}

/// An ASCII `word`, trimmed of non-alphanumeric characters, is an interrogative.
fn is_interrogative(word: &[u8]) -> bool {
    let start = word.iter().position(u8::is_ascii_alphanumeric);
    let end = word.iter().rposition(u8::is_ascii_alphanumeric);
    match (start, end) {
        (Some(start), Some(end)) => interrogative(&word[start..=end]),
        _ => false,
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
        cleaned
            .split(['.', '!', '\n'])
            .map(|s| {
                s.split_whitespace()
                    .find(|w| !w.starts_with('@'))
                    .unwrap_or("")
            })
            .any(|first| {
                let w = first.trim_matches(|c: char| !c.is_alphanumeric());
                (2..=6).contains(&w.len())
                    && INTERROGATIVES.iter().any(|q| q.eq_ignore_ascii_case(w))
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
