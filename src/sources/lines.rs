//! Line formats (NDJSON-like): batches of lines parsed in parallel and emitted in
//! order, and plain files read in byte ranges.

use super::detect::{plain_line_format, trim_line};
use super::*;

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
pub(super) fn line_start(file: &mut std::fs::File, at: u64, size: u64) -> std::io::Result<u64> {
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
pub(super) fn newlines_before(file: &mut std::fs::File, offset: u64) -> std::io::Result<u64> {
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
    let screen = Screen::new(cfg, emit);
    let emit = &|b: Batch| screen.pass(b);
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
        failed(
            &mut report,
            emit,
            Failure {
                format: None,
                position: start,
                kind: byte,
                reason,
            },
            false,
        );
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
                Failure {
                    format: Some(fmt.name()),
                    position: start,
                    kind: byte,
                    reason,
                },
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
                failed(
                    &mut report,
                    emit,
                    Failure {
                        format: Some(fmt.name()),
                        position: 0,
                        kind: byte,
                        reason,
                    },
                    false,
                );
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
    screen.correct(&mut report);
    if let Outcome::Failed(failure) = outcome {
        let failure = Failure {
            format: Some(fmt.name()),
            ..failure
        };
        failed(&mut report, emit, failure, true);
    }
    report
}

/// Line-oriented formats: batches of lines parsed in parallel, emitted in order.
/// One batch of lines read from a stream: the bytes and (line number, start, end) of
/// each non-empty line.
#[derive(Default)]
pub(super) struct LineBatch {
    buf: Vec<u8>,
    spans: Vec<(u64, usize, usize)>,
}

/// Where a line-by-line read stands between batches.
pub(super) struct LineReader<'a> {
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

pub(super) fn read_lines(
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
pub(super) fn read_lines_from(
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
pub(super) fn parse_and_emit(
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

pub(super) fn parse_line(
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
