//! Privacy by default, end to end: for every input format a generated corpus is run with
//! no privacy option set, and every string and list column of every published table, and
//! `_run.json`, is scanned for the raw handles and ids of the members of the public in
//! it. Only the documented operational columns (`escalations.url`, `unanswered.url`) may
//! hold them; with `privacy.keep_public_identities = true` they come back.

mod common;

use arrow::array::{Array, ListArray, StringArray};
use common::read_table;
use regex::Regex;
use socialpulse::config::Config;
use socialpulse::corpus::{self, Compression, Spec, FORMATS};
use socialpulse::pipeline::{self, RunOptions, TABLES};
use std::path::{Path, PathBuf};

/// Columns staff answer from (docs/privacy.md): they keep the working link.
const OPERATIONAL: &[(&str, &str)] = &[("escalations", "url"), ("unanswered", "url")];

/// The generator's public identities: handles `rider<N>` (`Rider <N>` on Facebook,
/// `rider<N>.bsky.social` on Bluesky), Bluesky DIDs `did:plc:rider<N>`, and the numeric
/// user ids of X (3,000,000,000 + N) and Mastodon (109,000,000,000,001,000 + N; own
/// accounts are 109,000,000,000,000,000 + their index).
fn public_identity() -> Regex {
    Regex::new(r"(?i)rider ?[0-9]+|\b3000[0-9]{6}\b|\b10900000000000[1-9][0-9]{3}\b")
        .expect("pattern")
}

/// Every string value of a table, with its column: (column, value).
fn strings_of(table_dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for batch in read_table(table_dir) {
        for (field, col) in batch.schema().fields().iter().zip(batch.columns()) {
            let name = field.name().to_string();
            let mut push = |a: &dyn Array| {
                if let Some(s) = a.as_any().downcast_ref::<StringArray>() {
                    for v in s.iter().flatten() {
                        out.push((name.clone(), v.to_string()));
                    }
                }
            };
            push(col.as_ref());
            if let Some(l) = col.as_any().downcast_ref::<ListArray>() {
                push(l.values().as_ref());
            }
        }
    }
    out
}

/// (table, column, value) of every raw public identity found in the output.
fn leaks(out: &Path) -> Vec<(String, String, String)> {
    let out = &out.join("current");
    let re = public_identity();
    let mut found = Vec::new();
    for t in TABLES.iter() {
        for (col, v) in strings_of(&out.join(t)) {
            if re.is_match(&v) && !OPERATIONAL.contains(&(t, col.as_str())) {
                found.push((t.to_string(), col, v));
            }
        }
    }
    let manifest = std::fs::read_to_string(out.join("_run.json")).expect("manifest");
    for m in re.find_iter(&manifest) {
        found.push(("_run.json".into(), String::new(), m.as_str().to_string()));
    }
    for (name, text) in readable_files(out) {
        for m in re.find_iter(&text) {
            found.push((name.clone(), String::new(), m.as_str().to_string()));
        }
    }
    found
}

/// What else ships in a snapshot that readers open: the HTML report, and every file of
/// the nightly state (its binary files decompressed), as (path, lossy text).
fn readable_files(snapshot: &Path) -> Vec<(String, String)> {
    let mut files = vec![snapshot.join("report.html")];
    let mut stack = vec![snapshot.join("_state")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let bytes = if f.extension().is_some_and(|e| e == "bin") {
            zstd::decode_all(bytes.as_slice()).expect("state file is zstd")
        } else if f.extension().is_some_and(|e| e == "parquet") {
            parquet_values(&f)
        } else {
            bytes
        };
        let name = f.strip_prefix(snapshot).unwrap_or(&f).display().to_string();
        out.push((name, String::from_utf8_lossy(&bytes).to_string()));
    }
    out
}

/// Every value of a Parquet file's string and binary columns, one per line (its pages
/// are compressed: the raw bytes would hide them).
fn parquet_values(path: &Path) -> Vec<u8> {
    use arrow::array::AsArray;
    let file = std::fs::File::open(path).expect("open");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("parquet")
        .build()
        .expect("reader");
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.expect("batch");
        for col in batch.columns() {
            if let Some(s) = col.as_string_opt::<i32>() {
                for v in s.iter().flatten() {
                    out.extend_from_slice(v.as_bytes());
                    out.push(b'\n');
                }
            } else if let Some(b) = col.as_binary_opt::<i32>() {
                for v in b.iter().flatten() {
                    out.extend_from_slice(v);
                    out.push(b'\n');
                }
            }
        }
    }
    out
}

fn run_format(format: corpus::Format, keep: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = Spec {
        posts: 1_500,
        format,
        posts_per_file: 500,
        compression: Compression::None,
        ..Spec::default()
    };
    let summary = corpus::generate(&spec, dir.path()).expect("generate");
    let mut cfg = Config::load(&summary.config).expect("config");
    let out = dir.path().join("out");
    run_into(&mut cfg, &out, keep);
    (dir, out)
}

/// Run `cfg` into `out` with a generated key, quietly, keeping the public's raw
/// identities or not.
fn run_into(cfg: &mut Config, out: &Path, keep: bool) {
    cfg.output.dir = out.to_path_buf();
    cfg.run.progress = false;
    cfg.run.max_reject_ratio = 1.0;
    cfg.privacy.key_env = "SOCIALPULSE_PRIVACY_TEST_KEY_UNSET".into();
    cfg.privacy.keep_public_identities = keep;
    let opts = RunOptions {
        quiet: true,
        ..RunOptions::default()
    };
    pipeline::run(cfg, &opts).expect("run");
}

#[test]
fn no_public_identity_outside_the_operational_columns() {
    for &(name, format) in FORMATS {
        let (_dir, out) = run_format(format, false);
        let found = leaks(&out);
        assert!(
            found.is_empty(),
            "{name}: {} raw identities, e.g. {:?}",
            found.len(),
            &found[..found.len().min(5)]
        );
        // The generated traffic is mostly the public's: the scan has something to find.
        let (_dir, kept) = run_format(format, true);
        assert!(
            !leaks(&kept).is_empty(),
            "{name}: keep_public_identities brings the raw identities back"
        );
    }
}

/// Every format's fixtures, read by the example pipeline: the raw identities of the
/// public (inbound authors' ids and handles, as a run with `keep_public_identities`
/// shows them) appear nowhere in a default run's tables outside the operational columns.
#[test]
fn no_fixture_identity_outside_the_operational_columns() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |keep: bool| {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cfg = Config::load(&root.join("pipelines/example.toml")).expect("config");
        run_into(&mut cfg, &dir.path().join("out"), keep);
        dir
    };
    let raw = run(true);
    // Inbound authors' raw ids and handles (four characters or more, so no short word of
    // ordinary text is taken for one).
    let mut identities: Vec<String> = Vec::new();
    for b in read_table(&raw.path().join("out/current/posts")) {
        let col = |n: &str| {
            b.column_by_name(n)
                .and_then(|c| c.as_any().downcast_ref::<StringArray>().cloned())
                .expect("utf8")
        };
        let (dir, id, handle) = (col("direction"), col("author_id"), col("author_handle"));
        for i in 0..b.num_rows() {
            if dir.value(i) == "inbound" {
                for c in [&id, &handle] {
                    if c.is_valid(i) && c.value(i).len() >= 4 {
                        identities.push(c.value(i).to_string());
                    }
                }
            }
        }
    }
    identities.sort();
    identities.dedup();
    assert!(identities.len() >= 10, "{identities:?}");
    let default = run(false);
    let out = default.path().join("out/current");
    let mut found = Vec::new();
    for t in TABLES.iter() {
        for (col, v) in strings_of(&out.join(t)) {
            if OPERATIONAL.contains(&(t, col.as_str())) {
                continue;
            }
            for id in &identities {
                if v.contains(id.as_str()) {
                    found.push((t.to_string(), col.clone(), id.clone()));
                }
            }
        }
    }
    let manifest = std::fs::read_to_string(out.join("_run.json")).expect("manifest");
    for id in &identities {
        if manifest.contains(id.as_str()) {
            found.push(("_run.json".into(), String::new(), id.clone()));
        }
    }
    for (name, text) in readable_files(&out) {
        for id in &identities {
            if text.contains(id.as_str()) {
                found.push((name.clone(), String::new(), id.clone()));
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "{found:?}");
}

/// A key anyone can recompute (empty, blank, short) makes every pseudonym reversible:
/// the run refuses it with exit 2 and writes nothing; a missing key file is exit 2 too.
#[test]
fn a_weak_or_missing_key_is_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let input = root.join("fixtures/reddit/RS_northline.ndjson");
    let run = |key_file: &Path, env_key: Option<&str>| {
        let cfg = dir.path().join("pipeline.toml");
        std::fs::write(
            &cfg,
            format!(
                "[input]\npaths = [{:?}]\n[output]\ndir = \"out\"\n[privacy]\nkey_env = \"SP_TEST_KEY\"\nkey_file = {:?}\n",
                input.display().to_string(),
                key_file.display().to_string()
            ),
        )
        .expect("config");
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_socialpulse"));
        c.args(["run", "-q"]).arg(&cfg).env_remove("SP_TEST_KEY");
        if let Some(k) = env_key {
            c.env("SP_TEST_KEY", k);
        }
        let o = c.output().expect("run");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let key = dir.path().join("key");
    for (content, want) in [
        ("", "is empty"),
        ("  \n\t\n", "is empty"),
        ("short-key\n", "holds 9 bytes; a key needs at least 16"),
    ] {
        std::fs::write(&key, content).expect("key");
        let (code, err) = run(&key, None);
        assert_eq!(code, Some(2), "{content:?}: {err}");
        assert!(err.contains(want), "{content:?}: {err}");
        assert!(!dir.path().join("out/current").exists());
    }
    let (code, err) = run(&dir.path().join("no-such-key"), None);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    let (code, err) = run(&key, Some("short"));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("SP_TEST_KEY holds 5 bytes; a key needs at least 16"),
        "{err}"
    );
    std::fs::write(&key, "a-long-enough-key-0123456789\n").expect("key");
    // Set but empty (what `SOCIALPULSE_KEY=$(cat missing-file)` gives): refused, not
    // passed over for the key file or a generated key.
    for empty in ["", "  "] {
        let (code, err) = run(&key, Some(empty));
        assert_eq!(code, Some(2), "{empty:?}: {err}");
        assert!(
            err.contains("$SP_TEST_KEY is set but empty"),
            "{empty:?}: {err}"
        );
        assert!(!dir.path().join("out/current").exists());
    }
    let (code, err) = run(&key, None);
    assert_eq!(code, Some(0), "{err}");
}

/// A reject's reason names the problem, never the value: with columns misaligned the
/// value is a handle or a name.
#[test]
fn reject_reasons_hold_no_field_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = "Message ID,Network,Timestamp (UTC),Profile,From,Message,Message Type,Likes,Comments,Shares,Impressions,Language\n\
ig_1,Instagram,hannah.rider4242,northlinetransit,11/03/2026 06:45,\"Hello\",Comment,1,0,,,\n\
ig_2,Instagram,11/03/2026 06:45,northlinetransit,rider4243,\"Hello\",Comment,not-a-number-rider4244,0,,,\n";
    let file = dir.path().join("sprout.csv");
    std::fs::write(&file, csv).expect("csv");
    let ndjson = dir.path().join("RS_types.ndjson");
    let line = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reddit/RS_northline.ndjson"),
    )
    .expect("fixture");
    let mut bad = String::new();
    for l in line.lines().take(2) {
        let mut v: serde_json::Value = serde_json::from_str(l).expect("json");
        v["created_utc"] = "rider4245 at noon".into();
        bad.push_str(&v.to_string());
        bad.push('\n');
    }
    std::fs::write(&ndjson, bad).expect("ndjson");
    let mut cfg =
        Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/example.toml"))
            .expect("config");
    cfg.input.paths = vec![file, ndjson];
    let out = dir.path().join("out");
    run_into(&mut cfg, &out, false);
    let reasons: Vec<String> = strings_of(&out.join("current/rejects"))
        .into_iter()
        .filter(|(c, _)| c == "reason")
        .map(|(_, v)| v)
        .collect();
    assert!(reasons.len() >= 3, "{reasons:?}");
    for r in &reasons {
        assert!(!r.contains("rider"), "{r}");
    }
    let report = std::fs::read_to_string(out.join("current/report.html")).unwrap_or_default();
    assert!(
        !report.contains("rider424"),
        "the report's data-quality table"
    );
}

/// Handles in the forms the masker once missed, in a text and a tweet's links: `.@name`
/// (X's reply-to-all), `/u/name` at a word's start, a full-width `＠`, an `@` followed by
/// a zero-width space, and links to a status or a profile that name their author. None
/// survives outside the operational columns (`@NorthlineTransit`, our own, may).
#[test]
fn handles_in_every_written_form_are_pseudonymised() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tweet = |id: u32, text: &str, urls: &[&str]| {
        serde_json::json!({
            "id": format!("18537000000009{id:05}"),
            "author_id": format!("30000001{id:02}"),
            "created_at": "2026-11-04T02:15:00.000Z",
            "text": text,
            "lang": "en",
            "author": {"id": format!("30000001{id:02}"), "username": format!("rider2{id:02}")},
            "entities": {"urls": urls.iter().map(|u| serde_json::json!({"expanded_url": u})).collect::<Vec<_>>()},
        })
        .to_string()
    };
    let lines = [
        tweet(
            1,
            ".@rider103 is right, the 14 was late again @NorthlineTransit",
            &[],
        ),
        tweet(2, "ask /u/rider106 on the forum, @NorthlineTransit", &[]),
        tweet(3, "\u{ff20}rider101 said the ferry was cancelled", &[]),
        tweet(4, "@\u{200b}rider112 saw it too", &[]),
        tweet(
            5,
            "see these @NorthlineTransit",
            &[
                "https://x.com/rider107/status/1853700000000000123",
                "https://www.reddit.com/user/rider108/",
                "https://bsky.app/profile/rider109.bsky.social/post/3l2abc",
                "https://twitter.com/rider110",
                "https://northline.example/timetables",
            ],
        ),
    ];
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(input.join("tweets.jsonl"), lines.join("\n") + "\n").expect("write");
    let mut cfg =
        Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/example.toml"))
            .expect("config");
    cfg.input.paths = vec![input];
    let out = dir.path().join("out");
    run_into(&mut cfg, &out, false);
    let found = leaks(&out);
    assert!(found.is_empty(), "{found:?}");
    // The links that name no one stay; a status link keeps its status, handle-free.
    let urls: Vec<String> = strings_of(&out.join("current/posts"))
        .into_iter()
        .filter(|(c, _)| c == "urls")
        .map(|(_, v)| v)
        .collect();
    for want in [
        "https://x.com/i/status/1853700000000000123",
        "https://northline.example/timetables",
    ] {
        assert!(urls.iter().any(|u| u == want), "{want} not in {urls:?}");
    }
    // And they come back only when asked for.
    let kept = dir.path().join("kept");
    run_into(&mut cfg, &kept, true);
    assert!(!leaks(&kept).is_empty());
}
