//! The features every learned classifier reads: hashed words, word pairs and a post's
//! shape (how its sentences open, where its question marks stand), plus what the rules
//! and VADER already found. One function serves training and prediction, so a model
//! sees at run time exactly what it was trained on.
//!
//! Text is normalised the way public labelled sets are published: every `@handle` is
//! `@user`, every link `url`, so a model trained on them reads live posts alike.

/// The feature scheme's name, recorded in every model file: a model trained under
/// another scheme is refused.
pub const SCHEME: &str = "words-shape-v2";

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

const fn fnv_const(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

const H_URL: u64 = fnv_const(b"url");
const H_USER: u64 = fnv_const(b"@user");
const H_RT: u64 = fnv_const(b"rt");
const H_QUESTION: u64 = fnv_const(b"?");
const H_BANG: u64 = fnv_const(b"!");
const H_END: u64 = fnv_const(b".");

/// Split `text` into lower-case tokens and hand `emit` each token's FNV-1a hash and
/// whether it is a word of the language: words (letters, digits, inner apostrophes, `’`
/// read as `'`), `?`, `!` and sentence ends (`.`, `;`, a line break, all hashed as `.`),
/// with handles as `@user` and links as `url`. `@user`, `url` and `rt` are stand-ins,
/// not words. The hash is computed while the word is read, without copying it.
fn tokens(text: &str, mut emit: impl FnMut(u64, bool)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let head = &bytes[i..];
        let starts = |p: &[u8]| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p);
        if matches!(b, b'h' | b'H' | b'w' | b'W')
            && (starts(b"http://") || starts(b"https://") || starts(b"www."))
        {
            emit(H_URL, false);
            i += text[i..].find(char::is_whitespace).unwrap_or(head.len());
            continue;
        }
        let rest = &text[i..];
        if b == b'@' && rest[1..].starts_with(|n: char| n.is_alphanumeric() || n == '_') {
            emit(H_USER, false);
            let end = rest[1..]
                .find(|n: char| !(n.is_alphanumeric() || n == '_' || n == '.' || n == '@'))
                .map_or(rest.len(), |e| e + 1);
            i += end;
            continue;
        }
        let c = if b < 0x80 {
            b as char
        } else {
            match rest.chars().next() {
                Some(c) => c,
                None => break,
            }
        };
        if c.is_alphanumeric() || c == '\'' || c == '\u{2019}' {
            // Leading apostrophes are dropped, trailing ones too: an apostrophe counts only
            // once a letter or digit follows it.
            let mut h = FNV_OFFSET;
            let mut letters = false;
            let mut pending = 0usize;
            let mut utf8 = [0u8; 4];
            let mut j = i;
            // Bytes of ASCII text are read as they are; other characters are decoded.
            while j < bytes.len() {
                let b = bytes[j];
                let (letter, apostrophe, width) = if b < 0x80 {
                    (b.is_ascii_alphanumeric(), b == b'\'', 1)
                } else {
                    match text[j..].chars().next() {
                        Some(ch) => (ch.is_alphanumeric(), ch == '\u{2019}', ch.len_utf8()),
                        None => break,
                    }
                };
                if letter {
                    if letters {
                        for _ in 0..pending {
                            h = (h ^ u64::from(b'\'')).wrapping_mul(FNV_PRIME);
                        }
                    }
                    pending = 0;
                    letters = true;
                    if b < 0x80 {
                        h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(FNV_PRIME);
                    } else if let Some(ch) = text[j..].chars().next() {
                        for lc in ch.to_lowercase() {
                            h = fnv(h, lc.encode_utf8(&mut utf8).as_bytes());
                        }
                    }
                } else if apostrophe {
                    pending += 1;
                } else {
                    break;
                }
                j += width;
            }
            let len = j - i;
            if letters {
                emit(h, h != H_URL && h != H_RT && h != H_USER);
            }
            i += len;
            continue;
        }
        match c {
            '?' => emit(H_QUESTION, false),
            '!' => emit(H_BANG, false),
            '.' | '\n' | ';' => emit(H_END, false),
            _ => {}
        }
        i += c.len_utf8();
    }
}

/// Tokens in `text` (for measuring the tokeniser alone).
pub fn count_tokens(text: &str) -> usize {
    let mut n = 0;
    tokens(text, |_, _| n += 1);
    n
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
        let words = &mut self.words;
        tokens(text, |h, word| words.push((h, word)));
        // A feature is its namespace's hash mixed with the token's hash (one multiply and
        // a shift: the high bits, which the mask keeps after the shift, depend on all of
        // both).
        let ns = |tag: u64, h: u64| {
            let x = (tag ^ h.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            x ^ (x >> 32)
        };
        let (t_w, t_b, t_s, t_qs, t_f, t_e, t_n, t_h) = (
            fnv_const(b"w"),
            fnv_const(b"b"),
            fnv_const(b"s"),
            fnv_const(b"qs"),
            fnv_const(b"f"),
            fnv_const(b"e"),
            fnv_const(b"n?"),
            fnv_const(b"h"),
        );
        let (q, bang, end) = (H_QUESTION, H_BANG, H_END);
        let mut questions = 0u32;
        let mut sentence_open = true;
        let mut sentence_first: Option<u64> = None;
        let mut prev: Option<u64> = None;
        let mut first_word: Option<u64> = None;
        for &(h, is_word) in self.words.iter() {
            push(&mut self.indices, ns(t_w, h));
            if let Some(p) = prev {
                push(&mut self.indices, ns(t_b, p ^ h.rotate_left(17)));
            }
            prev = Some(h);
            if is_word {
                if first_word.is_none() {
                    first_word = Some(h);
                }
                if sentence_open {
                    push(&mut self.indices, ns(t_s, h));
                    sentence_first = Some(h);
                    sentence_open = false;
                }
            }
            if h == q || h == bang || h == end {
                if h == q {
                    questions += 1;
                    if let Some(f) = sentence_first {
                        push(&mut self.indices, ns(t_qs, f));
                    }
                }
                sentence_open = true;
                sentence_first = None;
            }
        }
        if let Some(f) = first_word {
            push(&mut self.indices, ns(t_f, f));
        }
        // Whether the post ends on its question mark (links, handles and hashtags after it
        // aside).
        let last = self
            .words
            .iter()
            .rev()
            .find(|(h, w)| *w || *h == q || *h == bang || *h == end);
        if last.is_some_and(|(h, _)| *h == q) {
            push(&mut self.indices, ns(t_e, q));
        }
        push(&mut self.indices, ns(t_n, u64::from(questions.min(3))));
        if hints.question_rule {
            push(&mut self.indices, ns(t_h, 1));
        }
        if hints.complaint_vocabulary {
            push(&mut self.indices, ns(t_h, 2));
        }
        let band = match hints.compound {
            None => 3,
            Some(c) if c <= -0.5 => 4,
            Some(c) if c <= -0.05 => 5,
            Some(c) if c < 0.05 => 6,
            Some(c) if c < 0.5 => 7,
            Some(_) => 8,
        };
        push(&mut self.indices, ns(t_h, band));
        self.indices.sort_unstable();
        self.indices.dedup();
        self.value = 1.0 / (self.indices.len() as f32).sqrt();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(u64, bool)> {
        let mut out = Vec::new();
        tokens(text, |h, w| out.push((h, w)));
        out
    }

    /// The tokens as they are hashed: (token, is a word).
    fn hashed(want: &[(&str, bool)]) -> Vec<(u64, bool)> {
        want.iter()
            .map(|(t, w)| (fnv(FNV_OFFSET, t.as_bytes()), *w))
            .collect()
    }

    #[test]
    fn handles_and_links_read_as_the_labelled_sets_write_them() {
        assert_eq!(
            toks("@NorthlineTransit Is the 25 late?? https://t.co/x1 RT Don’t 'quoted'"),
            hashed(&[
                ("@user", false),
                ("is", true),
                ("the", true),
                ("25", true),
                ("late", true),
                ("?", false),
                ("?", false),
                ("url", false),
                ("rt", false),
                ("don't", true),
                ("quoted", true),
            ])
        );
        assert_eq!(
            toks("Ça va. Oui!\nÉTÉ;"),
            hashed(&[
                ("ça", true),
                ("va", true),
                (".", false),
                ("oui", true),
                ("!", false),
                (".", false),
                ("été", true),
                (".", false),
            ])
        );
        // Multi-byte text where a link could start is no link, and is not cut inside a
        // character; apostrophes alone are no word.
        assert_eq!(
            toks("ééé wwwé '' www.x.org"),
            hashed(&[("ééé", true), ("wwwé", true), ("url", false)])
        );
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
