//! The HTML report as a reader sees it: built by every run, rebuilt by `socialpulse
//! report`, opened in headless Chromium (tests/python/report_browser.py) where every
//! headline figure must equal duckdb's over the published tables, with no console
//! error, no request beyond the file and nothing wider than a 390 px phone. Screenshots
//! of each check go to target/report-shots/. The analyst notebook runs here too.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn socialpulse() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_socialpulse"));
    c.env("SOCIALPULSE_KEY", "report-test-key-0123456789");
    c
}

fn run(config: &Path, out: &Path) {
    let o = socialpulse()
        .args(["run", "-q"])
        .arg(config)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run socialpulse");
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn shots(name: &str) -> PathBuf {
    root().join("target/report-shots").join(name)
}

/// The browser check; its output is shown when it fails.
fn check_in_browser(out: &Path, name: &str) {
    let o = Command::new("python3")
        .arg(root().join("tests/python/report_browser.py"))
        .arg(out)
        .arg("--shots")
        .arg(shots(name))
        .output()
        .expect("python3 must be installed (see tests/python/requirements.txt)");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "browser check failed:\n{text}");
    assert!(
        text.contains("headline figures checked against duckdb"),
        "{text}"
    );
    // Accessibility (WCAG, Section 508) at both widths, by axe-core.
    for w in [390, 1280] {
        assert!(
            text.contains(&format!(" at {w} px: 0 serious or critical violations")),
            "{text}"
        );
    }
    for w in [390, 1280] {
        let shot = shots(name).join(format!("report-{w}.png"));
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "{} missing or empty", shot.display());
    }
}

/// Self-contained: no script, stylesheet, image or font fetched from anywhere.
fn assert_self_contained(page: &str) {
    for needle in [
        "<script", "<link", "<img", "src=", "@import", "url(", "<iframe",
    ] {
        assert!(!page.contains(needle), "the report holds `{needle}`");
    }
}

#[test]
fn example_report_shows_duckdbs_figures_in_chromium() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run(&root().join("pipelines/example.toml"), &out);
    let linked = std::fs::read_to_string(out.join("report.html")).expect("OUT/report.html");
    let published =
        std::fs::read_to_string(cur(&out).join("report.html")).expect("current/report.html");
    assert_eq!(linked, published);
    assert_self_contained(&published);
    // The example's escalation queue and headline block are on the page.
    assert!(published.contains(r#"data-metric="cost_per_response""#));
    assert!(published.contains("Escalation queue (times in UTC)"));
    assert!(published.contains("open post"));
    check_in_browser(&out, "example");
}

#[test]
fn report_of_100k_generated_posts_shows_duckdbs_figures_and_stays_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = generated_corpus(dir.path(), 100_000);
    let out = dir.path().join("out");
    run(&config, &out);
    let size = std::fs::metadata(out.join("report.html"))
        .expect("report")
        .len();
    // Aggregates only: far below the 2 MB a 10M-post run may use.
    assert!(size < 2_000_000, "report is {size} bytes");
    check_in_browser(&out, "generated-100k");
}

/// With a short period the report reads only the `posts` partitions the two periods can
/// hold (the example spans twelve days; two 2-day periods and their margins read six):
/// its figures still equal DuckDB's over the whole table.
#[test]
fn a_short_period_reads_only_its_partitions_and_still_shows_duckdbs_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let example = std::fs::read_to_string(root().join("pipelines/example.toml")).expect("example");
    let pipelines = root().join("pipelines");
    let text = example
        .replace(
            "paths = [\"../fixtures\"]",
            &format!("paths = [{:?}]", root().join("fixtures")),
        )
        .replace(
            "topic_files = [\"taxonomies/transit.toml\"]",
            &format!(
                "topic_files = [{:?}]",
                pipelines.join("taxonomies/transit.toml")
            ),
        )
        .replace("[report]\nperiod_days = 7", "[report]\nperiod_days = 2");
    assert!(text.contains("period_days = 2"));
    let config = dir.path().join("pipeline.toml");
    std::fs::write(&config, text).expect("config");
    let out = dir.path().join("out");
    run(&config, &out);
    let partitions = std::fs::read_dir(cur(&out).join("posts"))
        .expect("posts")
        .count();
    assert!(
        partitions > 6,
        "{partitions} partitions: the window must leave some out"
    );
    check_in_browser(&out, "example-2-days");
}

#[test]
fn report_command_rebuilds_the_runs_report_from_the_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run(&root().join("pipelines/example.toml"), &out);
    let written = std::fs::read(cur(&out).join("report.html")).expect("report");
    let copy = dir.path().join("again.html");
    let o = socialpulse()
        .arg("report")
        .arg(&out)
        .arg("-o")
        .arg(&copy)
        .output()
        .expect("report");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&copy).expect("copy"), written);
    // In place, through the link, with another period: a different page, still valid.
    let o = socialpulse()
        .arg("report")
        .arg(&out)
        .args(["--period-days", "3"])
        .output()
        .expect("report");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(page.contains("(3 days)"), "period not applied");
    assert!(page.contains(r#"data-start="2026-11-11" data-end="2026-11-13""#));
}

#[test]
fn report_of_a_directory_without_a_run_names_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = socialpulse()
        .arg("report")
        .arg(dir.path())
        .output()
        .expect("report");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("holds no published run"), "{err}");
}

#[test]
fn a_run_whose_every_record_is_rejected_still_gets_a_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(
        dir.path(),
        "bad.ndjson",
        b"{not json\n{\"also\": \"no post\"\n",
    );
    let out = dir.path().join("out");
    let o = socialpulse()
        .args(["run", "-q", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    // Published, but the input was not read whole (and rejects are over the ratio): the
    // lost input's exit, 5, comes first.
    assert_eq!(
        o.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let page = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(page.contains("The tables hold no posts yet."));
    assert!(page.contains("1 record rejected"), "rejects not reported");
}

#[test]
fn analyst_notebook_runs_against_the_example_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run(&root().join("pipelines/example.toml"), &out);
    let o = Command::new("python3")
        .args([
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
        ])
        .arg(root().join("examples/analyst.ipynb"))
        .arg("--output-dir")
        .arg(dir.path())
        .env("SOCIALPULSE_OUT", &out)
        .output()
        .expect("python3 with nbconvert (tests/python/requirements.txt)");
    assert!(
        o.status.success(),
        "notebook failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let executed =
        std::fs::read_to_string(dir.path().join("analyst.ipynb")).expect("executed notebook");
    // Every code cell ran and none raised.
    assert!(!executed.contains("\"output_type\": \"error\""));
    assert!(executed.contains("image/png"), "no chart was drawn");
}

/// Escalation priorities are named: by the rules' reasons, or by `report.priority_names`;
/// a name that is not a priority is refused at load.
#[test]
fn escalation_priorities_have_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let example = std::fs::read_to_string(root().join("pipelines/example.toml")).expect("example");
    let pipelines = root().join("pipelines");
    let base = example
        .replace(
            "../fixtures",
            &root().join("fixtures").display().to_string(),
        )
        .replace(
            "taxonomies/transit.toml",
            &pipelines
                .join("taxonomies/transit.toml")
                .display()
                .to_string(),
        );
    let run = |extra: &str, name: &str| {
        let cfg = dir.path().join(format!("{name}.toml"));
        let text = base.replace(
            "dir = \"../out/example\"",
            &format!("dir = {:?}", dir.path().join(name).display().to_string()),
        );
        std::fs::write(&cfg, format!("{text}\n{extra}")).expect("config");
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
        std::fs::read_to_string(dir.path().join(name).join("report.html")).expect("report")
    };
    let page = run("", "default");
    assert!(
        page.contains("Escalations, priority 2: Safety"),
        "names from the rules"
    );
    assert!(page.contains("Escalations, priority 4: Accessibility / Official information request"));
    let page = run(
        "[report.priority_names]\n\"2\" = \"Danger to people\"\n",
        "named",
    );
    assert!(page.contains("Escalations, priority 2: Danger to people"));
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!("{base}\n[report.priority_names]\nurgent = \"x\"\n"),
    )
    .expect("config");
    let o = socialpulse()
        .args(["run", "-q"])
        .arg(&bad)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("report.priority_names: \"urgent\" is not a priority"));
}
