//! The CLI end to end on the bundled fixtures, then the output read back by pandas,
//! pyarrow, polars and duckdb (Python packages from tests/python/requirements.txt).

mod common;
use common::*;
use std::process::Command;

fn socialpulse() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_socialpulse"));
    c.env("SOCIALPULSE_KEY", "end-to-end-test-key");
    c
}

fn run_example(out: &std::path::Path) -> std::process::Output {
    socialpulse()
        .args(["run", "-q"])
        .arg(root().join("pipelines/example.toml"))
        .arg("--out")
        .arg(out)
        .output()
        .expect("run socialpulse")
}

#[test]
fn example_pipeline_output_reads_in_pandas_pyarrow_polars_duckdb() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let o = run_example(&out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "socialpulse failed: {stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("94 posts (2 duplicates removed), 10 rejects"),
        "{stdout}"
    );
    // One snapshot, the published one.
    assert!(common::unpublished(&out).is_empty());

    let py = Command::new("python3")
        .arg(root().join("tests/python/check_posts.py"))
        .arg(common::cur(&out))
        .args(["94", "10", "12"])
        .output()
        .expect("python3 must be installed (see tests/python/requirements.txt)");
    assert!(
        py.status.success(),
        "python readers disagree (install with: pip install -r tests/python/requirements.txt):\n{}{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
}

#[test]
fn rerun_gives_identical_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert!(run_example(&a).status.success());
    assert!(run_example(&b).status.success());
    let (a, b) = (common::cur(&a), common::cur(&b));
    // run_summary is one row per run (ids, durations): append-only, checked separately.
    for table in socialpulse::pipeline::TABLES
        .iter()
        .filter(|t| **t != "run_summary")
    {
        let files = |root: &std::path::Path| {
            let mut v = Vec::new();
            let mut stack = vec![root.join(table)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).expect("dir").filter_map(|e| e.ok()) {
                    if e.path().is_dir() {
                        stack.push(e.path());
                    } else {
                        v.push(e.path().strip_prefix(root).expect("prefix").to_path_buf());
                    }
                }
            }
            v.sort();
            v
        };
        let fa = files(&a);
        assert_eq!(fa, files(&b));
        for f in fa {
            assert_eq!(
                std::fs::read(a.join(&f)).expect("a"),
                std::fs::read(b.join(&f)).expect("b"),
                "{f:?} differs"
            );
        }
    }
}

#[test]
fn transit_pipeline_produces_every_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("transit");
    let o = socialpulse()
        .args(["run", "-q"])
        .arg(root().join("pipelines/transit.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for table in socialpulse::pipeline::TABLES.iter() {
        let files: Vec<_> = std::fs::read_dir(common::cur(&out).join(table))
            .unwrap_or_else(|e| panic!("{table}: {e}"))
            .filter_map(|e| e.ok())
            .collect();
        assert!(!files.is_empty(), "{table} is empty");
    }
}

#[test]
fn run_summary_appends_one_row_per_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert!(run_example(&out).status.success());
    assert!(run_example(&out).status.success());
    let parts: Vec<_> = std::fs::read_dir(common::cur(&out).join("run_summary"))
        .expect("run_summary")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".parquet"))
        .collect();
    assert_eq!(parts.len(), 2);
}

#[test]
fn quick_form_and_reject_ratio_exit_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // A CSV no preset knows and no mapping names: unrecognised → 1 reject of 1 record.
    let unknown = dir.path().join("unknown_tool.csv");
    std::fs::write(&unknown, "When,Who,What\n2026-11-03 08:00,someone,hello\n").expect("csv");
    let o = socialpulse()
        .args(["run", "-q", "--input"])
        .arg(root().join("fixtures/reddit"))
        .arg("--input")
        .arg(&unknown)
        .args(["--account", "reddit:NorthlineTransit", "--out"])
        .arg(&out)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stdout.contains("5 posts"), "{stdout}");
    // 1 reject of 6 records = 16.7% > the default 5%; but the unrecognised file is an
    // input lost (in no table until it is read whole), and that exit (5) comes first.
    assert_eq!(o.status.code(), Some(5), "{stdout}\n{stderr}");
    assert!(stderr.contains("exceeds run.max_reject_ratio"), "{stderr}");
    // The commonest reasons, with counts.
    assert!(
        stderr.contains("commonest reasons: 1 × unrecognised format"),
        "{stderr}"
    );
    assert!(
        common::cur(&out).join("posts").is_dir() && common::cur(&out).join("_run.json").is_file()
    );
    // Rejects over the ratio with every input read whole: exit 3.
    let bad_line = dir.path().join("RS_one_bad_line.ndjson");
    let good = std::fs::read_to_string(root().join("fixtures/reddit/RS_northline.ndjson"))
        .expect("fixture");
    std::fs::write(&bad_line, format!("{good}{{\"id\": \"cut\", \"title\n")).expect("ndjson");
    let o = socialpulse()
        .args(["run", "-q", "--input"])
        .arg(&bad_line)
        .arg("--out")
        .arg(dir.path().join("out3"))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("commonest reasons: 1 × invalid JSON"),
        "{stderr}"
    );

    let o = socialpulse().args(["run"]).output().expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("give a pipeline config or at least one --input"));

    // A missing config is a usage error (2), as the README says.
    let o = socialpulse()
        .args(["run", "/nonexistent/pipeline.toml"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("cannot read config /nonexistent/pipeline.toml"));

    // No readable input at all: the run fails (1) and creates nothing; on an existing
    // output, the same exit and message, and no snapshot published.
    let missing_input = |out: &std::path::Path| {
        let o = socialpulse()
            .args(["run", "--input", "/nonexistent/exports", "--out"])
            .arg(out)
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("no input files found (/nonexistent/exports: input path does not exist)"),
            "{err}"
        );
    };
    let nothing = dir.path().join("nothing-out");
    missing_input(&nothing);
    assert!(!nothing.exists());
    let before = common::cur(&out).canonicalize().expect("current");
    missing_input(&out);
    assert_eq!(common::cur(&out).canonicalize().expect("current"), before);
}

/// `socialpulse inspect` on an export no layout knows: the suggested mapping, pasted
/// into a config, reads every row; on a known layout it names it.
#[test]
fn inspect_suggests_a_mapping_that_reads_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("support.csv");
    std::fs::write(
        &csv,
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n\
         11,AgencyHelp,False,Tue Nov 03 22:10:47 +0000 2026,@rider1 We are on it.,,12\n\
         12,rider1,True,Tue Nov 03 22:08:27 +0000 2026,@AgencyHelp the 14 never came,11,\n",
    )
    .expect("csv");
    let o = socialpulse()
        .arg("inspect")
        .arg(&csv)
        .output()
        .expect("inspect");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let block = &out[out.find("\n[[mappings]]\n").expect("a mapping block") + 1..];
    let block = &block[..block.find("\n\n").expect("end of block")];
    assert!(block.contains("timestamp_format = \"twitter\""), "{out}");
    assert!(
        block.contains("reply_to = \"in_response_to_tweet_id\""),
        "{out}"
    );
    // The `inbound` column (True/False) becomes the mapping's direction.
    assert!(block.contains("direction = \"inbound\""), "{out}");
    assert!(out.contains("first 2 rows as read"), "{out}");
    let cfg = dir.path().join("pipeline.toml");
    std::fs::write(
        &cfg,
        format!(
            "[input]\npaths = [\"support.csv\"]\n[output]\ndir = \"out\"\n[run]\nprogress = false\n\n{}\n",
            block.replace("platform = \"other\"", "platform = \"twitter\"")
        ),
    )
    .expect("config");
    let o = socialpulse()
        .args(["run", "-q"])
        .arg(&cfg)
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/current/_run.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(
        (
            manifest["posts_written"].as_u64(),
            manifest["rejects"].as_u64()
        ),
        (Some(2), Some(0))
    );
    // JSON lines no reader knows: a mapping is suggested from the first records' keys.
    let ndjson = dir.path().join("tickets.ndjson");
    std::fs::write(
        &ndjson,
        "{\"ticket_id\":\"t1\",\"body\":\"the 14 never came\",\"created_at\":\"2026-11-03T08:00:00Z\"}\n\
         {\"ticket_id\":\"t2\",\"body\":\"sorry, on its way\",\"created_at\":\"2026-11-03T08:05:00Z\"}\n",
    )
    .expect("ndjson");
    let o = socialpulse()
        .arg("inspect")
        .arg(&ndjson)
        .output()
        .expect("inspect");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("JSON lines that no reader recognises"),
        "{out}"
    );
    assert!(
        out.contains("id = \"ticket_id\"\ntext = \"body\"\ntimestamp = \"created_at\""),
        "{out}"
    );
    assert!(out.contains("first 2 rows as read"), "{out}");
    let o = socialpulse()
        .arg("inspect")
        .arg(root().join("fixtures/hootsuite/posts_northline_2026-11.csv"))
        .output()
        .expect("inspect");
    assert!(String::from_utf8_lossy(&o.stdout).contains(": hootsuite-posts\nfirst 2 rows as read"));
    // The pages an export names, as an [[accounts]] block to paste.
    let o = socialpulse()
        .arg("inspect")
        .arg(root().join("fixtures/hootsuite/inbound_northline_2026-11.csv"))
        .output()
        .expect("inspect");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(
            "[[accounts]]   # 2 post(s)\nplatform = \"facebook\"\nhandle = \"Northline Ferries\"\n\n[[accounts]]   # 3 post(s)\nplatform = \"facebook\"\nhandle = \"Northline Transit\"\n"
        ),
        "{stdout}"
    );
}

/// `--help` lists the closed choices, and a value outside them is a usage error (exit 2)
/// that lists them too.
#[test]
fn help_lists_the_choices_and_a_bad_one_is_exit_2() {
    let help = socialpulse()
        .args(["generate", "--help"])
        .output()
        .expect("help");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("[possible values: ndjson, csv, twitter-v2"),
        "{text}"
    );
    assert!(
        text.contains("[possible values: none, gzip, zstd]"),
        "{text}"
    );
    let help = socialpulse()
        .args(["run", "--help"])
        .output()
        .expect("help");
    assert!(String::from_utf8_lossy(&help.stdout).contains("[possible values: text, json]"));
    let o = socialpulse()
        .args(["generate", "--format", "twiter", "--out", "/nonexistent"])
        .output()
        .expect("generate");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("possible values"));
}

/// `--threads` beyond any machine is refused at load, at once; `--dry-run` with
/// `--log-format json` prints JSON lines only, the plan among them.
#[test]
fn too_many_threads_are_refused_and_a_json_dry_run_prints_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = std::time::Instant::now();
    let o = socialpulse()
        .args(["run", "--threads", "100000", "--input"])
        .arg(root().join("fixtures/reddit"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("run.threads = 100000 is more than 1024"),
        "{err}"
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(10));
    let o = socialpulse()
        .args(["run", "--dry-run", "--log-format", "json", "--input"])
        .arg(root().join("fixtures/reddit"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .expect("dry run");
    assert_eq!(o.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    let names: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(names, ["start", "dry_run", "exit"]);
    assert_eq!(events[1]["mode"], "full");
    assert_eq!(events[1]["read"].as_array().map(Vec::len), Some(2));
    assert!(!dir.path().join("out/current").exists());
}
