//! Rule tests with the reference's own example sentences (and a few of ours);
//! expected values printed by vaderSentiment 3.3.2 `polarity_scores`.

use super::*;

/// (rule, text, [neg, neu, pos, compound]) from the reference implementation.
const CASES: &[(&str, &str, [f64; 4])] = &[
    (
        "booster",
        "VADER is very smart, handsome, and funny.",
        [0.0, 0.299, 0.701, 0.8545],
    ),
    (
        "booster_caps",
        "VADER is VERY smart, handsome, and funny.",
        [0.0, 0.27, 0.73, 0.8957],
    ),
    (
        "dampener_kind_of",
        "The book was only kind of good.",
        [0.0, 0.697, 0.303, 0.3832],
    ),
    (
        "dampener_sort_of",
        "The new timetable is sort of good",
        [0.0, 0.697, 0.303, 0.3832],
    ),
    (
        "kinda_and_but",
        "Today only kinda sux! But I'll get by, lol",
        [0.127, 0.556, 0.317, 0.5249],
    ),
    (
        "allcaps",
        "VADER is VERY SMART, handsome, and FUNNY.",
        [0.0, 0.246, 0.754, 0.9227],
    ),
    (
        "allcaps_everything",
        "VADER IS SMART",
        [0.0, 0.426, 0.574, 0.4019],
    ),
    (
        "negation",
        "VADER is not smart, handsome, nor funny.",
        [0.646, 0.354, 0.0, -0.7424],
    ),
    (
        "negation_contraction",
        "At least it isn't a horrible book.",
        [0.0, 0.678, 0.322, 0.431],
    ),
    (
        "negation_capitalised",
        "Not bad at all",
        [0.0, 0.513, 0.487, 0.431],
    ),
    (
        "never_this",
        "Sentiment analysis has never been this good!",
        [0.0, 0.621, 0.379, 0.5672],
    ),
    (
        "never",
        "Sentiment analysis has never been good.",
        [0.325, 0.675, 0.0, -0.3412],
    ),
    (
        "without_doubt",
        "Without a doubt, excellent idea.",
        [0.0, 0.341, 0.659, 0.7013],
    ),
    (
        "without_any_doubt",
        "Without a doubt, an excellent idea.",
        [0.0, 0.408, 0.592, 0.7013],
    ),
    (
        "but",
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        [0.327, 0.579, 0.094, -0.7042],
    ),
    (
        "least",
        "Roger Dodger is one of the least compelling variations on this theme.",
        [0.132, 0.868, 0.0, -0.1695],
    ),
    (
        "at_least",
        "Roger Dodger is at least compelling as a variation on the theme.",
        [0.0, 0.853, 0.147, 0.2263],
    ),
    (
        "most",
        "Roger Dodger is one of the most compelling variations on this theme.",
        [0.0, 0.834, 0.166, 0.2944],
    ),
    (
        "idiom_the_shit",
        "With VADER, sentiment analysis is the shit!",
        [0.0, 0.583, 0.417, 0.6476],
    ),
    (
        "idiom_shit",
        "Most automated sentiment analysis tools are shit.",
        [0.375, 0.625, 0.0, -0.5574],
    ),
    (
        "idiom_bad_ass",
        "On the other hand, VADER is quite bad ass",
        [0.0, 0.423, 0.577, 0.802],
    ),
    (
        "idiom_kiss_of_death",
        "That merger was the kiss of death for the old airline",
        [0.357, 0.643, 0.0, -0.6124],
    ),
    (
        "exclamation",
        "VADER is smart, handsome, and funny!",
        [0.0, 0.248, 0.752, 0.8439],
    ),
    (
        "exclamations",
        "VADER is VERY SMART, handsome, and FUNNY!!!",
        [0.0, 0.233, 0.767, 0.9342],
    ),
    (
        "question_marks",
        "Is the new service good??",
        [0.0, 0.551, 0.449, 0.504],
    ),
    (
        "question_marks_many",
        "Is the new service good?????",
        [0.0, 0.509, 0.491, 0.594],
    ),
    (
        "emoticon",
        "Make sure you :) or :D today!",
        [0.0, 0.294, 0.706, 0.8633],
    ),
    (
        "emoji",
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
        [0.0, 0.583, 0.417, 0.875],
    ),
    ("emoji_glued", "great😁service", [0.0, 0.36, 0.64, 0.7964]),
    (
        "punctuation_stripping",
        "'good' ,great, !!!bad!!!",
        [0.3, 0.0, 0.7, 0.6876],
    ),
    (
        "no_as_negation",
        "There is no good reason for this.",
        [0.286, 0.714, 0.0, -0.3412],
    ),
    ("no_alone", "No. Just no.", [0.0, 1.0, 0.0, 0.0]),
    ("empty", "", [0.0, 0.0, 0.0, 0.0]),
    ("neutral", "The bus leaves at nine", [0.0, 1.0, 0.0, 0.0]),
    ("slang_caps", "Today SUX!", [0.779, 0.221, 0.0, -0.5461]),
    (
        "non_ascii_caps",
        "ÉNORME problème GOOD",
        [0.0, 0.355, 0.645, 0.5622],
    ),
];

#[test]
fn every_rule_matches_the_reference() {
    let v = vader();
    let mut failures = Vec::new();
    for (rule, text, want) in CASES {
        let s = v.polarity_scores(text);
        let got = [s.neg, s.neu, s.pos, s.compound];
        if got != *want {
            failures.push(format!("{rule}: {text:?} got {got:?} want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn python_round_is_half_even_on_the_exact_value() {
    assert_eq!(py_round(0.125, 2), 0.12);
    assert_eq!(py_round(0.375, 2), 0.38);
    assert_eq!(py_round(2.675, 2), 2.67);
    assert_eq!(py_round(-0.54615, 4), -0.5462);
    assert_eq!(py_round(0.70149999, 3), 0.701);
}

#[test]
fn tokenisation_follows_the_reference() {
    assert_eq!(strip_punc_if_word("'good'"), "good");
    assert_eq!(strip_punc_if_word(":)"), ":)");
    assert_eq!(strip_punc_if_word("no."), "no.");
    assert!(py_isupper("SUX!"));
    assert!(!py_isupper("Sux"));
    assert!(!py_isupper("123"));
    assert!(py_isupper("ÉNORME"));
    assert!(py_space('\u{1f}') && py_space('\u{a0}') && !py_space('\u{200b}'));
}

#[test]
fn every_lexicon_value_survives_the_packed_table() {
    let v = vader();
    // Python's dict keeps the last value of a repeated word (`:-p` is listed twice).
    let mut last = std::collections::BTreeMap::new();
    for line in include_str!("vader_lexicon.txt").lines() {
        let mut f = line.split('\t');
        let (Some(word), Some(value)) = (f.next(), f.next()) else {
            continue;
        };
        let value: f64 = value.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
        // Words with capitals are never looked up: the reference lower-cases tokens.
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            last.insert(word, value);
        }
    }
    for (word, value) in &last {
        let info = v.words.get(word.as_bytes());
        assert_eq!(info.and_then(|i| i.lex()), Some(*value), "{word}");
    }
    assert!(last.len() > 7_000, "{}", last.len());
}

#[test]
fn packed_word_info_fields_are_independent() {
    let i = WordInfo::default()
        .with_kw(K_HEART)
        .with_flags(NEGATION | DAMPENER)
        .with_lex(-3.9)
        .unwrap_or_else(|| panic!("one decimal"));
    assert_eq!(
        (i.lex(), i.kw(), i.negation(), i.booster()),
        (Some(-3.9), K_HEART, true, Some(B_DECR))
    );
    let plain = WordInfo::default();
    assert_eq!(
        (plain.lex(), plain.kw(), plain.negation(), plain.booster()),
        (None, K_NONE, false, None)
    );
    assert_eq!(WordInfo::default().with_lex(0.25), None);
    assert_eq!(
        WordInfo::default().with_lex(0.0).map(|i| i.lex()),
        Some(Some(0.0))
    );
}

/// The ASCII tokeniser (padded eight-byte scans) splits exactly like Python's
/// `str.split()`, and classifies letter words exactly, on texts built from bytes
/// that stress it: runs of every whitespace byte, control bytes just below the
/// space, letters, punctuation, tokens of 1 to 20 bytes, at the start and the end.
#[test]
fn ascii_tokens_are_python_split_tokens() {
    let alphabet: &[u8] = b"aZ .!?'\t\n\x0b\x0c\r\x1c\x1f\x01\x1b09#@";
    let mut rng = crate::testing::XorShift(0x2545_f491_4f6c_dd1d);
    let mut next = |m: usize| rng.below(m);
    let v = vader();
    for _ in 0..20_000 {
        let len = next(40);
        let text: String = (0..len)
            .map(|_| alphabet[next(alphabet.len())] as char)
            .collect();
        let mut got: Vec<(Vec<u8>, Option<u64>)> = Vec::new();
        v.polarity_scores_with(&text, |raw, letters| got.push((raw.to_vec(), letters)));
        let want: Vec<(Vec<u8>, Option<u64>)> = text
            .split(py_space)
            .filter(|t| !t.is_empty())
            .map(|t| {
                let is_word = t.len() <= 8 && t.bytes().all(|b| b.is_ascii_alphabetic());
                let lower = t.to_ascii_lowercase();
                let mut packed = [0u8; 8];
                packed[..lower.len().min(8)]
                    .copy_from_slice(&lower.as_bytes()[..lower.len().min(8)]);
                (
                    t.as_bytes().to_vec(),
                    is_word.then(|| u64::from_le_bytes(packed)),
                )
            })
            .collect();
        assert_eq!(got, want, "{text:?}");
    }
}
