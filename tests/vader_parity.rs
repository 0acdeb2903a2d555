//! Parity with the reference: every one of the 4,200 human-rated tweets of the VADER
//! paper, scored here and by vaderSentiment 3.3.2 (data/vader), must agree on
//! neg, neu, pos and compound exactly as the reference rounds them.

use socialpulse::analysis::vader::vader;
use std::collections::HashMap;
use std::path::PathBuf;

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/vader")
}

/// (id, text) with the text as the reference saw it: third field, CR/LF removed.
pub fn ground_truth() -> Vec<(String, String)> {
    let raw = std::fs::read(reference_dir().join("tweets_GroundTruth.txt"))
        .expect("data/vader/tweets_GroundTruth.txt");
    let text = String::from_utf8(raw).expect("ground truth is UTF-8");
    text.split('\n')
        .map(|l| l.trim_end_matches(['\r', '\n']))
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            let id = f.next().unwrap_or_default().to_string();
            let _rating = f.next();
            (id, f.next().unwrap_or_default().to_string())
        })
        .collect()
}

#[test]
fn all_4200_tweets_match_the_reference_scores() {
    let reference: HashMap<String, [f64; 4]> =
        std::fs::read_to_string(reference_dir().join("tweets_reference_scores.tsv"))
            .expect("data/vader/tweets_reference_scores.tsv")
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let n = |i: usize| f[i].parse::<f64>().expect("float");
                (f[0].to_string(), [n(1), n(2), n(3), n(4)])
            })
            .collect();
    let tweets = ground_truth();
    assert_eq!(tweets.len(), 4200);
    assert_eq!(reference.len(), 4200);
    let v = vader();
    let mut mismatches = Vec::new();
    for (id, text) in &tweets {
        let want = reference[id];
        let s = v.polarity_scores(text);
        let got = [s.neg, s.neu, s.pos, s.compound];
        // Both sides are rounded (3 decimals for neg/neu/pos, 4 for compound): compare exactly.
        if got != want {
            mismatches.push(format!("{id}: got {got:?} want {want:?} text {text:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of 4200 tweets differ:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
