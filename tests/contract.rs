//! The output contract stays written down: the data dictionary (docs/data-dictionary.md)
//! lists exactly the columns, types and nullability of every table a run writes, and the
//! configuration page (docs/configuration.md) lists exactly the keys of `Config`.

mod common;

use arrow::datatypes::{DataType, TimeUnit};
use common::root;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use socialpulse::config::{
    AccountConfig, ClassifierConfig, Config, CostItem, EscalationRule, FollowerCount,
    MappingConfig, TopicConfig,
};
use socialpulse::pipeline::{self, RunOptions, TABLES};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Columns of one table as the docs or the files give them: name → (type, nullable).
type Columns = BTreeMap<String, (String, bool)>;

fn doc(name: &str) -> String {
    std::fs::read_to_string(root().join("docs").join(name)).expect("docs page")
}

/// The type as the data dictionary spells it.
fn doc_type(t: &DataType) -> String {
    match t {
        DataType::Utf8 => "utf8".into(),
        DataType::Int64 => "int64".into(),
        DataType::Int32 => "int32".into(),
        DataType::Float64 => "float64".into(),
        DataType::Boolean => "bool".into(),
        DataType::Date32 => "date32".into(),
        DataType::Timestamp(TimeUnit::Microsecond, Some(tz)) => format!("timestamp[us, {tz}]"),
        DataType::List(f) => format!("list<{}>", doc_type(f.data_type())),
        other => format!("{other:?}"),
    }
}

/// Every `## \`table\`` section's `| column | type | null | meaning |` rows.
fn documented_tables() -> BTreeMap<String, Columns> {
    let mut out: BTreeMap<String, Columns> = BTreeMap::new();
    let mut table: Option<String> = None;
    let mut in_columns = false;
    for line in doc("data-dictionary.md").lines() {
        if let Some(rest) = line.strip_prefix("## ") {
            table = rest
                .strip_prefix('`')
                .and_then(|r| r.split('`').next())
                .filter(|t| !t.contains('.'))
                .map(str::to_string);
            in_columns = false;
            continue;
        }
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells.first() == Some(&"column") {
            assert_eq!(
                &cells[..3],
                &["column", "type", "null"],
                "column tables have a null column: {line}"
            );
            in_columns = true;
            continue;
        }
        if !line.starts_with('|') {
            in_columns = false;
            continue;
        }
        if let (true, Some(t)) = (in_columns, &table) {
            if cells[0].starts_with("---") {
                continue;
            }
            let nullable = match cells[2] {
                "yes" => true,
                "no" => false,
                other => panic!("{t}.{}: null must be yes or no, not {other:?}", cells[0]),
            };
            let prev = out
                .entry(t.clone())
                .or_default()
                .insert(cells[0].to_string(), (cells[1].to_string(), nullable));
            assert!(prev.is_none(), "{t}.{} documented twice", cells[0]);
        }
    }
    out
}

fn first_parquet(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            if let Some(p) = first_parquet(&e) {
                return Some(p);
            }
        } else if e.extension().is_some_and(|x| x == "parquet") {
            return Some(e);
        }
    }
    None
}

/// Run the example pipeline and read the schema of every table from its files.
fn written_tables() -> BTreeMap<String, Columns> {
    let out = tempfile::tempdir().expect("tempdir");
    let mut cfg = Config::load(&root().join("pipelines/example.toml")).expect("config");
    cfg.output.dir = out.path().to_path_buf();
    cfg.privacy.key_env = "SOCIALPULSE_CONTRACT_TEST_KEY_UNSET".into();
    pipeline::run(
        &cfg,
        &RunOptions {
            quiet: true,
            ..RunOptions::default()
        },
    )
    .expect("example run");
    TABLES
        .iter()
        .map(|t| {
            let file = first_parquet(&out.path().join("current").join(t))
                .unwrap_or_else(|| panic!("table {t} has no Parquet file"));
            let reader =
                ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).expect("open"))
                    .expect("parquet");
            let cols = reader
                .schema()
                .fields()
                .iter()
                .map(|f| (f.name().clone(), (doc_type(f.data_type()), f.is_nullable())))
                .collect();
            (t.to_string(), cols)
        })
        .collect()
}

#[test]
fn data_dictionary_equals_the_written_tables() {
    let docs = documented_tables();
    let written = written_tables();
    let doc_names: BTreeSet<&String> = docs.keys().collect();
    let table_names: BTreeSet<&String> = written.keys().collect();
    assert_eq!(
        doc_names, table_names,
        "documented tables vs tables written"
    );
    let mut problems = Vec::new();
    for (table, cols) in &written {
        let documented = &docs[table];
        for (name, (ty, nullable)) in cols {
            match documented.get(name) {
                None => problems.push(format!("{table}.{name} ({ty}) is not documented")),
                Some(d) if d != &(ty.clone(), *nullable) => problems.push(format!(
                    "{table}.{name}: written {ty} null={nullable}, documented {} null={}",
                    d.0, d.1
                )),
                _ => {}
            }
        }
        for name in documented.keys().filter(|n| !cols.contains_key(*n)) {
            problems.push(format!("{table}.{name} is documented but not written"));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// Dotted keys of a serialised config; array-of-tables fields as `name[].field`.
fn keys(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                keys(v, &key, out);
            }
        }
        serde_json::Value::Array(items) if items.iter().any(|i| i.is_object()) => {
            for i in items {
                keys(i, &format!("{prefix}[]"), out);
            }
        }
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

#[test]
fn configuration_page_lists_every_config_key() {
    // One entry in every array of tables, so their fields serialise too.
    let mut cfg = Config::default();
    cfg.accounts.push(AccountConfig::default());
    // Keys left out while unset (so fingerprints stay as they were) are set here.
    cfg.mappings.push(MappingConfig {
        visibility: Some("Type".into()),
        account: Some("Page".into()),
        own_posts: true,
        direction: Some("Direction".into()),
        inbound_values: vec!["in".into()],
        outbound_values: vec!["out".into()],
        ..MappingConfig::default()
    });
    cfg.input.timezone = Some("UTC".parse().expect("zone"));
    cfg.input.earliest = "2001-01-01".parse().expect("date");
    cfg.input.future_days = 7;
    cfg.input.max_document_mb = 64;
    cfg.report
        .priority_names
        .insert("1".into(), "Self-harm".into());
    cfg.input.max_sheet_cells = 1000;
    cfg.topics.push(TopicConfig::default());
    cfg.escalation.push(EscalationRule::default());
    cfg.cost.items.push(CostItem::default());
    cfg.followers.push(FollowerCount::default());
    cfg.classifiers.push(ClassifierConfig::default());
    let mut in_code = BTreeSet::new();
    keys(
        &serde_json::to_value(&cfg).expect("config serialises"),
        "",
        &mut in_code,
    );
    // Tables whose keys are the user's own (a priority per key): documented as one key.
    let in_code: BTreeSet<String> = in_code
        .into_iter()
        .map(|k| match k.strip_prefix("report.priority_names.") {
            Some(_) => "report.priority_names".to_string(),
            None => k,
        })
        .collect();
    let page = doc("configuration.md");
    // The keys' table (the command line's table comes before it).
    let keys_part = page.split("\n## Keys").nth(1).unwrap_or_default();
    let in_docs: BTreeSet<String> = keys_part
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let missing: Vec<&String> = in_code.difference(&in_docs).collect();
    let extra: Vec<&String> = in_docs.difference(&in_code).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "config keys not documented: {missing:?}; documented keys that do not exist: {extra:?}"
    );
}

#[test]
fn emerging_stop_words_are_published() {
    let page = doc("data-dictionary.md");
    let start = page.find("Stop words").expect("stop-word paragraph");
    let para = &page[start..];
    let para = &para[..para.find("\n\n").unwrap_or(para.len())];
    let listed: BTreeSet<&str> = para
        .split('`')
        .nth(1)
        .expect("the list in backticks")
        .split_whitespace()
        .collect();
    let code: BTreeSet<&str> = socialpulse::analysis::emerging::STOPWORDS
        .iter()
        .copied()
        .collect();
    assert_eq!(listed, code);
}

/// docs/configuration.md's option table holds every command and every option of each
/// command's `--help`, and nothing else.
#[test]
fn configuration_page_lists_every_command_and_option() {
    let page = doc("configuration.md");
    let in_docs: BTreeSet<(String, String)> = page
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| {
            let mut cells = l.split(" | ");
            let command = cells.next()?.trim_end_matches('`');
            let option = cells.next()?;
            let option = option.trim_start_matches('`').split('`').next()?;
            option
                .starts_with("--")
                .then(|| (command.to_string(), option.to_string()))
        })
        .collect();
    let help = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_socialpulse"))
            .args(args)
            .output()
            .expect("socialpulse --help");
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let top = help(&["--help"]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect();
    assert_eq!(
        commands,
        ["run", "inspect", "report", "train", "evaluate", "generate"]
    );
    let mut in_code = BTreeSet::new();
    for c in &commands {
        assert!(
            page.contains(&format!("socialpulse {c} ")),
            "{c}: no usage line in docs/configuration.md"
        );
        for line in help(&[c, "--help"]).lines() {
            // Option lines only (`  -o, --out <OUT>  …`), not their wrapped descriptions.
            if !line.trim_start().starts_with('-') {
                continue;
            }
            let Some(long) = line.split_whitespace().find(|w| w.starts_with("--")) else {
                continue;
            };
            let long = long.trim_end_matches(',');
            if long != "--help" {
                in_code.insert((c.clone(), long.to_string()));
            }
        }
    }
    let missing: Vec<_> = in_code.difference(&in_docs).collect();
    let extra: Vec<_> = in_docs.difference(&in_code).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "options not documented: {missing:?}; documented options that do not exist: {extra:?}"
    );
}
