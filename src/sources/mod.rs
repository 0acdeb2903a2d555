//! Readers of every export format: discovery, detection, and one file per format.

#![warn(missing_docs)]

mod detect;
mod discover;
mod documents;
mod lines;

pub mod bluesky;
pub mod flat;
pub mod generic;
pub mod input;
pub mod inspect;
pub mod instagram;
pub mod json;
pub mod mastodon;
pub mod meta;
pub mod no_posts;
pub mod presets;
pub mod reddit;
pub mod salvage;
mod spreadsheet;
pub mod telegram;
pub mod threads;
pub mod twitter_archive;
pub mod twitter_v1;
pub mod twitter_v2;
pub mod youtube;

use crate::config::{Config, MappingConfig};
use crate::model::{excerpt, Draft, PositionKind, Reject};
use rayon::prelude::*;
use serde_json::Value;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use detect::{claim, HEAD_BYTES};
pub use discover::{discover, Discovered};
use documents::{read_document, read_twitter_archive};
pub(crate) use documents::{read_records, record_reject};
use lines::read_lines;
pub use lines::{line_ranges, read_line_range};

/// Context handed to every reader.
pub struct Ctx<'a> {
    /// The run's config.
    pub cfg: &'a Config,
    /// Path as written in `source_file`.
    pub file: &'a str,
    /// The file being read.
    pub path: &'a Path,
}

/// One line of an NDJSON file holds one (or, for API pages, several) records.
pub trait LineFormat: Sync {
    /// The format's name, as `inputs[].format` and rejects give it.
    fn name(&self) -> &'static str;
    /// Does this first record look like ours? Returns a variant tag passed back to `parse`.
    fn sniff(&self, first: &Value, cfg: &Config) -> Option<usize>;
    /// Parse one line. A line holding several records (an API page) pushes the reasons
    /// of records it could not read to `partial`; each becomes a reject at that line.
    fn parse(
        &self,
        value: Value,
        variant: usize,
        ctx: &Ctx,
        partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String>;
    /// Parse one raw line (valid UTF-8) into drafts; the error is the reject reason.
    /// The default builds a `Value` for [`parse`](LineFormat::parse); a format whose
    /// records are flat may read its fields straight from the bytes instead.
    fn parse_line(
        &self,
        line: &[u8],
        variant: usize,
        ctx: &Ctx,
        partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        parse_tree(self, line, variant, ctx, partial)
    }
    /// A file of this kind holds no posts: the reason it is skipped whole.
    fn holds_no_posts(&self) -> Option<&'static str> {
        None
    }
}

/// A line read as a `Value` tree and handed to the format's [`LineFormat::parse`].
pub fn parse_tree<F: LineFormat + ?Sized>(
    fmt: &F,
    line: &[u8],
    variant: usize,
    ctx: &Ctx,
    partial: &mut Vec<String>,
) -> Result<Vec<Draft>, String> {
    let value: Value = serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
    fmt.parse(value, variant, ctx, partial)
}

/// A file holding one JSON document.
pub trait DocFormat: Sync {
    /// The format's name, as `inputs[].format` and rejects give it.
    fn name(&self) -> &'static str;
    /// Whether a parsed document has this format's structure.
    fn sniff(&self, doc: &Value) -> bool;
    /// Parse every record; a bad record becomes a reject, the rest still land.
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>);
    /// A file of this kind holds no posts: the reason it is skipped whole.
    fn holds_no_posts(&self) -> Option<&'static str> {
        None
    }
}

/// The registry of line-oriented formats, most specific first.
pub fn line_formats() -> Vec<&'static dyn LineFormat> {
    vec![
        &no_posts::TweetCounts,
        &twitter_v2::TwitterV2Lines,
        &twitter_v1::TwitterV1Lines,
        &youtube::YoutubeLines,
        &reddit::Reddit,
        &bluesky::BlueskyLines,
        &mastodon::MastodonStatusLines,
        &generic::GenericNdjson,
    ]
}

/// The registry of document formats, most specific first.
pub fn doc_formats() -> Vec<&'static dyn DocFormat> {
    vec![
        &mastodon::MastodonOutbox,
        &mastodon::MastodonStatusArray,
        &bluesky::BlueskyFeed,
        &no_posts::TweetCounts,
        &twitter_v2::TwitterV2Page,
        &twitter_v1::TwitterV1Array,
        &youtube::YoutubeResponse,
        &telegram::TelegramExport,
        &threads::ThreadsPosts,
        &instagram::InstagramPosts,
        &instagram::InstagramComments,
        &meta::MetaPosts,
        &meta::MetaComments,
    ]
}

/// A batch of output from one input, handed to the pipeline as it is produced.
#[derive(Default)]
pub struct Batch {
    /// Posts read, before normalisation.
    pub drafts: Vec<Draft>,
    /// Records that could not be read, with their reasons.
    pub rejects: Vec<Reject>,
}

pub use crate::model::FileReport;

/// The post times a run accepts (`input.earliest`, `input.future_days`), in
/// microseconds since the epoch, both ends included.
#[derive(Clone, Copy, Debug)]
pub struct TimeRange {
    earliest: i64,
    latest: i64,
    future_days: u32,
}

impl TimeRange {
    /// The range of a run starting now.
    pub fn from_config(cfg: &Config) -> TimeRange {
        TimeRange::at(cfg, chrono::Utc::now().timestamp_micros())
    }

    /// The range of a run started at `now` (microseconds since the epoch).
    pub fn at(cfg: &Config, now: i64) -> TimeRange {
        const DAY: i64 = 86_400_000_000;
        let earliest = cfg
            .input
            .earliest
            .date()
            .and_hms_opt(0, 0, 0)
            .map_or(i64::MIN, |t| t.and_utc().timestamp_micros());
        TimeRange {
            earliest,
            latest: now.saturating_add(i64::from(cfg.input.future_days).saturating_mul(DAY)),
            future_days: cfg.input.future_days,
        }
    }

    /// Why a post made at `t` is not accepted, if it is not.
    pub fn outside(&self, t: i64) -> Option<String> {
        let shown = || {
            chrono::DateTime::from_timestamp_micros(t).map_or_else(
                || format!("{t} µs after 1970"),
                |d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            )
        };
        // The time after `: `, so the report's table of reasons groups them as one kind.
        if t < self.earliest {
            Some(format!(
                "post time before input.earliest (a date no export's history holds): `{}`",
                shown()
            ))
        } else if t > self.latest {
            Some(format!(
                "post time more than {} days after the run started (input.future_days): `{}`",
                self.future_days,
                shown()
            ))
        } else {
            None
        }
    }
}

/// Every batch a reader emits passes here on its way out: reject reasons lose the
/// values they quote, and posts whose time is outside the run's [`TimeRange`] become
/// rejects at their file and position (counted, to correct the file's report).
struct Screen<'a> {
    times: TimeRange,
    emit: &'a (dyn Fn(Batch) + Sync),
    moved: std::sync::atomic::AtomicU64,
}

impl<'a> Screen<'a> {
    fn new(cfg: &Config, emit: &'a (dyn Fn(Batch) + Sync)) -> Screen<'a> {
        Screen {
            times: TimeRange::from_config(cfg),
            emit,
            moved: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn pass(&self, mut b: Batch) {
        let mut moved = 0;
        let times = self.times;
        let rejects = &mut b.rejects;
        b.drafts.retain(|d| match times.outside(d.post.created_at) {
            None => true,
            Some(reason) => {
                moved += 1;
                rejects.push(Reject {
                    source_file: d.post.source_file.clone(),
                    position: d.post.source_position,
                    position_kind: d.position_kind,
                    format: None,
                    reason,
                    raw_excerpt: String::new(),
                });
                false
            }
        });
        if moved > 0 {
            self.moved
                .fetch_add(moved, std::sync::atomic::Ordering::Relaxed);
        }
        value_free_reasons(&mut b);
        (self.emit)(b)
    }

    /// The file's report with the posts moved to rejects counted as rejects.
    fn correct(&self, report: &mut FileReport) {
        let moved = self.moved.load(std::sync::atomic::Ordering::Relaxed);
        report.posts = report.posts.saturating_sub(moved);
        report.rejects += moved;
    }
}

/// Mask the values a batch's reject reasons quote (see [`crate::privacy::value_free`]).
fn value_free_reasons(b: &mut Batch) {
    for r in &mut b.rejects {
        if let std::borrow::Cow::Owned(safe) = crate::privacy::value_free(&r.reason) {
            r.reason = safe;
        }
    }
}

fn file_reject(
    file: &str,
    format: Option<&str>,
    position: u64,
    kind: PositionKind,
    reason: String,
) -> Reject {
    Reject {
        source_file: file.to_string(),
        position,
        position_kind: kind,
        format: format.map(str::to_string),
        reason,
        raw_excerpt: String::new(),
    }
}

/// Read one input file, calling `emit` with batches of drafts and rejects.
/// Never panics on bad input: unreadable content becomes a file-level reject.
pub fn read_file(
    path: &Path,
    cfg: &Config,
    progress: Option<Arc<AtomicU64>>,
    emit: &(dyn Fn(Batch) + Sync),
) -> FileReport {
    read_input(path, input::open(path, progress.clone()), cfg, emit)
}

/// Read bytes held in memory as if they were the file `path` (which need not exist):
/// the same detection and readers as [`read_file`]. For fuzzing and bindings.
pub fn read_bytes(
    bytes: Vec<u8>,
    path: &Path,
    cfg: &Config,
    emit: &(dyn Fn(Batch) + Sync),
) -> FileReport {
    let opened = input::open_reader(Box::new(std::io::Cursor::new(bytes)), None);
    read_input(path, opened, cfg, emit)
}

fn read_input(
    path: &Path,
    opened: std::io::Result<input::Opened>,
    cfg: &Config,
    emit: &(dyn Fn(Batch) + Sync),
) -> FileReport {
    let file = cfg.display_path(path);
    // Reasons name the problem, not the value (docs/privacy.md); impossible times are
    // rejects.
    let screen = Screen::new(cfg, emit);
    let emit = &|b: Batch| screen.pass(b);
    let ctx = Ctx {
        cfg,
        file: &file,
        path,
    };
    let mut report = FileReport {
        path: file.clone(),
        ..FileReport::default()
    };
    let opened = match opened {
        Ok(o) => o,
        Err(e) => {
            let reason = format!("cannot open file: {e}");
            failed(
                &mut report,
                emit,
                Failure {
                    format: None,
                    position: 0,
                    kind: PositionKind::File,
                    reason,
                },
                false,
            );
            return report;
        }
    };
    let input::Opened {
        mut reader,
        compression,
        raw,
    } = opened;
    report.compression = compression.as_str().to_string();
    let mut counter = Counter::default();
    let outcome = read_stream(&mut reader, &ctx, &mut counter, emit);
    drop(reader);
    let raw = raw.finish();
    report.bytes = raw.bytes;
    report.blake3 = raw.blake3;
    counter.report(&mut report);
    screen.correct(&mut report);
    match outcome {
        Outcome::Format(f) => report.format = f.to_string(),
        Outcome::Skipped(f, why) => {
            report.format = f.to_string();
            report.skipped = Some(why);
        }
        Outcome::Failed(failure) => {
            report.format = failure.format.unwrap_or("unknown").to_string();
            failed(&mut report, emit, failure, true);
        }
    }
    report
}

/// A file (or byte range) that failed: its report says why and the failure is a reject
/// of its own; `record` when it cut a record short (counted among the records).
fn failed(report: &mut FileReport, emit: &(dyn Fn(Batch) + Sync), failure: Failure, record: bool) {
    let Failure {
        format,
        position,
        kind,
        reason,
    } = failure;
    let reason = crate::privacy::value_free(&reason).into_owned();
    report.error = Some(reason.clone());
    report.rejects += 1;
    report.records += u64::from(record);
    emit(Batch {
        drafts: vec![],
        rejects: vec![file_reject(&report.path, format, position, kind, reason)],
    });
}

#[derive(Default)]
struct Counter {
    posts: u64,
    /// Records that yielded posts (an API page line yields many posts).
    posts_records: u64,
    rejects: u64,
    /// Records recognised as holding no post (stream control messages).
    skipped: u64,
    /// What the reader noticed about the file as a whole (`FileReport::notes`).
    notes: Vec<String>,
}

impl Counter {
    /// The counts into a file's report (adding to rejects already there).
    fn report(&self, report: &mut FileReport) {
        report.notes.extend(self.notes.iter().cloned());
        report.posts = self.posts;
        report.rejects += self.rejects;
        report.records = self.posts_records + self.rejects + self.skipped;
        report.skipped_records = self.skipped;
    }
}

enum Outcome {
    Format(&'static str),
    Skipped(&'static str, String),
    Failed(Failure),
}

/// Why a file (or byte range) could not be read to its end: where it stopped (the
/// `position`, counted in `kind`), under which format if one was recognised, and why.
struct Failure {
    format: Option<&'static str>,
    position: u64,
    kind: PositionKind,
    reason: String,
}

/// Head of the stream read ahead for sniffing, then the rest.
fn read_stream(
    reader: &mut Box<dyn BufRead + Send>,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
) -> Outcome {
    let mut head = Vec::with_capacity(64 * 1024);
    let head_err = reader
        .by_ref()
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .err();
    // After a read error the decoder cannot continue: what was read is all there is.
    let mut truncated = head_err.map(|e| read_error_reason(&e));
    // A head of blank lines says nothing: read on, keeping them (the readers count
    // lines from the start), until something else comes, up to a bound so a stream of
    // nothing but blanks cannot fill memory.
    while truncated.is_none()
        && head.len() % HEAD_BYTES == 0
        && !head.is_empty()
        && head.len() < LEADING_BLANKS
        && head.iter().all(|b| b.is_ascii_whitespace())
    {
        let before = head.len();
        if let Err(e) = reader
            .by_ref()
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
        {
            truncated = Some(read_error_reason(&e));
        }
        if head.len() == before {
            break;
        }
    }
    if truncated.is_some() {
        // The last line was cut by the failure: it is not a record, the error is.
        let keep = head.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        head.truncate(keep);
    }
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return match truncated {
            Some(reason) => Outcome::Failed(Failure {
                format: None,
                position: 0,
                kind: PositionKind::Byte,
                reason,
            }),
            None if head.len() >= LEADING_BLANKS => Outcome::Failed(Failure {
                format: None,
                position: 0,
                kind: PositionKind::File,
                reason: format!(
                    "no records in the first {} MiB: nothing but blank lines",
                    LEADING_BLANKS >> 20
                ),
            }),
            None => Outcome::Failed(Failure {
                format: None,
                position: 0,
                kind: PositionKind::File,
                reason: "empty file: no records".into(),
            }),
        };
    }
    // UTF-16 with a byte order mark was transcoded when the file was opened.
    // A workbook is binary: read it whole (calamine needs to seek).
    if spreadsheet::is_workbook(&head) {
        if let Some(reason) = truncated {
            return Outcome::Failed(Failure {
                format: None,
                position: 0,
                kind: PositionKind::File,
                reason,
            });
        }
        let mut bytes = head;
        match documents::read_bounded(
            &mut std::io::Cursor::new(std::mem::take(&mut bytes)).chain(&mut **reader),
            ctx.cfg,
        ) {
            Ok((all, None)) => bytes = all,
            Ok((_, Some(reason))) => {
                return Outcome::Failed(Failure {
                    format: None,
                    position: 0,
                    kind: PositionKind::File,
                    reason,
                })
            }
            Err(f) => return Outcome::Failed(f),
        }
        return spreadsheet::read_workbook(bytes, ctx, counter, emit);
    }
    if looks_binary(&head) {
        return Outcome::Failed(Failure { format: None, position: 0, kind: PositionKind::File, reason: "binary content (NUL bytes): not a text export (or UTF-16 without a byte order mark: re-export it as UTF-8)".into() });
    }
    let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let body_start = bom
        + head[bom..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let first = head[body_start];
    let mut at_eof = truncated.is_some() || head.len() % HEAD_BYTES != 0;
    // The first line decides between NDJSON and a document: read it whole, however long
    // (a line format's record may be far longer than the head).
    // (Up to `input.max_document_mb`: a line past it is no record any reader takes.)
    if !at_eof && !head[body_start..].contains(&b'\n') {
        let limit = ctx.cfg.input.max_document_mb.saturating_mul(1 << 20);
        match reader.by_ref().take(limit).read_until(b'\n', &mut head) {
            Ok(_) if head.ends_with(b"\n") => {}
            Ok(_) => at_eof = true,
            Err(e) => {
                truncated = Some(read_error_reason(&e));
                at_eof = true;
            }
        }
    }
    let is_json = first == b'{' || first == b'[';
    let (is_archive, claimed) = claim(&head[bom..], at_eof, is_json, ctx.cfg);
    // JSON lines that no format claims, named while the head is at hand.
    let unclaimed = if is_json && claimed.is_none() && first == b'{' {
        detect::unclaimed_lines(&head[bom..], at_eof)
    } else {
        None
    };
    let mut stream: Box<dyn BufRead + Send + '_> = if truncated.is_some() {
        Box::new(std::io::Cursor::new(head))
    } else {
        Box::new(std::io::Cursor::new(head).chain(&mut **reader))
    };
    // Skip the BOM so every reader sees clean UTF-8.
    if bom > 0 {
        stream.consume(bom);
    }
    if is_archive {
        return read_twitter_archive(stream, ctx, counter, emit, truncated);
    }
    if is_json {
        return match claimed {
            Some((fmt, _)) if fmt.holds_no_posts().is_some() => {
                Outcome::Skipped(fmt.name(), fmt.holds_no_posts().unwrap_or_default().into())
            }
            Some((fmt, variant)) => read_lines(stream, fmt, variant, ctx, counter, emit, truncated),
            None => match unclaimed {
                // JSON lines no reader or mapping knows: said as such (not as a broken
                // document), with the keys a mapping would name.
                Some(keys) => Outcome::Failed(Failure {
                    format: None,
                    position: 0,
                    kind: PositionKind::File,
                    reason: format!(
                        "unrecognised format: JSON lines that no reader recognises and no [[mappings]] entry matches (the first record's keys: {keys})"
                    ),
                }),
                None => read_document(stream, ctx, counter, emit, truncated),
            },
        };
    }
    generic::read_csv(stream, ctx, counter, emit, truncated)
}

/// How much leading blank space a file may hold before its first record.
const LEADING_BLANKS: usize = 64 << 20;

/// A binary file (an image, an archive, UTF-16 without a byte order mark) has NUL
/// bytes throughout its first 8 KiB; a text export with a damaged line has a few, and
/// the line readers reject that line alone.
fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(8192)];
    let nuls = sample.iter().filter(|b| **b == 0).count();
    nuls > 0 && (nuls * 100 >= sample.len() || sample.first() == Some(&0))
}

fn read_error_reason(e: &std::io::Error) -> String {
    format!("file ends early or is corrupt ({e}): records before this point were kept")
}

fn finish(
    fmt: &'static str,
    truncated: Option<String>,
    position: u64,
    kind: PositionKind,
) -> Outcome {
    match truncated {
        Some(reason) => Outcome::Failed(Failure {
            format: Some(fmt),
            position,
            kind,
            reason,
        }),
        None => Outcome::Format(fmt),
    }
}

fn stamp(drafts: &mut [Draft], file: &str, position: u64) {
    for d in drafts {
        d.post.source_file = file.to_string();
        d.post.source_position = position;
    }
}

/// Mapping-driven readers (CSV, NDJSON) share this lookup of a mapping by its columns.
pub fn find_mapping(cfg: &Config, has: impl Fn(&str) -> bool) -> Option<(usize, &MappingConfig)> {
    cfg.mappings
        .iter()
        .enumerate()
        .find(|(_, m)| has(&m.id) && has(&m.text) && has(&m.timestamp))
}
