//! The word table: every lexicon, booster, negation and keyword entry in one
//! open-addressing table. Keys are stored as lower-case bytes packed into
//! little-endian `u64` words, so a token is lower-cased, hashed and compared eight
//! bytes at a time without copying it. The reference looks words up by `word.lower()`,
//! so keys with ASCII upper case can never match and are left out.

/// Longest key kept in the packed table (the lexicons' longest is 19 bytes).
pub(crate) const MAX_KEY: usize = 32;
const MAX_WORDS: usize = MAX_KEY / 8;

/// Generic over the entry type so the topic matcher can index its phrases' first
/// words with the same packed lookups (VADER's entries are [`WordInfo`]).
pub(crate) struct WordTable<I: Copy + Default> {
    /// Open addressing with linear probing; the key and its info sit in the slot, so a
    /// lookup of a key of up to eight bytes touches one 16-byte slot per probe.
    slots: Vec<Slot<I>>,
    shift: u32,
    /// Second and later packed words of keys longer than eight bytes.
    rest: Vec<u64>,
}

#[derive(Clone, Copy, Default)]
struct Slot<I> {
    /// The key's first packed word: the whole key when it has at most eight bytes.
    first: u64,
    info: I,
    /// Key length in bytes; 0 marks an empty slot.
    len: u16,
    /// Index in `rest` of the key's second word (keys longer than eight bytes).
    rest: u16,
}

pub(super) const LSB: u64 = 0x0101_0101_0101_0101;
pub(crate) const MSB: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `w` that lies in `lo..=hi` (ASCII bounds; bytes of
/// 0x80 and above never count). Per-byte sums of a heptet and a bias stay below 0x100,
/// so no carry crosses into the next byte.
#[inline(always)]
pub(crate) fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    let heptets = w & !MSB;
    let ge = heptets.wrapping_add((0x80 - u64::from(lo)) * LSB);
    let gt = heptets.wrapping_add((0x80 - u64::from(hi) - 1) * LSB);
    ge & !gt & !w & MSB
}

/// ASCII upper case to lower case in all eight bytes at once; other bytes unchanged.
#[inline]
fn lower8(w: u64) -> u64 {
    w | (in_range(w, b'A', b'Z') >> 2)
}

/// Little-endian load of at most eight bytes, zero-padded.
#[inline]
pub(super) fn load(b: &[u8]) -> u64 {
    match b.first_chunk::<8>() {
        Some(a) if b.len() == 8 => u64::from_le_bytes(*a),
        _ => load_short(b),
    }
}

/// Little-endian load of fewer than eight bytes, without a loop or a copy.
#[inline]
fn load_short(b: &[u8]) -> u64 {
    let n = b.len();
    if n >= 4 {
        let lo = u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let hi = u64::from(u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]));
        // The two loads overlap on the same bytes at the same positions.
        lo | hi << (8 * (n - 4))
    } else if n > 0 {
        u64::from(b[0])
            | u64::from(b[n / 2]) << (8 * (n / 2))
            | u64::from(b[n - 1]) << (8 * (n - 1))
    } else {
        0
    }
}

/// A token of one to eight ASCII letters: its lower case packed into one word, and
/// Python's `isupper()` of it (some capital and no small letter).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Letters {
    pub lower: u64,
    pub upper: bool,
}

/// `b` as [`Letters`] when it is one to eight ASCII letters (the tests' entry; the
/// tokeniser reads from a padded buffer with [`letters_at`]).
#[cfg(test)]
fn letters(b: &[u8]) -> Option<Letters> {
    let n = b.len();
    if n == 0 || n > 8 {
        return None;
    }
    letters_of(load(b), n)
}

/// [`letters`] of the `n` bytes at `start` of `padded`, which has at least eight
/// bytes from `start` on: one unaligned load and a mask instead of a short load.
#[inline]
pub(super) fn letters_at(padded: &[u8], start: usize, n: usize) -> Option<Letters> {
    if n == 0 || n > 8 {
        return None;
    }
    let w = u64::from_le_bytes(*padded.get(start..)?.first_chunk::<8>()?);
    let keep = if n == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    };
    letters_of(w & keep, n)
}

/// `w`, the `n` (1 to 8) bytes of a token zero-padded, as [`Letters`].
#[inline(always)]
fn letters_of(w: u64, n: usize) -> Option<Letters> {
    // Bytes of the token only (the padding is zero).
    let valid = if n == 8 {
        MSB
    } else {
        MSB & ((1u64 << (8 * n)) - 1)
    };
    let small = in_range(w, b'a', b'z') & valid;
    let capital = in_range(w, b'A', b'Z') & valid;
    if small | capital != valid {
        return None;
    }
    Some(Letters {
        lower: w | (capital >> 2),
        upper: capital != 0 && small == 0,
    })
}

/// One step of the key hash (FxHash's).
#[inline(always)]
fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// Packed lower-case words of `b` (at most `MAX_KEY` bytes) and their hash.
#[inline]
fn pack(b: &[u8], out: &mut [u64; MAX_WORDS]) -> (usize, u64) {
    let mut h = b.len() as u64;
    let mut n = 0;
    let mut rest = b;
    while !rest.is_empty() {
        let (head, tail) = rest.split_at(rest.len().min(8));
        rest = tail;
        let w = load(head);
        let w = lower8(w);
        out[n] = w;
        n += 1;
        h = mix(h, w);
    }
    (n, h)
}

impl<I: Copy + Default> WordTable<I> {
    pub(crate) fn new(keys: &[(&str, I)]) -> WordTable<I> {
        let usable: Vec<&(&str, I)> = keys
            .iter()
            .filter(|(k, _)| {
                !k.is_empty() && k.len() <= MAX_KEY && !k.bytes().any(|b| b.is_ascii_uppercase())
            })
            .collect();
        let bits = (usable.len() * 2)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let mut t = WordTable {
            slots: vec![Slot::default(); 1 << bits],
            shift: 64 - bits,
            rest: Vec::new(),
        };
        let mut buf = [0u64; MAX_WORDS];
        for (k, info) in usable {
            let (n, h) = pack(k.as_bytes(), &mut buf);
            let mask = t.slots.len() - 1;
            let mut s = (h >> t.shift) as usize;
            while t.slots[s].len != 0 {
                s = (s + 1) & mask;
            }
            // The built-in lexicons hold a few thousand long keys, far from the limit.
            let rest = u16::try_from(t.rest.len())
                .unwrap_or_else(|_| panic!("word table: too many long keys"));
            t.slots[s] = Slot {
                first: buf[0],
                info: *info,
                len: k.len() as u16,
                rest,
            };
            t.rest.extend_from_slice(&buf[1..n]);
        }
        t
    }

    /// The entry of `token.lower()` for an ASCII token, or of an already lower-cased one.
    #[inline]
    pub(crate) fn get(&self, token: &[u8]) -> Option<I> {
        if token.is_empty() || token.len() > MAX_KEY {
            return None;
        }
        let mut buf = [0u64; MAX_WORDS];
        let (n, h) = pack(token, &mut buf);
        self.get_packed(&buf[..n], token.len(), h)
    }

    /// The entry of the key packed as `words` (`len` bytes, hash `h`).
    #[inline(always)]
    fn get_packed(&self, words: &[u64], len: usize, h: u64) -> Option<I> {
        let len = len as u16;
        self.probe(h, |slot| {
            let r = slot.rest as usize;
            // Word by word (a slice compare of u64s would call memcmp).
            slot.len == len
                && slot.first == words[0]
                && self.rest[r..r + words.len() - 1]
                    .iter()
                    .zip(&words[1..])
                    .all(|(a, b)| a == b)
        })
    }

    /// [`get`](Self::get) of `padded[start..end]`, where `padded` has at least eight
    /// bytes from every position before `end`: full eight-byte loads, masked.
    #[inline]
    pub(crate) fn get_at(&self, padded: &[u8], start: usize, end: usize) -> Option<I> {
        let len = end.checked_sub(start)?;
        if len == 0 || len > MAX_KEY {
            return None;
        }
        let mut buf = [0u64; MAX_WORDS];
        let n = len.div_ceil(8);
        let mut h = len as u64;
        for (k, slot) in buf.iter_mut().enumerate().take(n) {
            let w = u64::from_le_bytes(*padded.get(start + 8 * k..)?.first_chunk::<8>()?);
            let left = len - 8 * k;
            let keep = if left >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * left)) - 1
            };
            *slot = lower8(w & keep);
            h = mix(h, *slot);
        }
        self.get_packed(&buf[..n], len, h)
    }

    /// The entry of a key of `len` (1 to 8) bytes packed as `w` (as [`letters`] gives).
    #[inline]
    pub(super) fn get_word(&self, w: u64, len: usize) -> Option<I> {
        // The hash `pack` gives a one-word key.
        let h = mix(len as u64, w);
        let len = len as u16;
        self.probe(h, |slot| slot.first == w && slot.len == len)
    }

    /// Linear probing from the slot of hash `h` to the slot `is_key` accepts.
    #[inline(always)]
    fn probe(&self, h: u64, is_key: impl Fn(&Slot<I>) -> bool) -> Option<I> {
        let mask = self.slots.len() - 1;
        let mut s = (h >> self.shift) as usize;
        loop {
            let slot = &self.slots[s];
            if slot.len == 0 {
                return None;
            }
            if is_key(slot) {
                return Some(slot.info);
            }
            s = (s + 1) & mask;
        }
    }

    pub(super) fn infos(&self) -> impl Iterator<Item = &I> {
        self.slots.iter().filter(|s| s.len != 0).map(|s| &s.info)
    }
}

#[cfg(test)]
mod tests {
    use super::super::WordInfo;
    use super::*;

    fn info(v: f64) -> WordInfo {
        WordInfo::default()
            .with_lex(v)
            .unwrap_or_else(|| panic!("{v} has one decimal"))
    }

    #[test]
    fn swar_lower_case_matches_ascii_lower_case() {
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b, b'A', b'z', b'@', b'[', 0xC3, b'Z', b'`']);
            let expect = u64::from_le_bytes([
                b.to_ascii_lowercase(),
                b'a',
                b'z',
                b'@',
                b'[',
                0xC3,
                b'z',
                b'`',
            ]);
            assert_eq!(lower8(w), expect, "byte {b:#x}");
        }
    }

    #[test]
    fn short_loads_are_little_endian() {
        for n in 0..8 {
            let b: Vec<u8> = (1..=n as u8).collect();
            let mut a = [0u8; 8];
            a[..n].copy_from_slice(&b);
            assert_eq!(load_short(&b), u64::from_le_bytes(a), "{n} bytes");
        }
    }

    #[test]
    fn letters_and_their_lookups() {
        let packed = |s: &[u8; 8]| u64::from_le_bytes(*s);
        assert_eq!(
            letters(b"good"),
            Some(Letters {
                lower: packed(b"good\0\0\0\0"),
                upper: false
            })
        );
        assert_eq!(
            letters(b"GooD"),
            Some(Letters {
                lower: packed(b"good\0\0\0\0"),
                upper: false
            })
        );
        assert_eq!(
            letters(b"ABCDEFGH"),
            Some(Letters {
                lower: packed(b"abcdefgh"),
                upper: true
            })
        );
        assert_eq!(letters(b"I").map(|l| l.upper), Some(true));
        for not_letters in [
            &b""[..],
            b"goo'd",
            b"go0d",
            b"abcdefghi",
            b"z{",
            b"`a",
            b"@A",
            b"[Z",
        ] {
            assert_eq!(letters(not_letters), None, "{not_letters:?}");
        }
        let t = WordTable::new(&[("good", info(1.9)), ("goodness", info(0.5))]);
        for word in [
            &b"good"[..],
            b"GOOD",
            b"goodness",
            b"Goodness",
            b"goods",
            b"go",
        ] {
            let expect = t.get(word).and_then(|i| i.lex());
            let got = letters(word)
                .and_then(|l| t.get_word(l.lower, word.len()))
                .and_then(|i| i.lex());
            assert_eq!(got, expect, "{word:?}");
        }
    }

    #[test]
    fn lookups_ignore_ascii_case_and_skip_upper_case_keys() {
        let t = WordTable::new(&[
            ("good", info(1.9)),
            (":D", info(2.3)),
            ("extraordinarily-long-key", info(0.5)),
        ]);
        assert_eq!(t.get(b"GoOd").and_then(|w| w.lex()), Some(1.9));
        assert_eq!(t.get(b"goods").and_then(|w| w.lex()), None);
        assert_eq!(
            t.get(b"Extraordinarily-Long-Key").and_then(|w| w.lex()),
            Some(0.5)
        );
        // ":D".lower() is ":d", which is not the key.
        assert!(t.get(b":D").is_none() && t.get(b":d").is_none());
        // The padded lookup agrees at every offset and length inside a text.
        let text = b"x GoOd :D Extraordinarily-Long-Key goods";
        let mut padded = text.to_vec();
        padded.extend_from_slice(&[b' '; 8]);
        for start in 0..text.len() {
            for end in start..=text.len() {
                assert_eq!(
                    t.get_at(&padded, start, end),
                    t.get(&text[start..end]),
                    "{start}..{end}"
                );
            }
        }
    }
}
