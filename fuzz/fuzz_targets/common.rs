// What each fuzz target does with its input, shared by the targets and by
// `tests/fuzz_corpus.rs`, which replays the committed corpora through the same code.
#![allow(dead_code)]
use socialpulse::config::Config;
use std::path::Path;
use std::sync::OnceLock;

/// The example pipeline's config (the generic CSV and NDJSON readers are reached
/// through the built-in presets of well-known exports, or a config's mappings).
pub fn config() -> &'static Config {
    static CFG: OnceLock<Config> = OnceLock::new();
    CFG.get_or_init(|| {
        let text = include_str!("../../pipelines/example.toml");
        let mut cfg: Config = toml::from_str(text).unwrap_or_default();
        cfg.topic_files.clear();
        cfg.run.batch_size = 64;
        cfg
    })
}

/// Read bytes as one input file; every outcome but a panic or a hang is fine.
pub fn read(bytes: Vec<u8>, name: &str) {
    let posts = std::sync::atomic::AtomicU64::new(0);
    let report = socialpulse::sources::read_bytes(bytes, Path::new(name), config(), &|b| {
        posts.fetch_add(b.drafts.len() as u64, std::sync::atomic::Ordering::Relaxed);
        for r in &b.rejects {
            assert!(!r.reason.is_empty(), "a reject without a reason");
        }
    });
    assert_eq!(report.posts, posts.into_inner(), "posts counted as emitted");
}

/// Any bytes through format detection and whichever reader it picks (NDJSON line
/// formats, JSON documents and their salvage, CSV, X archive).
pub fn detect(data: &[u8]) {
    read(data.to_vec(), "input");
}

/// CSV rows under a header that the built-in Sprout Social preset claims.
pub fn csv(data: &[u8]) {
    let mut bytes = b"Message ID,Network,Timestamp (UTC),Profile,From,Message,Message Type,Likes,Comments,Shares,Impressions,Language\n".to_vec();
    bytes.extend_from_slice(data);
    read(bytes, "inbox.csv");
}

/// X account archive parts: the `window.YTD.tweets.part0 = ` prefix and any body.
pub fn x_archive(data: &[u8]) {
    let mut bytes = b"window.YTD.tweets.part0 = ".to_vec();
    bytes.extend_from_slice(data);
    read(bytes, "data/tweets.js");
}

/// The decompressors' framing: a gzip (first byte even) or zstd magic number, then the
/// rest of the input.
pub fn compressed(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut bytes = if pick % 2 == 0 {
        vec![0x1f, 0x8b]
    } else {
        vec![0x28, 0xb5, 0x2f, 0xfd]
    };
    bytes.extend_from_slice(rest);
    read(bytes, "input.gz");
}

/// The VADER tokenizer and rules on any UTF-8 text: scores stay in range.
pub fn vader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let s = socialpulse::analysis::vader::vader().polarity_scores(text);
    assert!((-1.0..=1.0).contains(&s.compound), "{s:?}");
    for v in [s.neg, s.neu, s.pos] {
        assert!((0.0..=1.0).contains(&v), "{s:?}");
    }
}

/// A config whose mapping reads `mid,body,at` with any timestamp, for [`dates`].
fn dates_config() -> &'static Config {
    static CFG: OnceLock<Config> = OnceLock::new();
    CFG.get_or_init(|| {
        let mut cfg = config().clone();
        cfg.mappings = vec![socialpulse::config::MappingConfig {
            name: "dates".into(),
            platform: Some("twitter".into()),
            id: "mid".into(),
            text: "body".into(),
            timestamp: "at".into(),
            timestamp_format: "auto".into(),
            ..Default::default()
        }];
        cfg
    })
}

/// Date handling: any text through a timestamp format the first byte picks, then every
/// day a post's time is turned into (UTC date and day, local dates in zones at the
/// ends of the offset range, the run's accepted range), then through a mapped CSV row
/// as a run reads it. Nothing may panic, whatever year the text names.
pub fn dates(data: &[u8]) {
    const FORMATS: [&str; 8] = [
        "auto",
        "rfc3339",
        "unix",
        "unix_ms",
        "twitter",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%y %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%z",
    ];
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = FORMATS[pick as usize % FORMATS.len()];
    if let Some(t) = socialpulse::text::parse_with_format(text, format) {
        let _ = socialpulse::text::utc_date(t);
        let _ = socialpulse::text::utc_day(t);
        for tz in [
            chrono_tz::Tz::UTC,
            chrono_tz::Tz::Pacific__Kiritimati,
            chrono_tz::Tz::Etc__GMTPlus12,
            chrono_tz::Tz::America__St_Johns,
        ] {
            let d = socialpulse::metrics::local_date(t, tz);
            let _ = socialpulse::metrics::date32(d);
        }
        let range = socialpulse::sources::TimeRange::at(config(), 1_800_000_000_000_000);
        let _ = range.outside(t);
    }
    let line: String = text
        .chars()
        .filter(|c| !matches!(c, '\n' | '\r' | ',' | '"'))
        .collect();
    let csv = format!("mid,body,at\n1,hello,{line}\n");
    let posts = std::sync::atomic::AtomicU64::new(0);
    socialpulse::sources::read_bytes(
        csv.into_bytes(),
        Path::new("dates.csv"),
        dates_config(),
        &|b| {
            posts.fetch_add(b.drafts.len() as u64, std::sync::atomic::Ordering::Relaxed);
        },
    );
}

/// Workbooks: after a ZIP or OLE signature, any bytes (the archive and sheet parsers);
/// or a real XLSX whose cells the input places, its text split into rows and cells under
/// the Hootsuite posts header, each row at a row number the input picks (so sheets are
/// sparse, dense, or past `input.max_sheet_cells`).
pub fn workbook(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    match pick % 4 {
        0 => return read([&b"PK\x03\x04"[..], rest].concat(), "input.xlsx"),
        1 => return read([&[0xD0, 0xCF, 0x11, 0xE0][..], rest].concat(), "input.xls"),
        _ => {}
    }
    let text = String::from_utf8_lossy(rest);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "Date (GMT)",
        "Facebook Page",
        "Post ID",
        "Post Permalink",
        "Post Type",
        "Post Message",
        "Reactions",
    ];
    for (c, h) in header.iter().enumerate() {
        if sheet.write_string(0, c as u16, *h).is_err() {
            return;
        }
    }
    let mut row = 0u32;
    for line in text.lines().take(64) {
        // The first character's code moves the row: far jumps make sparse sheets.
        let jump = line.chars().next().map_or(1, |c| u32::from(c) % 4096 + 1);
        row = row.saturating_add(jump.saturating_mul(if pick % 4 == 3 { 257 } else { 1 }));
        if row > 1_048_575 {
            break;
        }
        for (c, cell) in line.split(',').take(header.len()).enumerate() {
            let _ = sheet.write_string(row, c as u16, cell);
        }
    }
    if let Ok(bytes) = book.save_to_buffer() {
        read(bytes, "input.xlsx");
    }
}
