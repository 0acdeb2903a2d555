//! Bad input never aborts a run and never disappears: each case ends as a reject
//! naming the file, position and reason, and every good record still lands.

mod common;
use common::*;
use flate2::write::GzEncoder;
use socialpulse::model::PositionKind;
use std::io::Write;

fn reddit_line(i: usize) -> String {
    format!(
        "{{\"id\":\"c{i:05}\",\"author\":\"rider{i}\",\"created_utc\":{},\"body\":\"Bus {i} was on time today, great job\",\"link_id\":\"t3_x\",\"parent_id\":\"t3_x\",\"score\":1,\"subreddit\":\"northline\"}}\n",
        1_793_700_000 + i * 60
    )
}

#[test]
fn truncated_gzip_keeps_the_records_before_the_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        gz.write_all(reddit_line(i).as_bytes()).expect("gzip");
    }
    let full = gz.finish().expect("gzip");
    let cut = &full[..full.len() / 2];
    let path = write(dir.path(), "RC_cut.ndjson.gz", cut);
    let c = collect_paths(&[path]);
    assert!(
        c.posts.len() > 100 && c.posts.len() < 2000,
        "kept {} posts",
        c.posts.len()
    );
    // Every kept post is complete and in order: ids c00000..c0NNNN without holes.
    for (i, p) in c.posts.iter().enumerate() {
        assert_eq!(p.post_id, format!("t1_c{i:05}"));
    }
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    let r = &c.rejects[0];
    assert!(r.source_file.ends_with("RC_cut.ndjson.gz"));
    assert!(
        r.reason.starts_with("file ends early or is corrupt"),
        "{}",
        r.reason
    );
    assert_eq!(r.position_kind, PositionKind::Line);
    assert_eq!(
        r.position,
        c.posts.len() as u64 + 1,
        "the first line not read"
    );
    assert_eq!(c.inputs[0].error.as_deref(), Some(r.reason.as_str()));
}

#[test]
fn invalid_json_line_in_the_middle_of_ndjson() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut body = String::new();
    for i in 0..5 {
        body.push_str(&reddit_line(i));
    }
    body.push_str("{\"id\": \"broken\", \"body\": \"no closing brace\"\n");
    for i in 5..10 {
        body.push_str(&reddit_line(i));
    }
    let path = write(dir.path(), "RC.ndjson", body.as_bytes());
    let c = collect_paths(&[path]);
    assert_eq!(c.posts.len(), 10);
    assert_eq!(c.rejects.len(), 1);
    assert_eq!(
        (c.rejects[0].position, c.rejects[0].position_kind),
        (6, PositionKind::Line)
    );
    assert!(
        c.rejects[0].reason.starts_with("invalid JSON"),
        "{}",
        c.rejects[0].reason
    );
    // By default the excerpt keeps the record's shape, not its values (docs/privacy.md).
    assert_eq!(
        c.rejects[0].raw_excerpt,
        "{\"id\": \"xxxxxx\", \"body\": \"xx xxxxxxx xxxxx\""
    );
}

#[test]
fn wrong_encoding_line_is_rejected_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut body = reddit_line(0).into_bytes();
    // "café" in Latin-1: 0xE9 is not valid UTF-8.
    body.extend_from_slice(b"{\"id\":\"latin\",\"author\":\"x\",\"created_utc\":1793700000,\"body\":\"caf\xe9 bus\",\"link_id\":\"t3_x\",\"parent_id\":\"t3_x\",\"subreddit\":\"northline\"}\n");
    body.extend_from_slice(reddit_line(1).as_bytes());
    let path = write(dir.path(), "RC_latin1.ndjson", &body);
    let c = collect_paths(&[path]);
    assert_eq!(c.posts.len(), 2);
    assert_eq!(c.rejects.len(), 1);
    assert_eq!(c.rejects[0].position, 2);
    assert!(
        c.rejects[0].reason.starts_with("invalid UTF-8"),
        "{}",
        c.rejects[0].reason
    );
    assert!(c.rejects[0].raw_excerpt.contains("\"xxx\u{fffd} xxx\""));
}

/// Exports saved as UTF-16 with a byte order mark (little or big endian) read as UTF-8
/// would; without the mark they are a clear file reject.
#[test]
fn utf16_files_read_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = "Message ID,Network,Timestamp (UTC),Message,Message Type\n\
               m1,Twitter,11/03/2026 06:45,Ngā mihi — the 7:10 ferry was on time,Comment\n";
    let utf16 = |bom: Option<[u8; 2]>, le: bool| {
        let mut bytes: Vec<u8> = bom.map(Vec::from).unwrap_or_default();
        for u in csv.encode_utf16() {
            bytes.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        bytes
    };
    for (name, bytes) in [
        ("le.csv", utf16(Some([0xFF, 0xFE]), true)),
        ("be.csv", utf16(Some([0xFE, 0xFF]), false)),
    ] {
        let c = collect_paths(&[write(dir.path(), name, &bytes)]);
        assert!(c.rejects.is_empty(), "{name}: {:?}", c.rejects);
        assert_eq!(c.posts.len(), 1, "{name}");
        assert_eq!(c.posts[0].text, "Ngā mihi — the 7:10 ferry was on time");
        assert_eq!(c.posts[0].post_id, "m1");
    }
    let path = write(dir.path(), "no_bom.csv", &utf16(None, true));
    let c = collect_paths(&[path]);
    assert!(c.posts.is_empty());
    assert_eq!(c.rejects.len(), 1);
    assert!(
        c.rejects[0]
            .reason
            .contains("UTF-16 without a byte order mark"),
        "{}",
        c.rejects[0].reason
    );
}

#[test]
fn missing_timestamp_is_a_record_reject() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut body = reddit_line(0);
    body.push_str("{\"id\":\"nots\",\"author\":\"x\",\"body\":\"when?\",\"link_id\":\"t3_x\",\"parent_id\":\"t3_x\",\"subreddit\":\"northline\",\"created_utc\":null}\n");
    let path = write(dir.path(), "RC.ndjson", body.as_bytes());
    let c = collect_paths(&[path]);
    assert_eq!(c.posts.len(), 1);
    assert_eq!(c.rejects.len(), 1);
    assert_eq!(c.rejects[0].reason, "missing or unparseable created_utc");
    assert_eq!(c.rejects[0].position, 2);
}

#[test]
fn empty_and_binary_files_are_file_rejects_and_the_rest_lands() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "empty.json", b"");
    write(dir.path(), "blank.ndjson", b"\n\n  \n");
    let binary: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    write(dir.path(), "photo.jpg", &binary);
    write(
        dir.path(),
        "notes.txt",
        b"Meeting notes: ask about the fare review\n",
    );
    write(dir.path(), "good.ndjson", reddit_line(7).as_bytes());
    let c = collect_paths(&[dir.path().to_path_buf()]);
    assert_eq!(c.posts.len(), 1, "the good file still lands");
    let by_file = |name: &str| {
        c.rejects
            .iter()
            .find(|r| r.source_file.ends_with(name))
            .unwrap_or_else(|| panic!("no reject for {name}: {:?}", c.rejects))
            .reason
            .clone()
    };
    assert_eq!(by_file("empty.json"), "empty file: no records");
    assert_eq!(by_file("blank.ndjson"), "empty file: no records");
    assert_eq!(
        by_file("photo.jpg"),
        "binary content (NUL bytes): not a text export (or UTF-16 without a byte order mark: re-export it as UTF-8)"
    );
    assert!(
        by_file("notes.txt").starts_with("unrecognised format"),
        "{}",
        by_file("notes.txt")
    );
    assert_eq!(c.rejects.len(), 4);
}

/// A document cut part way keeps the records complete before the cut; one reject names
/// the file and the byte where it broke.
#[test]
fn truncated_json_document_keeps_the_records_before_the_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = std::fs::read(root().join("fixtures/mastodon/outbox.json")).expect("fixture");
    let cut = &full[..full.len() / 2];
    write(dir.path(), "outbox.json", cut);
    // Activities are the objects indented by four spaces; the cut falls inside the
    // second, which starts at its `{`.
    let text = std::str::from_utf8(cut).expect("utf8");
    let broke_at = text
        .match_indices("\n    {")
        .nth(1)
        .map(|(i, _)| i + 5)
        .expect("second activity starts before the cut");
    let c = collect_paths(&[dir.path().to_path_buf()]);
    let ids: Vec<&str> = c.posts.iter().map(|p| p.post_id.as_str()).collect();
    assert_eq!(ids, ["113400000000000001"]);
    assert_eq!(c.rejects.len(), 1);
    let r = &c.rejects[0];
    assert!(r.source_file.ends_with("outbox.json"));
    assert_eq!(
        (r.position, r.position_kind.as_str()),
        (broke_at as u64, "byte")
    );
    assert!(
        r.reason.starts_with("invalid JSON document: EOF")
            && r.reason
                .ends_with("the 1 complete records before it were kept"),
        "{}",
        r.reason
    );
}

/// Lines are read a batch ahead while the previous batch is parsed: every batch size
/// gives the same posts, in the same order, and the same rejects with the same line
/// numbers, for a whole file and for one cut short.
#[test]
fn batch_size_changes_nothing_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut body = String::new();
    for i in 0..50 {
        body.push_str(&reddit_line(i));
        match i % 7 {
            0 => body.push('\n'),
            3 => body.push_str("{not json\n"),
            _ => {}
        }
    }
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(body.as_bytes()).expect("gzip");
    let full = gz.finish().expect("gzip");
    let whole = write(dir.path(), "RC_whole.ndjson.gz", &full);
    let cut = write(dir.path(), "RC_cut.ndjson.gz", &full[..full.len() * 2 / 3]);
    for path in [whole, cut] {
        let read = |batch_size: usize| {
            let mut cfg = config_for(std::slice::from_ref(&path));
            cfg.run.batch_size = batch_size;
            let c = socialpulse::pipeline::collect(&cfg, &pseudo()).expect("collect");
            let ids: Vec<(String, u64)> = c
                .posts
                .iter()
                .map(|p| (p.post_id.clone(), p.source_position))
                .collect();
            let rejects: Vec<(u64, String)> = c
                .rejects
                .iter()
                .map(|r| (r.position, r.reason.clone()))
                .collect();
            (ids, rejects)
        };
        let one_batch = read(100_000);
        assert!(one_batch.0.len() >= 20, "{}", one_batch.0.len());
        assert!(!one_batch.1.is_empty());
        for batch_size in [1, 2, 3, 7, 64] {
            assert_eq!(
                read(batch_size),
                one_batch,
                "batch size {batch_size}, {path:?}"
            );
        }
    }
}
