//! `responsiveness` [day × platform × account] and `unanswered` [one row per open item].
//!
//! An inbound post *needs a response* when the analysis set `needs_response`
//! (`responsiveness.scope`: every post addressed to an own account, or only questions,
//! complaints and information requests). Its *first response* is the earliest outbound post on the same
//! platform, made at or after it, that replies to it (`reply_to_id = post_id`) or that
//! continues the thread it started (`conversation_id = post_id`). Matching happens after
//! all days are read, so a reply that appears in the archive before its parent, or on
//! another day, still counts. Ages in `unanswered` are measured at the run's reference
//! time: the latest `created_at` among the inputs (deterministic, unlike the wall clock).

use super::local_date;
use crate::model::{Direction, Post};
use arrow::array::{
    ArrayRef, Date32Array, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use chrono_tz::Tz;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// An inbound post that needed a response, in 24 bytes because a large run holds
/// millions until the end: (platform, account) is interned, the post id and URL live in
/// the accumulator's [`Arena`]. Read it through [`Acc::view`].
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Item {
    created_at: i64,
    /// Where the post id and URL are in the arena.
    at: u64,
    /// Interned stream id in the low 29 bits, [`REASONS`] bits in the top 3.
    stream_reasons: u32,
    /// Due date (days since the epoch), or `NO_DUE`.
    due: i32,
}

const NO_DUE: i32 = i32::MIN;
const STREAM_BITS: u32 = 29;

impl Item {
    fn stream(&self) -> u32 {
        self.stream_reasons & ((1 << STREAM_BITS) - 1)
    }
}

/// Byte strings appended in chunks of at most [`Arena::CHUNK`] bytes, so a large
/// arena never doubles (nor copies) a huge buffer to grow.
///
/// Each chunk is (de)serialised as one byte string, which bincode writes exactly as it
/// writes a sequence of bytes, so stored arenas read the same; read as a sequence, a
/// night decoded every byte of the history's items one call at a time.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Arena {
    chunks: Vec<serde_bytes::ByteBuf>,
}

impl Arena {
    const CHUNK: usize = 1 << 20;

    /// Appends the post id and optional URL; returns where they start.
    fn push(&mut self, id: &str, url: Option<&str>) -> u64 {
        self.push_raw(id.as_bytes(), url.map(str::as_bytes))
    }

    /// The post id and URL at `at`, as bytes (not validated as UTF-8).
    fn get_raw(&self, at: u64) -> (&[u8], Option<&[u8]>) {
        let (index, pos) = (at as usize / Self::CHUNK, at as usize % Self::CHUNK);
        let mut rest = self
            .chunks
            .get(index)
            .map_or(&[][..], |c| &c[pos.min(c.len())..]);
        let id_len = read_leb128(&mut rest);
        let id = take(&mut rest, id_len);
        let url = match read_leb128(&mut rest) {
            0 => None,
            n => Some(take(&mut rest, n - 1)),
        };
        (id, url)
    }

    /// Appends bytes [`Arena::get_raw`] gave; returns where they start.
    fn push_raw(&mut self, id: &[u8], url: Option<&[u8]>) -> u64 {
        let need = id.len() + url.map_or(0, <[u8]>::len) + 20;
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.len() + need <= Self::CHUNK);
        if !fits {
            let chunk = Vec::with_capacity(need.min(Self::CHUNK));
            self.chunks.push(serde_bytes::ByteBuf::from(chunk));
        }
        let index = self.chunks.len() - 1;
        let chunk = &mut self.chunks[index];
        let at = (index * Self::CHUNK + chunk.len()) as u64;
        leb128(chunk, id.len());
        chunk.extend_from_slice(id);
        leb128(chunk, url.map_or(0, |u| u.len() + 1));
        chunk.extend_from_slice(url.unwrap_or_default());
        at
    }

    fn get(&self, at: u64) -> (&str, Option<&str>) {
        let (id, url) = self.get_raw(at);
        (text(id), url.map(text))
    }
}

fn leb128(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Bytes pushed from a `&str` as text again ("" if a damaged state file broke them).
fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// The next `n` bytes.
fn take<'a>(rest: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, tail) = rest.split_at(n.min(rest.len()));
    *rest = tail;
    head
}

fn read_leb128(bytes: &mut &[u8]) -> usize {
    let mut n = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        n |= usize::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            *bytes = &bytes[i + 1..];
            return n;
        }
    }
    *bytes = &[];
    n
}

/// Why an item needs a response, in output order.
pub const REASONS: [&str; 3] = ["question", "complaint", "info_request"];

/// An [`Item`] with its strings resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ItemRef<'a> {
    /// The group.
    pub platform: &'a str,
    /// The group.
    pub account: Option<&'a str>,
    /// The post's id.
    pub post_id: &'a str,
    /// The working link, sealed in the nightly state.
    pub url: Option<&'a str>,
    /// When the post was made (µs since the epoch, UTC).
    pub created_at: i64,
    /// Why it needs a response: bits in the order of `REASONS`.
    pub reason_bits: u8,
    /// The information request's due date (days since the epoch).
    pub info_request_due: Option<i32>,
}

/// [`REASONS`] selected by each 3-bit set, so rows borrow them instead of allocating.
const REASON_SETS: [&[&str]; 8] = [
    &[],
    &["question"],
    &["complaint"],
    &["question", "complaint"],
    &["info_request"],
    &["question", "info_request"],
    &["complaint", "info_request"],
    &["question", "complaint", "info_request"],
];

impl ItemRef<'_> {
    /// The reasons the item needs a response, in output order.
    pub fn reasons(&self) -> &'static [&'static str] {
        REASON_SETS[usize::from(self.reason_bits & 7)]
    }
}

/// 64-bit key of (platform, post id) for response matching (collisions are
/// negligible at 2^-64 per pair and would only mark an item answered).
fn target_key(platform: &str, id: &str) -> u64 {
    let mut h = FxHasher::default();
    platform.hash(&mut h);
    id.hash(&mut h);
    h.finish()
}

/// [`target_key`] of an id given as the bytes the arena holds: the same hash (a `str`
/// hashes as its bytes and a 0xff terminator) without validating the bytes as UTF-8,
/// which matching millions of stored items each night would spend most of its time on.
fn target_key_bytes(platform: &str, id: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(platform.as_bytes());
    h.write_u8(0xff);
    h.write(id);
    h.write_u8(0xff);
    h.finish()
}

/// Interned (platform, account) pairs: a run has a handful, items have millions.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Streams {
    list: Vec<(Box<str>, Option<Box<str>>)>,
    /// Hash of the pair -> ids with that hash (more than one only on a collision).
    by_hash: FxHashMap<u64, Vec<u32>>,
}

impl Streams {
    fn id(&mut self, platform: &str, account: Option<&str>) -> u32 {
        let mut h = FxHasher::default();
        (platform, account).hash(&mut h);
        let ids = self.by_hash.entry(h.finish()).or_default();
        let list = &mut self.list;
        if let Some(&id) = ids.iter().find(|&&id| {
            let (p, a) = &list[id as usize];
            **p == *platform && a.as_deref() == account
        }) {
            return id;
        }
        list.push((platform.into(), account.map(Into::into)));
        let id = (list.len() - 1) as u32;
        ids.push(id);
        id
    }

    fn get(&self, id: u32) -> (&str, Option<&str>) {
        let (p, a) = &self.list[id as usize];
        (p, a.as_deref())
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
/// The `responsiveness` table's accumulator: posts folded in with `add`, accumulators of other batches and days with `merge`.
pub struct Acc {
    items: Vec<Item>,
    streams: Streams,
    /// Post ids and URLs of `items`.
    bytes: Arena,
    /// (key of the replied-to or thread id, time) of every outbound post answering one;
    /// sorted by [`Acc::finish`].
    responses: Vec<(u64, i64)>,
    /// Items already matched by [`Acc::settle`] and answered: (local date, stream) ->
    /// minutes to the first response. Only unanswered items stay in `items`.
    answered: FxHashMap<(NaiveDate, u32), Vec<f64>>,
    latest: i64,
}

/// Calls `f(key, time)` for each post an outbound post answers: the one it replies to and
/// the thread it continues (each at most once, never itself).
pub fn response_targets(p: &Post, mut f: impl FnMut(u64, i64)) {
    if p.direction != Direction::Outbound {
        return;
    }
    let reply = p.reply_to_id.as_ref().filter(|t| **t != p.post_id);
    let thread = p
        .conversation_id
        .as_ref()
        .filter(|t| **t != p.post_id && Some(*t) != reply);
    for target in [reply, thread].into_iter().flatten() {
        f(target_key(&p.platform, target), p.created_at);
    }
}

/// The first response at or after `t` to the post with `key`, in responses sorted by
/// (key, time).
fn first_response(sorted: &[(u64, i64)], key: u64, t: i64) -> Option<i64> {
    let from = sorted.partition_point(|&r| r < (key, t));
    sorted.get(from).filter(|r| r.0 == key).map(|r| r.1)
}

/// Every response of a run, sorted, collected while the inputs are read so that each
/// day's items can be matched (and the answered ones reduced to a duration) as soon as
/// the day is analysed. Copies of one reply share its time, so reading before
/// de-duplication changes no first response.
#[derive(Clone, Debug, Default)]
pub struct ResponseIndex {
    sorted: Vec<(u64, i64)>,
    /// Where each key's responses start in `sorted`: one hash lookup per item instead
    /// of a binary search over every response of the history.
    starts: FxHashMap<u64, usize>,
}

impl ResponseIndex {
    /// The responses, sorted and distinct (what the nightly state stores).
    pub fn as_slice(&self) -> &[(u64, i64)] {
        &self.sorted
    }

    /// An index of (answered post key, response time) pairs, sorted once.
    pub fn new(mut responses: Vec<(u64, i64)>) -> ResponseIndex {
        responses.sort_unstable();
        responses.dedup();
        responses.shrink_to_fit();
        let mut starts: FxHashMap<u64, usize> = FxHashMap::default();
        for (i, r) in responses.iter().enumerate() {
            starts.entry(r.0).or_insert(i);
        }
        ResponseIndex {
            sorted: responses,
            starts,
        }
    }

    /// The first response at or after `t` to the post with `key`.
    fn first(&self, key: u64, t: i64) -> Option<i64> {
        let &start = self.starts.get(&key)?;
        self.sorted
            .get(start..)?
            .iter()
            .take_while(|r| r.0 == key)
            .find(|r| r.1 >= t)
            .map(|r| r.1)
    }
}

impl Acc {
    /// Fold one post in.
    pub fn add(&mut self, p: &Post) {
        self.latest = self.latest.max(p.created_at);
        let l = &p.listening;
        match p.direction {
            Direction::Inbound if l.needs_response => {
                let reason_bits = u8::from(l.is_question)
                    | u8::from(l.is_complaint) << 1
                    | u8::from(l.info_request) << 2;
                let stream = self.streams.id(&p.platform, p.account.as_deref());
                self.items.push(Item {
                    created_at: p.created_at,
                    at: self.bytes.push(&p.post_id, p.working_link()),
                    stream_reasons: stream | u32::from(reason_bits) << STREAM_BITS,
                    due: l.info_request_due.unwrap_or(NO_DUE),
                });
            }
            Direction::Outbound => {
                response_targets(p, |k, t| self.responses.push((k, t)));
            }
            _ => {}
        }
    }

    /// Merge the accumulator of another batch, day or partition.
    pub fn merge(mut self, mut other: Acc) -> Acc {
        if self.items.len() < other.items.len() {
            std::mem::swap(&mut self, &mut other);
        }
        let remap: Vec<u32> = (0..other.streams.list.len() as u32)
            .map(|id| {
                let (p, a) = other.streams.get(id);
                self.streams.id(p, a)
            })
            .collect();
        // The other arena's chunks move over whole; its items' offsets shift by the
        // chunks already here (no byte is copied).
        let shift = (self.bytes.chunks.len() * Arena::CHUNK) as u64;
        self.bytes.chunks.append(&mut other.bytes.chunks);
        self.items.reserve(other.items.len());
        for it in other.items {
            let reasons = it.stream_reasons >> STREAM_BITS << STREAM_BITS;
            self.items.push(Item {
                at: it.at + shift,
                stream_reasons: remap[it.stream() as usize] | reasons,
                ..it
            });
        }
        self.responses.extend(other.responses);
        for ((day, stream), mins) in other.answered {
            self.answered
                .entry((day, remap[stream as usize]))
                .or_default()
                .extend(mins);
        }
        self.latest = self.latest.max(other.latest);
        self
    }

    /// Matches the items against every response of the run: answered ones are reduced to
    /// their response time (grouped by local date and stream), the rest kept for
    /// `unanswered`. Responses added so far are dropped (the index holds them all).
    pub fn settle(&mut self, index: &ResponseIndex, tz: Tz) {
        // Open items keep their place in the arena; an answered item's bytes stay
        // behind unused (a settled accumulator is folded into tables, never stored).
        let (bytes, streams, answered) = (&self.bytes, &self.streams, &mut self.answered);
        self.items.retain(|it| {
            let (id, _) = bytes.get_raw(it.at);
            let (platform, _) = streams.get(it.stream());
            match index.first(target_key_bytes(platform, id), it.created_at) {
                Some(t) => {
                    answered
                        .entry((local_date(it.created_at, tz), it.stream()))
                        .or_default()
                        .push((t - it.created_at) as f64 / 60_000_000.0);
                    false
                }
                None => true,
            }
        });
        self.responses = Vec::new();
    }

    /// Drops the responses added so far (the nightly state keeps them in one index).
    pub fn forget_responses(&mut self) {
        self.responses = Vec::new();
    }

    /// Sorts the responses once, so that matching needs no copy of them. Matching
    /// works without it, but then sorts a copy on every call.
    pub fn finish(&mut self) {
        self.responses.sort_unstable();
    }

    fn sorted_responses(&self) -> std::borrow::Cow<'_, [(u64, i64)]> {
        if self.responses.is_sorted() {
            std::borrow::Cow::Borrowed(&self.responses)
        } else {
            let mut r = self.responses.clone();
            r.sort_unstable();
            std::borrow::Cow::Owned(r)
        }
    }

    /// The item's strings.
    pub fn view<'a>(&'a self, it: &'a Item) -> ItemRef<'a> {
        let (platform, account) = self.streams.get(it.stream());
        let (post_id, url) = self.bytes.get(it.at);
        ItemRef {
            platform,
            account,
            post_id,
            url,
            created_at: it.created_at,
            reason_bits: (it.stream_reasons >> STREAM_BITS) as u8,
            info_request_due: (it.due != NO_DUE).then_some(it.due),
        }
    }

    /// Each item with its first response time (microseconds), in insertion order.
    pub fn matched(&self) -> impl Iterator<Item = (&Item, Option<i64>)> {
        let responses = self.sorted_responses();
        self.items.iter().map(move |it| {
            if responses.is_empty() {
                // (settled items: nothing left to match, no key to make)
                return (it, None);
            }
            let v = self.view(it);
            let key = target_key(v.platform, v.post_id);
            (it, first_response(&responses, key, it.created_at))
        })
    }

    /// Items without a response, oldest first (ties by platform, then post id).
    pub fn unanswered(&self) -> Vec<&Item> {
        // Settled items (the pipeline's) are all open: no response left to match them to.
        let mut open: Vec<&Item> = if self.responses.is_empty() {
            self.items.iter().collect()
        } else {
            self.matched()
                .filter(|(_, r)| r.is_none())
                .map(|(it, _)| it)
                .collect()
        };
        // The strings are read only to break a tie of times (rare), not for every
        // comparison of a sort over millions of items.
        open.sort_by(|a, b| {
            a.created_at.cmp(&b.created_at).then_with(|| {
                let (a, b) = (self.view(a), self.view(b));
                (a.platform, a.post_id).cmp(&(b.platform, b.post_id))
            })
        });
        open
    }

    /// Items answered: the sum of the table's `responded` column, counted without
    /// building its rows (which copy and sort every response time).
    pub fn responded(&self) -> u64 {
        let settled: usize = self.answered.values().map(Vec::len).sum();
        let matched = self.matched().filter(|(_, r)| r.is_some()).count();
        (settled + matched) as u64
    }

    /// The latest post folded (µs since the epoch): the `as_of` of open items.
    pub fn reference_time(&self) -> i64 {
        self.latest
    }
}

/// Linear-interpolated quantile (duckdb `quantile_cont`, numpy's default) of sorted values.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

/// One row of `responsiveness`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Day the inbound posts were made (reporting time zone).
    pub date: NaiveDate,
    /// The group.
    pub platform: String,
    /// The group.
    pub account: Option<String>,
    /// Inbound posts with `needs_response`.
    pub needs_response: u64,
    /// Of those, with a first response.
    pub responded: u64,
    /// Needing_response − responded.
    pub unanswered: u64,
    /// Responded / needs_response; `None` when the row's platform and account have no
    /// answered item on any day (see [`NO_LINKED_RESPONSE`]).
    pub response_rate: Option<f64>,
    /// Why `response_rate` is not measured (`unmeasured_reason`).
    pub unmeasured_reason: Option<&'static str>,
    /// `median_response_minutes`.
    pub median_minutes: Option<f64>,
    /// `p90_response_minutes`.
    pub p90_minutes: Option<f64>,
    /// Minutes to the first response of each answered item, ascending.
    pub minutes: Vec<f64>,
}

/// The `responsiveness` rows, in output order.
pub fn rows(acc: &Acc, tz: Tz) -> Vec<Row> {
    // (items needing a response, minutes to the first response of those answered)
    let mut groups: FxHashMap<(NaiveDate, u32), (u64, Vec<f64>)> = acc
        .answered
        .iter()
        .map(|(k, mins)| (*k, (mins.len() as u64, mins.clone())))
        .collect();
    for (it, first) in acc.matched() {
        let g = groups
            .entry((local_date(it.created_at, tz), it.stream()))
            .or_default();
        g.0 += 1;
        if let Some(t) = first {
            g.1.push((t - it.created_at) as f64 / 60_000_000.0);
        }
    }
    let mut rows: Vec<Row> = groups
        .into_iter()
        .map(|((date, stream), (n, mut answered))| {
            answered.sort_by(f64::total_cmp);
            let (platform, account) = acc.streams.get(stream);
            let responded = answered.len() as u64;
            Row {
                date,
                platform: platform.to_string(),
                account: account.map(str::to_string),
                needs_response: n,
                responded,
                unanswered: n - responded,
                response_rate: Some(responded as f64 / n as f64),
                unmeasured_reason: None,
                median_minutes: quantile(&answered, 0.5),
                p90_minutes: quantile(&answered, 0.9),
                minutes: answered,
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.date, &a.platform, &a.account).cmp(&(b.date, &b.platform, &b.account)));
    // A platform and account with no answered item on any day: the data links no own
    // reply to any post of theirs, so a rate of 0 would report what was not measured.
    let measured: FxHashSet<(&str, Option<&str>)> = rows
        .iter()
        .filter(|r| r.responded > 0)
        .map(|r| (r.platform.as_str(), r.account.as_deref()))
        .collect();
    let unmeasured: Vec<bool> = rows
        .iter()
        .map(|r| !measured.contains(&(r.platform.as_str(), r.account.as_deref())))
        .collect();
    for (r, unmeasured) in rows.iter_mut().zip(unmeasured) {
        if unmeasured {
            r.response_rate = None;
            r.unmeasured_reason = Some(NO_LINKED_RESPONSE);
        }
    }
    rows
}

/// `unmeasured_reason` of a row whose platform and account have no answered item on any
/// day: no own reply in the data links to any of their posts.
pub const NO_LINKED_RESPONSE: &str = "no_linked_response";

/// The Arrow schema of the `responsiveness` table.
pub fn schema() -> SchemaRef {
    let i = |n: &str| Field::new(n, DataType::Int64, false);
    let mut fields = super::key_fields();
    fields.extend([
        i("needs_response"),
        i("responded"),
        i("unanswered"),
        Field::new("response_rate", DataType::Float64, true),
        Field::new("median_response_minutes", DataType::Float64, true),
        Field::new("p90_response_minutes", DataType::Float64, true),
        Field::new("response_minutes", minutes_type(), false),
        Field::new("unmeasured_reason", DataType::Utf8, true),
    ]);
    Arc::new(Schema::new(fields))
}

/// `list<float64>`: every answered item's minutes, so quantiles over any set of days
/// and groups can be computed exactly (the daily medians cannot be combined).
fn minutes_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Float64, true)))
}

/// The `responsiveness` table as one Arrow batch, in output order.
pub fn batch(acc: &Acc, tz: Tz) -> Result<RecordBatch, String> {
    let rows = rows(acc, tz);
    let keys: Vec<_> = rows
        .iter()
        .map(|r| (r.date, r.platform.as_str(), r.account.as_deref()))
        .collect();
    let mut columns = super::key_columns(&keys);
    columns.extend::<Vec<ArrayRef>>(vec![
        Arc::new(
            rows.iter()
                .map(|r| Some(r.needs_response as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.responded as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.unanswered as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.response_rate)
                .collect::<Float64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.median_minutes)
                .collect::<Float64Array>(),
        ),
        Arc::new(rows.iter().map(|r| r.p90_minutes).collect::<Float64Array>()),
        {
            let mut b = arrow::array::ListBuilder::new(arrow::array::Float64Builder::new());
            for r in &rows {
                b.values().append_slice(&r.minutes);
                b.append(true);
            }
            Arc::new(b.finish()) as ArrayRef
        },
        Arc::new(
            rows.iter()
                .map(|r| r.unmeasured_reason)
                .collect::<arrow::array::StringArray>(),
        ),
    ]);
    RecordBatch::try_new(schema(), columns)
        .map_err(|e| format!("building responsiveness batch: {e}"))
}

/// The Arrow schema of the `unanswered` table.
pub fn unanswered_schema() -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    Arc::new(Schema::new(vec![
        Field::new("created_at", crate::sinks::parquet::timestamp_type(), false),
        s("platform", false),
        s("account", true),
        s("post_id", false),
        s("url", true),
        Field::new("reasons", crate::sinks::parquet::string_list_type(), false),
        Field::new("info_request_due", DataType::Date32, true),
        Field::new("age_hours", DataType::Float64, false),
        Field::new("as_of", crate::sinks::parquet::timestamp_type(), false),
    ]))
}

/// The `unanswered` table as one Arrow batch, in output order.
pub fn unanswered_batch(acc: &Acc) -> Result<RecordBatch, String> {
    unanswered_rows(acc, &acc.unanswered())
}

/// `unanswered` in batches of at most `chunk_rows`, so a large run never builds the
/// whole table at once.
pub fn unanswered_chunks(
    acc: &Acc,
    chunk_rows: usize,
    mut sink: impl FnMut(RecordBatch) -> Result<(), String>,
) -> Result<(), String> {
    let open = acc.unanswered();
    if open.is_empty() {
        return sink(unanswered_rows(acc, &[])?);
    }
    for chunk in open.chunks(chunk_rows.max(1)) {
        sink(unanswered_rows(acc, chunk)?)?;
    }
    Ok(())
}

fn unanswered_rows(acc: &Acc, open: &[&Item]) -> Result<RecordBatch, String> {
    let as_of = acc.reference_time();
    // Each item's strings read once, not once per column.
    let views: Vec<ItemRef> = open.iter().map(|i| acc.view(i)).collect();
    let views = || views.iter();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            TimestampMicrosecondArray::from(views().map(|i| i.created_at).collect::<Vec<_>>())
                .with_timezone("UTC"),
        ),
        Arc::new(views().map(|i| Some(i.platform)).collect::<StringArray>()),
        Arc::new(views().map(|i| i.account).collect::<StringArray>()),
        Arc::new(views().map(|i| Some(i.post_id)).collect::<StringArray>()),
        Arc::new(views().map(|i| i.url).collect::<StringArray>()),
        crate::sinks::parquet::string_list(views().map(|i| i.reasons())),
        Arc::new(views().map(|i| i.info_request_due).collect::<Date32Array>()),
        Arc::new(
            views()
                .map(|i| Some((as_of - i.created_at) as f64 / 3_600_000_000.0))
                .collect::<Float64Array>(),
        ),
        Arc::new(TimestampMicrosecondArray::from(vec![as_of; open.len()]).with_timezone("UTC")),
    ];
    RecordBatch::try_new(unanswered_schema(), columns)
        .map_err(|e| format!("building unanswered batch: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte form of the key is the key: the nightly state stores keys made from
    /// `&str`, and settling makes them from the arena's bytes.
    #[test]
    fn keys_from_bytes_equal_keys_from_text() {
        for (p, id) in [
            ("twitter", "1234567890123456789"),
            ("mastodon", ""),
            ("", "ü-🚆"),
            ("x", "a\u{0}b"),
        ] {
            assert_eq!(
                target_key_bytes(p, id.as_bytes()),
                target_key(p, id),
                "{p:?} {id:?}"
            );
        }
    }

    /// `responded` counts what the table's rows sum, before and after settling.
    #[test]
    fn responded_is_the_rows_sum() {
        let mut acc = Acc::default();
        for (i, dir) in [
            Direction::Inbound,
            Direction::Inbound,
            Direction::Inbound,
            Direction::Outbound,
        ]
        .into_iter()
        .enumerate()
        {
            let mut p = Post::new("x", format!("{i}"), i as i64 * 60_000_000, String::new());
            p.direction = dir;
            p.listening.needs_response = true;
            if dir == Direction::Outbound {
                p.reply_to_id = Some("1".into());
            }
            acc.add(&p);
        }
        acc.finish();
        let sum = |a: &Acc| {
            rows(a, chrono_tz::UTC)
                .iter()
                .map(|r| r.responded)
                .sum::<u64>()
        };
        assert_eq!((acc.responded(), sum(&acc)), (1, 1));
        let index = ResponseIndex::new(acc.responses.clone());
        acc.settle(&index, chrono_tz::UTC);
        assert_eq!((acc.responded(), sum(&acc)), (1, 1));
    }

    /// The hashed index finds what a binary search over every response finds.
    #[test]
    fn the_index_finds_the_first_response_as_a_search_does() {
        let mut rng = crate::testing::XorShift(7);
        let responses: Vec<(u64, i64)> = (0..5_000)
            .map(|_| (rng.below(300) as u64, rng.below(10_000) as i64))
            .collect();
        let index = ResponseIndex::new(responses);
        for _ in 0..20_000 {
            let (key, t) = (rng.below(320) as u64, rng.below(11_000) as i64);
            assert_eq!(
                index.first(key, t),
                first_response(&index.sorted, key, t),
                "{key} {t}"
            );
        }
    }

    #[test]
    fn arena_round_trips_across_chunks() {
        let mut a = Arena::default();
        let long = "x".repeat(Arena::CHUNK + 5);
        let mut entries: Vec<(String, Option<String>)> = Vec::new();
        for i in 0..40_000 {
            let url = match i % 3 {
                0 => None,
                1 => Some(String::new()),
                _ => Some(format!("https://example.org/{}", "é".repeat(i % 200))),
            };
            entries.push((format!("id-{i}"), url));
        }
        // Entries longer than a chunk get one to themselves.
        entries.insert(7, (long.clone(), Some(long.clone())));
        entries.insert(20_000, (String::new(), Some(long)));
        let at: Vec<u64> = entries
            .iter()
            .map(|(id, url)| a.push(id, url.as_deref()))
            .collect();
        assert!(a.chunks.len() > 3);
        for ((id, url), at) in entries.iter().zip(at) {
            assert_eq!(a.get(at), (id.as_str(), url.as_deref()));
        }
    }

    #[test]
    fn reason_sets_follow_the_bits() {
        for bits in 0..8u8 {
            let want: Vec<&str> = REASONS
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, r)| *r)
                .collect();
            assert_eq!(REASON_SETS[usize::from(bits)], want.as_slice());
        }
    }
}
