//! Running into the same output again and again, as a nightly job does: one run at a
//! time, and a killed run leaves nothing that blocks or confuses the next one.

mod common;

use common::*;
use socialpulse::pipeline::{self, RunError, RunOptions};
use std::path::Path;
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
    let err = pipeline::run(&cfg, &RunOptions { quiet: true }).expect_err("refused");
    assert_eq!(
        err,
        RunError::Locked(format!(
            "another run (pid 4242) is writing {}; try again when it has finished",
            cfg.output.dir.display()
        ))
    );
    assert!(!cfg.output.dir.join("posts").exists());
    drop(held);
    let report = pipeline::run(&cfg, &RunOptions { quiet: true }).expect("runs once free");
    assert!(report.posts_written > 0);
}

/// `kill -9` mid-run: the lock goes with the process, the published set stays, and the
/// next run cleans the staging directory up and publishes.
#[test]
fn a_killed_run_blocks_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pipeline_toml = generated_corpus(dir.path(), 200_000);
    let out = dir.path().join("out");
    let run = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_socialpulse"));
        c.args(["run", "-q", "--threads", "1"])
            .arg(&pipeline_toml)
            .arg("--out")
            .arg(&out)
            .env("SOCIALPULSE_KEY", "k")
            .stderr(std::process::Stdio::null())
            .stdout(std::process::Stdio::null());
        c
    };
    let first = run().status().expect("first run");
    assert_eq!(first.code(), Some(0));
    let published = std::fs::read(out.join("_run.json")).expect("manifest");
    let mut child = run().spawn().expect("second run");
    wait_until_staged(&out);
    child.kill().expect("kill -9");
    child.wait().expect("wait");
    assert!(staged(&out), "the killed run left its staging directory");
    assert_eq!(
        std::fs::read(out.join("_run.json")).expect("manifest"),
        published,
        "the published set is untouched"
    );
    let third = run().status().expect("third run");
    assert_eq!(third.code(), Some(0), "not blocked by the killed run");
    assert!(!staged(&out), "the killed run's staging was removed");
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
            .args(["run", "-q", config.as_str(), "--out"])
            .arg(&out)
            .env("SOCIALPULSE_KEY", "k")
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("_run.json")).expect("manifest"))
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
        let report = pipeline::run(&cfg, &RunOptions { quiet: true }).expect("run");
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
        for b in read_table(&kept_out.join("posts").join(format!("date={part}"))) {
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
        let bytes =
            |out: &Path| std::fs::read(out.join(table).join("part-00000.parquet")).expect("table");
        assert_eq!(bytes(&all_out), bytes(&kept_out), "{table}");
    }
}
