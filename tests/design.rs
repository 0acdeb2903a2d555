//! docs/design.md's "What a change takes" holds: the files and registries it names
//! exist and hold what it says, every format file is registered or named as dispatched
//! by hand, and every metric file is a registered table.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The section of docs/design.md this test keeps true.
fn section() -> String {
    let doc = read("docs/design.md");
    let start = doc.find("## What a change takes").expect("the section");
    let end = doc[start + 3..]
        .find("\n## ")
        .map_or(doc.len(), |e| start + 3 + e);
    doc[start..end].to_string()
}

/// The body of `fn name` in `text` (to its first line that is a lone `}`).
fn body_of<'a>(text: &'a str, name: &str) -> &'a str {
    let start = text
        .find(&format!("fn {name}("))
        .unwrap_or_else(|| panic!("fn {name}"));
    let end = text[start..]
        .find("\n}\n")
        .map_or(text.len(), |e| start + e);
    &text[start..end]
}

fn rust_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".rs") && n != "mod.rs")
        .map(|n| n.trim_end_matches(".rs").to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn every_path_named_exists() {
    let text = section();
    let mut named = 0;
    for piece in text.split('`').skip(1).step_by(2) {
        let looks_like_path = (piece.starts_with("src/")
            || piece.starts_with("tests/")
            || piece.starts_with("docs/")
            || piece.starts_with("fixtures/"))
            && !piece.contains(' ');
        if looks_like_path {
            named += 1;
            assert!(
                root().join(piece).exists(),
                "docs/design.md names {piece}, which does not exist"
            );
        }
    }
    assert!(named >= 12, "{named} paths named");
    assert!(text.contains("CHANGELOG.md") && root().join("CHANGELOG.md").exists());
}

#[test]
fn the_named_registries_and_items_exist() {
    let metrics = read("src/metrics/mod.rs");
    let checks: [(&str, &str, &str); 12] = [
        (
            "src/sources/mod.rs",
            "pub fn line_formats(",
            "line_formats()",
        ),
        ("src/sources/mod.rs", "pub fn doc_formats(", "doc_formats()"),
        ("src/sources/mod.rs", "pub trait LineFormat", "LineFormat"),
        ("src/sources/mod.rs", "pub trait DocFormat", "DocFormat"),
        ("src/sources/presets/mod.rs", "pub fn presets(", "presets()"),
        (
            "src/pipeline/publish.rs",
            "pub const METRIC_TABLES",
            "METRIC_TABLES",
        ),
        (
            "src/metrics/mod.rs",
            "pub struct Accumulators",
            "metrics::Accumulators",
        ),
        ("src/model.rs", "pub struct Listening", "Listening"),
        (
            "src/sinks/posts.rs",
            "pub fn is_analysis_column(",
            "is_analysis_column",
        ),
        ("src/config.rs", "pub const PLATFORMS", "config::PLATFORMS"),
        (
            "src/pipeline/mod.rs",
            "pub const SCHEMA_VERSION",
            "SCHEMA_VERSION",
        ),
        ("src/analysis/mod.rs", "fn listen(", "Analyzer::listen"),
    ];
    let text = section();
    for (file, item, doc_name) in checks {
        assert!(read(file).contains(item), "{file} has no {item}");
        assert!(
            text.contains(&format!("`{doc_name}`")),
            "the section does not name {doc_name}"
        );
    }
    // Accumulators: a field, an `add` line and a `merge` line per table.
    let (add, merge) = (body_of(&metrics, "add"), body_of(&metrics, "merge"));
    let fields = [
        "volume",
        "sentiment",
        "engagement",
        "responsiveness",
        "topics",
        "labels",
    ];
    for f in fields {
        assert!(metrics.contains(&format!("pub {f}: ")), "Accumulators.{f}");
        assert!(add.contains(&format!("self.{f}.add(")), "add: {f}");
        assert!(
            merge.contains(&format!("self.{f}.merge(other.{f})")),
            "merge: {f}"
        );
    }
}

/// Every format file is in a registry, or is one of the formats the section names as
/// dispatched by hand, or one of the concerns of reading `design.md`'s layout lists.
#[test]
fn every_format_file_is_registered_or_named() {
    let sources = read("src/sources/mod.rs");
    let registries = format!(
        "{}{}",
        body_of(&sources, "line_formats"),
        body_of(&sources, "doc_formats")
    );
    let text = section();
    let concerns = [
        "detect",
        "discover",
        "documents",
        "lines",
        "json",
        "input",
        "salvage",
        "inspect",
        "flat",
    ];
    for f in rust_files(&root().join("src/sources")) {
        let registered = registries.contains(&format!("&{f}::"));
        let by_hand = text.contains(&format!("`{f}.rs`"));
        assert!(
            registered || by_hand || concerns.contains(&f.as_str()),
            "src/sources/{f}.rs is in no registry and docs/design.md does not say how it is dispatched"
        );
    }
    let presets = read("src/sources/presets/mod.rs");
    let registry = body_of(&presets, "presets");
    for f in rust_files(&root().join("src/sources/presets")) {
        assert!(
            registry.contains(&format!("{f}::")),
            "preset {f} is not in presets()"
        );
    }
}

/// Every metric file is a registered table (or feeds one: `responsiveness` also gives
/// `unanswered`).
#[test]
fn every_metric_file_is_a_registered_table() {
    let publish = read("src/pipeline/publish.rs");
    let start = publish.find("pub const METRIC_TABLES").expect("registry");
    let registry = &publish[start..];
    let registry = &registry[..registry.find("\n};").expect("end of the registry")];
    for f in rust_files(&root().join("src/metrics")) {
        assert!(
            registry.contains(&format!("name: \"{f}\"")),
            "src/metrics/{f}.rs is not a table of METRIC_TABLES"
        );
    }
    assert_eq!(
        socialpulse::pipeline::publish::METRIC_TABLES.len(),
        rust_files(&root().join("src/metrics")).len() + 1,
        "one table per metric file, and `unanswered`"
    );
}
