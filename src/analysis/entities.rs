//! Entities: hashtags, URLs (with their domains) and emoji. The platform's own entities
//! are kept when the archive has them; otherwise they are taken from the text.

use regex::Regex;
use std::sync::OnceLock;

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

/// `://` or `www.` somewhere in the text: only then can it hold a URL.
pub fn has_url_marker(b: &[u8]) -> bool {
    memchr::memchr_iter(b':', b).any(|i| b[i + 1..].starts_with(b"//"))
        || memchr::memmem::find(b, b"www.").is_some()
}

pub fn hashtags(text: &str) -> Vec<String> {
    if !text.contains('#') {
        return Vec::new();
    }
    // The tag is the pattern's group, which holds no '#': whatever follows the match's
    // last '#'. Plain `find_iter` runs the lazy DFA; capture groups would not.
    hashtag_re()
        .find_iter(text)
        .filter_map(|m| m.as_str().rsplit('#').next())
        .map(str::to_string)
        .collect()
}

pub fn urls(text: &str) -> Vec<String> {
    if !text.contains("://") {
        return Vec::new();
    }
    url_re()
        .find_iter(text)
        .map(|m| {
            m.as_str()
                .trim_end_matches(['.', ',', ')', '!', '?', ';', ':', '"', '\''])
                .to_string()
        })
        .collect()
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
    if text.is_ascii() {
        return Vec::new();
    }
    text.chars()
        .filter(|c| is_emoji(*c))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_equal_the_pattern_group() {
        let pieces = ["#", "a", "1", "_", "&", "/", " ", "é", "#x", "ab", "."];
        let mut rng = crate::testing::XorShift(0x2545_f491_4f6c_dd1d);
        let mut next = |m: usize| rng.below(m);
        for _ in 0..20_000 {
            let t: String = (0..next(10)).map(|_| pieces[next(pieces.len())]).collect();
            let by_group: Vec<String> = hashtag_re()
                .captures_iter(&t)
                .filter_map(|c| c.get(1))
                .map(|m| m.as_str().to_string())
                .collect();
            assert_eq!(hashtags(&t), by_group, "{t:?}");
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
