//! Text folding for matching: lower case, Latin accents removed (Māori macrons too),
//! typographic apostrophes made ASCII, whitespace runs collapsed to one space.

/// Fold `text` into `out` (cleared first).
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        let b = text.as_bytes();
        // Usual case: single spaces between words, no tabs or newlines: only case to fold.
        // (A branch-free OR over the bytes, which the compiler vectorises.)
        let control_space = b.iter().fold(false, |a, &c| a | (c.wrapping_sub(9) < 5));
        if !control_space
            && b.first() != Some(&b' ')
            && b.last() != Some(&b' ')
            && !text.contains("  ")
        {
            out.push_str(text);
            out.make_ascii_lowercase();
            return;
        }
        // Otherwise the general loop below collapses the white space.
    }
    let b = text.as_bytes();
    let mut prev_space = true;
    let mut i = 0;
    while i < b.len() {
        // A run of ASCII bytes that fold to themselves in lower case (single spaces
        // included) is copied whole: pushing character by character was most of the cost.
        let start = i;
        let mut prev = if prev_space { b' ' } else { 0 };
        while i < b.len() {
            let c = b[i];
            if c >= 0x80 || (c != b' ' && c.wrapping_sub(9) < 5) || (c == b' ' && prev == b' ') {
                break;
            }
            prev = c;
            i += 1;
        }
        if i > start {
            let from = out.len();
            out.push_str(&text[start..i]);
            if let Some(tail) = out.get_mut(from..) {
                tail.make_ascii_lowercase();
            }
            prev_space = prev == b' ';
            continue;
        }
        // White space, or a character that is not ASCII.
        let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            if !prev_space {
                out.push(' ');
                prev_space = true;
            }
            continue;
        }
        prev_space = false;
        fold_char(c, out);
    }
    if out.ends_with(' ') {
        out.pop();
    }
}

/// One character that is not ASCII or white space, folded.
fn fold_char(c: char, out: &mut String) {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => {
            out.push('a')
        }
        'ç' | 'Ç' => out.push('c'),
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' => out.push('e'),
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => out.push('i'),
        'ñ' | 'Ñ' => out.push('n'),
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => {
            out.push('o')
        }
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' => out.push('u'),
        'ý' | 'ÿ' | 'Ý' => out.push('y'),
        'ß' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => out.push('\''),
        '\u{201C}' | '\u{201D}' => out.push('"'),
        '\u{2013}' | '\u{2014}' => out.push('-'),
        // Combining accents (decomposed input) disappear.
        '\u{0300}'..='\u{036F}' => {}
        // Nothing above the Adlam block has a lower case (emoji, symbols, CJK
        // extensions): skip the case tables for them.
        other if other > '\u{1E95F}' => out.push(other),
        other => out.extend(other.to_lowercase()),
    }
}

pub fn fold(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    fold_into(text, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::fold;

    /// The character loop as first written, the reference for the run-copying loop.
    fn fold_by_chars(text: &str) -> String {
        let mut out = String::new();
        let mut prev_space = true;
        for c in text.chars() {
            if c.is_whitespace() {
                if !prev_space {
                    out.push(' ');
                    prev_space = true;
                }
                continue;
            }
            prev_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            super::fold_char(c, &mut out);
        }
        if out.ends_with(' ') {
            out.pop();
        }
        out
    }

    #[test]
    fn run_copying_equals_the_character_loop() {
        let pieces = [
            " ", "  ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\u{a0}", "\u{3000}", "A", "bC",
            "é", "É", "ß", "’", "Ā", "😀", "İ", "x", "1", ".", "\u{301}", "Σ", "ǅ",
        ];
        // Half the texts ASCII only: they take the byte paths.
        for t in crate::testing::piece_texts(0x5851_f42d_4c95_7f2d, &pieces, 12, 20_000) {
            assert_eq!(fold(&t), fold_by_chars(&t), "{t:?}");
        }
    }

    #[test]
    fn nothing_above_adlam_has_a_lower_case() {
        for c in ('\u{1E960}'..=char::MAX).filter(|c| !c.is_whitespace()) {
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c:?}");
        }
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  Café  DÉLAYS\n\tMāori  "), "cafe delays maori");
        assert_eq!(fold("Don’t"), "don't");
        assert_eq!(fold("The BUS is late"), "the bus is late");
        assert_eq!(fold(" The\tBUS\x0bis  late \r\n"), "the bus is late");
        assert_eq!(fold("a\x0c b"), "a b");
    }
}
