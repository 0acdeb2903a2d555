//! The features every learned classifier reads: hashed words, word pairs and a post's
//! shape (how its sentences open, where its question marks stand), plus what the rules
//! and VADER already found. One function serves training and prediction, so a model
//! sees at run time exactly what it was trained on.
//!
//! Text is normalised the way public labelled sets are published: every `@handle` is
//! `@user`, every link `url`, so a model trained on them reads live posts alike.

/// The feature scheme's name, recorded in every model file: a model trained under
/// another scheme is refused.
pub const SCHEME: &str = "words-shape-v1";

/// What the rules and VADER said about the post, given to the model as features.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints {
    /// The rule-based question detector fired.
    pub question_rule: bool,
    /// A complaint word or phrase of the vocabulary matched.
    pub complaint_vocabulary: bool,
    /// The post's VADER compound score, when it was scored.
    pub compound: Option<f64>,
}

/// A post's features: hashed indices below `1 << bits`, sorted and distinct, each
/// weighing `value` (so the vector's L2 norm is 1).
#[derive(Clone, Debug, Default)]
pub struct Features {
    pub indices: Vec<u32>,
    pub value: f32,
    /// The hash width the indices were made with.
    pub bits: u32,
    words: Vec<(u64, bool)>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a: a fixed, documented hash, so indices never change with a dependency.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Words that are stand-ins, not language: they open no sentence.
fn is_placeholder(w: &[u8]) -> bool {
    matches!(w, b"@user" | b"url" | b"rt")
}

/// Split `text` into lower-case tokens: words (letters, digits, apostrophes), `?`, `!`
/// and sentence ends (`.`), with handles as `@user` and links as `url`. `emit` gets each
/// token's bytes.
fn tokens(text: &str, buf: &mut String, mut emit: impl FnMut(&[u8])) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let c = match rest.chars().next() {
            Some(c) => c,
            None => break,
        };
        let head = rest.as_bytes();
        let starts = |p: &[u8]| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p);
        let starts_link = starts(b"http://") || starts(b"https://") || starts(b"www.");
        if starts_link {
            emit(b"url");
            i += rest.find(char::is_whitespace).unwrap_or(rest.len());
            continue;
        }
        if c == '@' && rest[1..].starts_with(|n: char| n.is_alphanumeric() || n == '_') {
            emit(b"@user");
            let end = rest[1..]
                .find(|n: char| !(n.is_alphanumeric() || n == '_' || n == '.' || n == '@'))
                .map_or(rest.len(), |e| e + 1);
            i += end;
            continue;
        }
        if c.is_alphanumeric() || c == '\'' || c == '\u{2019}' {
            buf.clear();
            let mut len = 0;
            for ch in rest.chars() {
                if ch.is_alphanumeric() {
                    buf.extend(ch.to_lowercase());
                } else if ch == '\'' || ch == '\u{2019}' {
                    buf.push('\'');
                } else {
                    break;
                }
                len += ch.len_utf8();
            }
            let w = buf.trim_matches('\'');
            if !w.is_empty() {
                emit(w.as_bytes());
            }
            i += len;
            continue;
        }
        match c {
            '?' => emit(b"?"),
            '!' => emit(b"!"),
            '.' | '\n' | ';' => emit(b"."),
            _ => {}
        }
        i += c.len_utf8();
    }
}

impl Features {
    /// The features of `text` with `hints`, hashed into `bits` bits.
    pub fn extract(&mut self, text: &str, hints: &Hints, bits: u32) -> &Features {
        self.indices.clear();
        self.words.clear();
        self.bits = bits;
        let mask = (1u64 << bits) - 1;
        let push = |indices: &mut Vec<u32>, h: u64| indices.push((h & mask) as u32);
        // (hash of the token, whether it is a word) in order.
        let mut buf = String::new();
        let words = &mut self.words;
        tokens(text, &mut buf, |t| {
            let word = t[0].is_ascii_alphanumeric() || t[0] >= 0x80 || t[0] == b'@';
            words.push((fnv(FNV_OFFSET, t), word && !is_placeholder(t)));
        });
        let ns = |tag: &[u8], h: u64| fnv(fnv(FNV_OFFSET, tag), &h.to_le_bytes());
        let (q, bang, end) = (
            fnv(FNV_OFFSET, b"?"),
            fnv(FNV_OFFSET, b"!"),
            fnv(FNV_OFFSET, b"."),
        );
        let mut questions = 0u32;
        let mut sentence_open = true;
        let mut sentence_first: Option<u64> = None;
        let mut prev: Option<u64> = None;
        let mut first_word: Option<u64> = None;
        for &(h, is_word) in self.words.iter() {
            push(&mut self.indices, ns(b"w", h));
            if let Some(p) = prev {
                push(&mut self.indices, ns(b"b", p ^ h.rotate_left(17)));
            }
            prev = Some(h);
            if is_word {
                if first_word.is_none() {
                    first_word = Some(h);
                }
                if sentence_open {
                    push(&mut self.indices, ns(b"s", h));
                    sentence_first = Some(h);
                    sentence_open = false;
                }
            }
            if h == q || h == bang || h == end {
                if h == q {
                    questions += 1;
                    if let Some(f) = sentence_first {
                        push(&mut self.indices, ns(b"qs", f));
                    }
                }
                sentence_open = true;
                sentence_first = None;
            }
        }
        if let Some(f) = first_word {
            push(&mut self.indices, ns(b"f", f));
        }
        // Whether the post ends on its question mark (links, handles and hashtags after it
        // aside).
        let last = self
            .words
            .iter()
            .rev()
            .find(|(h, w)| *w || *h == q || *h == bang || *h == end);
        if last.is_some_and(|(h, _)| *h == q) {
            push(&mut self.indices, ns(b"e", q));
        }
        push(&mut self.indices, ns(b"n?", u64::from(questions.min(3))));
        if hints.question_rule {
            push(&mut self.indices, ns(b"h", 1));
        }
        if hints.complaint_vocabulary {
            push(&mut self.indices, ns(b"h", 2));
        }
        let band = match hints.compound {
            None => 3,
            Some(c) if c <= -0.5 => 4,
            Some(c) if c <= -0.05 => 5,
            Some(c) if c < 0.05 => 6,
            Some(c) if c < 0.5 => 7,
            Some(_) => 8,
        };
        push(&mut self.indices, ns(b"h", band));
        self.indices.sort_unstable();
        self.indices.dedup();
        self.value = 1.0 / (self.indices.len() as f32).sqrt();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokens(text, &mut String::new(), |t| {
            out.push(String::from_utf8_lossy(t).into_owned())
        });
        out
    }

    #[test]
    fn handles_and_links_read_as_the_labelled_sets_write_them() {
        assert_eq!(
            toks("@NorthlineTransit Is the 25 late?? https://t.co/x1 RT Don’t"),
            ["@user", "is", "the", "25", "late", "?", "?", "url", "rt", "don't"]
        );
        assert_eq!(toks("Ça va. Oui!"), ["ça", "va", ".", "oui", "!"]);
        // Multi-byte text where a link could start is no link, and is not cut inside a
        // character.
        assert_eq!(toks("ééé wwwé"), ["ééé", "wwwé"]);
    }

    #[test]
    fn features_are_sorted_distinct_and_unit_length() {
        let mut f = Features::default();
        f.extract("When is the next bus? When?", &Hints::default(), 18);
        assert!(f.indices.windows(2).all(|w| w[0] < w[1]));
        assert!(f.indices.iter().all(|i| *i < 1 << 18));
        let norm = f.indices.len() as f32 * f.value * f.value;
        assert!((norm - 1.0).abs() < 1e-5);
        // The same text gives the same features; a hint adds one.
        let before = f.indices.clone();
        f.extract("When is the next bus? When?", &Hints::default(), 18);
        assert_eq!(f.indices, before);
        let hints = Hints {
            question_rule: true,
            ..Hints::default()
        };
        f.extract("When is the next bus? When?", &hints, 18);
        assert_eq!(f.indices.len(), before.len() + 1);
    }

    #[test]
    fn empty_text_has_only_its_shape() {
        let mut f = Features::default();
        f.extract("", &Hints::default(), 18);
        assert_eq!(f.indices.len(), 2);
    }
}
