//! Document formats: one JSON value per file, parsed whole, with the records before
//! any damage kept.

use super::*;

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

/// The rest of the stream; a read error becomes `truncated` (what was read is kept).
fn read_all(
    stream: &mut Box<dyn BufRead + '_>,
    truncated: &mut Option<String>,
    cfg: &Config,
) -> Result<Vec<u8>, Failure> {
    read_bounded(stream, cfg).map(|(all, err)| {
        if let Some(e) = err {
            *truncated = Some(e);
        }
        all
    })
}

/// The rest of a stream read whole, up to `input.max_document_mb` (decompressed):
/// past it, a failure naming the limit. A read error ends it with what was read.
pub(super) fn read_bounded(
    stream: &mut dyn Read,
    cfg: &Config,
) -> Result<(Vec<u8>, Option<String>), Failure> {
    let limit = cfg.input.max_document_mb.saturating_mul(1 << 20);
    let mut all = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    let mut err = None;
    // Chunk by chunk, so the buffer never grows past the limit (read_to_end doubles
    // its reservation, and past the limit that reservation alone can exhaust memory).
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) if all.len() as u64 + n as u64 > limit => {
                all.clear();
                all.shrink_to_fit();
                return Err(over_limit(cfg));
            }
            Ok(n) => all.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                err = Some(read_error_reason(&e));
                break;
            }
        }
    }
    Ok((all, err))
}

fn over_limit(cfg: &Config) -> Failure {
    Failure {
        format: None,
        position: 0,
        kind: PositionKind::File,
        reason: format!(
            "read whole, this file is larger than input.max_document_mb ({} MiB) once decompressed: not read (split the export, or raise the limit)",
            cfg.input.max_document_mb
        ),
    }
}

/// One JSON document per file.
pub(super) fn read_document(
    mut stream: Box<dyn BufRead + '_>,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
    mut truncated: Option<String>,
) -> Outcome {
    let all = match read_all(&mut stream, &mut truncated, ctx.cfg) {
        Ok(a) => a,
        Err(f) => return Outcome::Failed(f),
    };
    let (doc, damage) = match parse_or_salvage(&all, 0, truncated.take()) {
        Ok(parsed) => parsed,
        Err((position, kind, reason)) => {
            return Outcome::Failed(Failure {
                format: None,
                position,
                kind,
                reason,
            })
        }
    };
    drop(all);
    // An array of flat records: a user's mapping that fits wins over content detection;
    // a built-in layout (preset) comes after the known document formats.
    let user = generic::document_variant(&doc, ctx.cfg, true);
    let known = || doc_formats().into_iter().find(|f| f.sniff(&doc));
    let mapped = match user {
        Some(v) => Some(v),
        None if known().is_none() => generic::document_variant(&doc, ctx.cfg, false),
        None => None,
    };
    if let Some(variant) = mapped {
        emit_document(
            generic::JSON,
            |d, r| generic::parse_document(&doc, variant, ctx, d, r),
            ctx,
            counter,
            emit,
        );
        return match damage {
            Some((position, reason)) => Outcome::Failed(Failure {
                format: Some(generic::JSON),
                position,
                kind: PositionKind::Byte,
                reason,
            }),
            None => Outcome::Format(generic::JSON),
        };
    }
    let Some(fmt) = known() else {
        return Outcome::Failed(Failure {
            format: None,
            position: 0,
            kind: PositionKind::File,
            reason:
                "unrecognised JSON: not a known export format (and no configured mapping matches)"
                    .into(),
        });
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
        Some((position, reason)) => Outcome::Failed(Failure {
            format: Some(fmt.name()),
            position,
            kind: PositionKind::Byte,
            reason,
        }),
        None => Outcome::Format(fmt.name()),
    }
}

/// Where a damaged document broke (byte offset in the file) and why.
pub(super) type Damage = Option<(u64, String)>;

/// Parse a whole JSON document; when that fails, keep the complete records before the
/// damage (see [`salvage`]). `offset` is where `json` starts in the file, so positions
/// are file bytes. The error is a file-level reject: nothing could be kept.
#[allow(clippy::type_complexity)]
pub(super) fn parse_or_salvage(
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

pub(super) fn emit_document(
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
        d.position_kind = PositionKind::Record;
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
pub(super) fn read_twitter_archive(
    mut stream: Box<dyn BufRead + '_>,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
    mut truncated: Option<String>,
) -> Outcome {
    let all = match read_all(&mut stream, &mut truncated, ctx.cfg) {
        Ok(a) => a,
        Err(f) => return Outcome::Failed(f),
    };
    let name = twitter_archive::NAME;
    let Some((ytd, json)) = twitter_archive::split_prefix(&all) else {
        return Outcome::Failed(Failure {
            format: Some(name),
            position: 0,
            kind: PositionKind::File,
            reason: "X archive file without `window.YTD.<name> = ` prefix".into(),
        });
    };
    if !twitter_archive::holds_posts(&ytd) {
        return Outcome::Skipped(name, twitter_archive::skip_reason(&ytd));
    }
    let offset = all.len() - json.len();
    let (doc, damage) = match parse_or_salvage(json, offset, truncated.take()) {
        Ok(parsed) => parsed,
        Err((position, kind, reason)) => {
            return Outcome::Failed(Failure {
                format: Some(name),
                position,
                kind,
                reason,
            })
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
        Some((position, reason)) => Outcome::Failed(Failure {
            format: Some(name),
            position,
            kind: PositionKind::Byte,
            reason,
        }),
        None => Outcome::Format(name),
    }
}
