//! The flag evaluation on the labelled sets in `eval/flags/`, as a regression test: the
//! counts below are what the rules score today (see docs/listening.md). A change to a
//! rule that moves any of them must update this table and the docs together.

use socialpulse::config::Config;
use socialpulse::eval::evaluate;
use std::path::Path;

type Counts = (&'static str, usize, usize, usize, usize);

fn counts(set: &str) -> Vec<(String, usize, usize, usize, usize)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("eval/flags")
        .join(set);
    evaluate(&dir, &Config::default())
        .expect("evaluate")
        .iter()
        .map(|s| {
            (
                s.flag.clone(),
                s.examples,
                s.true_pos,
                s.false_pos,
                s.false_neg,
            )
        })
        .collect()
}

fn assert_counts(set: &str, want: &[Counts]) {
    let got = counts(set);
    let want: Vec<(String, usize, usize, usize, usize)> = want
        .iter()
        .map(|w| (w.0.to_string(), w.1, w.2, w.3, w.4))
        .collect();
    assert_eq!(got, want, "{set}");
}

/// The fresh set: written after the rules were final, never used to change them.
#[test]
fn flag_counts_on_the_fresh_set() {
    assert_counts(
        "fresh",
        &[
            ("is_question", 18, 7, 0, 3),
            ("info_request", 10, 5, 0, 0),
            ("is_complaint", 8, 4, 0, 1),
            ("escalate", 12, 2, 1, 6),
            ("escalate:self_harm", 12, 0, 0, 4),
            ("escalate:safety", 12, 0, 1, 4),
            ("escalate:harm", 12, 2, 0, 6),
            ("has_pii", 9, 4, 1, 0),
            ("pii:email", 9, 1, 0, 0),
            ("pii:phone", 9, 2, 1, 0),
            ("pii:address", 9, 1, 0, 0),
            ("pii:card", 9, 0, 0, 0),
        ],
    );
}

/// The complaints written to measure the complaint vocabulary's categories (see
/// eval/flags/README.md for how blind it is).
#[test]
fn complaint_counts_on_the_blind_set() {
    assert_counts("blind", &[("is_complaint", 30, 17, 4, 3)]);
}

#[test]
fn flag_counts_on_the_heldout_set() {
    assert_counts(
        "heldout",
        &[
            ("is_question", 20, 12, 0, 0),
            ("info_request", 14, 7, 0, 0),
            ("is_complaint", 12, 6, 1, 2),
            ("escalate", 15, 10, 2, 0),
            ("escalate:self_harm", 15, 5, 0, 0),
            ("escalate:safety", 15, 5, 1, 0),
            ("escalate:harm", 15, 10, 1, 0),
            ("has_pii", 13, 6, 0, 0),
            ("pii:email", 13, 2, 0, 0),
            ("pii:phone", 13, 3, 0, 0),
            ("pii:address", 13, 1, 0, 0),
            ("pii:card", 13, 1, 0, 0),
        ],
    );
}

#[test]
fn flag_counts_on_the_labelled_sets() {
    assert_counts(
        "",
        &[
            ("is_question", 40, 20, 0, 0),
            ("info_request", 30, 15, 0, 0),
            ("is_complaint", 30, 14, 2, 1),
            ("escalate", 30, 18, 3, 0),
            ("escalate:self_harm", 30, 8, 2, 0),
            ("escalate:safety", 30, 10, 1, 0),
            ("escalate:harm", 30, 18, 0, 0),
            ("has_pii", 20, 8, 0, 0),
            ("pii:email", 20, 2, 0, 0),
            ("pii:phone", 20, 3, 0, 0),
            ("pii:address", 20, 3, 0, 0),
            ("pii:card", 20, 1, 0, 0),
        ],
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/flags");
    let scores = evaluate(&dir, &Config::default()).expect("evaluate");
    // The derived figures, worked by hand from the counts: is_complaint precision 14/16,
    // recall 14/15, F1 2·14/(2·14 + 2 + 1) = 28/31.
    let c = &scores[2];
    assert_eq!(c.flag, "is_complaint");
    assert_eq!(c.precision(), Some(14.0 / 16.0));
    assert_eq!(c.recall(), Some(14.0 / 15.0));
    assert!((c.f1().expect("f1") - 28.0 / 31.0).abs() < 1e-12);
}
