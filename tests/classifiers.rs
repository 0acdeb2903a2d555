//! Learned classifiers: the built-in models are what their training code gives, their
//! cross-validated figures on the real labelled sets are pinned, `socialpulse train` and
//! `evaluate` refuse bad labels with exit 2, a trained model runs through
//! `[[classifiers]]` (labels, the daily_labels table, a replaced complaint flag), and a
//! changed model file makes a nightly run analyse the stored posts again.

mod common;

use common::{read_table, root};
use socialpulse::analysis::classifier::builtin::{build, NAMES};
use socialpulse::analysis::classifier::train::to_json;
use socialpulse::analysis::classifier::Classifier;
use socialpulse::analysis::Analyzer;
use socialpulse::config::Config;
use socialpulse::model::{Direction, Post};
use std::path::{Path, PathBuf};
use std::process::Command;

fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
        .args(args)
        .env("SOCIALPULSE_KEY", "classifier-test-key-0123456789abcdef")
        .output()
        .expect("run the CLI");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn built_in_models_are_what_their_training_gives() {
    for name in NAMES {
        let (trained, _) = build(&root(), name).expect("train");
        let committed = std::fs::read_to_string(root().join("models").join(format!("{name}.json")))
            .expect("model file");
        assert!(
            to_json(&trained.file).expect("json") == committed,
            "models/{name}.json differs from what examples/build_models.rs writes: run it"
        );
    }
}

/// The cross-validated counts each built-in model records, per labelled set:
/// (set, examples, positives, TP, FP, FN). See docs/listening.md.
#[test]
fn built_in_models_cross_validated_figures() {
    let counts = |name: &str| -> Vec<(String, usize, usize, usize, usize, usize)> {
        let m = Classifier::builtin(name).expect("built in").expect("loads");
        m.training
            .cv
            .iter()
            .map(|f| {
                (
                    f.set.clone(),
                    f.examples,
                    f.positives,
                    f.true_pos,
                    f.false_pos,
                    f.false_neg,
                )
            })
            .collect()
    };
    let s = |v: &[(&str, usize, usize, usize, usize, usize)]| -> Vec<_> {
        v.iter()
            .map(|r| (r.0.to_string(), r.1, r.2, r.3, r.4, r.5))
            .collect()
    };
    assert_eq!(
        counts("question"),
        s(&[
            ("all", 5083, 448, 380, 99, 68),
            ("tweet_act", 5023, 416, 349, 97, 67),
            ("eval", 40, 20, 19, 2, 1),
            ("eval/heldout", 20, 12, 12, 0, 0),
        ])
    );
    assert_eq!(
        counts("harm"),
        s(&[
            ("all", 27978, 4818, 3882, 1360, 936),
            ("crisislex_t26", 27933, 4790, 3870, 1358, 920),
            ("eval", 30, 18, 8, 1, 10),
            ("eval/heldout", 15, 10, 4, 1, 6),
        ])
    );
    // Worked from the counts: the question model's F1 on Tweet-Act is
    // 2·349 / (2·349 + 97 + 67) = 698/862.
    let q = Classifier::builtin("question")
        .expect("built in")
        .expect("loads");
    let tweet_act = &q.training.cv[1];
    assert!((tweet_act.f1 - 698.0 / 862.0).abs() < 1e-6);
    assert_eq!((q.threshold, q.hash_bits), (0.34, 18));
}

#[test]
fn model_files_stay_small() {
    let total: u64 = NAMES
        .iter()
        .map(|n| {
            std::fs::metadata(root().join("models").join(format!("{n}.json")))
                .expect("model")
                .len()
        })
        .sum();
    assert!(total < 20 << 20, "models take {total} bytes");
}

/// Texts about step-free access (positive) and others, written here.
fn access_labels(dir: &Path) -> PathBuf {
    let stations = [
        "Kingsland",
        "Harbour",
        "Central",
        "Queen St",
        "Northgate",
        "Riverside",
        "Westfield",
        "Parnell",
    ];
    let mut csv = String::from("text,label\n");
    for s in stations {
        for t in [
            format!("the lift at {s} is broken again"),
            format!("no wheelchair access at {s} today, the lift is out"),
            format!("ramp at {s} station out of order, can't get my pram down"),
            format!("{s} elevator not working, stuck at the top with my wheelchair"),
            format!("step-free access at {s} has been closed for a week"),
        ] {
            csv.push_str(&format!("\"{t}\",1\n"));
        }
    }
    for t in [
        "the 25 was late again this morning",
        "thanks for the quick reply",
        "great service on the night bus",
        "fares are too high this year",
        "is the red line running on Sunday?",
        "new timetable looks good",
        "driver was really friendly today",
        "why was my card charged twice",
        "bus skipped my stop at 8am",
        "when is the next train to the airport",
        "trains cancelled because of the storm",
        "love the new electric buses",
        "the app keeps crashing when I top up",
        "can I bring my bike on the ferry",
        "packed carriages every single day",
        "who do I talk to about a refund",
        "heating on the bus is way too hot",
        "nice to see more frequent services",
        "the 7:40 never turned up",
        "signal failure at the junction again",
        "where can I buy a weekly pass",
        "loud music on the back seat all trip",
        "the ticket machine ate my coins",
        "strike next week? please confirm",
        "road works are making everything slow",
        "happy to see the night service back",
        "how much is a child fare",
        "the timetable on the website is wrong",
        "excellent announcement about delays today",
        "parking at the park and ride is full",
        "my train was 15 minutes early and I missed it",
        "the bus shelter glass is smashed",
        "wifi on the train does not work",
        "lost my umbrella on the 22 yesterday",
        "brilliant job clearing the snow",
        "the express service is so much faster",
        "tram stop announcements are too quiet",
        "cheaper fares for students please",
        "missed my connection because of the delay",
        "the new route map is confusing",
    ] {
        csv.push_str(&format!("\"{t}\",0\n"));
    }
    let path = dir.join("access.csv");
    std::fs::write(&path, csv).expect("write labels");
    path
}

#[test]
fn train_refuses_bad_labels_with_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let model = dir.path().join("m.json");
    let m = model.to_str().expect("utf-8 path");
    let case = |name: &str, bytes: &[u8]| -> (Option<i32>, String) {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let (code, _, err) = cli(&[
            "train",
            "x",
            "--labels",
            p.to_str().expect("path"),
            "--out",
            m,
        ]);
        (code, err)
    };
    let (code, err) = case("nolabel.csv", b"text,lab\nhello,1\n");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("needs the columns `text` and `label`"),
        "{err}"
    );
    let one: String = std::iter::once("text,label\n".to_string())
        .chain((0..30).map(|i| format!("t{i},1\n")))
        .collect();
    let (code, err) = case("one.csv", one.as_bytes());
    assert_eq!(code, Some(2));
    assert!(err.contains("single class"), "{err}");
    let few: String = std::iter::once("text,label\n".to_string())
        .chain((0..30).map(|i| format!("t{i},{}\n", u8::from(i < 10))))
        .collect();
    let (code, err) = case("few.csv", few.as_bytes());
    assert_eq!(code, Some(2));
    assert!(
        err.contains("10 positive and 20 negative; at least 20 of each"),
        "{err}"
    );
    let (code, err) = case("latin1.csv", b"text,label\ncaf\xe9,1\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("not UTF-8"), "{err}");
    let (code, err) = case("badlabel.tsv", b"text\tlabel\nhello\tmaybe\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("label \"maybe\""), "{err}");
    // A label or text column named twice: which one is meant is not guessed.
    for header in ["text,label,label", "text,text,label"] {
        let body: String = std::iter::once(format!("{header}\n"))
            .chain((0..60).map(|i| format!("t{i},{},{}\n", i % 2, i % 2)))
            .collect();
        let (code, err) = case("twice.csv", body.as_bytes());
        assert_eq!(code, Some(2), "{header}");
        assert!(
            err.contains("appears 2 times in the header"),
            "{header}: {err}"
        );
    }
    // Every text empty: no model that labels everything.
    let empty: String = std::iter::once("text,label\n".to_string())
        .chain((0..60).map(|i| format!(",{}\n", i % 2)))
        .collect();
    let (code, err) = case("empty.csv", empty.as_bytes());
    assert_eq!(code, Some(2));
    assert!(err.contains("row 2: the text is empty"), "{err}");
    // A quote never closed: named as such, not as a single class.
    let mut open: String = std::iter::once("text,label\n".to_string())
        .chain((0..40).map(|i| format!("t{i},{}\n", i % 2)))
        .collect();
    open.push_str("\"he said hi,1\n");
    open.extend((0..40).map(|i| format!("u{i},{}\n", i % 2)));
    // (a later quote closes it: the rows between become one text)
    open.push_str("she said \"bye\",0\n");
    let (code, err) = case("open.csv", open.as_bytes());
    assert_eq!(code, Some(2));
    assert!(err.contains("row 42: an unterminated quote?"), "{err}");
    assert!(!model.exists(), "no model is written for bad labels");
    // evaluate: an unknown built-in without --model.
    let p = access_labels(dir.path());
    let (code, _, err) = cli(&["evaluate", "nope", "--labels", p.to_str().expect("path")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no built-in model"), "{err}");
}

#[test]
fn a_trained_label_runs_through_the_config_and_a_changed_model_is_reapplied() {
    let dir = tempfile::tempdir().expect("tmp");
    let labels = access_labels(dir.path());
    let model = dir.path().join("models/access.json");
    let (code, out, err) = cli(&[
        "train",
        "step_free",
        "--labels",
        labels.to_str().expect("path"),
        "--out",
        model.to_str().expect("path"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("cross-validated (5 folds)") && out.contains("| all | 80 | 40 |"),
        "{out}"
    );
    let (code, out, err) = cli(&[
        "evaluate",
        "step_free",
        "--labels",
        labels.to_str().expect("path"),
        "--model",
        model.to_str().expect("path"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("| all | 80 | 40 | 40 | 0 | 0 |"), "{out}");

    let config = dir.path().join("pipeline.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[input]
paths = ["{}"]
[output]
dir = "out"
[run]
max_reject_ratio = 0.5
[[accounts]]
platform = "twitter"
handle = "NorthlineTransit"
[[classifiers]]
name = "step_free"
model = "models/access.json"
[[classifiers]]
name = "complaint"
model = "models/access.json"
threshold = 0.5
"#,
            root().join("fixtures").display()
        ),
    )
    .expect("config");
    let (code, _, err) = cli(&["run", "-q", config.to_str().expect("path")]);
    assert!(matches!(code, Some(0 | 3)), "{err}");
    let cur = dir.path().join("out/current");
    let labelled = |cur: &Path| -> Vec<(String, Vec<String>, Option<f64>)> {
        let mut rows = Vec::new();
        for b in read_table(&cur.join("posts")) {
            let b = socialpulse::sinks::read::Batch::new(b, "posts");
            let text = b.str("text").expect("text");
            let labels = b.str_list("labels").expect("labels");
            let complaint = b.f64("complaint_score").expect("complaint_score");
            for i in 0..labels.len() {
                rows.push((
                    text[i].unwrap_or_default().to_string(),
                    labels[i].clone(),
                    complaint[i],
                ));
            }
        }
        rows
    };
    let rows = labelled(&cur);
    let lift: Vec<_> = rows
        .iter()
        .filter(|r| r.0.contains("lift at Harbour"))
        .collect();
    assert_eq!(lift.len(), 1);
    assert_eq!(lift[0].1, ["step_free"]);
    // The complaint flag is the configured model's: every inbound post has its score.
    assert!(lift[0].2.is_some_and(|s| s >= 0.5));
    let with_label = rows.iter().filter(|r| !r.1.is_empty()).count();
    assert!(
        with_label >= 2 && with_label < rows.len() / 2,
        "{with_label} of {}",
        rows.len()
    );
    // daily_labels counts the same posts.
    let mut total = 0;
    for b in read_table(&cur.join("daily_labels")) {
        let b = socialpulse::sinks::read::Batch::new(b, "daily_labels");
        assert!(b
            .str("label")
            .expect("label")
            .iter()
            .all(|l| *l == Some("step_free")));
        total += b.i64("posts").expect("posts").iter().flatten().sum::<i64>();
    }
    assert_eq!(total as usize, with_label);

    // A changed model file (here: its threshold) changes the analysis: the next night
    // reads no input and analyses the stored posts again.
    let text = std::fs::read_to_string(&model).expect("model");
    let at = text.find("\"threshold\": ").expect("threshold") + 13;
    let end = at + text[at..].find(',').expect(",");
    std::fs::write(&model, format!("{}0.99{}", &text[..at], &text[end..])).expect("write");
    let (code, _, err) = cli(&["run", "-q", config.to_str().expect("path")]);
    assert!(matches!(code, Some(0 | 3)), "{err}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cur.join("_run.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["reanalysed"], serde_json::Value::Bool(true));
    assert_eq!(manifest["inputs_unchanged"], serde_json::json!(41));
    let after = labelled(&cur).iter().filter(|r| !r.1.is_empty()).count();
    assert!(
        after < with_label,
        "{after} labelled after raising the threshold"
    );
}

#[test]
fn responsiveness_scope_addressed_counts_every_post_to_an_own_account() {
    let mut p = Post::new(
        "twitter",
        "1".into(),
        0,
        "@NorthlineTransit lovely morning".into(),
    );
    p.direction = Direction::Inbound;
    p.addressed = true;
    let mut flagged = Config::default();
    flagged.responsiveness.scope = socialpulse::config::Scope::Flagged;
    for (cfg, want) in [(Config::default(), true), (flagged, false)] {
        let mut q = p.clone();
        Analyzer::new(&cfg).expect("analyser").analyse(&mut q);
        assert!(!q.listening.is_question && !q.listening.is_complaint);
        assert_eq!(
            q.listening.needs_response, want,
            "{:?}",
            cfg.responsiveness.scope
        );
    }
    // A question needs a response under both scopes, addressed or not.
    let mut q = Post::new(
        "twitter",
        "2".into(),
        0,
        "When does the 25 run on Sundays?".into(),
    );
    q.direction = Direction::Inbound;
    Analyzer::new(&Config::default())
        .expect("analyser")
        .analyse(&mut q);
    assert!(q.listening.is_question && q.listening.needs_response);
    assert!(q.listening.question_score.is_some_and(|s| s >= 0.35));
}

#[test]
fn a_bad_classifier_config_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    for (body, want) in [
        ("[[classifiers]]\nname = \"mine\"\n", "needs a model"),
        (
            "[[classifiers]]\nname = \"a b\"\nmodel = \"m.json\"\n",
            "must be letters",
        ),
        (
            "[[classifiers]]\nname = \"harm\"\nthreshold = 2.0\n",
            "between 0 and 1",
        ),
        (
            "[responsiveness]\nscope = \"everything\"\n",
            "[responsiveness] scope = \"everything\"): unknown variant `everything`, expected `addressed` or `flagged`",
        ),
    ] {
        let p = dir.path().join("c.toml");
        std::fs::write(&p, format!("[input]\npaths = [\".\"]\n{body}")).expect("write");
        let err = Config::load(&p).expect_err(want);
        assert!(err.contains(want), "{err}");
    }
    // A model file that is not one: the run stops with exit 2 before reading anything.
    let p = dir.path().join("c.toml");
    std::fs::write(dir.path().join("m.json"), "{\"weights\": []}").expect("write");
    std::fs::write(
        &p,
        "[input]\npaths = [\".\"]\n[[classifiers]]\nname = \"mine\"\nmodel = \"m.json\"\n",
    )
    .expect("write");
    let (code, _, err) = cli(&["run", "-q", p.to_str().expect("path")]);
    assert_eq!(code, Some(2), "a bad model is a config error: {err}");
    assert!(err.contains("not a socialpulse model file"), "{err}");
}

/// A model whose numbers cannot score (a weight of ±1e39 is infinite as a 32-bit
/// float, a threshold of 7 or -3 is no probability) is refused at load with exit 2,
/// naming the file, instead of publishing NaN scores.
#[test]
fn a_model_that_cannot_score_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let good = serde_json::from_str::<serde_json::Value>(include_str!("../models/question.json"))
        .expect("built-in model");
    type Change = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "huge weight",
            Box::new(|m| m["weights"][0][1] = serde_json::json!(1e39)),
            "is not a finite number",
        ),
        (
            "negative huge weight",
            Box::new(|m| m["weights"][1][1] = serde_json::json!(-1e39)),
            "is not a finite number",
        ),
        (
            "threshold 7",
            Box::new(|m| m["threshold"] = serde_json::json!(7.0)),
            "threshold 7 is not a probability",
        ),
        (
            "threshold -3",
            Box::new(|m| m["threshold"] = serde_json::json!(-3.0)),
            "threshold -3 is not a probability",
        ),
    ];
    for (what, change, want) in cases {
        let mut m = good.clone();
        change(&mut m);
        let model = dir.path().join("bad.json");
        std::fs::write(&model, m.to_string()).expect("write");
        let err = Classifier::load(&model).expect_err(what);
        assert!(
            err.contains(want) && err.contains("bad.json"),
            "{what}: {err}"
        );
        let p = dir.path().join("c.toml");
        std::fs::write(
            &p,
            format!(
                "[input]\npaths = [{:?}]\n[output]\ndir = \"out\"\n[[classifiers]]\nname = \"question\"\nmodel = \"bad.json\"\n",
                root().join("fixtures/reddit").display().to_string()
            ),
        )
        .expect("write");
        let (code, _, err) = cli(&["run", "-q", p.to_str().expect("path")]);
        assert_eq!(code, Some(2), "{what}: {err}");
        assert!(err.contains(want), "{what}: {err}");
        assert!(!dir.path().join("out/current").exists(), "{what}");
    }
}

/// A model, topic file, key file or config that is a FIFO is refused at once, naming
/// it: reading one would wait for a writer forever.
#[cfg(unix)]
#[test]
fn files_the_config_names_must_be_regular_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reddit = root().join("fixtures/reddit").display().to_string();
    let f = fifo.display().to_string();
    for (body, what) in [
        (
            format!("[[classifiers]]\nname = \"question\"\nmodel = {f:?}\n"),
            "model",
        ),
        (format!("topic_files = [{f:?}]\n"), "topic file"),
        (
            format!("[privacy]\nkey_env = \"NO_SUCH_KEY_VAR\"\nkey_file = {f:?}\n"),
            "key file",
        ),
    ] {
        let p = dir.path().join("c.toml");
        let (head, rest) = if body.starts_with("topic_files") {
            (body.as_str(), String::new())
        } else {
            ("", body.clone())
        };
        std::fs::write(
            &p,
            format!("{head}[input]\npaths = [{reddit:?}]\n[output]\ndir = \"out\"\n{rest}"),
        )
        .expect("write");
        let t = std::time::Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
            .args(["run", "-q"])
            .arg(&p)
            .env_remove("NO_SUCH_KEY_VAR")
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains(&format!("{what} {f} is not a regular file")),
            "{what}: {err}"
        );
        assert!(t.elapsed() < std::time::Duration::from_secs(30), "{what}");
    }
    let (code, _, err) = cli(&["run", "-q", &f]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is not a regular file"), "{err}");
}
