//! Sources: find input files, detect their format by content, and turn records
//! into [`Draft`] posts or [`Reject`]s.
//!
//! Adding a format is adding a file here and a line in [`line_formats`] or
//! [`doc_formats`]: line formats (NDJSON-like) are parsed in parallel batches and
//! stream with bounded memory; document formats (one JSON value per file) are
//! parsed whole.

pub mod bluesky;
pub mod flat;
pub mod generic;
pub mod input;
pub mod instagram;
pub mod mastodon;
pub mod meta;
pub mod no_posts;
pub mod presets;
pub mod reddit;
pub mod salvage;
pub mod telegram;
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

/// Context handed to every reader.
pub struct Ctx<'a> {
    pub cfg: &'a Config,
    /// Path as written in `source_file`.
    pub file: &'a str,
    pub path: &'a Path,
}

/// One line of an NDJSON file holds one (or, for API pages, several) records.
pub trait LineFormat: Sync {
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
    fn name(&self) -> &'static str;
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
        &instagram::InstagramPosts,
        &instagram::InstagramComments,
        &meta::MetaPosts,
        &meta::MetaComments,
    ]
}

/// A batch of output from one input, handed to the pipeline as it is produced.
#[derive(Default)]
pub struct Batch {
    pub drafts: Vec<Draft>,
    pub rejects: Vec<Reject>,
}

pub use crate::model::FileReport;

/// Bytes read ahead for sniffing.
const HEAD_BYTES: usize = 256 * 1024;

/// What walking the input paths found.
#[derive(Default)]
pub struct Discovered {
    /// Files to read, sorted.
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked (missing, unreadable, broken links): one
    /// file-level reject each.
    pub rejects: Vec<Reject>,
    /// Manifest entries of those paths and of entries not followed (a link to a
    /// directory or file already visited).
    pub reports: Vec<FileReport>,
}

impl Discovered {
    fn reject(&mut self, path: &Path, reason: String) {
        let file = path.display().to_string();
        self.reports.push(FileReport {
            path: file.clone(),
            error: Some(reason.clone()),
            rejects: 1,
            records: 1,
            ..FileReport::default()
        });
        self.rejects
            .push(file_reject(&file, None, 0, PositionKind::File, reason));
    }

    fn skip(&mut self, path: &Path, reason: String) {
        self.reports.push(FileReport {
            path: path.display().to_string(),
            skipped: Some(reason),
            ..FileReport::default()
        });
    }
}

/// Identity of a file or directory, so every real one is visited once however many
/// links lead to it (a link to `.` or `..` would otherwise be followed in a cycle).
#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Walks input paths: each real directory and file once, `exclude`d directories (the
/// output) never, problems recorded instead of aborting.
struct Walker {
    seen: std::collections::HashSet<(u64, u64)>,
    excluded: std::collections::HashSet<(u64, u64)>,
    found: Discovered,
}

impl Walker {
    fn reason(e: &std::io::Error) -> String {
        match e.kind() {
            std::io::ErrorKind::NotFound => "input path does not exist".to_string(),
            std::io::ErrorKind::PermissionDenied => {
                "cannot read input path: permission denied".to_string()
            }
            _ => format!("cannot read input path: {e}"),
        }
    }

    fn visit(&mut self, p: &Path) {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                let is_link =
                    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
                let reason = if is_link && e.kind() == std::io::ErrorKind::NotFound {
                    "broken symbolic link".to_string()
                } else {
                    Walker::reason(&e)
                };
                self.found.reject(p, reason);
                return;
            }
        };
        let id = identity(&meta);
        if cfg!(unix) && self.excluded.contains(&id) {
            self.found
                .skip(p, "the output directory is never read as input".into());
            return;
        }
        if cfg!(unix) && !self.seen.insert(id) {
            self.found.skip(
                p,
                if meta.is_dir() {
                    "directory already visited through another path (link cycle or duplicate)"
                } else {
                    "file already read through another path (link or duplicate)"
                }
                .into(),
            );
            return;
        }
        if !meta.is_dir() {
            self.found.files.push(p.to_path_buf());
            return;
        }
        let entries = match std::fs::read_dir(p) {
            Ok(rd) => rd,
            Err(e) => {
                self.found.reject(p, Walker::reason(&e));
                return;
            }
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            let hidden = e
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                self.visit(&e);
            }
        }
    }
}

/// List input files: files as given, directories walked recursively in sorted order
/// (hidden entries skipped) so runs are deterministic. Every real directory and file
/// is visited once; directories in `exclude` (the output) are never entered. A path
/// that cannot be read is recorded, not fatal.
pub fn discover(paths: &[PathBuf], exclude: &[PathBuf], base: Option<&Path>) -> Discovered {
    let mut w = Walker {
        seen: Default::default(),
        excluded: exclude
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| identity(&m))
            .collect(),
        found: Discovered::default(),
    };
    let mut paths = paths.to_vec();
    paths.sort();
    paths.dedup();
    for p in &paths {
        w.visit(p);
    }
    let mut found = w.found;
    for r in &mut found.reports {
        r.path = crate::config::display_path(base, Path::new(&r.path));
    }
    for r in &mut found.rejects {
        r.source_file = crate::config::display_path(base, Path::new(&r.source_file));
    }
    found.files.sort();
    found.reports.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Read every record of a document's array: a post stamped with its index, or a reject
/// at that index naming why.
pub(crate) fn read_records(
    items: &[Value],
    ctx: &Ctx,
    fmt: &str,
    out: &mut Vec<Draft>,
    rejects: &mut Vec<Reject>,
    read: impl Fn(&Value) -> Result<Draft, String>,
) {
    for (i, item) in items.iter().enumerate() {
        match read(item) {
            Ok(mut d) => {
                d.post.source_position = i as u64;
                out.push(d);
            }
            Err(reason) => rejects.push(record_reject(ctx, fmt, i, reason, item)),
        }
    }
}

/// A record of a JSON document that could not be read: its index, why, and its JSON.
pub(crate) fn record_reject(ctx: &Ctx, fmt: &str, i: usize, reason: String, raw: &Value) -> Reject {
    Reject {
        source_file: ctx.file.to_string(),
        position: i as u64,
        position_kind: PositionKind::Record,
        format: Some(fmt.to_string()),
        reason,
        raw_excerpt: excerpt(raw.to_string().as_bytes()),
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
                None,
                0,
                PositionKind::File,
                reason,
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
    match outcome {
        Outcome::Format(f) => report.format = f.to_string(),
        Outcome::Skipped(f, why) => {
            report.format = f.to_string();
            report.skipped = Some(why);
        }
        Outcome::Failed(f, position, kind, reason) => {
            report.format = f.unwrap_or("unknown").to_string();
            failed(&mut report, emit, f, position, kind, reason, true);
        }
    }
    report
}

/// A file (or byte range) that failed: its report says why and the failure is a reject
/// of its own; `record` when it cut a record short (counted among the records).
#[allow(clippy::too_many_arguments)]
fn failed(
    report: &mut FileReport,
    emit: &(dyn Fn(Batch) + Sync),
    format: Option<&str>,
    position: u64,
    kind: PositionKind,
    reason: String,
    record: bool,
) {
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
}

impl Counter {
    /// The counts into a file's report (adding to rejects already there).
    fn report(&self, report: &mut FileReport) {
        report.posts = self.posts;
        report.rejects += self.rejects;
        report.records = self.posts_records + self.rejects + self.skipped;
        report.skipped_records = self.skipped;
    }
}

enum Outcome {
    Format(&'static str),
    Skipped(&'static str, String),
    Failed(Option<&'static str>, u64, PositionKind, String),
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
    if truncated.is_some() {
        // The last line was cut by the failure: it is not a record, the error is.
        let keep = head.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        head.truncate(keep);
    }
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return match truncated {
            Some(reason) => Outcome::Failed(None, 0, PositionKind::Byte, reason),
            None => Outcome::Failed(None, 0, PositionKind::File, "empty file: no records".into()),
        };
    }
    // UTF-16 with a byte order mark was transcoded when the file was opened.
    if head[..head.len().min(8192)].contains(&0) {
        return Outcome::Failed(
            None,
            0,
            PositionKind::File,
            "binary content (NUL bytes): not a text export (or UTF-16 without a byte order mark: re-export it as UTF-8)".into(),
        );
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
    let mut at_eof = truncated.is_some() || head.len() < HEAD_BYTES;
    // The first line decides between NDJSON and a document: read it whole, however long
    // (a line format's record may be far longer than the head).
    if !at_eof && !head[body_start..].contains(&b'\n') {
        match reader.read_until(b'\n', &mut head) {
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
            None => read_document(stream, ctx, counter, emit, truncated),
        };
    }
    generic::read_csv(stream, ctx, counter, emit, truncated)
}

/// Whether the head is a Twitter archive part, and the line format (and its variant)
/// that claims it: NDJSON when the first parseable line is an object a format knows.
fn claim(
    head: &[u8],
    at_eof: bool,
    is_json: bool,
    cfg: &Config,
) -> (bool, Option<(&'static dyn LineFormat, usize)>) {
    let lines_in_head = complete_lines(head, at_eof);
    let is_archive = lines_in_head
        .first()
        .is_some_and(|l| l.starts_with(b"window.YTD."));
    let mut claimed = None;
    if is_json && !is_archive {
        for line in lines_in_head.iter().take(20) {
            if let Ok(v) = serde_json::from_slice::<Value>(line) {
                if v.is_object() {
                    claimed = line_formats()
                        .into_iter()
                        .find_map(|f| f.sniff(&v, cfg).map(|variant| (f, variant)));
                }
                break;
            }
        }
    }
    (is_archive, claimed)
}

/// The line format of a plain (uncompressed, UTF-8) file whose records are lines, when
/// one claims it: such a file can be read in byte ranges ([`read_line_range`]).
fn plain_line_format(path: &Path, cfg: &Config) -> Option<(&'static dyn LineFormat, usize)> {
    let opened = input::open(path, None).ok()?;
    if opened.compression != input::Compression::None {
        return None;
    }
    let mut reader = opened.reader;
    let mut head = Vec::with_capacity(64 * 1024);
    reader
        .by_ref()
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    let mut at_eof = head.len() < HEAD_BYTES;
    if !at_eof && !head.contains(&b'\n') {
        reader.read_until(b'\n', &mut head).ok()?;
        at_eof = !head.ends_with(b"\n");
    }
    // A UTF-8 byte order mark is fine (range 0 skips it); UTF-16 is transcoded on open,
    // so its byte offsets are not the file's: not split.
    let mut raw = [0u8; 2];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut raw))
        .ok()?;
    if n == 2 && (raw == [0xFF, 0xFE] || raw == [0xFE, 0xFF]) || head.contains(&0) {
        return None;
    }
    let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let body = bom
        + head[bom..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let first = *head.get(body)?;
    let (is_archive, claimed) = claim(&head[bom..], at_eof, first == b'{', cfg);
    match claimed {
        Some((f, v)) if !is_archive && f.holds_no_posts().is_none() => Some((f, v)),
        _ => None,
    }
}

/// Byte ranges of about `chunk` bytes that together cover a plain line-format file
/// larger than `chunk`; none for any other file (read whole). Each range reads the
/// lines that start in it, so the ranges' reads together are the file's.
pub fn line_ranges(path: &Path, cfg: &Config, chunk: u64) -> Option<Vec<(u64, u64)>> {
    let size = std::fs::metadata(path).ok()?.len();
    if chunk == 0 || size <= chunk {
        return None;
    }
    plain_line_format(path, cfg)?;
    let mut out = Vec::new();
    let mut start = 0;
    while start < size {
        let end = (start + chunk).min(size);
        out.push((start, end));
        start = end;
    }
    Some(out)
}

/// The offset of the first line starting at or after `at`: `at` itself when a line
/// ends just before it, else just past the next newline (or the end of the file).
fn line_start(file: &mut std::fs::File, at: u64, size: u64) -> std::io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    if at == 0 || at >= size {
        return Ok(at.min(size));
    }
    file.seek(SeekFrom::Start(at - 1))?;
    let mut pos = at - 1;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(size);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(pos + i as u64 + 1);
        }
        pos += n as u64;
    }
}

/// Newlines in the file before `offset`: the line number of the line before it.
fn newlines_before(file: &mut std::fs::File, offset: u64) -> std::io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    let mut counted = 0u64;
    let mut pos = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    while pos < offset {
        let want = ((offset - pos) as usize).min(buf.len());
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            break;
        }
        counted += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        pos += n as u64;
    }
    Ok(counted)
}

/// Read the lines of a plain line-format file that start in the byte range
/// [`start`, `end`) (see [`line_ranges`]), with their true line numbers. The report
/// counts this range's records; `bytes` is the range's length, and only the range
/// starting at 0 hashes the whole file (`blake3`), so the ranges' reports add up to
/// the file's.
pub fn read_line_range(
    path: &Path,
    start: u64,
    end: u64,
    cfg: &Config,
    emit: &(dyn Fn(Batch) + Sync),
) -> FileReport {
    let file_name = cfg.display_path(path);
    let ctx = Ctx {
        cfg,
        file: &file_name,
        path,
    };
    let mut report = FileReport {
        path: file_name.clone(),
        compression: input::Compression::None.as_str().to_string(),
        ..FileReport::default()
    };
    let byte = PositionKind::Byte;
    let Some((fmt, variant)) = plain_line_format(path, cfg) else {
        let reason = "not a plain line-format file: cannot be read by byte range".into();
        failed(&mut report, emit, None, start, byte, reason, false);
        return report;
    };
    report.format = fmt.name().to_string();
    let opened = std::fs::File::open(path).and_then(|mut f| {
        let size = f.metadata()?.len();
        let from = line_start(&mut f, start, size)?;
        let to = line_start(&mut f, end, size)?;
        let lines_before = newlines_before(&mut f, from)?;
        use std::io::{Seek, SeekFrom};
        f.seek(SeekFrom::Start(from))?;
        Ok((f, from, to, lines_before))
    });
    let (f, from, to, lines_before) = match opened {
        Ok(o) => o,
        Err(e) => {
            let reason = format!("cannot read byte range {start}..{end}: {e}");
            failed(
                &mut report,
                emit,
                Some(fmt.name()),
                start,
                byte,
                reason,
                false,
            );
            return report;
        }
    };
    report.bytes = to - from;
    if start == 0 {
        match std::fs::File::open(path).and_then(|mut f| {
            let mut h = blake3::Hasher::new();
            std::io::copy(&mut f, &mut h)?;
            Ok(h.finalize().to_hex().to_string())
        }) {
            Ok(h) => report.blake3 = h,
            Err(e) => {
                let reason = format!("cannot hash the file: {e}");
                failed(&mut report, emit, Some(fmt.name()), 0, byte, reason, false);
            }
        }
    }
    let mut stream: Box<dyn BufRead + Send> = Box::new(std::io::BufReader::with_capacity(
        256 * 1024,
        f.take(to - from),
    ));
    if from == 0 {
        if let Ok(b) = stream.fill_buf() {
            if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
                stream.consume(3);
            }
        }
    }
    let mut counter = Counter::default();
    let outcome = read_lines_from(
        stream,
        lines_before,
        fmt,
        variant,
        &ctx,
        &mut counter,
        emit,
        None,
    );
    counter.report(&mut report);
    if let Outcome::Failed(_, position, kind, reason) = outcome {
        failed(
            &mut report,
            emit,
            Some(fmt.name()),
            position,
            kind,
            reason,
            true,
        );
    }
    report
}

/// The non-empty lines wholly inside the head (the last one only if the head is the whole file).
fn complete_lines(head: &[u8], head_is_all: bool) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = head.split(|b| *b == b'\n').collect();
    if !head_is_all && !head.ends_with(b"\n") {
        lines.pop();
    }
    lines
        .into_iter()
        .map(trim_line)
        .filter(|l| !l.is_empty())
        .collect()
}

fn trim_line(l: &[u8]) -> &[u8] {
    let start = l
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(l.len());
    let end = l
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &l[start..end]
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
        Some(reason) => Outcome::Failed(Some(fmt), position, kind, reason),
        None => Outcome::Format(fmt),
    }
}

fn stamp(drafts: &mut [Draft], file: &str, position: u64) {
    for d in drafts {
        d.post.source_file = file.to_string();
        d.post.source_position = position;
    }
}

/// Line-oriented formats: batches of lines parsed in parallel, emitted in order.
/// One batch of lines read from a stream: the bytes and (line number, start, end) of
/// each non-empty line.
#[derive(Default)]
struct LineBatch {
    buf: Vec<u8>,
    spans: Vec<(u64, usize, usize)>,
}

/// Where a line-by-line read stands between batches.
struct LineReader<'a> {
    stream: Box<dyn BufRead + Send + 'a>,
    lineno: u64,
    eof: bool,
    truncated: Option<String>,
}

impl LineReader<'_> {
    /// The next batch of up to `batch_size` non-empty lines, into `into` (reused).
    fn fill(&mut self, into: &mut LineBatch, batch_size: usize) {
        into.buf.clear();
        into.spans.clear();
        while !self.eof && into.spans.len() < batch_size {
            let start = into.buf.len();
            match self.stream.read_until(b'\n', &mut into.buf) {
                Ok(0) => self.eof = true,
                Ok(_) => {
                    self.lineno += 1;
                    let line = trim_line(&into.buf[start..]);
                    if !line.is_empty() {
                        let off = line.as_ptr() as usize - into.buf.as_ptr() as usize;
                        into.spans.push((self.lineno, off, off + line.len()));
                    }
                }
                Err(e) => {
                    into.buf.truncate(start);
                    self.truncated = Some(format!(
                        "{} (after line {})",
                        read_error_reason(&e),
                        self.lineno
                    ));
                    self.eof = true;
                }
            }
        }
    }
}

fn read_lines(
    stream: Box<dyn BufRead + Send + '_>,
    fmt: &'static dyn LineFormat,
    variant: usize,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
    truncated: Option<String>,
) -> Outcome {
    read_lines_from(stream, 0, fmt, variant, ctx, counter, emit, truncated)
}

/// [`read_lines`] from the line after line `lines_before` (a byte range's start).
#[allow(clippy::too_many_arguments)]
fn read_lines_from(
    stream: Box<dyn BufRead + Send + '_>,
    lines_before: u64,
    fmt: &'static dyn LineFormat,
    variant: usize,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
    truncated: Option<String>,
) -> Outcome {
    let batch_size = ctx.cfg.run.batch_size.max(1);
    let mut reader = LineReader {
        stream,
        lineno: lines_before,
        eof: false,
        truncated,
    };
    let mut current = LineBatch::default();
    reader.fill(&mut current, batch_size);
    let mut next = LineBatch::default();
    loop {
        // Decompressing and splitting the next batch is serial: it runs alongside the
        // parallel parse of this one instead of leaving the other threads idle.
        let (counts, ()) = rayon::join(
            || parse_and_emit(&current, fmt, variant, ctx, emit),
            || {
                if !reader.eof {
                    reader.fill(&mut next, batch_size);
                }
            },
        );
        counter.posts_records += counts.posts_records;
        counter.posts += counts.posts;
        counter.rejects += counts.rejects;
        counter.skipped += counts.skipped;
        if next.spans.is_empty() && reader.eof {
            break;
        }
        std::mem::swap(&mut current, &mut next);
        next.spans.clear();
    }
    finish(
        fmt.name(),
        reader.truncated,
        reader.lineno + 1,
        PositionKind::Line,
    )
}

/// Parse a batch of lines in parallel and hand the posts and rejects to `emit`.
fn parse_and_emit(
    lines: &LineBatch,
    fmt: &'static dyn LineFormat,
    variant: usize,
    ctx: &Ctx,
    emit: &(dyn Fn(Batch) + Sync),
) -> Counter {
    let results: Vec<(Vec<Draft>, Vec<Reject>)> = lines
        .spans
        .par_iter()
        .map(|&(ln, s, e)| parse_line(&lines.buf[s..e], ln, fmt, variant, ctx))
        .collect();
    let mut counts = Counter::default();
    // Sized once: grown by appends, these multi-megabyte vectors were copied repeatedly.
    let mut batch = Batch {
        drafts: Vec::with_capacity(results.iter().map(|(d, _)| d.len()).sum()),
        rejects: Vec::with_capacity(results.iter().map(|(_, r)| r.len()).sum()),
    };
    for (mut ds, mut rejs) in results {
        if !ds.is_empty() {
            counts.posts_records += 1;
        } else if rejs.is_empty() {
            counts.skipped += 1;
        }
        counts.posts += ds.len() as u64;
        batch.drafts.append(&mut ds);
        counts.rejects += rejs.len() as u64;
        batch.rejects.append(&mut rejs);
    }
    if !batch.drafts.is_empty() || !batch.rejects.is_empty() {
        emit(batch);
    }
    counts
}

fn parse_line(
    line: &[u8],
    lineno: u64,
    fmt: &dyn LineFormat,
    variant: usize,
    ctx: &Ctx,
) -> (Vec<Draft>, Vec<Reject>) {
    let reject = |reason: String| Reject {
        source_file: ctx.file.to_string(),
        position: lineno,
        position_kind: PositionKind::Line,
        format: Some(fmt.name().to_string()),
        reason,
        raw_excerpt: excerpt(line),
    };
    if let Err(e) = std::str::from_utf8(line) {
        let reason = format!(
            "invalid UTF-8 at byte {} of the line (wrong encoding? exports must be UTF-8)",
            e.valid_up_to()
        );
        return (Vec::new(), vec![reject(reason)]);
    }
    let mut partial = Vec::new();
    match fmt.parse_line(line, variant, ctx, &mut partial) {
        Ok(mut drafts) => {
            stamp(&mut drafts, ctx.file, lineno);
            (drafts, partial.into_iter().map(reject).collect())
        }
        Err(e) => (Vec::new(), vec![reject(e)]),
    }
}

/// One JSON document per file.
fn read_document(
    mut stream: Box<dyn BufRead + '_>,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
    mut truncated: Option<String>,
) -> Outcome {
    let mut all = Vec::new();
    if let Err(e) = stream.read_to_end(&mut all) {
        truncated = Some(read_error_reason(&e));
    }
    let (doc, damage) = match parse_or_salvage(&all, 0, truncated.take()) {
        Ok(parsed) => parsed,
        Err((position, kind, reason)) => return Outcome::Failed(None, position, kind, reason),
    };
    drop(all);
    let Some(fmt) = doc_formats().into_iter().find(|f| f.sniff(&doc)) else {
        return Outcome::Failed(
            None,
            0,
            PositionKind::File,
            "unrecognised JSON: not a known export format (and no configured mapping matches)"
                .into(),
        );
    };
    if let Some(why) = fmt.holds_no_posts() {
        return Outcome::Skipped(fmt.name(), why.into());
    }
    emit_document(
        fmt.name(),
        |d, r| fmt.parse(doc, ctx, d, r),
        ctx,
        counter,
        emit,
    );
    match damage {
        Some((position, reason)) => {
            Outcome::Failed(Some(fmt.name()), position, PositionKind::Byte, reason)
        }
        None => Outcome::Format(fmt.name()),
    }
}

/// Where a damaged document broke (byte offset in the file) and why.
type Damage = Option<(u64, String)>;

/// Parse a whole JSON document; when that fails, keep the complete records before the
/// damage (see [`salvage`]). `offset` is where `json` starts in the file, so positions
/// are file bytes. The error is a file-level reject: nothing could be kept.
#[allow(clippy::type_complexity)]
fn parse_or_salvage(
    json: &[u8],
    offset: usize,
    truncated: Option<String>,
) -> Result<(Value, Damage), (u64, PositionKind, String)> {
    let err = match serde_json::from_slice::<Value>(json) {
        Ok(v) => return Ok((v, truncated.map(|t| (json.len() as u64, t)))),
        Err(e) => e,
    };
    let cause = truncated.unwrap_or_else(|| format!("invalid JSON document: {err}"));
    match salvage::salvage(json) {
        Some(s) => {
            let at = (offset + s.broke_at) as u64;
            Ok((
                s.doc,
                Some((
                    at,
                    format!(
                        "{cause}; the document breaks at byte {at}: the {} complete records before it were kept",
                        s.kept
                    ),
                )),
            ))
        }
        None => Err((err.line() as u64, PositionKind::Line, cause)),
    }
}

fn emit_document(
    name: &str,
    parse: impl FnOnce(&mut Vec<Draft>, &mut Vec<Reject>),
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
) {
    let mut batch = Batch::default();
    parse(&mut batch.drafts, &mut batch.rejects);
    for d in &mut batch.drafts {
        d.post.source_file = ctx.file.to_string();
    }
    for r in &mut batch.rejects {
        r.source_file = ctx.file.to_string();
        r.format.get_or_insert_with(|| name.to_string());
    }
    counter.posts += batch.drafts.len() as u64;
    counter.posts_records += batch.drafts.len() as u64;
    counter.rejects += batch.rejects.len() as u64;
    emit(batch);
}

/// `window.YTD.<name>.partN = [...]` files of an X/Twitter account archive.
fn read_twitter_archive(
    mut stream: Box<dyn BufRead + '_>,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
    mut truncated: Option<String>,
) -> Outcome {
    let mut all = Vec::new();
    if let Err(e) = stream.read_to_end(&mut all) {
        truncated = Some(read_error_reason(&e));
    }
    let name = twitter_archive::NAME;
    let Some((ytd, json)) = twitter_archive::split_prefix(&all) else {
        return Outcome::Failed(
            Some(name),
            0,
            PositionKind::File,
            "X archive file without `window.YTD.<name> = ` prefix".into(),
        );
    };
    if !twitter_archive::holds_posts(&ytd) {
        return Outcome::Skipped(name, twitter_archive::skip_reason(&ytd));
    }
    let offset = all.len() - json.len();
    let (doc, damage) = match parse_or_salvage(json, offset, truncated.take()) {
        Ok(parsed) => parsed,
        Err((position, kind, reason)) => {
            return Outcome::Failed(Some(name), position, kind, reason)
        }
    };
    drop(all);
    emit_document(
        name,
        |d, r| twitter_archive::parse(doc, ctx, d, r),
        ctx,
        counter,
        emit,
    );
    match damage {
        Some((position, reason)) => {
            Outcome::Failed(Some(name), position, PositionKind::Byte, reason)
        }
        None => Outcome::Format(name),
    }
}

/// Helpers the readers share for pulling typed fields out of JSON.
pub mod json {
    use serde_json::Value;

    pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
        let mut cur = v;
        for k in path {
            cur = cur.get(k)?;
        }
        cur.as_str()
    }

    pub fn string_at(v: &Value, path: &[&str]) -> Option<String> {
        str_at(v, path)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// Integer that may be a JSON number or a numeric string (X archives use strings).
    pub fn int_at(v: &Value, path: &[&str]) -> Option<i64> {
        let mut cur = v;
        for k in path {
            cur = cur.get(k)?;
        }
        as_int(cur)
    }

    pub fn as_int(v: &Value) -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Id that may be a number or a string.
    pub fn id_at(v: &Value, path: &[&str]) -> Option<String> {
        let mut cur = v;
        for k in path {
            cur = cur.get(k)?;
        }
        match cur {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn array_at<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
        let mut cur = v;
        for k in path {
            match cur.get(k) {
                Some(c) => cur = c,
                None => return &[],
            }
        }
        cur.as_array().map(Vec::as_slice).unwrap_or(&[])
    }

    /// The non-empty string `key` of every element of the array at `path` (hashtags,
    /// mentioned handles, ...).
    pub fn strings_at(v: &Value, path: &[&str], key: &str) -> Vec<String> {
        array_at(v, path)
            .iter()
            .filter_map(|e| string_at(e, &[key]))
            .collect()
    }
}

/// Mapping-driven readers (CSV, NDJSON) share this lookup of a mapping by its columns.
pub fn find_mapping(cfg: &Config, has: impl Fn(&str) -> bool) -> Option<(usize, &MappingConfig)> {
    cfg.mappings
        .iter()
        .enumerate()
        .find(|(_, m)| has(&m.id) && has(&m.text) && has(&m.timestamp))
}
