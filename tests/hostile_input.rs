//! Input trees and files a hostile or careless user hands over: missing paths, unreadable
//! folders, link cycles, the output inside the input, cut documents, huge lines, ragged
//! CSV, interrupted and killed runs. None of them may abort, hang or lose data silently.

mod common;

use common::*;
use socialpulse::config::Config;
use socialpulse::model::RunReport;
use socialpulse::pipeline::{self, RunOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_fixture(rel: &str, to: &Path) -> PathBuf {
    std::fs::create_dir_all(to).expect("mkdir");
    let src = root().join("fixtures").join(rel);
    let dst = to.join(src.file_name().expect("name"));
    std::fs::copy(&src, &dst).expect("copy fixture");
    dst
}

/// The example config (accounts, mappings, taxonomy) over `inputs`, into `out`.
fn config(inputs: &[PathBuf], out: &Path) -> Config {
    run_config(inputs, out, "SOCIALPULSE_HOSTILE_TEST_KEY")
}

fn run(cfg: &Config) -> RunReport {
    pipeline::run(
        cfg,
        &RunOptions {
            quiet: true,
            ..RunOptions::default()
        },
    )
    .expect("run")
}

/// `rejects` as (source_file, position, position_kind, reason).
fn rejects(out: &Path) -> Vec<(String, i64, String, String)> {
    use arrow::array::{Array, Int64Array, StringArray};
    let mut rows = Vec::new();
    for b in read_table(&cur(out).join("rejects")) {
        let s = |n: &str| {
            b.column_by_name(n)
                .and_then(|c| c.as_any().downcast_ref::<StringArray>().cloned())
                .expect("utf8 column")
        };
        let pos = b
            .column_by_name("position")
            .and_then(|c| c.as_any().downcast_ref::<Int64Array>().cloned())
            .expect("position");
        let (f, k, r) = (s("source_file"), s("position_kind"), s("reason"));
        for i in 0..b.num_rows() {
            rows.push((
                f.value(i).to_string(),
                pos.value(i),
                k.value(i).to_string(),
                r.value(i).to_string(),
            ));
        }
    }
    rows
}

#[test]
fn a_missing_path_is_a_reject_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = copy_fixture("reddit/RS_northline.ndjson", &dir.path().join("in"));
    let missing = dir.path().join("no-such-export");
    let out = dir.path().join("out");
    let cfg = config(&[good.clone(), missing.clone()], &out);
    let report = run(&cfg);
    // Recorded as every input is (relative to the config file where they share more
    // than the root directory): docs/data-dictionary.md, `source_file`.
    let recorded = cfg.display_path(&missing);
    let read_alone = collect_paths(&[good]).posts.len() as u64;
    assert!(read_alone > 0);
    assert_eq!(report.posts_written, read_alone);
    assert_eq!(report.rejects, 1);
    let entry = report
        .inputs
        .iter()
        .find(|i| i.path == recorded)
        .expect("the missing path is in the manifest");
    assert_eq!(entry.error.as_deref(), Some("input path does not exist"));
    assert_eq!(
        rejects(&out),
        [(
            recorded.clone(),
            0,
            "file".to_string(),
            "input path does not exist".to_string()
        )]
    );
}

#[test]
fn no_input_at_all_fails_and_leaves_no_trace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let cfg = config(&[dir.path().join("gone.json")], &out);
    let err = pipeline::run(
        &cfg,
        &RunOptions {
            quiet: true,
            ..RunOptions::default()
        },
    )
    .expect_err("nothing to read")
    .to_string();
    assert!(
        err.starts_with("no input files found (")
            && err.contains("gone.json: input path does not exist"),
        "{err}"
    );
    assert!(!out.exists(), "a failed run created {}", out.display());
}

#[test]
fn link_cycles_are_followed_once_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    copy_fixture("reddit/RS_northline.ndjson", &input);
    copy_fixture("mastodon/statuses.json", &input.join("sub"));
    std::os::unix::fs::symlink(".", input.join("loop")).expect("link");
    std::os::unix::fs::symlink("../..", input.join("sub/up")).expect("link");
    let out = dir.path().join("elsewhere/out");
    let cfg = config(std::slice::from_ref(&input), &out);
    let want = collect_paths(&[
        input.join("RS_northline.ndjson"),
        input.join("sub/statuses.json"),
    ]);
    let report = run(&cfg);
    assert_eq!(report.posts_read, want.posts.len() as u64);
    assert_eq!(report.duplicates_removed, 0);
    assert_eq!(report.rejects, 0);
    let skipped: Vec<(String, String)> = report
        .inputs
        .iter()
        .filter_map(|i| Some((i.path.clone(), i.skipped.clone()?)))
        .collect();
    let cycle = "directory already visited through another path (link cycle or duplicate)";
    // ../.. from in/sub is the temporary root, whose `in` was visited already.
    assert_eq!(
        skipped,
        [
            (cfg.display_path(&input.join("loop")), cycle.to_string()),
            (
                cfg.display_path(&input.join("sub/up/in")),
                cycle.to_string()
            ),
        ]
    );
}

#[test]
fn the_output_inside_the_input_is_never_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("exports");
    copy_fixture("reddit/RS_northline.ndjson", &input);
    let out = input.join("socialpulse-out");
    let cfg = config(std::slice::from_ref(&input), &out);
    let first = run(&cfg);
    // A full run reads every input again: the output's own files are not among them.
    let full = RunOptions {
        quiet: true,
        full: true,
        ..RunOptions::default()
    };
    let second = pipeline::run(&cfg, &full).expect("full run");
    assert_eq!(second.rejects, 0);
    assert_eq!(second.posts_read, first.posts_read);
    let read: Vec<&str> = second
        .inputs
        .iter()
        .filter(|i| i.skipped.is_none())
        .map(|i| i.path.as_str())
        .collect();
    assert_eq!(read, [cfg.display_path(&input.join("RS_northline.ndjson"))]);
}

/// Root reads any folder, so the unreadable one is read by an unprivileged user.
#[test]
fn an_unreadable_folder_is_a_reject_for_that_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    copy_fixture("reddit/RS_northline.ndjson", &input);
    copy_fixture("mastodon/statuses.json", &input.join("locked"));
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("out");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    mode(dir.path(), 0o755);
    mode(&out, 0o777);
    mode(&input.join("locked"), 0o000);
    let cfg_path = dir.path().join("pipeline.toml");
    std::fs::write(
        &cfg_path,
        format!(
            "[input]\npaths = [{:?}]\n[output]\ndir = {:?}\n[run]\nmax_reject_ratio = 1.0\nprogress = false\n",
            input.display().to_string(),
            out.display().to_string()
        ),
    )
    .expect("config");
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut cmd = if is_root {
        // The unprivileged user may not reach the build directory (a clone under /root):
        // run a copy of the binary from the temporary directory.
        let bin = dir.path().join("socialpulse");
        std::fs::copy(env!("CARGO_BIN_EXE_socialpulse"), &bin).expect("copy binary");
        mode(&bin, 0o755);
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_socialpulse"))
    };
    let status = cmd
        .args(["run", "-q"])
        .arg(&cfg_path)
        .env("SOCIALPULSE_KEY", "hostile-test-key-0123456789")
        .status()
        .expect("run as an unprivileged user");
    mode(&input.join("locked"), 0o755);
    // Published, with the unreadable path's loss signalled (exit 5).
    assert_eq!(status.code(), Some(5));
    // Recorded relative to the config file, which sits beside `in`.
    assert_eq!(
        rejects(&out),
        [(
            "in/locked".to_string(),
            0,
            "file".to_string(),
            "cannot read input path: permission denied".to_string()
        )]
    );
}

/// Cut a document inside its record `k` (0-based; records start at `marker`): the
/// records before it must be what a full read gives for them.
fn cut_inside_record(fixture: &str, marker: &str, k: usize, expected_posts: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = root().join("fixtures").join(fixture);
    let full = std::fs::read(&src).expect("fixture");
    let text = std::str::from_utf8(&full).expect("utf8");
    let start = text
        .match_indices(marker)
        .nth(k)
        .map(|(i, _)| i + marker.len() - 1)
        .expect("record k");
    let cut_dir = dir.path().join(Path::new(fixture).parent().expect("dir"));
    std::fs::create_dir_all(&cut_dir).expect("mkdir");
    let cut_file = cut_dir.join(src.file_name().expect("name"));
    std::fs::write(&cut_file, &full[..start + 10]).expect("write");
    let whole = collect_paths(&[src]);
    let mut want: Vec<String> = whole
        .posts
        .iter()
        .filter(|p| (p.source_position as usize) < k)
        .map(|p| p.post_id.clone())
        .collect();
    let got = collect_paths(&[cut_file]);
    let mut ids: Vec<String> = got.posts.iter().map(|p| p.post_id.clone()).collect();
    want.sort();
    ids.sort();
    assert_eq!(ids.len(), expected_posts, "{fixture}");
    assert_eq!(ids, want, "{fixture}");
    assert_eq!(got.rejects.len(), 1, "{fixture}: {:?}", got.rejects);
    let r = &got.rejects[0];
    assert_eq!(r.position_kind.as_str(), "byte");
    assert!(
        r.reason
            .ends_with(&format!("the {k} complete records before it were kept")),
        "{}",
        r.reason
    );
}

#[test]
fn a_cut_x_archive_keeps_its_complete_tweets() {
    cut_inside_record("twitter-archive/data/tweets.js", "\n  {", 2, 2);
}

#[test]
fn a_cut_meta_comments_file_keeps_its_complete_comments() {
    cut_inside_record("facebook/comments.json", "\n    {", 1, 1);
}

#[test]
fn ndjson_lines_longer_than_the_sniffing_head_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = std::fs::read_to_string(root().join("fixtures/reddit/RS_northline.ndjson"))
        .expect("fixture");
    let mut record: serde_json::Value =
        serde_json::from_str(first.lines().next().expect("a line")).expect("json");
    let padding = "x".repeat(300 * 1024);
    let mut lines = String::new();
    for i in 0..4 {
        record["id"] = format!("big{i}").into();
        record["padding"] = padding.clone().into();
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    std::fs::write(dir.path().join("RS_big.ndjson"), lines).expect("write");
    let c = collect_paths(&[dir.path().to_path_buf()]);
    let mut ids: Vec<&str> = c.posts.iter().map(|p| p.post_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["t3_big0", "t3_big1", "t3_big2", "t3_big3"]);
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
}

/// Windows and most tools end CSV lines with CRLF: rejects name the same lines.
#[test]
fn ragged_csv_rows_and_open_quotes_are_rejects() {
    for eol in ["\n", "\r\n"] {
        ragged_csv_rows(eol);
    }
}

fn ragged_csv_rows(eol: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture =
        std::fs::read_to_string(root().join("fixtures/listening/sprout_inbox_export.csv"))
            .expect("fixture");
    let header = fixture.lines().next().expect("header");
    let good = |id: &str| {
        format!("{id},Instagram,11/03/2026 06:45,northlinetransit,someone,Fine service today,Comment,1,0,,,en")
    };
    let csv = [
        header.to_string(),
        good("ok_1"),                                         // line 2
        "short_1,Instagram,11/03/2026 06:45,x,y".to_string(), // line 3: 5 fields
        format!("{},extra,fields", good("long_1")),           // line 4: 14 fields
        "open_1,Instagram,11/03/2026 06:45,n,someone,\"The quote never closes,Comment,1,0,,,en"
            .to_string(), // line 5
        good("swallowed_1"),                                  // line 6
        good("swallowed_2"),                                  // line 7
    ]
    .join(eol)
        + eol;
    std::fs::write(dir.path().join("inbox.csv"), csv).expect("write");
    let c = collect_paths(&[dir.path().to_path_buf()]);
    let ids: Vec<&str> = c.posts.iter().map(|p| p.post_id.as_str()).collect();
    assert_eq!(ids, ["ok_1"]);
    let got: Vec<(u64, &str)> = c
        .rejects
        .iter()
        .map(|r| (r.position, r.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (3, "the row has 5 fields, the header 12"),
            (4, "the row has 14 fields, the header 12"),
            (
                5,
                "unterminated quote? the row that begins on line 5 runs to line 7 and has 6 fields, the header 12"
            ),
        ]
    );
}

#[test]
fn leftovers_of_killed_runs_are_cleaned_by_the_next_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = copy_fixture("reddit/RS_northline.ndjson", &dir.path().join("in"));
    let out = dir.path().join("out");
    // What killed runs leave: unpublished snapshots, and the staging folders and a
    // half-made link of the layout before snapshots.
    let snapshots = socialpulse::sinks::publish::snapshots_dir(&out);
    std::fs::create_dir_all(snapshots.join("20260101T000000.000000Z-99999999/posts"))
        .expect("leftover");
    for kind in [".staging-", ".replaced-"] {
        std::fs::create_dir_all(
            out.join(format!("{kind}20260101T000000.000000Z-99999999"))
                .join("posts"),
        )
        .expect("leftover");
    }
    std::fs::write(out.join(".current-20260101T000000.000000Z-99999999"), "").expect("link");
    run(&config(std::slice::from_ref(&good), &out));
    let names = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    };
    let current = socialpulse::sinks::publish::current(&out).expect("published");
    let current_name = current
        .file_name()
        .expect("name")
        .to_string_lossy()
        .to_string();
    assert_eq!(names(&snapshots), std::slice::from_ref(&current_name));
    assert_eq!(names(&out), [".socialpulse", "current", "report.html"]);
    // The next run keeps the snapshot it replaces (readers may still be in it) and
    // removes it the run after.
    run(&config(std::slice::from_ref(&good), &out));
    let second = names(&snapshots);
    assert_eq!(second.len(), 2);
    assert!(second.contains(&current_name));
    run(&config(&[good], &out));
    assert_eq!(names(&snapshots).len(), 2);
    assert!(!names(&snapshots).contains(&current_name));
}

/// SIGTERM and SIGINT mid-run: the staging directory goes, the published output stays.
#[test]
fn an_interrupted_run_removes_its_staging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pipeline_toml = generated_corpus(dir.path(), 300_000);
    // At several instants of the run, on two threads: workers are still writing when
    // the signal arrives.
    for (i, delay_ms) in [0u64, 150, 400, 900, 1500].into_iter().enumerate() {
        for signal in ["TERM", "INT"] {
            let out = dir.path().join(format!("out-{signal}-{i}"));
            let mut child = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
                .args(["run", "-q", "--threads", "2"])
                .arg(&pipeline_toml)
                .env("SOCIALPULSE_KEY", "hostile-test-key-0123456789")
                .args(["--out"])
                .arg(&out)
                .stderr(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("run");
            let t = std::time::Instant::now();
            while !staged(&out) && t.elapsed() < std::time::Duration::from_secs(60) {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let killed = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(child.id().to_string())
                .status()
                .expect("kill");
            assert!(killed.success());
            let status = child.wait().expect("wait");
            if status.code() == Some(0) {
                continue; // finished before the signal
            }
            assert_eq!(status.code(), Some(130), "SIG{signal} after {delay_ms} ms");
            assert!(
                !staged(&out),
                "SIG{signal} after {delay_ms} ms left the unpublished snapshot: {:?}",
                unpublished(&out)
            );
            assert!(!cur(&out).exists(), "nothing was published");
        }
    }
}

/// The CLI in `cwd` with `args`, killed after `secs` (a hang is a failure, not a stuck
/// test): (exit code, stderr).
fn cli(cwd: &Path, args: &[&std::ffi::OsStr], secs: u64) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
        .current_dir(cwd)
        .args(args)
        .env("SOCIALPULSE_KEY", "hostile-test-key-0123456789")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    let t = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            use std::io::Read;
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            return (status.code(), err);
        }
        if t.elapsed() > std::time::Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("socialpulse {args:?} did not finish in {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `DIR/pipeline.toml` reading `DIR/in` into `DIR/out`, every reject tolerated.
fn in_folder_config(dir: &Path) -> PathBuf {
    let cfg = dir.join("pipeline.toml");
    std::fs::write(
        &cfg,
        "[input]\npaths = [\"in\"]\n[output]\ndir = \"out\"\n[run]\nmax_reject_ratio = 1.0\nprogress = false\n",
    )
    .expect("config");
    cfg
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// Posts in the published `posts` table.
fn published(out: &Path) -> usize {
    read_table(&cur(out).join("posts"))
        .iter()
        .map(|b| b.num_rows())
        .sum()
}

#[test]
fn a_file_that_failed_to_read_is_read_again_next_run() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    copy_fixture("mastodon/statuses.json", &input);
    let plain = std::fs::read(root().join("fixtures/reddit/RS_northline.ndjson")).expect("fixture");
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&plain).expect("gzip");
    let good = z.finish().expect("gzip");
    // The same bytes but one: the stream fails its checksum (a download cut and resumed,
    // a disk error), and is later repaired in place with its size and time unchanged.
    let mut bad = good.clone();
    let n = bad.len();
    bad[n - 6] ^= 0xff;
    let gz = input.join("RS_northline.ndjson.gz");
    std::fs::write(&gz, &bad).expect("write");
    let stamp = std::fs::metadata(&gz)
        .expect("meta")
        .modified()
        .expect("mtime");
    let out = dir.path().join("out");
    let mut cfg = config(std::slice::from_ref(&input), &out);
    let first = run(&cfg);
    let entry = |r: &RunReport| {
        r.inputs
            .iter()
            .find(|i| i.path.ends_with("RS_northline.ndjson.gz"))
            .cloned()
    };
    assert!(
        entry(&first).and_then(|e| e.error).is_some(),
        "{:?}",
        first.inputs
    );
    std::fs::write(&gz, &good).expect("repair");
    std::fs::File::options()
        .write(true)
        .open(&gz)
        .and_then(|f| f.set_modified(stamp))
        .expect("touch");
    let second = run(&cfg);
    let e = entry(&second).expect("the repaired file is read again");
    assert_eq!(e.error, None);
    assert_eq!(second.rejects, 0, "{:?}", second.inputs);
    let incremental = published(&out);
    cfg.output.dir = dir.path().join("full");
    let full = run(&cfg);
    assert_eq!(incremental as u64, full.posts_written);
    assert_eq!(rejects(&out), rejects(&cfg.output.dir));
}

#[test]
fn only_regular_files_are_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    copy_fixture("reddit/RS_northline.ndjson", &input);
    let fifo = input.join("pipe.ndjson");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", input.join("zero.ndjson")).expect("link");
    let cfg = in_folder_config(dir.path());
    let (code, err) = cli(dir.path(), &[os("run"), os("-q"), cfg.as_os_str()], 60);
    assert_eq!(code, Some(5), "{err}");
    let out = dir.path().join("out");
    let mut got = rejects(&out);
    got.sort();
    assert_eq!(
        got,
        [
            (
                "in/pipe.ndjson".to_string(),
                0,
                "file".to_string(),
                "not a regular file (a named pipe): only regular files are read".to_string()
            ),
            (
                "in/zero.ndjson".to_string(),
                0,
                "file".to_string(),
                "not a regular file (a character device): only regular files are read".to_string()
            ),
        ]
    );
    assert!(published(&out) > 0);
}

#[test]
fn a_nul_byte_in_an_early_line_rejects_that_line_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(root().join("fixtures/reddit/RS_northline.ndjson"))
        .expect("fixture");
    let lines: Vec<&str> = text.lines().collect();
    let mut damaged = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i == 1 {
            let (a, b) = l.split_at(l.len() / 2);
            damaged.extend_from_slice(a.as_bytes());
            damaged.push(0);
            damaged.extend_from_slice(b.as_bytes());
        } else {
            damaged.extend_from_slice(l.as_bytes());
        }
        damaged.push(b'\n');
    }
    let file = write(dir.path(), "RS_damaged.ndjson", &damaged);
    let got = collect_paths(&[file]);
    assert_eq!(got.posts.len(), lines.len() - 1, "{:?}", got.rejects);
    assert_eq!(got.rejects.len(), 1, "{:?}", got.rejects);
    assert_eq!(got.rejects[0].position, 2);
    // A file that really is binary stays one reject.
    let mut binary = Vec::new();
    for i in 0..4096u32 {
        binary.extend_from_slice(&i.to_le_bytes());
    }
    let file = write(dir.path(), "blob.ndjson", &binary);
    let got = collect_paths(&[file]);
    assert!(got.posts.is_empty());
    assert_eq!(got.rejects.len(), 1, "{:?}", got.rejects);
    assert!(got.rejects[0].reason.starts_with("binary content"));
}

#[test]
fn an_input_has_one_identity_however_its_path_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    copy_fixture("reddit/RS_northline.ndjson", &input);
    copy_fixture("mastodon/statuses.json", &input);
    // One damaged line: a reject each run would add again if the file were new.
    let mut lines =
        std::fs::read(root().join("fixtures/reddit/RS_northline.ndjson")).expect("fixture");
    lines.extend_from_slice(b"{\"id\": 1\n");
    write(&input, "RS_broken.ndjson", &lines);
    let absolute = input.display().to_string();
    let mut rejects_seen = Vec::new();
    for spelling in ["in", "./in", absolute.as_str(), "in/../in/"] {
        let (code, err) = cli(
            dir.path(),
            &[
                os("run"),
                os("-q"),
                os("--input"),
                os(spelling),
                os("--out"),
                os("out"),
            ],
            120,
        );
        assert!(
            matches!(code, Some(0) | Some(3)),
            "{spelling}: {code:?} {err}"
        );
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(cur(&dir.path().join("out")).join("_run.json"))
                .expect("manifest"),
        )
        .expect("json");
        rejects_seen.push(rejects(&dir.path().join("out")).len());
        if spelling != "in" {
            assert_eq!(manifest["mode"], "unchanged", "{spelling}");
        }
    }
    assert_eq!(rejects_seen, [1, 1, 1, 1]);
}

/// A support team's export through pandas or a spreadsheet: integer ids written as
/// floats (`3.0`, `1.2e+18`), a lone CR inside an unquoted field of an LF file.
fn support_config(file: &Path, out: &Path) -> Config {
    let mut cfg = config(&[file.to_path_buf()], out);
    cfg.accounts = vec![socialpulse::config::AccountConfig {
        platform: "twitter".into(),
        handle: "AgencyHelp".into(),
        ..Default::default()
    }];
    cfg.mappings = vec![socialpulse::config::MappingConfig {
        name: "support".into(),
        platform: Some("twitter".into()),
        id: "tweet_id".into(),
        text: "text".into(),
        timestamp: "created_at".into(),
        author: Some("author_id".into()),
        reply_to: Some("in_response_to_tweet_id".into()),
        ..Default::default()
    }];
    cfg
}

#[test]
fn float_ids_from_spreadsheets_still_link_replies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = "tweet_id,author_id,created_at,text,in_response_to_tweet_id\n\
3.0,rider1,2026-11-02T08:00:00Z,@AgencyHelp is the 7:10 running?,\n\
4.0,AgencyHelp,2026-11-02T08:12:00Z,@rider1 yes on time,3.0\n\
1.2e+18,rider2,2026-11-02T09:00:00Z,@AgencyHelp lost my card,\n\
1200000000000000001,AgencyHelp,2026-11-02T09:30:00Z,@rider2 we can help,1.2e+18\n";
    let file = write(dir.path(), "support.csv", csv.as_bytes());
    let got = socialpulse::pipeline::collect(&support_config(&file, dir.path()), &pseudo())
        .expect("collect");
    let mut ids: Vec<(&str, Option<&str>)> = got
        .posts
        .iter()
        .map(|p| (p.post_id.as_str(), p.reply_to_id.as_deref()))
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            ("1200000000000000000", None),
            ("1200000000000000001", Some("1200000000000000000")),
            ("3", None),
            ("4", Some("3")),
        ]
    );
}

#[test]
fn replies_that_link_to_nothing_are_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut csv = String::from("tweet_id,author_id,created_at,text,in_response_to_tweet_id\n");
    for i in 0..12 {
        csv.push_str(&format!(
            "{},rider{i},2026-11-02T08:{i:02}:00Z,@AgencyHelp question {i}?,\n",
            100 + i
        ));
        // Replies naming ids that were mangled on the way (not one links).
        csv.push_str(&format!(
            "{},AgencyHelp,2026-11-02T09:{i:02}:00Z,@rider{i} answer,x{}\n",
            200 + i,
            100 + i
        ));
    }
    let file = write(dir.path(), "support.csv", csv.as_bytes());
    let out = dir.path().join("out");
    let report = run(&support_config(&file, &out));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("none of the 12 replies")),
        "{:?}",
        report.warnings
    );
    let manifest = std::fs::read_to_string(cur(&out).join("_run.json")).expect("manifest");
    assert!(manifest.contains("\"warnings\""), "{manifest}");
}

#[test]
fn a_lone_cr_inside_an_unquoted_field_is_part_of_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = "tweet_id,author_id,created_at,text,in_response_to_tweet_id\n\
1,rider1,2026-11-02T08:00:00Z,first line\rsecond line,\n\
2,rider2,2026-11-02T08:05:00Z,another,\n";
    let file = write(dir.path(), "support.csv", csv.as_bytes());
    let got = socialpulse::pipeline::collect(&support_config(&file, dir.path()), &pseudo())
        .expect("collect");
    assert!(got.rejects.is_empty(), "{:?}", got.rejects);
    assert_eq!(got.posts.len(), 2);
    assert!(got
        .posts
        .iter()
        .any(|p| p.text == "first line\rsecond line"));
}

/// A run that lost part of a file (a cut compressed stream) publishes what it read but
/// says so: exit 5, `_run.json` `status` and `inputs_lost`, and with `--log-format
/// json` one JSON event per line from start to exit.
#[test]
fn losing_part_of_a_file_has_its_own_exit_code_and_events() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    copy_fixture("mastodon/statuses.json", &input);
    let mut lines = String::new();
    let text = std::fs::read_to_string(root().join("fixtures/reddit/RS_northline.ndjson"))
        .expect("fixture");
    for i in 0..200 {
        for l in text.lines() {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("json");
            v["id"] = format!("{}{i}", v["id"].as_str().unwrap_or("x")).into();
            lines.push_str(&v.to_string());
            lines.push('\n');
        }
    }
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(lines.as_bytes()).expect("gzip");
    let gz = z.finish().expect("gzip");
    write(&input, "RS_cut.ndjson.gz", &gz[..gz.len() / 2]);
    let cfg = in_folder_config(dir.path());
    let (code, err) = cli(dir.path(), &[os("run"), os("-q"), cfg.as_os_str()], 60);
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("warning: 1 input(s) could not be read whole"),
        "{err}"
    );
    let out = dir.path().join("out");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cur(&out).join("_run.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["status"], "inputs_lost");
    assert_eq!(manifest["inputs_lost"], 1);
    assert!(published(&out) > 2, "what was read is published");
    // The same as events: the file is read again (it failed), so the status repeats.
    let o = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
        .current_dir(dir.path())
        .args(["run", "--log-format", "json"])
        .arg(&cfg)
        .env("SOCIALPULSE_KEY", "hostile-test-key-0123456789")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(5));
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let names: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(names.first(), Some(&"start"));
    assert_eq!(names.last(), Some(&"exit"));
    assert!(names.contains(&"input") && names.contains(&"warning") && names.contains(&"publish"));
    let exit = events.last().expect("exit");
    assert_eq!(
        (exit["code"].as_i64(), exit["status"].as_str()),
        (Some(5), Some("inputs_lost"))
    );
    // A config error is an event too, and exit 2.
    let o = Command::new(env!("CARGO_BIN_EXE_socialpulse"))
        .args(["run", "--log-format", "json", "/no/such/pipeline.toml"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    let last: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .last()
            .expect("a line"),
    )
    .expect("json");
    assert_eq!(last["status"], "usage");
}

/// Dates at the edge of the calendar, and years no export holds (10000, -1, 2099, a
/// mistyped century): each is a reject naming its file, line and the setting, in any
/// reporting time zone, and no table, partition or report figure sees them. The report's
/// period and counts are those of the plausible posts.
#[test]
fn impossible_post_times_are_rejects_and_nothing_panics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let next_year = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026)
        + 1;
    let times = [
        "2026-11-03T08:00:00Z",
        "+262142-12-31T23:59:59Z",
        "-262143-01-01T00:00:00Z",
        "+10000-01-01T00:00:00Z",
        "-0001-06-01T00:00:00Z",
        "2099-06-01T00:00:00Z",
        "1926-11-03T08:00:00Z",
        "2026-11-04T09:30:00Z",
    ];
    let mut ndjson = String::new();
    let mut csv = String::from("mid,body,at\n");
    for (i, t) in times.iter().enumerate() {
        ndjson += &format!("{{\"mid\":\"n{i}\",\"body\":\"is the ferry late?\",\"at\":\"{t}\"}}\n");
        csv += &format!("c{i},is the ferry late?,{t}\n");
    }
    let a = write(dir.path(), "mapped.ndjson", ndjson.as_bytes());
    let b = write(dir.path(), "mapped.csv", csv.as_bytes());
    for zone in ["UTC", "Pacific/Auckland"] {
        let out = dir.path().join(format!("out-{}", zone.replace('/', "-")));
        let mut cfg = config(&[a.clone(), b.clone()], &out);
        cfg.metrics.timezone = zone.parse().expect("zone");
        cfg.mappings = vec![socialpulse::config::MappingConfig {
            name: "inbox".into(),
            platform: Some("twitter".into()),
            id: "mid".into(),
            text: "body".into(),
            timestamp: "at".into(),
            ..Default::default()
        }];
        let report = run(&cfg);
        assert_eq!(report.posts_written, 4, "{zone}");
        assert_eq!(report.rejects, 12, "{zone}");
        let got = rejects(&out);
        for file in ["mapped.ndjson", "mapped.csv"] {
            let lines: Vec<(i64, &str)> = got
                .iter()
                .filter(|r| r.0.ends_with(file))
                .map(|r| (r.1, r.3.as_str()))
                .collect();
            let first = i64::from(file.ends_with(".csv")) + 1;
            assert_eq!(lines.len(), 6, "{zone} {file}: {lines:?}");
            for (k, (line, reason)) in lines.iter().enumerate() {
                let want_line = first + [1, 2, 3, 4, 5, 6][k];
                assert_eq!(*line, want_line, "{zone} {file}: {lines:?}");
                let future = matches!(k, 0 | 2 | 4);
                let setting = if future {
                    "input.future_days"
                } else {
                    "input.earliest"
                };
                assert!(
                    reason.contains(setting),
                    "{zone} {file} line {line}: {reason}"
                );
            }
        }
        // Partitions are the plausible days only, named as every reader expects.
        let mut parts: Vec<String> = std::fs::read_dir(cur(&out).join("posts"))
            .expect("posts")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
            .collect();
        parts.sort();
        assert_eq!(parts, ["date=2026-11-03", "date=2026-11-04"], "{zone}");
        let page = std::fs::read_to_string(out.join("report.html")).expect("report");
        assert!(
            page.contains("data-metric=\"posts_in\" data-format=\"int\" data-value=\"4\""),
            "{zone}"
        );
        assert!(page.contains("data-end=\"2026-11-04\""), "{zone}");
        for bad in ["2099-".to_string(), format!("{next_year}-")] {
            if let Some(at) = page.find(&bad) {
                panic!(
                    "{zone}: {bad} in {}",
                    &page[at.saturating_sub(200)..at + 50]
                );
            }
        }
    }
}

/// One unbroken 1 MB token in a post with no language: the analysis stays linear (the
/// language identifier sees a bounded prefix), so it takes a fraction of a second where
/// it took over a minute. The bound is loose on purpose: this guards against the
/// quadratic case, it does not measure speed (benches/ do).
#[test]
fn one_huge_token_is_analysed_in_bounded_time() {
    use socialpulse::analysis::Analyzer;
    let cfg = Config::load(&root().join("pipelines/example.toml")).expect("config");
    let analyzer = Analyzer::new(&cfg).expect("analyzer");
    for token in [
        "é".repeat(512 * 1024),
        "a".repeat(1 << 20),
        "ж".repeat(512 * 1024),
    ] {
        let mut p = socialpulse::model::Post::new(
            "twitter",
            "1".into(),
            1_793_000_000_000_000,
            token.clone(),
        );
        let t = std::time::Instant::now();
        analyzer.analyse(&mut p);
        let took = t.elapsed();
        assert!(
            took < std::time::Duration::from_secs(5),
            "{} bytes took {took:?}",
            token.len()
        );
    }
}

/// Sniffing judges on records, not on a head of blank lines or one odd first line: a
/// file whose first 300 KiB are blank lines keeps its posts (at their true lines), and
/// an NDJSON file whose first line is a metadata object loses only that line.
#[test]
fn blank_heads_and_metadata_lines_do_not_drop_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = std::fs::read_to_string(root().join("fixtures/reddit/RS_northline.ndjson"))
        .expect("fixture");
    let blank = "\n".repeat(300 * 1024);
    let a = write(
        dir.path(),
        "RS_blank_head.ndjson",
        format!("{blank}{lines}").as_bytes(),
    );
    let b = write(
        dir.path(),
        "RS_with_metadata.ndjson",
        format!("{{\"export\":\"listening-tool\",\"version\":2,\"records\":2}}\n{lines}")
            .as_bytes(),
    );
    for (file, first_post_line) in [(&a, 300 * 1024 + 1), (&b, 2)] {
        let c = collect_paths(std::slice::from_ref(file));
        assert_eq!(c.posts.len(), 2, "{}: {:?}", file.display(), c.rejects);
        let mut at: Vec<u64> = c.posts.iter().map(|p| p.source_position).collect();
        at.sort();
        assert_eq!(
            at,
            [first_post_line, first_post_line + 1],
            "{}",
            file.display()
        );
        assert_eq!(c.inputs[0].error, None, "{}", file.display());
    }
    let c = collect_paths(std::slice::from_ref(&b));
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(
        (c.rejects[0].position, c.inputs[0].format.as_str()),
        (1, "reddit")
    );
}

/// Tiny files that would exhaust memory: a 3 KB workbook whose two cells sit at A1 and
/// XFD1048576 (a dense sheet of 17 billion cells), and a zstd JSON document that
/// expands to gigabytes. Each is a reject naming the limit, the rest of the run goes on,
/// and the run stays small (under a 4 GiB address-space limit in the CLI run).
#[test]
fn tiny_bombs_are_rejects_that_name_their_limit() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Message ID").expect("cell");
    sheet.write_string(1_048_575, 16_383, "x").expect("cell");
    std::fs::write(
        input.join("bomb.xlsx"),
        book.save_to_buffer().expect("xlsx"),
    )
    .expect("write");
    // `[` and then 2 GiB of spaces, compressed to a few kilobytes.
    let mut enc = zstd::Encoder::new(Vec::new(), 19).expect("zstd");
    use std::io::Write;
    enc.write_all(b"[").expect("write");
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..2048 {
        enc.write_all(&spaces).expect("write");
    }
    enc.write_all(b"]").expect("write");
    std::fs::write(input.join("bomb.json.zst"), enc.finish().expect("zstd")).expect("write");
    copy_fixture("reddit/RS_northline.ndjson", &input);
    let out = dir.path().join("out");
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -v 4194304 && exec {} run -q --input {} --out {}",
            env!("CARGO_BIN_EXE_socialpulse"),
            input.display(),
            out.display()
        ))
        .env("SOCIALPULSE_KEY", "hostile-test-key-0123456789")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(5), "{err}");
    let got = rejects(&out);
    let reason = |file: &str| {
        got.iter()
            .find(|r| r.0.ends_with(file))
            .map(|r| r.3.clone())
            .unwrap_or_else(|| panic!("no reject for {file}: {got:?}"))
    };
    let xlsx = reason("bomb.xlsx");
    assert!(xlsx.contains("input.max_sheet_cells"), "{xlsx}");
    let doc = reason("bomb.json.zst");
    assert!(doc.contains("input.max_document_mb"), "{doc}");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cur(&out).join("_run.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["posts_written"], 2);
}

/// The disk filling while the report is written: the tables are published (exit 0),
/// and the failed report is a warning in `_run.json` and in the JSON log, not silence.
/// Needs a tmpfs of a chosen size (root on Linux, as CI runs); skipped elsewhere.
#[cfg(target_os = "linux")]
#[test]
fn a_report_the_disk_cannot_hold_is_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mnt = dir.path().join("out");
    std::fs::create_dir_all(&mnt).expect("mkdir");
    let mount = |size: u64| {
        Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success())
    };
    let umount = || {
        let _ = Command::new("umount").arg(&mnt).status();
    };
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_socialpulse"))
            .args(["run", "-q", "--log-format", "json"])
            .arg(root().join("pipelines/example.toml"))
            .arg("--out")
            .arg(&mnt)
            .env("SOCIALPULSE_KEY", "hostile-test-key-0123456789")
            .output()
            .expect("run")
    };
    if !mount(64 << 20) {
        eprintln!("skipped: no tmpfs can be mounted here (needs root)");
        return;
    }
    // How much a whole run takes, and how much of it is the report.
    let o = run();
    let used = {
        let out = Command::new("df")
            .args(["-B1", "--output=used"])
            .arg(&mnt)
            .output();
        String::from_utf8_lossy(&out.expect("df").stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u64>().ok())
            .expect("df used")
    };
    let report = std::fs::metadata(mnt.join("current/report.html")).map_or(0, |m| m.len());
    umount();
    assert_eq!(o.status.code(), Some(0));
    assert!(report > 16 << 10, "report of {report} bytes");
    // Room for everything but half the report.
    assert!(mount(used - report / 2));
    let o = run();
    let manifest = std::fs::read_to_string(mnt.join("current/_run.json"));
    umount();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&manifest.expect("published manifest")).expect("json");
    let warned =
        |w: &str| w.starts_with("the report was not written (") && w.contains("No space left");
    assert!(
        manifest["warnings"]
            .as_array()
            .is_some_and(|ws| ws.iter().any(|w| w.as_str().is_some_and(warned))),
        "{}",
        manifest["warnings"]
    );
    let log = String::from_utf8_lossy(&o.stdout);
    assert!(
        log.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .any(|e| e["event"] == "warning" && e["message"].as_str().is_some_and(warned)),
        "{log}"
    );
}
