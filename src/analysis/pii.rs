//! Personal data in text: e-mail addresses, phone numbers, street addresses and
//! payment card numbers (13–19 digits passing the Luhn check). Digits inside URLs
//! are never taken for phone or card numbers.

use regex::Regex;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pii {
    Email,
    Card,
    Phone,
    Address,
}

impl Pii {
    pub fn as_str(self) -> &'static str {
        match self {
            Pii::Email => "email",
            Pii::Card => "card",
            Pii::Phone => "phone",
            Pii::Address => "address",
        }
    }
    fn placeholder(self) -> &'static str {
        match self {
            Pii::Email => "[EMAIL]",
            Pii::Card => "[CARD]",
            Pii::Phone => "[PHONE]",
            Pii::Address => "[ADDRESS]",
        }
    }
}

struct Patterns {
    url: Regex,
    email: Regex,
    card: Regex,
    phone: Regex,
    address: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        // The patterns are constants; a failure to compile is a programming error caught by tests.
        let re = |p: &str| Regex::new(p).unwrap_or_else(|e| panic!("invalid built-in pattern {p}: {e}"));
        Patterns {
            url: re(r"(?i)\b(?:https?://|www\.)\S+"),
            email: re(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"),
            card: re(r"\b\d(?:[ -]?\d){12,18}\b"),
            // An optional country code, an area code in brackets or as a short first
            // group ("+64 9 555 0123", "(09) 555 0182"), then two or three groups.
            phone: re(r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?|\b\d{1,2}[ .-])?\b\d{2,4}[ .-]?\d{3,4}(?:[ .-]?\d{3,4})?\b"),
            address: re(
                r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Place|Pl|Crescent|Cres|Terrace|Tce|Boulevard|Blvd|Way|Court|Ct|Parade|Highway|Hwy|Close|Grove)\b\.?",
            ),
        }
    })
}

fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(*d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// An `@` with an address character before it and a domain character after it: a
/// handle such as `@NorthlineHelp` (nothing before the `@`) cannot be an e-mail address,
/// so the e-mail pattern only runs where one might be.
fn maybe_email(b: &[u8]) -> bool {
    // Non-ASCII bytes count as possible letters: case-insensitive `[a-z]` also matches
    // 'ſ' and the Kelvin sign.
    let local = |c: u8| {
        c.is_ascii_alphanumeric() || c >= 0x80 || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
    };
    let domain = |c: u8| c.is_ascii_alphanumeric() || c >= 0x80 || c == b'-';
    memchr::memchr_iter(b'@', b)
        .any(|i| i > 0 && b.get(i + 1).is_some_and(|&c| domain(c)) && local(b[i - 1]))
}

static WWW_UPPER: super::entities::Needle = super::entities::Needle::new("WWW.");

/// URL spans of a text, found on first use: most texts have no number or address
/// candidate to check against them.
struct UrlSpans<'a> {
    text: &'a str,
    spans: Option<Vec<(usize, usize)>>,
}

impl UrlSpans<'_> {
    fn overlap(&mut self, s: usize, e: usize) -> bool {
        let text = self.text;
        let spans = self.spans.get_or_insert_with(|| {
            let b = text.as_bytes();
            // The URL pattern ignores case: `WWW.` too.
            let marker = super::entities::has_url_marker(b) || WWW_UPPER.find(b).is_some();
            if !marker {
                return Vec::new();
            }
            patterns()
                .url
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect()
        });
        spans.iter().any(|&(us, ue)| s < ue && e > us)
    }
}

/// A digit, at most one letter and a comma, white space, then a capital letter: the
/// start every street address of the pattern has (`12 Queen Street`, `4B, Elm Rd`).
fn maybe_address(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if b.get(j).is_some_and(u8::is_ascii_alphabetic) {
            j += 1;
        }
        if b.get(j) == Some(&b',') {
            j += 1;
        }
        if b.get(j).is_some_and(|c| *c >= 0x80) {
            // Possibly Unicode white space (`\s`): let the pattern decide.
            return true;
        }
        let ws = j;
        while b
            .get(j)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == 0x0b)
        {
            j += 1;
        }
        if j > ws && b.get(j).is_some_and(u8::is_ascii_uppercase) {
            return true;
        }
        i += 1;
    }
    false
}

/// ASCII digits in `b`: byte sums over 64-byte blocks (at most 64 each, so a `u8`
/// holds them), which the compiler vectorises fully; a `usize` per byte does not.
fn count_digits(b: &[u8]) -> usize {
    let mut blocks = b.chunks_exact(64);
    let mut n: usize = (&mut blocks)
        .map(|c| {
            usize::from(
                c.iter()
                    .map(|&x| u8::from(x.wrapping_sub(b'0') < 10))
                    .sum::<u8>(),
            )
        })
        .sum();
    n += blocks
        .remainder()
        .iter()
        .filter(|c| c.is_ascii_digit())
        .count();
    n
}

/// The most digits in one run of digits, spaces, dots, hyphens, brackets and `+`. The core of the
/// phone pattern (`\d{2,4}[ .-]?\d{3,4}[ .-]?\d{3,4}`, eight digits or more) and the
/// card pattern (thirteen digits or more, single spaces or hyphens between) are such
/// runs, so a text whose longest run is shorter holds neither; digits spread over a
/// text (a URL's, a time, a route number) do not count together.
fn longest_number_run(b: &[u8]) -> usize {
    let (mut best, mut run) = (0, 0);
    for &c in b {
        if c.is_ascii_digit() {
            run += 1;
        } else if !matches!(c, b' ' | b'.' | b'-' | b'(' | b')' | b'+') {
            best = best.max(run);
            run = 0;
        }
    }
    best.max(run)
}

/// Words that say a number is a phone number.
const PHONE_CUES: &[&str] = &[
    "call", "ring", "phone", "text", "txt", "mobile", "cell", "number", "contact", "reach",
    "whatsapp", "tel", "ph",
];

/// Words that say a number is something else: order, ticket, booking references.
const REFERENCE_WORDS: &[&str] = &[
    "order",
    "ticket",
    "booking",
    "reference",
    "ref",
    "invoice",
    "receipt",
    "tracking",
    "case",
    "claim",
    "account",
    "card",
    "bus",
    "route",
    "flight",
    "trip",
    "parcel",
];

/// Whether a phone-shaped number reads as a phone: written the way phone numbers are
/// (a `+`, brackets or separators) or introduced by a phone word, and not introduced
/// by a reference word (`Order 20261103`, `Booking reference 77104523`).
fn looks_dialled(text: &str, start: usize, number: &str) -> bool {
    let before: Vec<String> = text[..start]
        .split_whitespace()
        .rev()
        .take(3)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .collect();
    let said = |list: &[&str]| before.iter().any(|w| list.contains(&w.as_str()));
    if said(PHONE_CUES) {
        return true;
    }
    let plain = number.bytes().all(|c| c.is_ascii_digit());
    !plain && !said(REFERENCE_WORDS)
}

/// Spans (start, end, kind) of personal data, sorted and non-overlapping.
pub fn find(text: &str) -> Vec<(usize, usize, Pii)> {
    let digit_count = count_digits(text.as_bytes());
    let at = maybe_email(text.as_bytes());
    if digit_count == 0 && !at {
        return Vec::new();
    }
    let p = patterns();
    // Phone numbers need at least eight digits, cards thirteen, in one run of digits
    // and separators; e-mail needs an '@'.
    let run = if digit_count >= 8 {
        longest_number_run(text.as_bytes())
    } else {
        0
    };
    let long_numbers = run >= 8;
    let card_numbers = run >= 13;
    let mut urls = UrlSpans { text, spans: None };
    let mut in_url = |s: usize, e: usize| urls.overlap(s, e);
    let mut spans: Vec<(usize, usize, Pii)> = Vec::new();
    let overlaps = |spans: &[(usize, usize, Pii)], s: usize, e: usize| {
        spans.iter().any(|&(a, b, _)| s < b && e > a)
    };
    for m in at.then(|| p.email.find_iter(text)).into_iter().flatten() {
        spans.push((m.start(), m.end(), Pii::Email));
    }
    for m in card_numbers
        .then(|| p.card.find_iter(text))
        .into_iter()
        .flatten()
    {
        let digits: Vec<u8> = m
            .as_str()
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        if (13..=19).contains(&digits.len())
            && luhn(&digits)
            && !in_url(m.start(), m.end())
            && !overlaps(&spans, m.start(), m.end())
        {
            spans.push((m.start(), m.end(), Pii::Card));
        }
    }
    for m in long_numbers
        .then(|| p.phone.find_iter(text))
        .into_iter()
        .flatten()
    {
        let n = m.as_str().bytes().filter(u8::is_ascii_digit).count();
        // Part of a longer run of digit groups (a card or reference number) is not a phone.
        let b = text.as_bytes();
        let digit_near = |i: Option<usize>, step_back: bool| -> bool {
            let Some(i) = i else { return false };
            match b.get(i) {
                Some(c) if c.is_ascii_digit() => true,
                Some(b' ' | b'-' | b'.') => {
                    let j = if step_back {
                        i.checked_sub(1)
                    } else {
                        Some(i + 1)
                    };
                    j.and_then(|j| b.get(j)).is_some_and(u8::is_ascii_digit)
                }
                _ => false,
            }
        };
        if digit_near(m.start().checked_sub(1), true) || digit_near(Some(m.end()), false) {
            continue;
        }
        if (8..=15).contains(&n)
            && looks_dialled(text, m.start(), m.as_str())
            && !in_url(m.start(), m.end())
            && !overlaps(&spans, m.start(), m.end())
        {
            spans.push((m.start(), m.end(), Pii::Phone));
        }
    }
    for m in (digit_count > 0 && maybe_address(text.as_bytes()))
        .then(|| p.address.find_iter(text))
        .into_iter()
        .flatten()
    {
        if !in_url(m.start(), m.end()) && !overlaps(&spans, m.start(), m.end()) {
            spans.push((m.start(), m.end(), Pii::Address));
        }
    }
    spans.sort();
    spans
}

/// The text with every span replaced by its placeholder.
pub fn redact(text: &str, spans: &[(usize, usize, Pii)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(s, e, kind) in spans {
        out.push_str(&text[at..s]);
        out.push_str(kind.placeholder());
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_count_by_blocks() {
        let t: String = (0..300)
            .map(|i| ["1", "a", "٣", " ", "99"][i % 5])
            .collect();
        for n in 0..t.len() {
            let b = &t.as_bytes()[..n];
            assert_eq!(
                count_digits(b),
                b.iter().filter(|c| c.is_ascii_digit()).count()
            );
        }
    }

    /// Every phone or card match lies in a run of digits and separators with at least
    /// eight (thirteen) digits, so the run prefilter never hides one.
    #[test]
    fn number_run_prefilter_never_hides_a_match() {
        let pieces = [
            "1", "23", "456", "7890", " ", "-", ".", "(", ")", "+", "x", "/", "  ",
        ];
        let mut rng = crate::testing::XorShift(0x2545_f491_4f6c_dd1d);
        let mut next = |m: usize| rng.below(m);
        let p = patterns();
        let (mut phones, mut cards) = (0, 0);
        for _ in 0..20_000 {
            let t: String = (0..next(16)).map(|_| pieces[next(pieces.len())]).collect();
            let run = longest_number_run(t.as_bytes());
            for m in p.phone.find_iter(&t) {
                let n = m.as_str().bytes().filter(u8::is_ascii_digit).count();
                if n >= 8 {
                    phones += 1;
                    assert!(run >= 8, "{t:?}");
                }
            }
            for m in p.card.find_iter(&t) {
                cards += 1;
                assert!(run >= 13, "{t:?}");
                assert!(longest_number_run(m.as_str().as_bytes()) >= 13, "{t:?}");
            }
        }
        assert!(phones > 100 && cards > 100, "{phones} {cards}");
    }

    fn kinds(t: &str) -> Vec<&'static str> {
        find(t).into_iter().map(|(_, _, k)| k.as_str()).collect()
    }

    #[test]
    fn detects_and_redacts() {
        let t =
            "Email me at jane.doe@example.co.nz or call 021 555 1234, I live at 12 Queen Street";
        assert_eq!(kinds(t), vec!["email", "phone", "address"]);
        assert_eq!(
            redact(t, &find(t)),
            "Email me at [EMAIL] or call [PHONE], I live at [ADDRESS]"
        );
        // 4111 1111 1111 1111 passes Luhn; 4111 1111 1111 1112 does not (and is too long for a phone).
        assert_eq!(
            kinds("card 4111 1111 1111 1111 charged twice"),
            vec!["card"]
        );
        assert_eq!(kinds("ref 4111 1111 1111 1112"), Vec::<&str>::new());
    }

    #[test]
    fn prefilters_never_hide_a_match() {
        for t in [
            "Email me at jane.doe@example.co.nz",
            "x@y.io",
            "12 Queen Street",
            "4B, Elm Rd",
            "at 221\tBaker Street",
            "1 The Terrace",
            "12\u{a0}Queen Street",
        ] {
            let p = patterns();
            assert_eq!(
                p.email.is_match(t),
                p.email.is_match(t) && maybe_email(t.as_bytes()),
                "{t}"
            );
            assert_eq!(
                p.address.is_match(t),
                p.address.is_match(t) && maybe_address(t.as_bytes()),
                "{t}"
            );
            assert!(!find(t).is_empty(), "{t}");
        }
        assert!(!maybe_email(b"@NorthlineHelp thanks"));
        assert!(!maybe_address(b"Route 25 at 08:15"));
    }

    #[test]
    fn urls_with_digits_dates_and_times_are_not_pii() {
        assert!(find("see https://x.com/NorthlineTransit/status/1853100000000000001 and https://t.co/20261103").is_empty());
        assert!(find("Route 25 at 08:15 on 2026-11-03, bus 4411").is_empty());
        assert!(find("The 7:15 from platform 2 was cancelled").is_empty());
    }
}
