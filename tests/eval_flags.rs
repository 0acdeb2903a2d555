//! The flag evaluation on the labelled sets in `eval/flags/`, as a regression test: the
//! counts below are what the rules score today (see docs/listening.md). A change to a
//! rule that moves any of them must update this table and the docs together.

use socialpulse::config::Config;
use socialpulse::eval::evaluate;
use std::path::Path;

#[test]
fn flag_counts_on_the_labelled_sets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/flags");
    let scores = evaluate(&dir, &Config::default()).expect("evaluate");
    let got: Vec<(&str, usize, usize, usize, usize)> = scores
        .iter()
        .map(|s| {
            (
                s.flag.as_str(),
                s.examples,
                s.true_pos,
                s.false_pos,
                s.false_neg,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("is_question", 40, 17, 7, 3),
            ("info_request", 30, 15, 4, 0),
            ("is_complaint", 30, 8, 2, 7),
            ("escalate", 30, 16, 3, 2),
            ("escalate:self_harm", 30, 6, 2, 2),
            ("escalate:safety", 30, 10, 1, 0),
            ("has_pii", 20, 7, 1, 1),
            ("pii:email", 20, 2, 0, 0),
            ("pii:phone", 20, 2, 1, 1),
            ("pii:address", 20, 3, 0, 0),
            ("pii:card", 20, 1, 0, 0),
        ]
    );
    // The derived figures, worked by hand from the counts: is_question precision 17/24,
    // recall 17/20, F1 2·17/(2·17 + 7 + 3) = 34/44.
    let q = &scores[0];
    assert_eq!(q.precision(), Some(17.0 / 24.0));
    assert_eq!(q.recall(), Some(17.0 / 20.0));
    assert!((q.f1().expect("f1") - 34.0 / 44.0).abs() < 1e-12);
}
