//! Entities: hashtags, URLs (with their domains) and emoji. The platform's own entities
//! are kept when the archive has them; otherwise they are taken from the text.

use regex::Regex;
use std::sync::OnceLock;

/// The hashtag pattern, the reference the scanner is tested against.
#[cfg(test)]
fn hashtag_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:^|[^\w&/])#(\w*[^\W\d_]\w*)")
            .unwrap_or_else(|e| panic!("hashtag pattern: {e}"))
    })
}

fn url_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)\bhttps?://[^\s<>]+").unwrap_or_else(|e| panic!("url pattern: {e}"))
    })
}

/// A substring searcher built once (`memmem::find` builds one per call).
pub struct Needle(OnceLock<memchr::memmem::Finder<'static>>, &'static str);

impl Needle {
    pub const fn new(needle: &'static str) -> Needle {
        Needle(OnceLock::new(), needle)
    }
    pub fn find(&self, haystack: &[u8]) -> Option<usize> {
        self.0
            .get_or_init(|| memchr::memmem::Finder::new(self.1))
            .find(haystack)
    }
}

static WWW: Needle = Needle::new("www.");
static SCHEME: Needle = Needle::new("://");

/// `://` or `www.` somewhere in the text: only then can it hold a URL.
pub fn has_url_marker(b: &[u8]) -> bool {
    memchr::memchr_iter(b':', b).any(|i| b[i + 1..].starts_with(b"//")) || WWW.find(b).is_some()
}

/// `text` from the character before byte `i` (or from `i` at the start): the slice
/// a pattern that looks one character behind its anchor needs.
fn from_char_before(text: &str, i: usize) -> &str {
    let start = text
        .get(..i)
        .and_then(|head| head.char_indices().next_back())
        .map_or(0, |(k, _)| k);
    text.get(start..).unwrap_or(text)
}

/// Hashtags: the pattern `(?:^|[^\w&/])#(\w*[^\W\d_]\w*)` (Unicode classes), found
/// by a scanner that visits only the '#'s: a '#' at the start or after a character that
/// is not a word character, '&' or '/', followed by a run of word characters with at
/// least one that is not a decimal digit or '_'; the run is the tag. (A match ends with
/// a word character, so the character before a later '#' is never inside the previous
/// match unless it is a word character, which fails anyway.) A test checks it against
/// the regex on generated texts.
pub fn hashtags(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for at in memchr::memchr_iter(b'#', b) {
        let opens = match text.get(..at).and_then(|head| head.chars().next_back()) {
            None => true,
            Some(p) => !is_word_char(p) && p != '&' && p != '/',
        };
        if !opens {
            continue;
        }
        let tail = text.get(at + 1..).unwrap_or("");
        let run = tail
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(tail.len(), |(k, _)| k);
        let tag = &tail[..run];
        if tag.chars().any(|c| c != '_' && !is_decimal_digit(c)) {
            out.push(tag.to_string());
        }
    }
    out
}

/// `\w` as the regex engine has it (Unicode Alphabetic, marks, decimal digits,
/// connector punctuation, join controls).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        regex_syntax::is_word_character(c)
    }
}

/// `\d` (Unicode decimal digit, Nd) for a word character: the numeric word characters
/// that are not alphabetic (letter numbers such as 'Ⅻ' are alphabetic, and other
/// numbers such as '²' are not word characters).
fn is_decimal_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric() && !c.is_alphabetic())
}

pub fn urls(text: &str) -> Vec<String> {
    let Some(first) = SCHEME.find(text.as_bytes()) else {
        return Vec::new();
    };
    let trim = |u: &str| {
        u.trim_end_matches(['.', ',', ')', '!', '?', ';', ':', '"', '\''])
            .to_string()
    };
    if text.is_ascii() {
        return ascii_urls(text.as_bytes(), first)
            .into_iter()
            .filter_map(|(s, e)| text.get(s..e))
            .map(trim)
            .collect();
    }
    // A match is `https?` then the first "://" at the earliest, with `\b` looking one
    // character further back: the search starts there.
    let text = from_char_before(text, first.saturating_sub(5));
    url_re().find_iter(text).map(|m| trim(m.as_str())).collect()
}

/// The URL pattern on ASCII text: `http` or `https` (any case) at a word boundary
/// right before a "://", then everything up to white space, '<' or '>'. Later "://"
/// inside a match are part of it.
fn ascii_urls(b: &[u8], first: usize) -> Vec<(usize, usize)> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let stop = |c: u8| c.is_ascii_whitespace() || c == 0x0b || c == b'<' || c == b'>';
    let mut out = Vec::new();
    let mut last_end = 0;
    let mut f = first;
    loop {
        let starts_at = |n: usize| {
            let s = f.checked_sub(n)?;
            let scheme = &b[s..f];
            let ok = scheme[..4].eq_ignore_ascii_case(b"http")
                && (n == 4 || scheme[4].eq_ignore_ascii_case(&b's'))
                && s >= last_end
                && (s == 0 || !word(b[s - 1]));
            ok.then_some(s)
        };
        if let Some(s) = starts_at(5).or_else(|| starts_at(4)) {
            let rest = &b[f + 3..];
            let e = f + 3 + rest.iter().position(|&c| stop(c)).unwrap_or(rest.len());
            // `[^\s<>]+` needs at least one byte after "://".
            if e > f + 3 {
                out.push((s, e));
                last_end = e;
            }
        }
        match SCHEME.find(&b[(f + 1).max(last_end)..]) {
            Some(k) => f = (f + 1).max(last_end) + k,
            None => return out,
        }
    }
}

/// Lower-case host without `www.`: `https://www.Northline.example/a` → `northline.example`.
pub fn domain(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1F5FF | 0x1F600..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F900..=0x1F9FF | 0x1FA70..=0x1FAFF
        | 0x2600..=0x26FF | 0x2700..=0x27BF | 0x1F1E6..=0x1F1FF | 0x2B50 | 0x2B55 | 0x231A | 0x231B | 0x23F0..=0x23F3)
}

/// Emoji characters in order of appearance (each occurrence).
pub fn emoji(text: &str) -> Vec<String> {
    // Every emoji range lies in U+2300..U+2BFF (UTF-8 lead byte 0xE2) or
    // U+1F1E6..U+1FAFF (lead byte 0xF0): only characters starting there are decoded.
    let b = text.as_bytes();
    memchr::memchr2_iter(0xE2, 0xF0, b)
        .filter_map(|i| text.get(i..).and_then(|t| t.chars().next()))
        .filter(|c| is_emoji(*c))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_equal_the_pattern_group() {
        let pieces = [
            "#", "a", "1", "_", "&", "/", " ", "é", "#x", "ab", ".", "😀", "ü#", "٣", "‿",
            "\u{301}", "\u{200d}", "Z", "\t", "Ⅻ", "²", "½", "ſ", "中", "\u{a0}", "ǅ", "・",
            "\u{fe0f}",
        ];
        // Half the texts ASCII only: they take the byte paths.
        for t in crate::testing::piece_texts(0x2545_f491_4f6c_dd1d, &pieces, 10, 20_000) {
            let by_group: Vec<String> = hashtag_re()
                .captures_iter(&t)
                .filter_map(|c| c.get(1))
                .map(|m| m.as_str().to_string())
                .collect();
            assert_eq!(hashtags(&t), by_group, "{t:?}");
        }
    }

    #[test]
    fn urls_and_emoji_equal_whole_text_scans() {
        let pieces = [
            "http", "https", "HTTPS", "://", "x", "é", "ééé", "a.b/c", " ", "_", "h", "s", "😀",
            "☀", "⌚", "🇳", "€", "—", "✅", "🫠", "(", ".", "\n", "<", ">", "hTtP", "S", "ſ",
            "\x0b", "\x0c", "\u{a0}", "1", ":", "\x1c", "//",
        ];
        // Half the texts ASCII only: they take the byte paths.
        for t in crate::testing::piece_texts(0xd1b5_4a32_d192_ed03, &pieces, 14, 20_000) {
            let whole: Vec<String> = url_re()
                .find_iter(&t)
                .map(|m| {
                    m.as_str()
                        .trim_end_matches(['.', ',', ')', '!', '?', ';', ':', '"', '\''])
                        .to_string()
                })
                .collect();
            assert_eq!(urls(&t), whole, "{t:?}");
            let by_chars: Vec<String> = t
                .chars()
                .filter(|c| is_emoji(*c))
                .map(String::from)
                .collect();
            assert_eq!(emoji(&t), by_chars, "{t:?}");
        }
    }

    #[test]
    fn extraction() {
        assert_eq!(
            hashtags("Night buses #nightbus #N1 but not&#39; or #2026 or x.com/#frag"),
            vec!["nightbus", "N1"]
        );
        assert_eq!(
            hashtags("##double #a#b (#paren) #é_1 #tag"),
            vec!["double", "a", "paren", "é_1", "tag"]
        );
        assert_eq!(
            urls("see https://northline.example/night, and (http://a.b/c)."),
            vec!["https://northline.example/night", "http://a.b/c"]
        );
        assert_eq!(
            domain("https://www.Northline.example:443/a?b").as_deref(),
            Some("northline.example")
        );
        assert_eq!(emoji("great 😍👏 ok"), vec!["😍", "👏"]);
    }
}
