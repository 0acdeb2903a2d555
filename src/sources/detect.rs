//! Detecting a file's format from its head: an X archive part, a line format that
//! claims its first record, or else a document or CSV.

use super::*;

/// Bytes read ahead for sniffing.
pub(super) const HEAD_BYTES: usize = 256 * 1024;

/// Records of a file's head a line format may be recognised by.
const SNIFFED: usize = 20;

/// Whether the head is a Twitter archive part, and the line format (and its variant)
/// that claims it: NDJSON when the first parseable line is an object a format knows.
pub(super) fn claim(
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
        // Judged on several records: the first object a format claims decides, so a
        // first line of metadata (as some export tools write) is one reject, not a lost
        // file. A value that is not an object (a document's opening) decides nothing.
        for line in lines_in_head.iter().take(SNIFFED) {
            let Ok(v) = serde_json::from_slice::<Value>(line) else {
                continue;
            };
            if !v.is_object() {
                break;
            }
            // A user's mapping whose columns the record has wins over content
            // detection (docs/formats.md): the user said how to read it.
            claimed = generic::user_mapping(&v, cfg)
                .map(|variant| (&generic::GenericNdjson as &dyn LineFormat, variant))
                .or_else(|| {
                    line_formats()
                        .into_iter()
                        .find_map(|f| f.sniff(&v, cfg).map(|variant| (f, variant)))
                });
            if claimed.is_some() {
                break;
            }
        }
    }
    (is_archive, claimed)
}

/// The first record's keys when the head holds at least two lines that are each a
/// JSON object: JSON lines, not one document (which a reader may still know).
pub(super) fn unclaimed_lines(head: &[u8], at_eof: bool) -> Option<String> {
    let lines = complete_lines(head, at_eof);
    let objects: Vec<Value> = lines
        .iter()
        .take(2)
        .filter_map(|l| serde_json::from_slice::<Value>(l).ok())
        .filter(Value::is_object)
        .collect();
    if objects.len() < 2 {
        return None;
    }
    let keys: Vec<&str> = objects[0]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let shown: String = keys.join(", ").chars().take(160).collect();
    Some(shown)
}

/// The line format of a plain (uncompressed, UTF-8) file whose records are lines, when
/// one claims it: such a file can be read in byte ranges ([`read_line_range`]).
pub(super) fn plain_line_format(
    path: &Path,
    cfg: &Config,
) -> Option<(&'static dyn LineFormat, usize)> {
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
        let limit = cfg.input.max_document_mb.saturating_mul(1 << 20);
        reader
            .by_ref()
            .take(limit)
            .read_until(b'\n', &mut head)
            .ok()?;
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

/// The non-empty lines wholly inside the head (the last one only if the head is the whole file).
pub(super) fn complete_lines(head: &[u8], head_is_all: bool) -> Vec<&[u8]> {
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

pub(super) fn trim_line(l: &[u8]) -> &[u8] {
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
