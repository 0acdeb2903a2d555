//! The language guard on the labelled short posts of `eval/lang/` (written for this
//! repository; see its README): the counts docs/vader.md reports, pinned, so a change to
//! the guard that moves them must update the docs too.

use socialpulse::analysis::lang::{guard, Verdict};

/// (non-English scored, English skipped, undetermined skipped, identified by language
/// other than labelled among the skipped) for a set.
fn outcome(set: &str) -> (usize, usize, usize) {
    let path = format!("{}/eval/lang/{set}.tsv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("eval set");
    let (mut scored, mut skipped, mut und) = (0, 0, 0);
    for (label, post) in text.lines().skip(1).filter_map(|l| l.split_once('\t')) {
        let skip = matches!(guard(post), Verdict::Other(_));
        match label {
            "en" if skip => skipped += 1,
            "und" if skip => und += 1,
            "en" | "und" => {}
            _ if !skip => scored += 1,
            _ => {}
        }
    }
    (scored, skipped, und)
}

#[test]
fn guard_figures_on_the_labelled_sets() {
    // Of 140 non-English, 50 English and 10 undetermined posts in each set.
    assert_eq!(outcome("dev"), (1, 0, 0));
    assert_eq!(outcome("heldout"), (0, 0, 0));
}

#[test]
fn the_guard_names_the_language() {
    for (text, code) in [
        ("No he dormido nada", "es"),
        ("Kāore anō te pahi kia tae mai", "mi"),
        ("Isang oras na akong naghihintay", "tl"),
        ("Чекаю вже годину", "uk"),
        ("Жду уже час", "ru"),
        ("もう一時間待っている", "ja"),
        ("我已经等了一个小时", "zh"),
        ("Where can I buy a monthly pass?", "en"),
        ("👍", "und"),
    ] {
        assert_eq!(guard(text).code(), code, "{text}");
    }
}
