//! Emerging terms: per day, the words and hashtags of inbound posts whose frequency
//! rises most against a trailing baseline, so topics nobody put in the taxonomy surface.
//!
//! For day d with `day_posts` inbound posts, a term used in `count` of them, and over the
//! previous `baseline_days` days `baseline_count` uses among `baseline_posts` posts:
//!
//! ```text
//! expected = day_posts * (baseline_count + 1) / (baseline_posts + 1)
//! score    = log2((count + 1) / (expected + 1))
//! ```
//!
//! A term is reported when `count >= min_count` and `score >= min_score`; the top `top`
//! per day by score (ties by term). With no history, expected = day_posts, so nothing is
//! claimed to emerge on the first day. Counts are document frequencies (a term counts once
//! per post). To bound memory, a day keeps only terms used in at least two posts.

use crate::config::EmergingConfig;
use crate::model::{Direction, Post};
use rustc_hash::FxHashMap;

/// Term counts of one day: mergeable (fold per batch, reduce across batches).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct DayTerms {
    pub posts: u64,
    pub counts: FxHashMap<String, u64>,
}

impl DayTerms {
    pub fn add(&mut self, post: &Post) {
        if post.direction != Direction::Inbound || post.withheld {
            return;
        }
        self.posts += 1;
        // Borrowed terms and a reused buffer: a term allocates only the first time
        // it is seen in this accumulator.
        SCRATCH.with(|s| {
            let (folded, tags) = &mut *s.borrow_mut();
            each_term(post, folded, tags, |t| match self.counts.get_mut(t) {
                Some(c) => *c += 1,
                None => {
                    self.counts.insert(t.to_string(), 1);
                }
            });
        });
    }

    pub fn merge(mut self, other: DayTerms) -> DayTerms {
        self.posts += other.posts;
        for (k, v) in other.counts {
            *self.counts.entry(k).or_insert(0) += v;
        }
        self
    }

    /// Drop terms seen in a single post (see module docs).
    pub fn compact(&mut self) {
        self.counts.retain(|_, c| *c >= 2);
        self.counts.shrink_to_fit();
    }
}

pub const STOPWORDS: &[&str] = &[
    "about", "after", "again", "also", "been", "before", "being", "but", "could", "does", "doing",
    "dont", "from", "have", "here", "just", "like", "more", "much", "only", "other", "over",
    "really", "same", "should", "some", "still", "such", "than", "that", "their", "them", "then",
    "there", "these", "they", "this", "those", "today", "very", "want", "were", "what", "when",
    "where", "which", "while", "will", "with", "would", "your", "you're", "i'm", "it's", "thanks",
    "thank", "please", "yours", "into", "because",
];

/// `STOPWORDS` membership by hash: a linear scan compared every word of every post with
/// sixty strings (the run's largest source of `memcmp`).
fn is_stopword(w: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect())
        .contains(w)
}

thread_local! {
    static SCRATCH: std::cell::RefCell<(String, Vec<String>)> =
        const { std::cell::RefCell::new((String::new(), Vec::new())) };
}

/// Distinct terms of a post: `#hashtag`s and folded words of 4+ letters that are not stop
/// words, mentions, URLs or numbers.
pub fn terms(post: &Post) -> Vec<String> {
    let (mut folded, mut tags) = (String::new(), Vec::new());
    let mut v = Vec::new();
    each_term(post, &mut folded, &mut tags, |t| v.push(t.to_string()));
    v
}

/// Call `f` once for every distinct term of a post, in sorted order.
fn each_term(post: &Post, folded: &mut String, tags: &mut Vec<String>, mut f: impl FnMut(&str)) {
    tags.clear();
    for h in &post.hashtags {
        let mut t = String::with_capacity(h.len() + 1);
        t.push('#');
        crate::analysis::fold::fold_into(h, folded);
        t.push_str(folded);
        tags.push(t);
    }
    crate::analysis::fold::fold_into(&post.text, folded);
    let mut words: Vec<&str> = Vec::new();
    if folded.is_ascii() {
        ascii_words(folded, &mut words);
    } else {
        words_by_char(folded, &mut words);
    }
    words.extend(tags.iter().map(String::as_str));
    words.sort_unstable();
    words.dedup();
    for w in words {
        f(w);
    }
}

/// The candidate words of folded text: tokens that are not mentions, hashtags or URLs,
/// split at characters other than letters, digits and `'`, of 4+ characters, not all
/// digits, not stop words.
fn words_by_char<'a>(folded: &'a str, words: &mut Vec<&'a str>) {
    for tok in folded.split(' ') {
        if tok.starts_with('@')
            || tok.starts_with('#')
            || tok.contains("://")
            || tok.starts_with("www.")
        {
            continue;
        }
        for w in tok.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
            let w = w.trim_matches('\'');
            if w.chars().count() >= 4 && !w.chars().all(|c| c.is_ascii_digit()) && !is_stopword(w) {
                words.push(w);
            }
        }
    }
}

/// [`words_by_char`] for ASCII text, on bytes: for ASCII a character is a byte and
/// `is_alphanumeric` is `is_ascii_alphanumeric` (the char loop was ~half of `aggregate`).
fn ascii_words<'a>(folded: &'a str, words: &mut Vec<&'a str>) {
    let mut at = 0;
    for tok in folded.as_bytes().split(|&b| b == b' ') {
        let tok_start = at;
        at += tok.len() + 1;
        if tok.starts_with(b"@")
            || tok.starts_with(b"#")
            || tok.starts_with(b"www.")
            || memchr::memmem::find(tok, b"://").is_some()
        {
            continue;
        }
        let mut w_start = tok_start;
        for w in tok.split(|&b| !(b.is_ascii_alphanumeric() || b == b'\'')) {
            let from = w_start;
            w_start += w.len() + 1;
            let lead = w.iter().take_while(|&&b| b == b'\'').count();
            let trail = w[lead..].iter().rev().take_while(|&&b| b == b'\'').count();
            let core = &w[lead..w.len() - trail];
            if core.len() >= 4 && !core.iter().all(u8::is_ascii_digit) {
                // ASCII, so every byte offset is a character boundary.
                let w = &folded[from + lead..from + lead + core.len()];
                if !is_stopword(w) {
                    words.push(w);
                }
            }
        }
    }
}

/// One row of `emerging_terms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Emerging {
    /// Days since the Unix epoch.
    pub day: i64,
    pub term: String,
    pub count: u64,
    pub baseline_count: u64,
    pub baseline_posts: u64,
    pub day_posts: u64,
    pub expected: f64,
    pub score: f64,
    pub rank: u32,
}

/// Score every day against its trailing window. `days` must be sorted by day.
pub fn emerging(days: &[(i64, DayTerms)], cfg: &EmergingConfig) -> Vec<Emerging> {
    let mut out = Vec::new();
    for (idx, (day, today)) in days.iter().enumerate() {
        let window: Vec<&(i64, DayTerms)> = days[..idx]
            .iter()
            .filter(|(d, _)| *d >= day - i64::from(cfg.baseline_days) && *d < *day)
            .collect();
        let baseline_posts: u64 = window.iter().map(|(_, t)| t.posts).sum();
        let mut rows: Vec<Emerging> = today
            .counts
            .iter()
            .filter(|(_, c)| **c >= u64::from(cfg.min_count))
            .map(|(term, &count)| {
                let baseline_count: u64 = window
                    .iter()
                    .map(|(_, t)| t.counts.get(term).copied().unwrap_or(0))
                    .sum();
                let expected = today.posts as f64 * (baseline_count as f64 + 1.0)
                    / (baseline_posts as f64 + 1.0);
                let score = ((count as f64 + 1.0) / (expected + 1.0)).log2();
                Emerging {
                    day: *day,
                    term: term.clone(),
                    count,
                    baseline_count,
                    baseline_posts,
                    day_posts: today.posts,
                    expected,
                    score,
                    rank: 0,
                }
            })
            .filter(|e| e.score >= cfg.min_score)
            .collect();
        rows.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.term.cmp(&b.term))
        });
        rows.truncate(cfg.top);
        for (i, r) in rows.iter_mut().enumerate() {
            r.rank = i as u32 + 1;
        }
        out.extend(rows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_words_equal_the_char_loop() {
        let pieces = [
            "word",
            "tram",
            "Trams",
            " ",
            "  ",
            "@rider",
            "#strike",
            "http://x.io/abcd",
            "www.site.nz",
            "a://b",
            "it's",
            "'quoted'",
            "''''",
            "don't",
            "1234",
            "12345",
            "abc1",
            "x-y-z",
            "late,late",
            "(delay)",
            "about",
            "thanks",
            "wait...",
            "\t",
            "\n",
            "r\u{e9}seau",
        ];
        let mut compared = 0;
        for t in crate::testing::piece_texts(0x3c6e_f372_fe94_f82b, &pieces, 14, 20_000) {
            let mut folded = String::new();
            crate::analysis::fold::fold_into(&t, &mut folded);
            if !folded.is_ascii() {
                continue;
            }
            let (mut a, mut b) = (Vec::new(), Vec::new());
            ascii_words(&folded, &mut a);
            words_by_char(&folded, &mut b);
            assert_eq!(a, b, "{folded:?}");
            compared += usize::from(!b.is_empty());
        }
        assert!(compared > 5_000, "{compared}");
    }

    #[test]
    fn stopword_set_is_the_list() {
        for w in STOPWORDS {
            assert!(is_stopword(w), "{w}");
        }
        for w in ["abou", "abouts", "About", "thanked", "tram", ""] {
            assert!(!is_stopword(w), "{w}");
        }
    }

    #[test]
    fn score_worked_by_hand() {
        let day = |posts: u64, terms: &[(&str, u64)]| DayTerms {
            posts,
            counts: terms.iter().map(|(t, c)| (t.to_string(), *c)).collect(),
        };
        let days = vec![
            (100, day(50, &[("strike", 2)])),
            (101, day(50, &[("strike", 2)])),
            (102, day(40, &[("strike", 20), ("#buslanes", 3)])),
        ];
        let cfg = EmergingConfig {
            baseline_days: 28,
            min_count: 3,
            top: 10,
            min_score: 1.0,
        };
        let rows = emerging(&days, &cfg);
        // Day 102, "strike": expected = 40 * (4 + 1) / (100 + 1) = 1.980198..,
        // score = log2(21 / 2.980198..) = 2.81690..
        let strike = rows
            .iter()
            .find(|r| r.term == "strike")
            .expect("strike emerges");
        assert_eq!(
            (
                strike.day,
                strike.count,
                strike.baseline_count,
                strike.baseline_posts
            ),
            (102, 20, 4, 100)
        );
        assert!((strike.expected - 200.0 / 101.0).abs() < 1e-12);
        assert!((strike.score - (21.0f64 / (200.0 / 101.0 + 1.0)).log2()).abs() < 1e-12);
        assert_eq!(strike.rank, 1);
        // "#buslanes": expected = 40 * 1 / 101 = 0.396.., score = log2(4 / 1.396..) = 1.518..
        let bus = rows
            .iter()
            .find(|r| r.term == "#buslanes")
            .expect("hashtag emerges");
        assert_eq!(bus.rank, 2);
        // Nothing emerges on the first days (no history, or below min_count).
        assert!(rows.iter().all(|r| r.day == 102));
    }
}
