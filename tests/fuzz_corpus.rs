//! Replays the committed fuzz corpora and crash cases (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the code each fuzz target runs: no input that
//! fuzzing found may panic again. CI replays; it does not fuzz (see docs/fuzzing.md).

#[path = "../fuzz/fuzz_targets/common.rs"]
mod targets;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut files: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).expect("corpus file");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} panicked", f.display());
            n += 1;
        }
    }
    n
}

#[test]
fn fuzz_corpora_replay_without_panics() {
    let counts: Vec<(&str, usize)> = [
        ("detect", targets::detect as fn(&[u8])),
        ("csv", targets::csv),
        ("x_archive", targets::x_archive),
        ("compressed", targets::compressed),
        ("vader", targets::vader),
        ("dates", targets::dates),
        ("workbook", targets::workbook),
    ]
    .into_iter()
    .map(|(name, run)| (name, replay(name, run)))
    .collect();
    for (name, n) in counts {
        assert!(n > 0, "fuzz/corpus/{name} is empty");
    }
}
