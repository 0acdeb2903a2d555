//! Generic CSV and NDJSON exports of social-media management and listening tools,
//! read through a `[[mappings]]` entry of the pipeline config. A file uses the first
//! mapping whose `id`, `text` and `timestamp` columns it has. NDJSON keys may be
//! dotted paths (`user.screen_name`).

use super::presets::{self, Preset};
use super::{find_mapping, flat, Batch, Config, Counter, Ctx, Failure, LineFormat, Outcome};
use crate::config::MappingConfig;
use crate::model::{excerpt, Direction, Draft, Kind, PositionKind, Post, Reject};
use crate::text::{decode_entities, parse_with_format};
use chrono::FixedOffset;
use serde_json::Value;
use std::borrow::Cow;
use std::io::BufRead;

/// Format name `generic-csv`, as `inputs[].format` and rejects give it.
pub const CSV: &str = "generic-csv";
/// Format name `generic-ndjson`, as `inputs[].format` and rejects give it.
pub const NDJSON: &str = "generic-ndjson";

/// Format name `generic-json`: a JSON document holding an array of mapped records.
pub const JSON: &str = "generic-json";

/// The mapping variant an array document's records are read through: a user's
/// `[[mappings]]` entry only when `user_only`, else a user's entry or a preset.
pub(super) fn document_variant(doc: &Value, cfg: &Config, user_only: bool) -> Option<usize> {
    let first = doc.as_array()?.iter().find(|v| v.is_object())?;
    if user_only {
        user_mapping(first, cfg)
    } else {
        GenericNdjson.sniff(first, cfg)
    }
}

/// Every record of an array document through the mapping `variant`.
pub(super) fn parse_document(
    doc: &Value,
    variant: usize,
    ctx: &Ctx,
    out: &mut Vec<Draft>,
    rejects: &mut Vec<Reject>,
) {
    let items = doc.as_array().map(Vec::as_slice).unwrap_or_default();
    let tz = ctx.cfg.input.timezone.as_deref();
    super::read_records(items, ctx, JSON, out, rejects, |item| {
        let (m, preset) = variant_mapping(ctx.cfg, variant)?;
        let get = presets::with_derived(preset, tz, |col| lookup(item, col).and_then(value_text));
        from_fields(m, get)
    });
}

/// mapped: generic ndjson (one JSON document).
pub struct GenericNdjson;

fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(x) = v.get(path) {
        return Some(x);
    }
    let mut cur = v;
    for k in path.split('.') {
        cur = cur.get(k)?;
    }
    Some(cur)
}

fn value_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// The variant of the user's `[[mappings]]` entry that fits a record: the record has
/// every column the mapping names, not only its id, text and time (a mapping of
/// `id`, `text` and `created_at` alone would otherwise claim every X API record).
pub(super) fn user_mapping(first: &Value, cfg: &Config) -> Option<usize> {
    cfg.mappings.iter().position(|m| {
        m.columns()
            .as_slice()
            .iter()
            .all(|c| lookup(first, c).is_some())
    })
}

impl LineFormat for GenericNdjson {
    fn name(&self) -> &'static str {
        NDJSON
    }
    fn sniff(&self, first: &Value, cfg: &Config) -> Option<usize> {
        // A user's mapping first; then the presets, numbered after the mappings.
        find_mapping(cfg, |k| lookup(first, k).is_some())
            .map(|(i, _)| i)
            .or_else(|| {
                presets::find(|k| lookup(first, k).is_some()).map(|i| cfg.mappings.len() + i)
            })
    }
    fn parse(
        &self,
        v: Value,
        variant: usize,
        ctx: &Ctx,
        _partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        let (m, preset) = variant_mapping(ctx.cfg, variant)?;
        let tz = ctx.cfg.input.timezone.as_deref();
        let get = presets::with_derived(preset, tz, |col| lookup(&v, col).and_then(value_text));
        from_fields(m, get).map(|d| vec![d])
    }
    fn parse_line(
        &self,
        line: &[u8],
        variant: usize,
        ctx: &Ctx,
        partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        let (m, preset) = variant_mapping(ctx.cfg, variant)?;
        let columns = m.columns();
        let columns = columns.as_slice();
        if preset.is_some() || columns.iter().any(|c| c.contains('.')) {
            // Dotted paths reach into nested objects: read the whole tree.
            return super::parse_tree(self, line, variant, ctx, partial);
        }
        let fields = flat::read(line, columns).map_err(|e| format!("invalid JSON: {e}"))?;
        from_fields(m, |col| {
            let i = columns.iter().position(|c| *c == col)?;
            fields[i].as_ref().and_then(flat::Field::text)
        })
        .map(|d| vec![d])
    }
}

/// The mapping of a sniffed variant: a user's `[[mappings]]` entry, or a preset (with
/// its derived columns) numbered after them.
fn variant_mapping(
    cfg: &Config,
    variant: usize,
) -> Result<(&MappingConfig, Option<&'static Preset>), String> {
    if let Some(m) = cfg.mappings.get(variant) {
        return Ok((m, None));
    }
    let i = variant - cfg.mappings.len();
    match (presets::mapping(i), presets::presets().get(i)) {
        (Some(m), Some(p)) => Ok((m, Some(p))),
        _ => Err("mapping vanished".into()),
    }
}

/// Parse a count column: empty means unknown (null), `1,234` and `1.2K` are understood.
fn count(s: &str) -> Result<Option<i64>, String> {
    // Plain digits, the usual case, skip the cleaning copy; up to 15 digits are exact in
    // the general path's f64 too, so both give the same number.
    if (1..=15).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = s.parse::<i64>() {
            return Ok(Some(n));
        }
    }
    let t = s.trim().replace(['_', ' ', '\u{a0}', '\u{202f}'], "");
    if t.is_empty() || t == "-" || t.eq_ignore_ascii_case("null") || t.eq_ignore_ascii_case("n/a") {
        return Ok(None);
    }
    let t = locale_number(&t);
    let (num, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000.0),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000.0),
        _ => (t.as_str(), 1.0),
    };
    num.parse::<f64>()
        .map(|f| Some((f * mult).round() as i64))
        .map_err(|_| "not a count".to_string())
}

/// A number as a dashboard's locale wrote it, in the `.`-decimal form: a separator
/// followed by groups of exactly three digits groups thousands (`1,234`, `407.137`,
/// `1.234.567`), since counts are whole; a lone `,` followed by one or two digits is a
/// decimal comma (`1,4`). Anything else is left as it is.
fn locale_number(t: &str) -> String {
    let body = t.trim_end_matches(['k', 'K', 'm', 'M']);
    let suffix = &t[body.len()..];
    for sep in [',', '.'] {
        let groups: Vec<&str> = body.split(sep).collect();
        let grouped = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[0].bytes().all(|b| b.is_ascii_digit())
            && groups[1..]
                .iter()
                .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        // `12.5K`: a suffix scales a decimal, so only a comma groups there.
        if grouped && (suffix.is_empty() || sep == ',') {
            return format!("{}{suffix}", groups.concat());
        }
    }
    if let Some((int, frac)) = body.split_once(',') {
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        if digits(int) && digits(frac) && frac.len() <= 2 {
            return format!("{int}.{frac}{suffix}");
        }
    }
    t.to_string()
}

/// An id as the platform wrote it, from the float a spreadsheet or pandas turned an
/// integer id into: `3.0` is `3`, `1.2e+18` is `1200000000000000000` (the digits the
/// float kept; the replies in the same export were written the same way, so they still
/// link). Anything else is returned as it is.
pub fn integer_id(id: &str) -> String {
    let b = id.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if let Some(dot) = id.find('.') {
        let (int, frac) = (&b[..dot], &b[dot + 1..]);
        if digits(int) && digits(frac) && frac.iter().all(|c| *c == b'0') {
            return id[..dot].to_string();
        }
    }
    let sci = id.contains(['e', 'E'])
        && b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+'))
        && b.first().is_some_and(u8::is_ascii_digit);
    if sci {
        if let Ok(f) = id.parse::<f64>() {
            if f.is_finite() && f.fract() == 0.0 && f < 1e21 {
                return format!("{f:.0}");
            }
        }
    }
    id.to_string()
}

/// `posts.visibility` of a mapped visibility column: tools write the platform's word
/// (`direct`, `private`) or name the message kind (`Received Private Message`).
fn visibility(v: &str) -> &'static str {
    let v = v.trim().to_lowercase();
    if v == "direct" || v.contains("private message") || v.contains("direct message") {
        "direct"
    } else if v == "private" {
        "private"
    } else {
        "public"
    }
}

/// Build a post from a mapping and a column getter (shared by CSV and NDJSON). The getter
/// lends the field where it can: only what the post keeps is copied.
pub fn from_fields<'a>(
    m: &MappingConfig,
    get: impl Fn(&str) -> Option<Cow<'a, str>>,
) -> Result<Draft, String> {
    let opt = |col: &Option<String>| {
        col.as_deref()
            .and_then(&get)
            .filter(|s| !s.trim().is_empty())
    };
    let owned = |col: &Option<String>| opt(col).map(Cow::into_owned);
    let id = get(&m.id)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("missing id ({})", m.id))?;
    let ts = get(&m.timestamp)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("missing timestamp ({})", m.timestamp))?;
    let format = if m.timestamp_format.is_empty() {
        "auto"
    } else {
        &m.timestamp_format
    };
    let mut created_at = parse_with_format(&ts, format).ok_or_else(|| {
        let (time, zone) = ts.trim().rsplit_once(' ').unwrap_or(("", ""));
        match (presets::ambiguous_zone(zone), get(presets::TIMEZONE)) {
            // The zone is settled, yet the time could not be placed in it: it falls in
            // the hour the clocks skip.
            (Some(_), Some(tz)) => format!(
                "local time {time} does not exist in {tz} (input.timezone): the clocks skip it when daylight saving starts"
            ),
            (Some(meanings), None) => format!(
                "ambiguous time zone abbreviation {zone} ({meanings}): set input.timezone to the export's zone"
            ),
            (None, _) => format!(
                "unparseable timestamp in column `{}` (format {format})",
                m.timestamp
            ),
        }
    })?;
    if let Some(off) = &m.timestamp_offset {
        // Naive local times of a tool configured in one zone: shift to UTC.
        let parsed: FixedOffset = off
            .parse()
            .map_err(|_| format!("invalid timestamp_offset {off:?} in mapping {}", m.name))?;
        created_at -= i64::from(parsed.local_minus_utc()) * 1_000_000;
    }
    // The row's own platform column wins; a blank one falls back to the fixed platform.
    let platform = match (opt(&m.platform_column), &m.platform) {
        (Some(p), _) => p.trim().to_lowercase(),
        (None, Some(p)) => p.to_lowercase(),
        (None, None) => return Err("row without platform".into()),
    };
    let text = decode_entities(get(&m.text).unwrap_or_default());
    let mut p = Post::new(&platform, integer_id(id.trim()), created_at, text);
    p.author_handle = opt(&m.author).map(|a| a.trim().trim_start_matches('@').to_string());
    p.author_id = owned(&m.author_id).or_else(|| p.author_handle.clone());
    p.url = owned(&m.url);
    p.lang = owned(&m.lang);
    p.reply_to_id = opt(&m.reply_to).map(|r| integer_id(r.trim()));
    p.conversation_id = opt(&m.conversation).map(|c| integer_id(c.trim()));
    let c = |col: &Option<String>| -> Result<Option<i64>, String> {
        match opt(col) {
            Some(s) => {
                count(&s).map_err(|e| format!("{e} in column `{}`", col.as_deref().unwrap_or("")))
            }
            None => Ok(None),
        }
    };
    p.counts.likes = c(&m.likes)?;
    p.counts.reposts = c(&m.reposts)?;
    p.counts.replies = c(&m.replies)?;
    p.counts.quotes = c(&m.quotes)?;
    p.counts.views = c(&m.views)?;
    p.kind = match opt(&m.kind).map(|k| k.to_lowercase()) {
        Some(k) if k.contains("repl") => Kind::Reply,
        Some(k) if k.contains("comment") => Kind::Comment,
        Some(k) if k.contains("quote") => Kind::Quote,
        Some(k) if k.contains("repost") || k.contains("retweet") || k.contains("share") => {
            Kind::Repost
        }
        Some(_) => Kind::Original,
        None if p.reply_to_id.is_some() => Kind::Reply,
        None => Kind::Original,
    };
    p.mentions = crate::text::at_words(&p.text)
        .map(|w| {
            w.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'))
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    p.visibility = opt(&m.visibility).map(|v| visibility(&v).to_string());
    let mut d = Draft::new(p);
    d.named_account = opt(&m.account).map(|a| a.trim().trim_start_matches('@').to_string());
    d.addressed_to = d.post.mentions.clone();
    d.by_owner = m.own_posts;
    if let (Some(col), Some(v)) = (m.direction.as_deref(), opt(&m.direction)) {
        d.direction = Some(direction(m, col, &v)?);
    }
    Ok(d)
}

/// The direction a mapped `direction` column's value names (see
/// `mappings[].direction` in docs/configuration.md).
fn direction(m: &MappingConfig, column: &str, value: &str) -> Result<Direction, String> {
    let v = value.trim();
    let listed = |values: &[String]| values.iter().any(|x| x.trim().eq_ignore_ascii_case(v));
    if listed(&m.inbound_values) {
        return Ok(Direction::Inbound);
    }
    if listed(&m.outbound_values) {
        return Ok(Direction::Outbound);
    }
    let lower = v.to_lowercase();
    match lower.as_str() {
        "inbound" | "in" | "received" | "incoming" => return Ok(Direction::Inbound),
        "outbound" | "out" | "sent" | "outgoing" => return Ok(Direction::Outbound),
        _ => {}
    }
    let yes = match lower.as_str() {
        "true" | "1" | "yes" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "n" | "f" => Some(false),
        _ => None,
    };
    let unknown = || {
        format!(
            "direction value {v:?} in column `{column}` means neither inbound nor outbound: list it in the mapping's inbound_values or outbound_values"
        )
    };
    let yes = yes.ok_or_else(unknown)?;
    // A yes/no answers the question the column's name asks.
    let name = column.to_lowercase();
    let says = |words: &[&str]| words.iter().any(|w| name.contains(w));
    let means_outbound = if says(&["outbound", "outgoing", "sent", "from_us", "by_agent"]) {
        true
    } else if says(&["inbound", "incoming", "received"]) {
        false
    } else {
        return Err(unknown());
    };
    Ok(if yes == means_outbound {
        Direction::Outbound
    } else {
        Direction::Inbound
    })
}

/// The mapping a table with these columns is read by: a user's `[[mappings]]` entry
/// first, then a built-in layout (with its preset, for derived columns). CSV and
/// workbook sheets share it.
pub(super) fn layout(
    cfg: &Config,
    has: impl Fn(&str) -> bool,
) -> Option<(&MappingConfig, Option<&'static Preset>)> {
    if let Some((_, m)) = find_mapping(cfg, &has) {
        return Some((m, None));
    }
    let i = presets::find(has)?;
    Some((presets::mapping(i)?, Some(presets::presets().get(i)?)))
}

/// CSV through a mapping; rows are mapped in batches so memory stays bounded.
pub(super) fn read_csv(
    stream: Box<dyn BufRead + '_>,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
    mut truncated: Option<String>,
) -> Outcome {
    // Sniff the delimiter from the configured mappings; default comma.
    let delimiters: Vec<u8> = {
        let mut d: Vec<u8> = ctx
            .cfg
            .mappings
            .iter()
            .filter_map(|m| m.delimiter)
            .map(|c| c as u8)
            .collect();
        d.push(b',');
        d.dedup();
        d
    };
    let mut stream = stream;
    // A file whose lines end in LF alone keeps a lone CR inside a field (a line break
    // typed in a spreadsheet cell); CRLF files end records at CR, LF or CRLF.
    let crlf = match stream.fill_buf() {
        Ok(head) => head
            .iter()
            .position(|b| *b == b'\n')
            .is_none_or(|i| i > 0 && head[i - 1] == b'\r'),
        Err(_) => true,
    };
    let terminator = if crlf {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiters[0])
        .terminator(terminator)
        .from_reader(stream);
    let header: Vec<String> = match rdr.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|c| {
                let name = String::from_utf8_lossy(c);
                name.trim_start_matches('\u{feff}').trim().to_string()
            })
            .collect(),
        Err(e) => {
            return Outcome::Failed(Failure {
                format: None,
                position: 1,
                kind: PositionKind::Line,
                reason: format!("unrecognised format: {e}"),
            })
        }
    };
    let has = |k: &str| header.iter().any(|h| h == k);
    let Some((m, preset)) = layout(ctx.cfg, has) else {
        let shown: String = header.join(",").chars().take(120).collect();
        let near = near_miss(ctx.cfg, &header)
            .map(|m| format!("; {m}"))
            .unwrap_or_default();
        return Outcome::Failed(Failure {
            format: None,
            position: 0,
            kind: PositionKind::File,
            reason: format!(
                "unrecognised format: not JSON, not an X archive, no [[mappings]] entry and no built-in export layout matches the CSV header ({shown}){near}"
            ),
        });
    };
    let format = preset.map_or(CSV, |p| p.name);
    if preset.is_none() {
        counter.notes.extend(missing_columns(m, &header));
    }
    // After a header ended by CRLF the reader has not counted its line yet (it stops at
    // the `\r`): the start line of every record would be one short. (Its running
    // position, read after a record, is right.)
    let line_fix = 2u64.saturating_sub(rdr.position().line());
    let col = |name: &str| header.iter().position(|h| h == name);
    let batch_size = ctx.cfg.run.batch_size.max(1);
    let mut batch = Batch::default();
    let mut record = csv::ByteRecord::new();
    let mut last_line = 1u64;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record
                    .position()
                    .map_or(last_line + 1, |p| p.line() + line_fix);
                last_line = line;
                let mut bad_utf8 = None;
                let fields: Vec<Option<&str>> = record
                    .iter()
                    .enumerate()
                    .map(|(i, f)| match std::str::from_utf8(f) {
                        Ok(s) => Some(s),
                        Err(_) => {
                            bad_utf8.get_or_insert(i);
                            None
                        }
                    })
                    .collect();
                // Where the reader stands now: a row that spans more lines than its
                // fields explain swallowed its successors through an open quote.
                let end_line = rdr.position().line().saturating_sub(1).max(line);
                let result = if record.len() != header.len() {
                    Err(ragged(record.len(), header.len(), line, end_line))
                } else {
                    match bad_utf8 {
                        Some(i) => Err(format!(
                            "invalid UTF-8 in column {:?} (wrong encoding? exports must be UTF-8)",
                            header.get(i).map(String::as_str).unwrap_or("?")
                        )),
                        None => from_fields(
                            m,
                            presets::with_derived(
                                preset,
                                ctx.cfg.input.timezone.as_deref(),
                                |name| {
                                    col(name)
                                        .and_then(|i| fields.get(i).copied().flatten())
                                        .map(Cow::Borrowed)
                                },
                            ),
                        ),
                    }
                };
                match result {
                    Ok(mut d) => {
                        d.post.source_file = ctx.file.to_string();
                        d.post.source_position = line;
                        counter.posts += 1;
                        counter.posts_records += 1;
                        batch.drafts.push(d);
                    }
                    Err(reason) => {
                        counter.rejects += 1;
                        let raw: Vec<u8> = record.iter().collect::<Vec<_>>().join(&b","[..]);
                        batch.rejects.push(Reject {
                            source_file: ctx.file.to_string(),
                            position: line,
                            position_kind: PositionKind::Line,
                            format: Some(format.into()),
                            reason,
                            raw_excerpt: excerpt(&raw),
                        });
                    }
                }
                if batch.drafts.len() + batch.rejects.len() >= batch_size {
                    emit(std::mem::take(&mut batch));
                }
            }
            Err(e) => {
                if e.is_io_error() {
                    truncated = Some(format!(
                        "file ends early or is corrupt ({e}): records before this point were kept"
                    ));
                    break;
                }
                // A malformed row: reject it and carry on with the next.
                counter.rejects += 1;
                let line = e.position().map_or(last_line + 1, |p| p.line() + line_fix);
                last_line = line;
                batch.rejects.push(Reject {
                    source_file: ctx.file.to_string(),
                    position: line,
                    position_kind: PositionKind::Line,
                    format: Some(format.into()),
                    reason: format!("malformed CSV row: {e}"),
                    raw_excerpt: String::new(),
                });
            }
        }
    }
    if !batch.drafts.is_empty() || !batch.rejects.is_empty() {
        emit(batch);
    }
    match truncated {
        Some(reason) => Outcome::Failed(Failure {
            format: Some(format),
            position: last_line + 1,
            kind: PositionKind::Line,
            reason,
        }),
        None => Outcome::Format(format),
    }
}

/// The user's mapping that comes closest to a header it does not fit, with each of
/// its id, text and timestamp columns the header lacks and the header's nearest name
/// ("mapping `support`: column `Text` is not in the header; did you mean `text`?").
fn near_miss(cfg: &Config, header: &[String]) -> Option<String> {
    let m = cfg.mappings.iter().max_by_key(|m| {
        [&m.id, &m.text, &m.timestamp]
            .iter()
            .filter(|c| header.contains(c))
            .count()
    })?;
    let missing: Vec<String> = [&m.id, &m.text, &m.timestamp]
        .into_iter()
        .filter(|c| !header.contains(c))
        .map(|c| match closest(c, header) {
            Some(h) => format!("column `{c}` is not in the header; did you mean `{h}`?"),
            None => format!("column `{c}` is not in the header"),
        })
        .collect();
    Some(format!("mapping `{}`: {}", m.name, missing.join("; ")))
}

/// The columns of a user's mapping (one that fits the header by its id, text and
/// timestamp) that the header lacks: their values would be null in every row, so each
/// is named, with the header's nearest column.
pub(super) fn missing_columns(m: &MappingConfig, header: &[String]) -> Vec<String> {
    m.columns()
        .as_slice()
        .iter()
        .filter(|c| !header.iter().any(|h| h == *c))
        .map(|c| match closest(c, header) {
            Some(h) => format!(
                "mapping `{}`: column `{c}` is not in the header, so it is empty in every row; did you mean `{h}`?",
                m.name
            ),
            None => format!(
                "mapping `{}`: column `{c}` is not in the header, so it is empty in every row",
                m.name
            ),
        })
        .collect()
}

/// The header name nearest to `column`: the same but for case and spaces, else within
/// a third of its length in edits.
pub(crate) fn closest<'h>(column: &str, header: &'h [String]) -> Option<&'h str> {
    let fold = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let want = fold(column);
    if let Some(h) = header.iter().find(|h| fold(h) == want) {
        return Some(h);
    }
    header
        .iter()
        .map(|h| (strsim::levenshtein(&want, &fold(h)), h))
        .filter(|(d, _)| *d <= (want.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h.as_str())
}

/// Why a row whose field count differs from the header's is rejected. A row that runs
/// over several lines most likely holds a quote that is never closed.
fn ragged(fields: usize, expected: usize, line: u64, end_line: u64) -> String {
    if end_line > line {
        format!(
            "unterminated quote? the row that begins on line {line} runs to line {end_line} and has {fields} fields, the header {expected}"
        )
    } else {
        format!("the row has {fields} fields, the header {expected}")
    }
}

#[cfg(test)]
mod tests {
    use super::{count, integer_id};

    #[test]
    fn float_ids_become_integers() {
        assert_eq!(integer_id("3.0"), "3");
        assert_eq!(integer_id("1.2e+18"), "1200000000000000000");
        assert_eq!(integer_id("1.234E5"), "123400");
        assert_eq!(integer_id("3.5"), "3.5");
        assert_eq!(integer_id("ig_1790"), "ig_1790");
        assert_eq!(integer_id("1790"), "1790");
        assert_eq!(integer_id("e5"), "e5");
        assert_eq!(integer_id("t3_1e5"), "t3_1e5");
    }

    #[test]
    fn counts() {
        assert_eq!(count(""), Ok(None));
        assert_eq!(count("1,234"), Ok(Some(1234)));
        assert_eq!(count("1.2K"), Ok(Some(1200)));
        assert_eq!(count("007"), Ok(Some(7)));
        assert_eq!(count("123456789012345"), Ok(Some(123_456_789_012_345)));
        assert_eq!(count("12345678901234567"), Ok(Some(12_345_678_901_234_568)));
        assert!(count("lots").is_err());
        // Dashboards in other locales: dots group thousands, a comma is the decimal mark.
        assert_eq!(count("407.137"), Ok(Some(407_137)));
        assert_eq!(count("1.234.567"), Ok(Some(1_234_567)));
        assert_eq!(count("1,4"), Ok(Some(1)));
        assert_eq!(count("2,6"), Ok(Some(3)));
        assert_eq!(count("12.5K"), Ok(Some(12_500)));
        assert_eq!(count("1,2K"), Ok(Some(1_200)));
        assert_eq!(count("1.5"), Ok(Some(2)));
        assert_eq!(count("12 480"), Ok(Some(12_480)));
    }
}
