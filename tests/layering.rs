//! The code's imports flow one way, as the data does: no module imports, directly or
//! through others, a module that imports it back. Checked at two levels, from the source
//! text (every `crate::name`, `super::name` and `use crate::{..}` group):
//! - the crate's top-level modules (`model`, `config`, `sources`, `pipeline`, ...);
//! - the files and folders beside each other inside one folder (`mod.rs`, which declares
//!   them, is the folder itself and not a sibling).

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Names that `text` reaches through `prefix::name` or a `use prefix::{a, b::c}` group.
fn referenced(text: &str, prefix: &str) -> BTreeSet<String> {
    let path = Regex::new(&format!(r"\b{prefix}::(\w+)")).expect("regex");
    let group = Regex::new(&format!(r"\b{prefix}::\{{([^}}]*)\}}")).expect("regex");
    let word = Regex::new(r"(?:^|[,{\s])(\w+)").expect("regex");
    let mut names: BTreeSet<String> = path.captures_iter(text).map(|c| c[1].to_string()).collect();
    for g in group.captures_iter(text) {
        names.extend(word.captures_iter(&g[1]).map(|c| c[1].to_string()));
    }
    names
}

/// A cycle in `graph`, as the list of nodes around it, if there is one.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &Graph,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let at = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut c = stack[at..].to_vec();
                c.push(n.to_string());
                return Some(c);
            }
            Some(_) => return None,
            None => {}
        }
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut state, &mut Vec::new()))
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn top_level_modules_import_one_way() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let top = |p: &Path| -> String {
        let rel = p.strip_prefix(&root).expect("under src");
        let first = rel.components().next().expect("a component");
        stem(Path::new(first.as_os_str()))
    };
    let modules: BTreeSet<String> = files.iter().map(|p| top(p)).collect();
    let mut graph = Graph::new();
    for f in &files {
        let me = top(f);
        if me == "main" || me == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(f).expect("source file");
        for n in referenced(&text, "crate") {
            if n != me && modules.contains(&n) {
                graph.entry(me.clone()).or_default().insert(n);
            }
        }
    }
    assert!(
        graph.contains_key("pipeline"),
        "the scan found the pipeline's imports"
    );
    if let Some(c) = cycle(&graph) {
        panic!(
            "top-level modules import each other in a circle: {}",
            c.join(" -> ")
        );
    }
}

#[test]
fn sibling_files_import_one_way() {
    let mut dirs = vec![src()];
    let mut checked = 0;
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        dirs.extend(entries.iter().filter(|p| p.is_dir()).cloned());
        let siblings: BTreeSet<String> = entries
            .iter()
            .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
            .map(|p| stem(p))
            .filter(|s| s != "mod" && s != "lib" && s != "main")
            .collect();
        let rel = dir.strip_prefix(src()).expect("under src");
        let crate_path = std::iter::once("crate".to_string())
            .chain(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned()),
            )
            .collect::<Vec<_>>()
            .join("::");
        let mut graph = Graph::new();
        for f in entries.iter().filter(|p| p.is_file()) {
            let me = stem(f);
            if !siblings.contains(&me) {
                continue;
            }
            let text = std::fs::read_to_string(f).expect("source file");
            let mut names = referenced(&text, "super");
            if crate_path != "crate" {
                names.extend(referenced(&text, &crate_path));
            }
            for n in names {
                if n != me && siblings.contains(&n) {
                    graph.entry(me.clone()).or_default().insert(n);
                }
            }
        }
        checked += 1;
        if let Some(c) = cycle(&graph) {
            panic!(
                "files in {} import each other in a circle: {}",
                dir.display(),
                c.join(" -> ")
            );
        }
    }
    assert!(checked > 5, "the scan walked the source folders");
}

#[test]
fn the_check_finds_a_circle() {
    let mut g = Graph::new();
    g.entry("model".into()).or_default().insert("report".into());
    g.entry("report".into())
        .or_default()
        .insert("pipeline".into());
    g.entry("pipeline".into())
        .or_default()
        .insert("model".into());
    assert_eq!(
        cycle(&g).map(|c| c.join(" -> ")),
        Some("model -> report -> pipeline -> model".to_string())
    );
    let uses = "use crate::{config::Config, model::Post};\nfn f() { crate::report::x(); }";
    assert_eq!(
        referenced(uses, "crate").into_iter().collect::<Vec<_>>(),
        ["config", "model", "report"]
    );
}
