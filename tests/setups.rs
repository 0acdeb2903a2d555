//! Real setups read right, or said out loud: accounts from the data, one mapping applied
//! the same way on every reader path, direction columns, kinds that mean what they say,
//! and the run's warnings when the data and the config disagree.

mod common;

use common::*;
use socialpulse::config::{Config, MappingConfig};
use socialpulse::model::{Direction, Kind, Post};
use socialpulse::pipeline::{self, collect, RunOptions};
use std::path::{Path, PathBuf};

fn hootsuite_inbound() -> PathBuf {
    root().join("fixtures/hootsuite/inbound_northline_2026-11.csv")
}

fn accounts_of(posts: &[Post]) -> Vec<(String, Direction, Option<String>, bool)> {
    let mut v: Vec<_> = posts
        .iter()
        .map(|p| {
            (
                p.post_id.clone(),
                p.direction,
                p.account.clone(),
                p.addressed,
            )
        })
        .collect();
    v.sort();
    v
}

/// Hootsuite's inbound export names the page each message went to (`Facebook Page`):
/// that page is the post's account, declared or not, and the post is addressed to it.
#[test]
fn the_page_an_export_names_is_the_account_declared_or_not() {
    let transit = Some("Northline Transit".to_string());
    let ferries = Some("Northline Ferries".to_string());
    let expected = vec![
        (
            "104857600000001_300000000000002".into(),
            Direction::Inbound,
            transit.clone(),
            true,
        ),
        (
            "104857600000002_300000000000005".into(),
            Direction::Inbound,
            ferries.clone(),
            true,
        ),
        (
            "200000000000001_300000000000001".into(),
            Direction::Inbound,
            transit.clone(),
            true,
        ),
        (
            "200000000000010_300000000000004".into(),
            Direction::Inbound,
            ferries.clone(),
            true,
        ),
        (
            "m_mid.300000000000003".into(),
            Direction::Inbound,
            transit.clone(),
            true,
        ),
    ];
    // The example declares "Northline Transit" on every platform, as the default: the
    // messages to the other page are not the default's.
    let c = collect(&config_for(&[hootsuite_inbound()]), &pseudo()).expect("collect");
    assert_eq!(accounts_of(&c.posts), expected);
    // With no [[accounts]] at all, every message still has its page.
    let mut cfg = config_for(&[hootsuite_inbound()]);
    cfg.accounts.clear();
    let c = collect(&cfg, &pseudo()).expect("collect");
    assert_eq!(accounts_of(&c.posts), expected);
    // A declared page keeps its declared spelling.
    let mut cfg = config_for(&[hootsuite_inbound()]);
    cfg.accounts[6].handle = "NORTHLINE TRANSIT".into();
    let c = collect(&cfg, &pseudo()).expect("collect");
    assert_eq!(
        find(&c, "m_mid.300000000000003").account.as_deref(),
        Some("NORTHLINE TRANSIT")
    );
}

fn quiet() -> RunOptions {
    RunOptions {
        quiet: true,
        ..RunOptions::default()
    }
}

fn setup_config(inputs: &[PathBuf], out: &Path) -> Config {
    run_config(inputs, out, "SOCIALPULSE_SETUPS_TEST_KEY")
}

fn warnings_of(cfg: &Config) -> Vec<String> {
    pipeline::run(cfg, &quiet()).expect("run").warnings
}

/// The run says, in its warnings, what the data says beyond the config.
#[test]
fn undeclared_pages_missing_accounts_and_no_outbound_are_warned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = setup_config(&[hootsuite_inbound()], &dir.path().join("a"));
    cfg.accounts.clear();
    let w = warnings_of(&cfg);
    let undeclared = w
        .iter()
        .find(|w| w.contains("[[accounts]] does not declare"))
        .unwrap_or_else(|| panic!("{w:?}"));
    assert!(
        undeclared.starts_with("5 post(s) belong to 2 own page(s)"),
        "{undeclared}"
    );
    assert!(
        undeclared.contains("facebook:Northline Ferries (2), facebook:Northline Transit (3)"),
        "{undeclared}"
    );
    assert!(
        w.iter()
            .any(|w| w.starts_with("no post is outbound and no [[accounts]] are declared: all 5")),
        "{w:?}"
    );
    // Declared as the example declares them: only the other page is named.
    let cfg = setup_config(&[hootsuite_inbound()], &dir.path().join("b"));
    let w = warnings_of(&cfg);
    assert!(
        w.iter().any(|w| w.starts_with(
            "2 post(s) belong to 1 own page(s) or profile(s) the exports name that [[accounts]] does not declare; they are counted under the names the exports give: facebook:Northline Ferries (2)"
        )),
        "{w:?}"
    );
    assert!(
        !w.iter().any(|w| w.contains("no post is outbound")),
        "{w:?}"
    );
    // Inbound posts no account takes.
    let ndjson = write(
        dir.path(),
        "inbox.ndjson",
        b"{\"mid\":\"1\",\"body\":\"is the ferry on time?\",\"at\":\"2026-11-03T08:00:00Z\",\"who\":\"pat\"}\n\
          {\"mid\":\"2\",\"body\":\"thanks!\",\"at\":\"2026-11-03T09:00:00Z\",\"who\":\"sam\"}\n",
    );
    let mut cfg = setup_config(&[ndjson], &dir.path().join("c"));
    cfg.accounts.retain(|a| !a.default);
    cfg.mappings = vec![mapping("inbox", "mid", "body", "at")];
    cfg.mappings[0].author = Some("who".into());
    let w = warnings_of(&cfg);
    assert!(
        w.iter()
            .any(|w| w.starts_with("2 of 2 inbound post(s) have no account")),
        "{w:?}"
    );
}

fn mapping(name: &str, id: &str, text: &str, timestamp: &str) -> MappingConfig {
    MappingConfig {
        name: name.into(),
        platform: Some("intranet".into()),
        id: id.into(),
        text: text.into(),
        timestamp: timestamp.into(),
        ..MappingConfig::default()
    }
}

/// A config whose only account is the support desk on the `intranet` platform.
fn support_config(inputs: &[PathBuf], m: MappingConfig) -> Config {
    let mut cfg = config_for(inputs);
    cfg.accounts.clear();
    cfg.mappings = vec![m];
    cfg
}

/// A direction column decides inbound and outbound: the common spellings, yes/no
/// answers by the column's name, and values the mapping lists.
#[test]
fn a_mapped_direction_column_decides_direction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = write(
        dir.path(),
        "support.csv",
        b"ticket,message,created,agent,inbound,way,reply_to\n\
          t1,My card was charged twice,2026-11-03T08:00:00Z,,True,received,\n\
          t2,Sorry about that: refunded today,2026-11-03T08:30:00Z,Jo (support),False,sent,t1\n\
          t3,Where is the lost property office?,2026-11-03T09:00:00Z,,1,IN,\n\
          t4,Level 2 of Central station,2026-11-03T09:05:00Z,Ana (support),0,Out,t3\n",
    );
    let mut m = mapping("support", "ticket", "message", "created");
    m.author = Some("agent".into());
    m.reply_to = Some("reply_to".into());
    let directions = |m: MappingConfig| -> Vec<(String, Direction)> {
        let c =
            collect(&support_config(std::slice::from_ref(&csv), m), &pseudo()).expect("collect");
        assert!(c.rejects.is_empty(), "{:?}", c.rejects);
        let mut v: Vec<_> = c
            .posts
            .iter()
            .map(|p| (p.post_id.clone(), p.direction))
            .collect();
        v.sort();
        v
    };
    let expected = vec![
        ("t1".to_string(), Direction::Inbound),
        ("t2".to_string(), Direction::Outbound),
        ("t3".to_string(), Direction::Inbound),
        ("t4".to_string(), Direction::Outbound),
    ];
    // Without a direction column every post is the public's.
    assert!(directions(m.clone())
        .iter()
        .all(|(_, d)| *d == Direction::Inbound));
    let mut by_bool = m.clone();
    by_bool.direction = Some("inbound".into());
    assert_eq!(directions(by_bool), expected);
    let mut by_word = m.clone();
    by_word.direction = Some("way".into());
    assert_eq!(directions(by_word), expected);
    // Values of the export's own, listed.
    let csv2 = write(
        dir.path(),
        "desk.csv",
        b"ticket,message,created,from\nt1,Hello?,2026-11-03T08:00:00Z,customer\nt2,Hi!,2026-11-03T08:01:00Z,desk\n",
    );
    let mut listed = mapping("desk", "ticket", "message", "created");
    listed.direction = Some("from".into());
    listed.inbound_values = vec!["Customer".into()];
    listed.outbound_values = vec!["desk".into()];
    let c = collect(
        &support_config(std::slice::from_ref(&csv2), listed.clone()),
        &pseudo(),
    )
    .expect("collect");
    let mut got: Vec<_> = c
        .posts
        .iter()
        .map(|p| (p.post_id.clone(), p.direction))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("t1".to_string(), Direction::Inbound),
            ("t2".to_string(), Direction::Outbound)
        ]
    );
    // An unlisted value is a reject that says what to do.
    listed.outbound_values.clear();
    let c = collect(&support_config(&[csv2], listed), &pseudo()).expect("collect");
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert!(
        c.rejects[0]
            .reason
            .contains("in column `from` means neither inbound nor outbound: list it in the mapping's inbound_values or outbound_values"),
        "{}",
        c.rejects[0].reason
    );
    // A yes/no column whose name does not say which it means is not guessed.
    let csv3 = write(
        dir.path(),
        "flagged.csv",
        b"ticket,message,created,flag\nt1,Hello?,2026-11-03T08:00:00Z,true\n",
    );
    let mut unnamed = mapping("flagged", "ticket", "message", "created");
    unnamed.direction = Some("flag".into());
    let c = collect(&support_config(&[csv3], unnamed), &pseudo()).expect("collect");
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
}

/// The columns of a mapping that uses every key, and four records: a reply, a direct
/// message holding an e-mail address, an outbound post, and one with counts.
const HEADER: [&str; 19] = [
    "Msg", "Body", "When", "Net", "Handle", "UserId", "Link", "Lang", "Parent", "Thread", "Type",
    "Likes", "Shares", "Replies", "Quotes", "Views", "Vis", "Page", "Dir",
];
const ROWS: [[&str; 19]; 4] = [
    [
        "m1",
        "Is the 14 running? @NorthlineTransit",
        "2026-11-03T08:00:00Z",
        "Twitter",
        "@rider_one",
        "u1",
        "https://example.org/m1",
        "en",
        "",
        "m1",
        "post",
        "3",
        "1",
        "0",
        "",
        "120",
        "public",
        "NorthlineTransit",
        "in",
    ],
    [
        "m2",
        "my email is rider@example.org, please call",
        "2026-11-03T08:10:00Z",
        "Twitter",
        "rider_two",
        "u2",
        "",
        "en",
        "",
        "",
        "message",
        "",
        "",
        "",
        "",
        "",
        "direct",
        "NorthlineHelp",
        "in",
    ],
    [
        "m3",
        "Yes, it is running 5 min late.",
        "2026-11-03T08:20:00Z",
        "Twitter",
        "NorthlineTransit",
        "u9",
        "https://example.org/m3",
        "en",
        "m1",
        "m1",
        "reply",
        "",
        "",
        "",
        "",
        "",
        "public",
        "NorthlineTransit",
        "out",
    ],
    [
        "m4",
        "Lovely new trains",
        "2026-11-04T10:00:00Z",
        "Facebook",
        "Rider Three",
        "u3",
        "",
        "en",
        "",
        "",
        "comment",
        "1,204",
        "12.5K",
        "2",
        "1",
        "3",
        "public",
        "Northline Transit",
        "in",
    ],
];

fn every_key() -> MappingConfig {
    let col = |c: &str| Some(c.to_string());
    MappingConfig {
        name: "every-key".into(),
        platform_column: col("Net"),
        id: "Msg".into(),
        text: "Body".into(),
        timestamp: "When".into(),
        timestamp_format: "rfc3339".into(),
        author: col("Handle"),
        author_id: col("UserId"),
        url: col("Link"),
        lang: col("Lang"),
        reply_to: col("Parent"),
        conversation: col("Thread"),
        kind: col("Type"),
        likes: col("Likes"),
        reposts: col("Shares"),
        replies: col("Replies"),
        quotes: col("Quotes"),
        views: col("Views"),
        visibility: col("Vis"),
        account: col("Page"),
        direction: col("Dir"),
        ..MappingConfig::default()
    }
}

/// Posts with what only says where they were read from blanked.
fn comparable(posts: &[Post]) -> Vec<String> {
    let mut v: Vec<String> = posts
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.source_file = String::new();
            p.source_position = 0;
            format!("{p:?}")
        })
        .collect();
    v.sort();
    v
}

/// One mapping, applied one way: the same records as CSV, NDJSON (the flat fast path),
/// NDJSON with a dotted key (the tree path), a JSON document and an XLSX workbook give
/// the same posts, every key of the mapping honoured on each.
#[test]
fn every_mapping_key_gives_the_same_posts_on_every_path() {
    use rust_xlsxwriter::Workbook;
    // The mapping's column list covers every column key (none can be left out of a
    // path's list again).
    let m = every_key();
    assert_eq!(m.columns().as_slice(), HEADER);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut csv = HEADER.join(",") + "\n";
    let mut ndjson = String::new();
    let mut array = Vec::new();
    for r in ROWS {
        let quoted: Vec<String> = r.iter().map(|v| format!("\"{v}\"")).collect();
        csv += &(quoted.join(",") + "\n");
        let obj: serde_json::Map<String, serde_json::Value> = HEADER
            .iter()
            .zip(r)
            .map(|(h, v)| (h.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        ndjson += &(serde_json::Value::Object(obj.clone()).to_string() + "\n");
        array.push(serde_json::Value::Object(obj));
    }
    let nested: String = array
        .iter()
        .map(|o| {
            let mut o = o.clone();
            let handle = o["Handle"].take();
            o["Handle"] = serde_json::json!({ "name": handle });
            o.to_string() + "\n"
        })
        .collect();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet
                .write_string(r as u32 + 1, c as u16, *v)
                .expect("cell");
        }
    }
    let paths = [
        write(dir.path(), "export.csv", csv.as_bytes()),
        write(dir.path(), "export.ndjson", ndjson.as_bytes()),
        write(
            dir.path(),
            "export.json",
            serde_json::Value::Array(array).to_string().as_bytes(),
        ),
        write(
            dir.path(),
            "export.xlsx",
            &book.save_to_buffer().expect("xlsx"),
        ),
        write(dir.path(), "nested.ndjson", nested.as_bytes()),
    ];
    let read = |p: &PathBuf, m: MappingConfig| {
        let mut cfg = config_for(std::slice::from_ref(p));
        cfg.mappings = vec![m];
        let c = collect(&cfg, &pseudo()).expect("collect");
        assert!(c.rejects.is_empty(), "{}: {:?}", p.display(), c.rejects);
        assert_eq!(c.posts.len(), 4, "{}", p.display());
        c.posts
    };
    let from_csv = read(&paths[0], every_key());
    for p in &paths[1..4] {
        assert_eq!(
            comparable(&read(p, every_key())),
            comparable(&from_csv),
            "{}",
            p.display()
        );
    }
    let mut dotted = every_key();
    dotted.author = Some("Handle.name".into());
    assert_eq!(comparable(&read(&paths[4], dotted)), comparable(&from_csv));
    // Every key was honoured: the values each one gives.
    let by_id = |id: &str| {
        from_csv
            .iter()
            .find(|p| p.post_id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let (m1, m2, m3, m4) = (by_id("m1"), by_id("m2"), by_id("m3"), by_id("m4"));
    assert_eq!(m1.platform, "twitter");
    assert_eq!(m1.created_at, ts("2026-11-03T08:00:00Z"));
    assert_eq!(
        m1.author_handle,
        Some(pseudo().pseudonym("twitter", "rider_one"))
    );
    assert_eq!(m1.author_id, Some(pseudo().pseudonym("twitter", "u1")));
    // The link names no one on X only in its handle-free form: the source's link is
    // kept sealed for staff.
    assert!(m1.link.is_some() && m1.url.is_none(), "{m1:?}");
    assert_eq!(m1.lang.as_deref(), Some("en"));
    assert_eq!(m1.conversation_id.as_deref(), Some("m1"));
    assert_eq!(m1.counts.likes, Some(3));
    assert_eq!(m1.counts.reposts, Some(1));
    assert_eq!(m1.counts.replies, Some(0));
    assert_eq!(m1.counts.quotes, None);
    assert_eq!(m1.counts.views, Some(120));
    assert_eq!(m1.account.as_deref(), Some("NorthlineTransit"));
    assert_eq!(m1.direction, Direction::Inbound);
    assert_eq!(m1.visibility.as_deref(), Some("public"));
    // The direct message: withheld, its text never kept, its account the one it went to.
    assert_eq!(m2.visibility.as_deref(), Some("direct"));
    assert!(m2.withheld);
    assert_eq!(m2.account.as_deref(), Some("NorthlineHelp"));
    // The direction column says outbound, whatever the accounts say.
    assert_eq!(m3.direction, Direction::Outbound);
    assert_eq!(m3.kind, Kind::Reply);
    assert_eq!(m3.reply_to_id.as_deref(), Some("m1"));
    assert_eq!(m3.author_handle.as_deref(), Some("NorthlineTransit"));
    assert_eq!(m4.kind, Kind::Comment);
    assert_eq!(m4.counts.likes, Some(1204));
    assert_eq!(m4.counts.reposts, Some(12_500));
    assert_eq!(m4.account.as_deref(), Some("Northline Transit"));
}

/// Through a full run, the direct message of a mapped NDJSON export is withheld: no
/// text in `posts`, and not counted in `daily_volume`, as through CSV.
#[test]
fn a_mapped_ndjson_direct_message_is_withheld_from_the_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ndjson: String = ROWS
        .iter()
        .map(|r| {
            let obj: serde_json::Map<String, serde_json::Value> = HEADER
                .iter()
                .zip(r)
                .map(|(h, v)| (h.to_string(), serde_json::Value::String(v.to_string())))
                .collect();
            serde_json::Value::Object(obj).to_string() + "\n"
        })
        .collect();
    let input = write(dir.path(), "export.ndjson", ndjson.as_bytes());
    let out = dir.path().join("out");
    let mut cfg = setup_config(&[input], &out);
    cfg.mappings = vec![every_key()];
    pipeline::run(&cfg, &quiet()).expect("run");
    // Published: every table and the report (the nightly state keeps a withheld post's
    // text for re-analysis, as it does for CSV).
    for f in files_under(&cur(&out)) {
        if f.components().any(|c| c.as_os_str() == "_state") {
            continue;
        }
        let b = std::fs::read(&f).expect("read");
        let hay = String::from_utf8_lossy(&b);
        assert!(
            !hay.contains("rider@example.org") && !hay.contains("please call"),
            "{}",
            f.display()
        );
    }
    use arrow::array::{Int64Array, StringArray};
    let mut inbound_twitter = 0;
    for b in read_table(&cur(&out).join("daily_volume")) {
        let platform: StringArray = column(&b, "platform");
        let direction: StringArray = column(&b, "direction");
        let n: Int64Array = column(&b, "posts");
        for i in 0..b.num_rows() {
            if platform.value(i) == "twitter" && direction.value(i) == "inbound" {
                inbound_twitter += n.value(i);
            }
        }
    }
    assert_eq!(inbound_twitter, 1);
}

/// A user's mapping that fits an NDJSON file wins over content detection: `id`, `text`
/// and `author_id` look like X API v2, but the mapping says how to read the file.
#[test]
fn a_fitting_mapping_wins_over_content_detection() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(
        dir.path(),
        "tickets.ndjson",
        b"{\"id\":\"501\",\"text\":\"Bus 14 never came\",\"author_id\":\"77\",\"opened\":\"2026-11-03 08:00\"}\n\
          {\"id\":\"502\",\"text\":\"Thanks for the refund\",\"author_id\":\"78\",\"opened\":\"2026-11-03 09:30\"}\n",
    );
    let mut m = mapping("tickets", "id", "text", "opened");
    m.timestamp_format = "%Y-%m-%d %H:%M".into();
    m.author_id = Some("author_id".into());
    let c = collect(&support_config(&[input], m), &pseudo()).expect("collect");
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    assert_eq!(c.inputs[0].format, "generic-ndjson");
    let mut got: Vec<_> = c
        .posts
        .iter()
        .map(|p| (p.post_id.as_str(), p.platform.as_str(), p.created_at))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("501", "intranet", ts("2026-11-03T08:00:00Z")),
            ("502", "intranet", ts("2026-11-03T09:30:00Z")),
        ]
    );
}

/// A post never replies to itself: a `reply_to_id` equal to its own id is dropped, the
/// post is not a reply, and the run counts it in its warnings.
#[test]
fn a_post_that_replies_to_itself_is_not_a_reply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(
        dir.path(),
        "threads.ndjson",
        b"{\"mid\":\"1\",\"body\":\"first\",\"at\":\"2026-11-03T08:00:00Z\",\"parent\":\"1\"}\n\
          {\"mid\":\"2\",\"body\":\"second\",\"at\":\"2026-11-03T08:05:00Z\",\"parent\":\"1\"}\n",
    );
    let mut m = mapping("threads", "mid", "body", "at");
    m.reply_to = Some("parent".into());
    let cfg = support_config(std::slice::from_ref(&input), m.clone());
    let c = collect(&cfg, &pseudo()).expect("collect");
    let first = find(&c, "1");
    assert_eq!(
        (first.reply_to_id.as_deref(), first.kind),
        (None, Kind::Original)
    );
    let second = find(&c, "2");
    assert_eq!(
        (second.reply_to_id.as_deref(), second.kind),
        (Some("1"), Kind::Reply)
    );
    let mut cfg = setup_config(&[input], &dir.path().join("out"));
    cfg.mappings = vec![m];
    let w = warnings_of(&cfg);
    assert!(
        w.iter().any(|w| w.starts_with(
            "1 post(s) named themselves as the post they reply to: that link was dropped"
        )),
        "{w:?}"
    );
}

/// Every built-in layout's kinds and replies, over its real-structure fixture, as
/// docs/formats.md ("How kinds and replies are read, per layout") gives them.
#[test]
fn every_layout_reads_kinds_and_replies_as_documented() {
    type Kinds = Vec<(String, &'static str, Option<String>)>;
    let kinds = |path: &str| -> (String, Kinds) {
        // (some fixtures hold a deliberately broken record: a reject, not a post)
        let c = fixtures(&[path]);
        let mut v: Kinds = c
            .posts
            .iter()
            .map(|p| (p.post_id.clone(), p.kind.as_str(), p.reply_to_id.clone()))
            .collect();
        v.sort();
        (c.inputs[0].format.clone(), v)
    };
    let originals = |path: &str, format: &str| {
        let (f, v) = kinds(path);
        assert_eq!(f, format, "{path}");
        assert!(!v.is_empty(), "{path}");
        for (id, kind, reply) in v {
            assert_eq!((kind, reply), ("original", None), "{path}: {id}");
        }
    };
    originals(
        "crowdtangle/facebook_northline_2026-11.csv",
        "crowdtangle-facebook",
    );
    originals(
        "crowdtangle/instagram_northline_2026-11.csv",
        "crowdtangle-instagram",
    );
    originals("hootsuite/posts_northline_2026-11.csv", "hootsuite-posts");
    originals(
        "meta-content-library/facebook_posts_northline.csv",
        "meta-content-library",
    );
    originals("listening/brandwatch_mentions.ndjson", "generic-ndjson");
    let s = |x: &str| x.to_string();
    let (f, v) = kinds("hootsuite/inbound_northline_2026-11.csv");
    assert_eq!(f, "hootsuite-inbound");
    assert_eq!(
        v,
        [
            (s("104857600000001_300000000000002"), "original", None),
            (s("104857600000002_300000000000005"), "original", None),
            (s("200000000000001_300000000000001"), "comment", None),
            (s("200000000000010_300000000000004"), "comment", None),
            (s("m_mid.300000000000003"), "original", None),
        ]
    );
    let (f, v) = kinds("listening/sprout_inbox_export.csv");
    assert_eq!(f, "sprout-social");
    assert_eq!(
        v.iter()
            .map(|(_, k, r)| (*k, r.clone()))
            .collect::<Vec<_>>(),
        [("comment", None), ("reply", None), ("original", None)]
    );
    let (f, v) = kinds("talkwalker/northline_documents.csv");
    assert_eq!(f, "talkwalker");
    assert_eq!(
        v,
        [
            (s("1853700000000000101"), "original", None),
            (
                s("1853700000000000102"),
                "reply",
                Some(s("1853700000000000101"))
            ),
            (s("1853700000000000103"), "repost", None),
            (
                s("https://www.instagram.com/p/DCn0rthT4lk/"),
                "original",
                None
            ),
        ]
    );
}

/// Sprout Social's `Profile` is the own profile a message is in: its account, and a
/// message from that profile is outbound, declared or not.
#[test]
fn sprout_profiles_are_accounts_and_their_own_messages_outbound() {
    let path = root().join("fixtures/listening/sprout_inbox_export.csv");
    let mut cfg = config_for(&[path]);
    cfg.accounts.clear();
    let c = collect(&cfg, &pseudo()).expect("collect");
    let mut got: Vec<(String, Direction, Option<String>)> = c
        .posts
        .iter()
        .map(|p| (p.post_id.clone(), p.direction, p.account.clone()))
        .collect();
    got.sort();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got,
        [
            (
                "ig_17900000000000001".into(),
                Direction::Inbound,
                s("northlinetransit")
            ),
            (
                "ig_17900000000000002".into(),
                Direction::Outbound,
                s("northlinetransit")
            ),
            (
                "li_7260000000000000003".into(),
                Direction::Outbound,
                s("Northline Transit")
            ),
        ]
    );
}

fn report_of(cfg: &Config) -> String {
    pipeline::run(cfg, &quiet()).expect("run");
    std::fs::read_to_string(cfg.output.dir.join("report.html")).expect("report")
}

/// The `div.kpi` of a metric, as the page writes it.
fn kpi<'a>(page: &'a str, metric: &str) -> Option<&'a str> {
    let at = page.find(&format!("data-metric=\"{metric}\""))?;
    let rest = &page[at..];
    Some(&rest[..rest.find("</div></div>").map_or(rest.len(), |e| e + 12)])
}

/// An export without reply links (Hootsuite's inbound messages): `responsiveness` has
/// no rate, with the reason, and the report says "not measurable" instead of 0.0%;
/// without `[cost]` no cost card is shown.
#[test]
fn a_rate_nothing_links_to_and_a_cost_nobody_configured_are_not_shown_as_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let mut cfg = setup_config(&[hootsuite_inbound()], &out);
    cfg.cost = Default::default();
    let page = report_of(&cfg);
    use arrow::array::{Array, Float64Array, Int64Array, StringArray};
    let mut rows = 0;
    for b in read_table(&cur(&out).join("responsiveness")) {
        let rate: Float64Array = column(&b, "response_rate");
        let why: StringArray = column(&b, "unmeasured_reason");
        let need: Int64Array = column(&b, "needs_response");
        for i in 0..b.num_rows() {
            assert!(rate.is_null(i));
            assert_eq!(why.value(i), "no_linked_response");
            rows += need.value(i);
        }
    }
    assert_eq!(rows, 5);
    let card = kpi(&page, "response_rate").expect("response rate card");
    assert!(card.contains("not measurable"), "{card}");
    assert!(card.contains("(5 needing a response)"), "{card}");
    assert!(!card.contains("0.0%"), "{card}");
    assert!(kpi(&page, "cost_per_response").is_none());
    assert!(kpi(&page, "net_benefit").is_none());
    assert!(!page.contains("NZD 0.00"));
    // With [cost], the cards are there.
    let cfg = setup_config(&[hootsuite_inbound()], &dir.path().join("costed"));
    let page = report_of(&cfg);
    assert!(kpi(&page, "cost_per_response").is_some());
    assert!(kpi(&page, "net_benefit").is_some());
}

/// The latest day, not over when the run started, holds part of a day's posts: the
/// report leaves it out of the period and says so.
#[test]
fn a_day_still_in_progress_is_left_out_of_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let now = chrono::Utc::now();
    let day = |back: i64| {
        (now - chrono::Duration::days(back))
            .format("%Y-%m-%d")
            .to_string()
    };
    let mut lines = String::new();
    for back in 0..4 {
        lines += &format!(
            "{{\"mid\":\"{back}\",\"body\":\"is the ferry running?\",\"at\":\"{}T00:00:00Z\"}}\n",
            day(back)
        );
    }
    let input = write(dir.path(), "inbox.ndjson", lines.as_bytes());
    let mut cfg = setup_config(&[input], &dir.path().join("out"));
    cfg.metrics.timezone = Default::default();
    cfg.report.period_days = 1;
    cfg.mappings = vec![mapping("inbox", "mid", "body", "at")];
    let page = report_of(&cfg);
    let today = day(0);
    assert!(
        page.contains(&format!("{today} is left out of the figures and charts")),
        "{page}"
    );
    assert!(
        page.contains(&format!("data-end=\"{}\"", day(1))),
        "the period ends the day before"
    );
    // A day that has ended is not partial.
    let mut lines = String::new();
    for back in 1..4 {
        lines += &format!(
            "{{\"mid\":\"{back}\",\"body\":\"is the ferry running?\",\"at\":\"{}T00:00:00Z\"}}\n",
            day(back)
        );
    }
    let input = write(dir.path(), "past.ndjson", lines.as_bytes());
    let mut cfg2 = cfg.clone();
    cfg2.input.paths = vec![input];
    cfg2.output.dir = dir.path().join("past");
    let page = report_of(&cfg2);
    assert!(!page.contains("is left out of the figures"));
    assert!(page.contains(&format!("data-end=\"{}\"", day(1))));
}

/// A mapping column the header lacks names the header's nearest column.
#[test]
fn a_mapping_column_not_in_the_header_names_the_closest_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(
        dir.path(),
        "support.csv",
        b"ticket,text,created_at\nt1,hello,2026-11-03T08:00:00Z\n",
    );
    let m = mapping("support", "Ticket ", "Text", "created");
    let c = collect(&support_config(&[input], m), &pseudo()).expect("collect");
    assert_eq!(c.rejects.len(), 1);
    let reason = &c.rejects[0].reason;
    assert!(
        reason.ends_with(
            "; mapping `support`: column `Ticket ` is not in the header; did you mean `ticket`?; column `Text` is not in the header; did you mean `text`?; column `created` is not in the header; did you mean `created_at`?"
        ),
        "{reason}"
    );
}

/// An error that asks for `--full` names the setting that changed; `@Handle` and
/// `Handle` are the same account, not a change.
#[test]
fn a_change_that_needs_full_names_the_setting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = setup_config(&[root().join("fixtures/reddit")], &dir.path().join("out"));
    pipeline::run(&cfg, &quiet()).expect("first run");
    // The same handles written with an `@`: nothing to redo.
    for a in &mut cfg.accounts {
        a.handle = format!("@{}", a.handle);
    }
    let r = pipeline::run(&cfg, &quiet()).expect("an @ is no change");
    assert_eq!(r.mode, "unchanged");
    cfg.accounts.push(socialpulse::config::AccountConfig {
        platform: "reddit".into(),
        handle: "someone_else".into(),
        ..Default::default()
    });
    let e = pipeline::run(&cfg, &quiet()).expect_err("accounts changed");
    let msg = e.to_string();
    assert!(
        msg.contains(
            ": [[accounts]] changed since the stored posts were read; stored posts cannot follow"
        ),
        "{msg}"
    );
    assert!(msg.contains("--full"), "{msg}");
    cfg.accounts.pop();
    cfg.privacy.keep_public_identities = true;
    let msg = pipeline::run(&cfg, &quiet())
        .expect_err("privacy")
        .to_string();
    assert!(
        msg.contains(": privacy.keep_public_identities changed since"),
        "{msg}"
    );
    // Another key: named, with what --full would do to the pseudonyms.
    cfg.privacy.keep_public_identities = false;
    cfg.privacy.key_file = Some(write(
        dir.path(),
        "other.key",
        b"another-key-0123456789abcdef",
    ));
    let msg = pipeline::run(&cfg, &quiet()).expect_err("key").to_string();
    assert!(
        msg.contains(": the pseudonymisation key changed since the stored posts were read (a --full run under another key changes every pseudonym"),
        "{msg}"
    );
}

/// A column of a fitting mapping that the header lacks would be empty in every row: the
/// run warns, naming the file, the column and the header's nearest one.
#[test]
fn a_mapped_column_the_header_lacks_is_warned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(
        dir.path(),
        "desk.csv",
        b"ticket,text,created,author\nt1,hello,2026-11-03T08:00:00Z,pat\n",
    );
    let mut m = mapping("desk", "ticket", "text", "created");
    m.author = Some("Author".into());
    m.lang = Some("language".into());
    let mut cfg = setup_config(std::slice::from_ref(&input), &dir.path().join("out"));
    cfg.mappings = vec![m];
    let w = warnings_of(&cfg);
    let file = input.display().to_string();
    let name = file.rsplit('/').next().unwrap_or_default().to_string();
    assert!(
        w.iter().any(|w| w.ends_with(&format!(
            "{name}: mapping `desk`: column `Author` is not in the header, so it is empty in every row; did you mean `author`?"
        ))),
        "{w:?}"
    );
    assert!(
        w.iter().any(|w| w.ends_with(
            "mapping `desk`: column `language` is not in the header, so it is empty in every row"
        )),
        "{w:?}"
    );
}
