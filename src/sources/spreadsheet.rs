//! XLSX, XLS and ODS workbooks (listening tools' "download as Excel"), read with
//! `calamine`. Every sheet whose first non-empty row is a header that a `[[mappings]]`
//! entry or a built-in layout recognises is read, row by row, through the same field
//! rules as its CSV. Cells become the text the CSV would hold: whole numbers without a
//! decimal point (ids), date cells (Excel serials) in the mapping's timestamp format.
//! A workbook that cannot be opened is one reject; a sheet no layout recognises is
//! skipped and named in the file's report.

use super::generic::from_fields;
use super::presets::{self, Preset};
use super::*;
use calamine::{Data, Reader};
use std::borrow::Cow;

/// A workbook starts as a ZIP archive (XLSX, ODS) or an OLE compound file (XLS).
pub(super) fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

pub(super) fn read_workbook(
    bytes: Vec<u8>,
    ctx: &Ctx,
    counter: &mut Counter,
    emit: &(dyn Fn(Batch) + Sync),
) -> Outcome {
    let mut book = match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            return Outcome::Failed(Failure { format: None, position: 0, kind: PositionKind::File, reason: format!("not a readable workbook (XLSX, XLS or ODS): {e}; a ZIP archive of exports must be unpacked first") })
        }
    };
    let mut record = 0u64;
    let mut read_any = None;
    let mut unrecognised = Vec::new();
    for sheet in book.sheet_names() {
        if let Some(reason) = oversized(&mut book, &sheet, ctx.cfg.input.max_sheet_cells) {
            return Outcome::Failed(Failure {
                format: None,
                position: 0,
                kind: PositionKind::File,
                reason,
            });
        }
        let Ok(range) = book.worksheet_range(&sheet) else {
            continue;
        };
        let mut rows = range
            .rows()
            .skip_while(|r| r.iter().all(|c| *c == Data::Empty));
        let Some(header) = rows.next() else { continue };
        let header: Vec<String> = header.iter().map(|c| cell_text(c, None)).collect();
        let has = |k: &str| header.iter().any(|h| h.trim() == k);
        let Some((m, preset)) = super::generic::layout(ctx.cfg, has) else {
            unrecognised.push(sheet);
            continue;
        };
        let format = preset.map_or("xlsx", |p| p.name);
        read_any = Some(format);
        if preset.is_none() {
            let trimmed: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
            counter.notes.extend(
                super::generic::missing_columns(m, &trimmed)
                    .into_iter()
                    .map(|n| format!("sheet {sheet:?}: {n}")),
            );
        }
        let mut batch = Batch::default();
        for row in rows {
            record += 1;
            if row.iter().all(|c| *c == Data::Empty) {
                continue;
            }
            let result = post(m, preset, &header, row, ctx);
            match result {
                Ok(mut d) => {
                    d.post.source_file = ctx.file.to_string();
                    d.post.source_position = record;
                    d.position_kind = PositionKind::Record;
                    counter.posts += 1;
                    counter.posts_records += 1;
                    batch.drafts.push(d);
                }
                Err(reason) => {
                    counter.rejects += 1;
                    let raw: Vec<String> = row.iter().map(|c| cell_text(c, None)).collect();
                    batch.rejects.push(Reject {
                        source_file: ctx.file.to_string(),
                        position: record,
                        position_kind: PositionKind::Record,
                        format: Some(format.to_string()),
                        reason: format!("sheet `{sheet}`: {reason}"),
                        raw_excerpt: excerpt(raw.join(",").as_bytes()),
                    });
                }
            }
            if batch.drafts.len() + batch.rejects.len() >= ctx.cfg.run.batch_size {
                emit(std::mem::take(&mut batch));
            }
        }
        emit(batch);
    }
    match read_any {
        Some(format) => Outcome::Format(format),
        None => Outcome::Failed(Failure { format: None, position: 0, kind: PositionKind::File, reason: format!(
                "unrecognised format: no sheet's header matches a [[mappings]] entry or a built-in layout (sheets: {})",
                unrecognised.join(", ")
            ) }),
    }
}

/// Why a sheet is not laid out, if its cells span more than `limit` (rows × columns
/// from its first cell to its last): the layout is dense, so two cells at A1 and
/// XFD1048576 would take 17 billion. XLSX sheets are measured cell by cell before;
/// XLS and ODS are laid out by their readers as they are parsed.
fn oversized<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Sheets<RS>,
    sheet: &str,
    limit: u64,
) -> Option<String> {
    let calamine::Sheets::Xlsx(x) = book else {
        return None;
    };
    let mut cells = x.worksheet_cells_reader(sheet).ok()?;
    let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    let mut n = 0u64;
    while let Ok(Some(cell)) = cells.next_cell() {
        let (r, c) = cell.get_position();
        (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let span = u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1));
    (span > limit).then(|| {
        format!(
            "sheet `{sheet}` spans {span} cells from its first cell to its last ({n} hold a value): more than input.max_sheet_cells ({limit}); not read"
        )
    })
}

/// The first sheet's header and up to five rows, as text (for `inspect`).
pub(super) fn sample(bytes: Vec<u8>) -> (Vec<String>, Vec<Vec<String>>) {
    let Ok(mut book) = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) else {
        return (Vec::new(), Vec::new());
    };
    let Some(first) = book.sheet_names().into_iter().next() else {
        return (Vec::new(), Vec::new());
    };
    let limit = crate::config::InputConfig::default().max_sheet_cells;
    if oversized(&mut book, &first, limit).is_some() {
        return (Vec::new(), Vec::new());
    }
    let Ok(range) = book.worksheet_range(&first) else {
        return (Vec::new(), Vec::new());
    };
    let mut rows = range
        .rows()
        .skip_while(|r| r.iter().all(|c| *c == Data::Empty))
        .map(|r| r.iter().map(|c| cell_text(c, None)).collect::<Vec<_>>());
    let header = rows.next().unwrap_or_default();
    (header, rows.take(5).collect())
}

/// One row through the mapping, with the cells as the CSV would hold them.
fn post(
    m: &MappingConfig,
    preset: Option<&'static Preset>,
    header: &[String],
    row: &[Data],
    ctx: &Ctx,
) -> Result<Draft, String> {
    let cell = |name: &str| -> Option<Cow<'_, str>> {
        let i = header.iter().position(|h| h.trim() == name)?;
        let c = row.get(i)?;
        // The timestamp column's date cells in the mapping's own format.
        let as_time = (name == m.timestamp).then_some(m.timestamp_format.as_str());
        Some(Cow::Owned(cell_text(c, as_time)))
    };
    from_fields(
        m,
        presets::with_derived(preset, ctx.cfg.input.timezone.as_deref(), cell),
    )
}

/// A cell as CSV text. Whole floats print without a decimal point (spreadsheets store
/// every number as a float: ids and counts must not become `3.0`); a date cell prints
/// as `time_format` would parse it (a strftime pattern; else RFC 3339 UTC).
fn cell_text(c: &Data, time_format: Option<&str>) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) => time_text(t, time_format),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => {
            let parsed = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"));
            match parsed {
                Ok(t) => time_text(t, time_format),
                Err(_) => s.clone(),
            }
        }
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn time_text(t: chrono::NaiveDateTime, format: Option<&str>) -> String {
    match format {
        Some(f) if f.contains('%') => t.format(f).to_string(),
        Some("unix") => t.and_utc().timestamp().to_string(),
        Some("unix_ms") => t.and_utc().timestamp_millis().to_string(),
        _ => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}
