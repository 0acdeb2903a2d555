//! Running into the same output again and again, as a nightly job does: one run at a
//! time, and a killed run leaves nothing that blocks or confuses the next one.

mod common;

use common::*;
use socialpulse::pipeline::{self, RunError, RunOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

fn small_config(dir: &Path) -> socialpulse::config::Config {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::copy(
        root().join("fixtures/reddit/RS_northline.ndjson"),
        input.join("RS_northline.ndjson"),
    )
    .expect("copy");
    let mut cfg = config_for(&[input]);
    cfg.output.dir = dir.join("out");
    cfg.run.progress = false;
    cfg.privacy.key_env = "SOCIALPULSE_NIGHTLY_TEST_KEY_UNSET".into();
    cfg
}

#[test]
fn a_second_run_into_a_held_output_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = small_config(dir.path());
    // Hold the lock as a concurrent run would.
    let state = cfg.output.dir.join(".socialpulse");
    std::fs::create_dir_all(&state).expect("state");
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(state.join("run.lock"))
        .expect("lock file");
    held.try_lock().expect("lock");
    std::fs::write(state.join("run.lock"), "4242").expect("pid");
    let err = pipeline::run(
        &cfg,
        &RunOptions {
            quiet: true,
            ..RunOptions::default()
        },
    )
    .expect_err("refused");
    assert!(matches!(err, RunError::Locked(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "another run (pid 4242) is writing {}; try again when it has finished",
            cfg.output.dir.display()
        )
    );
    assert!(!cur(&cfg.output.dir).exists());
    drop(held);
    let report = pipeline::run(
        &cfg,
        &RunOptions {
            quiet: true,
            ..RunOptions::default()
        },
    )
    .expect("runs once free");
    assert!(report.posts_written > 0);
}

/// `kill -9` at several instants of a nightly run, publication included: each time
/// `current` is the previous night's whole snapshot or the new one's, every table reads,
/// and the next run cleans up and publishes tables equal to an uninterrupted run's.
#[test]
fn a_run_killed_at_any_instant_leaves_a_whole_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (corpus, input) = nightly_corpus(dir.path(), 200_000, 50_000);
    let cfg = input.join("pipeline.toml");
    let first_night = ["data/posts-00001.ndjson.gz", "data/posts-00002.ndjson.gz"];
    let second_night = ["data/posts-00003.ndjson.gz", "data/posts-00004.ndjson.gz"];
    deliver(&corpus, &input, &first_night);
    let out = dir.path().join("out");
    let (code, _, stderr) = cli(&cfg, &out, &["--threads", "1"]);
    assert_eq!(code, Some(0), "{stderr}");
    let first_id = assert_readable(&out)["run_id"].clone();
    deliver(&corpus, &input, &second_night);
    let snapshots = socialpulse::sinks::publish::snapshots_dir(&out);
    // Each kill point: a change of the output folder the watcher waits for.
    type Point = Box<dyn Fn(&Path) -> bool>;
    let new_snapshot =
        |f: &dyn Fn(&Path) -> bool, out: &Path| unpublished(out).iter().any(|s| f(s));
    let points: Vec<(&str, Point)> = vec![
        (
            "snapshot created",
            Box::new(move |out: &Path| new_snapshot(&|_| true, out)),
        ),
        (
            "partitions written",
            Box::new(move |out: &Path| {
                new_snapshot(
                    &|s: &Path| std::fs::read_dir(s.join("posts")).is_ok_and(|d| d.count() > 2),
                    out,
                )
            }),
        ),
        (
            "state written",
            Box::new(move |out: &Path| {
                new_snapshot(&|s: &Path| s.join("_state/state.json").exists(), out)
            }),
        ),
        (
            "manifest written (publishing)",
            Box::new(move |out: &Path| new_snapshot(&|s: &Path| s.join("_run.json").exists(), out)),
        ),
        (
            "link switching",
            Box::new(|out: &Path| {
                std::fs::read_dir(out).is_ok_and(|d| {
                    d.filter_map(|e| e.ok())
                        .any(|e| e.file_name().to_string_lossy().starts_with(".current-"))
                })
            }),
        ),
    ];
    let mut outcomes = Vec::new();
    for (name, point) in &points {
        let mut child = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
            .args(["run", "-q", "--threads", "1"])
            .arg(&cfg)
            .arg("--out")
            .arg(&out)
            .env("SOCIALPULSE_KEY", "nightly-test-key-0123456789")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("run");
        let t = std::time::Instant::now();
        let mut finished = false;
        while !point(&out) {
            if child.try_wait().expect("wait").is_some() {
                finished = true;
                break;
            }
            assert!(t.elapsed().as_secs() < 120, "{name}: never reached");
        }
        child.kill().expect("kill -9");
        child.wait().expect("wait");
        let m = assert_readable(&out);
        let published_new = m["run_id"] != first_id;
        outcomes.push((name.to_string(), finished, published_new));
        if published_new {
            // The kill came after the switch: this is the second night, whole.
            assert_eq!(m["mode"], "incremental", "{name}");
            break;
        }
        assert!(snapshots.join(m["run_id"].as_str().expect("id")).is_dir());
    }
    // Killed before publishing at least at the first points.
    assert!(
        outcomes.iter().take(2).all(|o| !o.1 && !o.2),
        "{outcomes:?}"
    );
    // The next run is not blocked, cleans up, and its tables equal an uninterrupted run's.
    let (code, _, stderr) = cli(&cfg, &out, &["--threads", "1"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(unpublished(&out).len() <= 1, "{:?}", unpublished(&out));
    assert_equals_full_run(&cfg, &out, &dir.path().join("reference"));
}

/// The same config gives the same `config_hash` and records the same input paths
/// (relative to the config file) however its path is typed and wherever the run starts.
#[test]
fn config_hash_and_source_paths_do_not_depend_on_how_the_config_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = root();
    let spellings: [(&Path, String); 3] = [
        (&repo, "pipelines/example.toml".into()),
        (
            &repo.join("pipelines"),
            "./../pipelines/./example.toml".into(),
        ),
        (
            dir.path(),
            repo.join("pipelines/example.toml").display().to_string(),
        ),
    ];
    let mut seen = Vec::new();
    // One output for all three (the output directory is part of the configuration).
    let out = dir.path().join("out");
    for (cwd, config) in &spellings {
        let o = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
            .current_dir(cwd)
            .args(["run", "-q", "--full", config.as_str(), "--out"])
            .arg(&out)
            .env("SOCIALPULSE_KEY", "hostile-test-key-0123456789")
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(cur(&out).join("_run.json")).expect("manifest"))
                .expect("json");
        let inputs: Vec<String> = manifest["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .filter_map(|i| i["path"].as_str().map(str::to_string))
            .collect();
        seen.push((
            manifest["config_hash"].as_str().expect("hash").to_string(),
            inputs,
        ));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0], seen[2]);
    assert!(
        seen[0].1.iter().all(|p| p.starts_with("../fixtures/")),
        "{:?}",
        seen[0].1
    );
}

/// Retention: posts older than `retention.days` leave `posts` and `escalations`, text
/// older than `retention.text_days` is null, and every metric table keeps the counts of
/// a run without retention (they are computed before old posts leave).
#[test]
fn retention_drops_old_posts_and_text_but_keeps_the_counts() {
    use arrow::array::{Array, StringArray};
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |name: &str, retention: Option<(u32, u32)>| {
        let mut cfg = config_for(&[root().join("fixtures")]);
        cfg.output.dir = dir.path().join(name);
        cfg.run.max_reject_ratio = 1.0;
        cfg.run.progress = false;
        cfg.privacy.key_env = "SOCIALPULSE_NIGHTLY_TEST_KEY_UNSET".into();
        if let Some((days, text_days)) = retention {
            cfg.retention.days = days;
            cfg.retention.text_days = text_days;
            cfg.retention.as_of = Some("2026-11-13".into());
        }
        let report = pipeline::run(
            &cfg,
            &RunOptions {
                quiet: true,
                ..RunOptions::default()
            },
        )
        .expect("run");
        (report, cfg.output.dir)
    };
    let (all, all_out) = run("all", None);
    // Keep posts from 2026-11-08 (13 − 5) on; their text from 2026-11-11 (13 − 2) on.
    let (kept, kept_out) = run("kept", Some((5, 2)));
    let first = |r: &socialpulse::model::RunReport| r.partitions.first().cloned();
    assert_eq!(first(&all).as_deref(), Some("2026-11-02"));
    assert_eq!(first(&kept).as_deref(), Some("2026-11-08"));
    assert_eq!(kept.posts_read, all.posts_read);
    assert_eq!(kept.duplicates_removed, all.duplicates_removed);
    assert_eq!(kept.posts_written + kept.posts_expired, all.posts_written);
    assert!(kept.posts_expired > 0 && kept.posts_written > 0);
    // Text per partition: null before 11-11, present from 11-11.
    for part in &kept.partitions {
        for b in read_table(&cur(&kept_out).join("posts").join(format!("date={part}"))) {
            let text = b
                .column_by_name("text")
                .and_then(|c| c.as_any().downcast_ref::<StringArray>().cloned())
                .expect("text");
            let withheld = b
                .column_by_name("visibility")
                .and_then(|c| c.as_any().downcast_ref::<StringArray>().cloned())
                .expect("visibility");
            for i in 0..b.num_rows() {
                let private = matches!(
                    withheld.is_valid(i).then(|| withheld.value(i)),
                    Some("private" | "direct")
                );
                let expect_text = part.as_str() >= "2026-11-11" && !private;
                assert_eq!(text.is_valid(i), expect_text, "{part} row {i}");
            }
        }
    }
    // The metric tables are the same with and without retention.
    for table in [
        "daily_volume",
        "daily_sentiment",
        "engagement",
        "responsiveness",
        "topic_daily",
        "cost_benefit",
        "emerging_terms",
    ] {
        let bytes = |out: &Path| {
            std::fs::read(cur(out).join(table).join("part-00000.parquet")).expect("table")
        };
        assert_eq!(bytes(&all_out), bytes(&kept_out), "{table}");
    }
}

/// Run the CLI on a config into `out`; returns (exit code, stdout, stderr).
fn cli(config: &Path, out: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
        .args(["run", "-q"])
        .args(extra)
        .arg(config)
        .arg("--out")
        .arg(out)
        .env("SOCIALPULSE_KEY", "nightly-test-key-0123456789")
        .output()
        .expect("run");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

/// Every table but `run_summary` holds the same rows in both outputs (duckdb, EXCEPT ALL
/// both ways), and the same bytes.
fn assert_same_tables(a: &Path, b: &Path) {
    let tables: Vec<&str> = pipeline::TABLES
        .iter()
        .copied()
        .filter(|t| *t != "run_summary")
        .collect();
    let py = Command::new("python3")
        .arg(root().join("tests/python/same_tables.py"))
        .arg(a)
        .arg(b)
        .args(&tables)
        .output()
        .expect("python3 with duckdb (tests/python/requirements.txt)");
    assert!(
        py.status.success(),
        "{}{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
    for t in &tables {
        let files = |out: &Path| {
            let mut v: Vec<(String, Vec<u8>)> = Vec::new();
            let mut stack = vec![cur(out).join(t)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d)
                    .expect("table dir")
                    .filter_map(|e| e.ok())
                {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else {
                        let rel = p
                            .strip_prefix(cur(out))
                            .expect("prefix")
                            .display()
                            .to_string();
                        v.push((rel, std::fs::read(&p).expect("read")));
                    }
                }
            }
            v.sort();
            v
        };
        let (fa, fb) = (files(a), files(b));
        let names = |f: &[(String, Vec<u8>)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&fa), names(&fb), "{t}: files differ");
        for (x, y) in fa.iter().zip(&fb) {
            assert!(x.1 == y.1, "{t}: {} differs", x.0);
        }
    }
}

/// A full run of `config` into `reference` publishes the same tables as `out`.
fn assert_equals_full_run(config: &Path, out: &Path, reference: &Path) {
    let (code, _, stderr) = cli(config, reference, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_same_tables(out, reference);
}

/// A generated corpus of `posts` records in files of `per_file` under `dir/corpus`, and
/// an empty nightly input folder `dir/nightly` with the corpus's config and taxonomy.
fn nightly_corpus(dir: &Path, posts: u64, per_file: u64) -> (PathBuf, PathBuf) {
    let corpus = dir.join("corpus");
    let o = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
        .args(["generate", "--posts", &posts.to_string()])
        .args(["--posts-per-file", &per_file.to_string(), "--out"])
        .arg(&corpus)
        .output()
        .expect("generate");
    assert!(o.status.success());
    let input = dir.join("nightly");
    std::fs::create_dir_all(input.join("data")).expect("mkdir");
    for f in ["pipeline.toml", "taxonomy.toml"] {
        std::fs::copy(corpus.join(f), input.join(f)).expect("copy");
    }
    (corpus, input)
}

/// The example pipeline's config, quiet, tolerant of its deliberate rejects, with a
/// pseudonym key from the variable `key_env` (set to `key`).
fn example_config(key_env: &str, key: &str) -> socialpulse::config::Config {
    let mut cfg =
        socialpulse::config::Config::load(&root().join("pipelines/example.toml")).expect("example");
    cfg.run.progress = false;
    cfg.run.max_reject_ratio = 1.0;
    cfg.privacy.key_env = key_env.into();
    std::env::set_var(key_env, key);
    cfg
}

fn quiet() -> RunOptions {
    RunOptions {
        quiet: true,
        ..RunOptions::default()
    }
}

/// Every table of the published snapshot reads, and the manifest parses.
fn assert_readable(out: &Path) -> serde_json::Value {
    for t in pipeline::TABLES.iter() {
        read_table(&cur(out).join(t));
    }
    serde_json::from_slice(&std::fs::read(cur(out).join("_run.json")).expect("manifest"))
        .expect("manifest json")
}

/// Copy `files` (relative to `from`) into `to`, keeping their folders.
fn deliver(from: &Path, to: &Path, files: &[&str]) {
    for f in files {
        let dst = to.join(f);
        std::fs::create_dir_all(dst.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from.join(f), dst).expect("copy");
    }
}

/// The generated corpus delivered in five nights into one input folder, out of
/// order: a night brings files whose posts are older than the last night's (late
/// posts, parents arriving after their replies), re-exports of posts already stored
/// with higher counters (the corpus's duplicates), and days that grow over several
/// nights (spikes, information requests whose due dates span nights). After every
/// night the tables read; after the last they equal one full run over all the files.
#[test]
fn night_by_night_equals_one_full_run_generated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (corpus, nightly) = nightly_corpus(dir.path(), 24_000, 3_000);
    let nights: [&[&str]; 5] = [
        &["data/posts-00002.ndjson.gz"],
        &["data/posts-00001.ndjson.gz", "data/posts-00004.ndjson.gz"],
        &["data/posts-00003.ndjson.gz", "data/posts-00006.ndjson.gz"],
        &["data/posts-00005.ndjson.gz"],
        &["data/posts-00008.ndjson.gz", "data/posts-00007.ndjson.gz"],
    ];
    let out = dir.path().join("out-nightly");
    let cfg = nightly.join("pipeline.toml");
    for (i, night) in nights.iter().enumerate() {
        deliver(&corpus, &nightly, night);
        let (code, stdout, stderr) = cli(&cfg, &out, &[]);
        assert_eq!(code, Some(0), "night {i}: {stdout}{stderr}");
        let m = assert_readable(&out);
        assert_eq!(m["mode"], if i == 0 { "full" } else { "incremental" });
        assert_eq!(m["inputs"].as_array().map(Vec::len), Some(night.len()));
        assert_eq!(
            m["inputs_unchanged"],
            (0..i).map(|n| nights[n].len()).sum::<usize>()
        );
    }
    assert_equals_full_run(&cfg, &out, &dir.path().join("out-full"));
}

/// The bundled fixtures delivered in four nights (each export's folder whole), with
/// the same equality.
#[test]
fn night_by_night_equals_one_full_run_fixtures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nightly = dir.path().join("nightly");
    let fixtures = root().join("fixtures");
    let mut folders: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    folders.sort();
    let mut cfg = example_config("SOCIALPULSE_NIGHTLY_FIXTURE_KEY", "fixtures-test-key-0123");
    cfg.input.paths = vec![nightly.clone()];
    cfg.output.dir = dir.path().join("out-nightly");
    let opts = quiet();
    // Night n brings every fourth folder, starting with the n-th (in reverse order, so
    // later exports often arrive first).
    for n in 0..4 {
        for f in folders.iter().rev().skip(n).step_by(4) {
            copy_tree(&fixtures.join(f), &nightly.join(f));
        }
        let r = pipeline::run(&cfg, &opts).expect("night");
        assert!(n == 0 || r.mode == "incremental", "{}", r.mode);
        assert_readable(&cfg.output.dir);
    }
    let nightly_out = cfg.output.dir.clone();
    cfg.output.dir = dir.path().join("out-full");
    pipeline::run(&cfg, &opts).expect("full");
    assert_same_tables(&nightly_out, &cfg.output.dir);
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("dir").filter_map(|e| e.ok()) {
        if e.path().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

/// A rerun with nothing new reads nothing, changes no table, and says so in
/// `run_summary`; `--dry-run` says what a run would do and writes nothing.
#[test]
fn a_rerun_reads_nothing_and_changes_no_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = small_config(dir.path());
    let config = dir.path().join("pipeline.toml");
    std::fs::write(
        &config,
        format!(
            "[input]\npaths = [{:?}]\n[output]\ndir = {:?}\n[run]\nmax_reject_ratio = 1.0\n",
            cfg.input.paths[0], cfg.output.dir
        ),
    )
    .expect("config");
    let out = cfg.output.dir.clone();
    let (code, _, stderr) = cli(&config, &out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let first = cur(&out).canonicalize().expect("snapshot");
    let (code, stdout, _) = cli(&config, &out, &["--dry-run"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("dry run: an unchanged run"), "{stdout}");
    assert!(
        stdout.contains("read      0 input files (1 unchanged, not read), 0 posts"),
        "{stdout}"
    );
    assert_eq!(
        cur(&out).canonicalize().expect("snapshot"),
        first,
        "dry run published"
    );
    let (code, _, _) = cli(&config, &out, &[]);
    assert_eq!(code, Some(0));
    let m = assert_readable(&out);
    assert_eq!(
        (m["mode"].as_str(), m["posts_read"].as_u64()),
        (Some("unchanged"), Some(0))
    );
    // Same tables, byte for byte, as the run before.
    let before = dir.path().join("before");
    std::fs::create_dir_all(&before).expect("mkdir");
    std::os::unix::fs::symlink(&first, before.join("current")).expect("link");
    assert_same_tables(&before, &out);
    let modes: Vec<String> = read_table(&cur(&out).join("run_summary"))
        .iter()
        .flat_map(|b| {
            let c = b
                .column_by_name("mode")
                .and_then(|c| {
                    c.as_any()
                        .downcast_ref::<arrow::array::StringArray>()
                        .cloned()
                })
                .expect("mode");
            use arrow::array::Array;
            (0..c.len())
                .map(move |i| c.value(i).to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut modes = modes;
    modes.sort();
    assert_eq!(modes, ["full", "unchanged"]);
    // A new file: the dry run lists it and the days it touches, and writes nothing.
    std::fs::copy(
        root().join("fixtures/mastodon/statuses.json"),
        cfg.input.paths[0].join("statuses.json"),
    )
    .expect("copy");
    let (code, stdout, _) = cli(&config, &out, &["--dry-run"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("dry run: an incremental run"), "{stdout}");
    assert!(stdout.contains("statuses.json"), "{stdout}");
    assert!(stdout.contains("rewrite   "), "{stdout}");
    assert_eq!(
        modes.len(),
        read_table(&cur(&out).join("run_summary"))
            .iter()
            .map(|b| b.num_rows())
            .sum::<usize>()
    );
}

/// A changed analysis config re-analyses the stored posts, even with the inputs gone:
/// the tables equal a full run under the new config. A change only the inputs can
/// follow (accounts) stops with exit 2 and names `--full`.
#[test]
fn config_changes_reanalyse_stored_posts_or_ask_for_full() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    copy_tree(&root().join("fixtures"), &input);
    let example = std::fs::read_to_string(root().join("pipelines/example.toml")).expect("example");
    let write_config = |path: &Path, extra: &str| {
        let text = example
            .replace("paths = [\"../fixtures\"]", &format!("paths = [{input:?}]"))
            .replace(
                "topic_files = [\"taxonomies/transit.toml\"]",
                &format!(
                    "topic_files = [{:?}]",
                    root().join("pipelines/taxonomies/transit.toml")
                ),
            )
            .replace("max_reject_ratio = 0.2", "max_reject_ratio = 1.0");
        std::fs::write(path, format!("{text}\n{extra}")).expect("config");
    };
    let config = dir.path().join("pipeline.toml");
    write_config(&config, "");
    let out = dir.path().join("out");
    let (code, _, stderr) = cli(&config, &out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    // A new topic and a new complaint term; the raw inputs are gone by now.
    let change = "[[topics]]\nname = \"weather\"\nterms = [\"rain\", \"snow\", \"storm\"]\n";
    write_config(&config, change);
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        text.replace("[flags]", "[flags]\ncomplaint_terms = [\"shambles\"]"),
    )
    .expect("config");
    let moved = dir.path().join("moved");
    std::fs::rename(&input, &moved).expect("move inputs away");
    // An input folder that is not there at all is an error, as on a fresh output: no
    // snapshot is published (a mistyped or unmounted path is not a night without news).
    let before = cur(&out).canonicalize().expect("snapshot");
    let (code, _, stderr) = cli(&config, &out, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("input path does not exist"), "{stderr}");
    assert_eq!(cur(&out).canonicalize().expect("snapshot"), before);
    // The folder emptied (the night's exports moved away once ingested): published,
    // the stored posts analysed again from their stored text.
    std::fs::create_dir(&input).expect("empty input folder");
    let (code, _, stderr) = cli(&config, &out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let m = assert_readable(&out);
    assert_eq!(
        (m["mode"].as_str(), m["reanalysed"].as_bool()),
        (Some("incremental"), Some(true))
    );
    assert_eq!(m["rejects"], 0);
    std::fs::remove_dir(&input).expect("remove the empty folder");
    std::fs::rename(&moved, &input).expect("inputs back");
    let (code, _, stderr) = cli(&config, &out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(assert_readable(&out)["mode"], "unchanged");
    let full = dir.path().join("full");
    let (code, _, stderr) = cli(&config, &full, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_same_tables(&out, &full);
    // Accounts decide direction when posts are read: only the inputs can follow.
    write_config(
        &config,
        "[[accounts]]\nplatform = \"reddit\"\nhandle = \"someone_else\"\n",
    );
    let before = cur(&out).canonicalize().expect("snapshot");
    let (code, _, stderr) = cli(&config, &out, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("run again with --full"), "{stderr}");
    assert_eq!(cur(&out).canonicalize().expect("snapshot"), before);
    let (code, _, stderr) = cli(&config, &out, &["--full"]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// `output.partition = "month"`: one file per month, holding exactly the rows of the
/// day layout, and night by night equal to a full run.
#[test]
fn month_partitions_hold_the_day_partitions_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = example_config("SOCIALPULSE_NIGHTLY_MONTH_KEY", "month-test-key-0123456");
    let opts = quiet();
    cfg.output.dir = dir.path().join("day");
    pipeline::run(&cfg, &opts).expect("day run");
    cfg.output.partition = socialpulse::config::Period::Month;
    cfg.output.dir = dir.path().join("month");
    let r = pipeline::run(&cfg, &opts).expect("month run");
    assert_eq!(r.partitions, ["2026-11"]);
    let months: Vec<_> = std::fs::read_dir(cur(&cfg.output.dir).join("posts"))
        .expect("posts")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    assert_eq!(months, ["month=2026-11"]);
    let rows = |out: &Path| {
        let batches = read_table(&cur(out).join("posts"));
        arrow::compute::concat_batches(&batches[0].schema(), &batches).expect("concat")
    };
    assert_eq!(rows(&dir.path().join("day")), rows(&cfg.output.dir));
    // Switching an output's layout rewrites it; the other tables stay the same.
    cfg.output.partition = socialpulse::config::Period::Day;
    let r = pipeline::run(&cfg, &opts).expect("back to days");
    assert!(r.partitions.len() > 1);
    assert_same_tables(&dir.path().join("day"), &cfg.output.dir);
}

/// Retention across nights: as the reference date moves on, days cross the text and the
/// publication boundaries in a night without new posts, and the tables equal a full run
/// with the same reference date.
#[test]
fn retention_moves_on_night_by_night_as_a_full_run_would() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = example_config(
        "SOCIALPULSE_NIGHTLY_RETENTION_KEY",
        "retention-test-key-0123",
    );
    cfg.retention.days = 5;
    cfg.retention.text_days = 2;
    let opts = quiet();
    cfg.output.dir = dir.path().join("nightly");
    for as_of in ["2026-11-08", "2026-11-11", "2026-11-13"] {
        cfg.retention.as_of = Some(as_of.into());
        let r = pipeline::run(&cfg, &opts).expect("night");
        assert_readable(&cfg.output.dir);
        if as_of != "2026-11-08" {
            assert_eq!(r.mode, "unchanged");
            assert!(
                r.partitions_rewritten > 0,
                "{as_of}: no day crossed a boundary"
            );
        }
    }
    let nightly = cfg.output.dir.clone();
    cfg.output.dir = dir.path().join("full");
    let r = pipeline::run(&cfg, &opts).expect("full");
    assert_eq!(r.partitions.first().map(String::as_str), Some("2026-11-08"));
    assert_same_tables(&nightly, &cfg.output.dir);
}

/// A damaged nightly state stops an incremental run with a message naming `--full`,
/// and `--full` rebuilds without reading it.
#[test]
fn a_damaged_state_asks_for_full_and_full_rebuilds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = small_config(dir.path());
    let out = cfg.output.dir.clone();
    pipeline::run(&cfg, &quiet()).expect("first run");
    let state = cur(&out).join("_state/state.json");
    // Replace the hard-linked file, not its shared content.
    std::fs::remove_file(&state).expect("rm");
    std::fs::write(&state, "{ not json").expect("damage");
    let err = pipeline::run(&cfg, &quiet()).expect_err("damaged state");
    assert!(err.to_string().contains("--full"), "{err}");
    let full = RunOptions {
        quiet: true,
        full: true,
        ..RunOptions::default()
    };
    let r = pipeline::run(&cfg, &full).expect("full run");
    assert_eq!(r.mode, "full");
    assert!(r.posts_written > 0);
}

/// `--full` over a folder that holds only tonight's files would drop every earlier
/// night: it refuses, names what would be lost, and changes nothing, unless confirmed.
#[test]
fn full_refuses_to_forget_inputs_that_are_gone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("in");
    for f in ["reddit/RS_northline.ndjson", "mastodon/statuses.json"] {
        let src = root().join("fixtures").join(f);
        std::fs::copy(&src, input.join(src.file_name().expect("name"))).expect("copy");
    }
    let mut cfg = example_config(
        "SOCIALPULSE_NIGHTLY_FORGET_KEY",
        "forget-test-key-0123456789",
    );
    cfg.input.paths = vec![input.clone()];
    cfg.output.dir = dir.path().join("out");
    let first = pipeline::run(&cfg, &quiet()).expect("first run");
    std::fs::remove_file(input.join("statuses.json")).expect("tonight only");
    let full = RunOptions {
        quiet: true,
        full: true,
        ..RunOptions::default()
    };
    let err = pipeline::run(&cfg, &full).expect_err("refused");
    assert!(matches!(err, RunError::Config(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("1 of the 2 inputs")
            && msg.contains("statuses.json")
            && msg.contains("--forget-missing"),
        "{msg}"
    );
    let still = assert_readable(&cfg.output.dir);
    assert_eq!(still["run_id"], first.run_id.as_str(), "nothing changed");
    // Without --full the stored posts stay: a nightly run over tonight's folder is fine.
    let night = pipeline::run(&cfg, &quiet()).expect("nightly run");
    assert_eq!(night.posts_written, first.posts_written);
    let confirmed = RunOptions {
        forget_missing: true,
        ..full
    };
    let r = pipeline::run(&cfg, &confirmed).expect("confirmed");
    assert!(r.posts_written < first.posts_written);
}

/// An output restored with `cp -rL` (so `current` is a folder) or missing a file of its
/// snapshot is refused before any work, with the fix in the message.
#[test]
fn a_restored_or_damaged_output_is_refused_before_any_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = example_config(
        "SOCIALPULSE_NIGHTLY_RESTORE_KEY",
        "restore-test-key-0123456789",
    );
    cfg.output.dir = dir.path().join("out");
    pipeline::run(&cfg, &quiet()).expect("first run");
    let copied = dir.path().join("restored");
    let status = Command::new("cp")
        .arg("-rL")
        .arg(&cfg.output.dir)
        .arg(&copied)
        .status()
        .expect("cp");
    assert!(status.success());
    let mut restored = cfg.clone();
    restored.output.dir = copied.clone();
    let err = pipeline::run(&restored, &quiet()).expect_err("current is a folder");
    assert!(matches!(err, RunError::Config(_)), "{err:?}");
    assert!(err.to_string().contains("cp -a"), "{err}");
    assert!(
        socialpulse::sinks::publish::snapshots_dir(&copied)
            .read_dir()
            .map(|d| d.count())
            .unwrap_or(0)
            <= 1,
        "no work was staged"
    );
    // A partition file deleted from the published snapshot.
    let part = std::fs::read_dir(cur(&cfg.output.dir).join("posts"))
        .expect("posts")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("part-00000.parquet"))
        .find(|p| p.is_file())
        .expect("a partition");
    std::fs::remove_file(&part).expect("rm");
    let err = pipeline::run(&cfg, &quiet()).expect_err("a file is missing");
    assert!(matches!(err, RunError::Config(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("part-00000.parquet") && msg.contains("--full"),
        "{msg}"
    );
    let full = RunOptions {
        quiet: true,
        full: true,
        ..RunOptions::default()
    };
    pipeline::run(&cfg, &full).expect("--full rebuilds it");
    assert!(part.is_file() || cur(&cfg.output.dir).join("posts").is_dir());
}

/// The stored posts are the published partitions plus a sidecar: with the text kept
/// out of `posts` (`flags.drop_text`, withheld direct messages) and month partitions,
/// a config change re-analyses the stored text and equals a full run under the new
/// config; the state holds no second copy of the posts.
#[test]
fn reanalysis_reads_the_stored_text_the_posts_table_does_not_publish() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = example_config("SOCIALPULSE_NIGHTLY_SIDECAR_KEY", "sidecar-test-key-0123");
    let input = dir.path().join("in");
    copy_tree(&root().join("fixtures"), &input);
    cfg.input.paths = vec![input.clone()];
    cfg.flags.drop_text = true;
    cfg.output.partition = socialpulse::config::Period::Month;
    cfg.output.dir = dir.path().join("out");
    let opts = quiet();
    pipeline::run(&cfg, &opts).expect("first run");
    let posts = cur(&cfg.output.dir).join("_state/posts");
    let kinds: Vec<String> = std::fs::read_dir(&posts)
        .expect("_state/posts")
        .filter_map(|e| e.ok())
        .map(|e| {
            e.path()
                .extension()
                .map(|x| x.to_string_lossy().to_string())
                .unwrap_or_default()
        })
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == "parquet"),
        "{kinds:?}"
    );
    // The inputs leave (the folder stays); a new complaint term and topic can only come
    // from the stored text.
    std::fs::rename(&input, dir.path().join("gone")).expect("move inputs away");
    std::fs::create_dir(&input).expect("empty input folder");
    cfg.flags.complaint_terms.push("shambles".into());
    cfg.flags.complaint_terms.push("delayed".into());
    let mut weather = cfg.topics[0].clone();
    weather.name = "weather".into();
    weather.terms = vec!["rain".into(), "snow".into(), "storm".into(), "late".into()];
    cfg.topics.push(weather);
    let r = pipeline::run(&cfg, &opts).expect("re-analysis");
    assert!(r.reanalysed, "{}", r.mode);
    std::fs::remove_dir(&input).expect("remove the empty folder");
    std::fs::rename(dir.path().join("gone"), &input).expect("inputs back");
    assert_eq!(
        pipeline::run(&cfg, &opts).expect("inputs back").mode,
        "unchanged"
    );
    let nightly = cfg.output.dir.clone();
    cfg.output.dir = dir.path().join("full");
    pipeline::run(&cfg, &opts).expect("full run");
    assert_same_tables(&nightly, &cfg.output.dir);
    // Back to day partitions, read back from the months.
    cfg.output.partition = socialpulse::config::Period::Day;
    for out in [&nightly, &dir.path().join("full")] {
        cfg.output.dir = out.clone();
        pipeline::run(&cfg, &opts).expect("to days");
    }
    assert_same_tables(&nightly, &dir.path().join("full"));
}

/// An output whose state stored every day's posts a second time (format 2, bincode)
/// is rewritten in the current layout by the next run, which reads those posts (the
/// inputs may be gone), and then equals a full run.
#[test]
fn a_state_of_the_previous_layout_is_read_and_rewritten() {
    use socialpulse::pipeline::{state, stored};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = example_config("SOCIALPULSE_NIGHTLY_LEGACY_KEY", "legacy-test-key-012345");
    cfg.output.dir = dir.path().join("out");
    let opts = quiet();
    pipeline::run(&cfg, &opts).expect("first run");
    // Turn the snapshot into the previous layout, as that version wrote it.
    let snap = cur(&cfg.output.dir).canonicalize().expect("snapshot");
    let path = snap.join("_state/state.json");
    let mut st: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("state")).expect("json");
    let layout = stored::Layout {
        posts_dir: &snap.join("posts"),
        by_month: false,
    };
    let days: Vec<i64> = st["days"]
        .as_object()
        .expect("days")
        .keys()
        .map(|d| d.parse().expect("day"))
        .collect();
    assert!(days.len() > 3);
    let analyzer = socialpulse::analysis::Analyzer::new(&cfg).expect("analyzer");
    for &day in &days {
        let posts =
            stored::read_day(layout, &snap, day, &|r| analyzer.priority_of(r)).expect("read back");
        std::fs::remove_file(state::sidecar_path(&snap, day)).expect("rm sidecar");
        state::write_bin(&state::legacy_posts_path(&snap, day), &posts).expect("legacy");
    }
    st["format"] = 2.into();
    std::fs::remove_file(&path).expect("rm");
    std::fs::write(&path, serde_json::to_string(&st).expect("json")).expect("state");
    let r = pipeline::run(&cfg, &opts).expect("migrating run");
    assert_eq!(r.mode, "incremental");
    assert_eq!(r.partitions_rewritten as usize, days.len());
    let files: Vec<String> = std::fs::read_dir(cur(&cfg.output.dir).join("_state/posts"))
        .expect("_state/posts")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    assert!(files.iter().all(|f| f.ends_with(".parquet")), "{files:?}");
    assert_eq!(pipeline::run(&cfg, &opts).expect("next").mode, "unchanged");
    let migrated = cfg.output.dir.clone();
    cfg.output.dir = dir.path().join("full");
    pipeline::run(&cfg, &opts).expect("full run");
    assert_same_tables(&migrated, &cfg.output.dir);
}

/// Runs the 12k-post nightly corpus once per value (`set` puts it in the config) and
/// asserts that every run's tables equal the first's, byte for byte; the runs' reports.
fn assert_setting_changes_no_table(
    name: &str,
    values: &[usize],
    set: impl Fn(&mut socialpulse::config::Config, usize),
) -> Vec<socialpulse::pipeline::RunReport> {
    let dir = tempfile::tempdir().expect("tempdir");
    let (corpus, _) = nightly_corpus(dir.path(), 12_000, 2_000);
    let mut cfg = socialpulse::config::Config::load(&corpus.join("pipeline.toml")).expect("cfg");
    cfg.run.progress = false;
    cfg.run.threads = 2;
    let key_env = format!("SOCIALPULSE_NIGHTLY_{}_KEY", name.to_uppercase());
    std::env::set_var(&key_env, format!("{name}-test-key-0123456"));
    cfg.privacy.key_env = key_env;
    let mut outs = Vec::new();
    let mut reports = Vec::new();
    for &v in values {
        set(&mut cfg, v);
        cfg.output.dir = dir.path().join(format!("out-{v}"));
        let r = pipeline::run(&cfg, &quiet()).expect("run");
        assert!(r.posts_written > 10_000);
        reports.push(r);
        outs.push(cfg.output.dir.clone());
    }
    for other in &outs[1..] {
        assert_same_tables(&outs[0], other);
    }
    reports
}

/// `run.memory_budget_mb`: posts held in memory between the passes, spilled to disk from
/// the start (0), or spilled once a small budget is passed mid-read, give the same
/// tables byte for byte.
#[test]
fn the_memory_budget_changes_no_table() {
    assert_setting_changes_no_table("budget", &[2048, 0, 1], |cfg, budget| {
        cfg.run.memory_budget_mb = budget as u64
    });
}

/// The same inputs and config give the same tables, byte for byte, whatever the thread
/// count: rayon splits the folds, the days and the encodings differently with each.
#[test]
fn the_thread_count_changes_no_table() {
    let reports = assert_setting_changes_no_table("threads", &[1, 2, 5], |cfg, threads| {
        cfg.run.threads = threads
    });
    assert!(
        reports.iter().all(|r| r.escalations > 0),
        "the corpus escalates posts"
    );
}
