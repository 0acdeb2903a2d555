//! `responsiveness` [day × platform × account] and `unanswered` [one row per open item].
//!
//! An inbound post *needs a response* when it is a question, a complaint or an
//! information request. Its *first response* is the earliest outbound post on the same
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
use rustc_hash::{FxHashMap, FxHasher};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// An inbound post that needed a response. Kept compact: a large run holds millions.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub platform: Box<str>,
    pub post_id: Box<str>,
    pub account: Option<Box<str>>,
    pub created_at: i64,
    pub url: Option<Box<str>>,
    /// Bit set of [`REASONS`].
    pub reason_bits: u8,
    pub info_request_due: Option<i32>,
}

/// Why an item needs a response, in output order.
pub const REASONS: [&str; 3] = ["question", "complaint", "info_request"];

impl Item {
    pub fn reasons(&self) -> Vec<&'static str> {
        REASONS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.reason_bits & (1 << i) != 0)
            .map(|(_, r)| *r)
            .collect()
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

#[derive(Clone, Debug, Default)]
pub struct Acc {
    items: Vec<Item>,
    /// key(platform, replied-to or thread id) -> times of outbound posts answering it.
    responses: FxHashMap<u64, Vec<i64>>,
    latest: i64,
}

impl Acc {
    pub fn add(&mut self, p: &Post) {
        self.latest = self.latest.max(p.created_at);
        let l = &p.listening;
        match p.direction {
            Direction::Inbound if l.is_question || l.is_complaint || l.info_request => {
                let reason_bits = u8::from(l.is_question)
                    | u8::from(l.is_complaint) << 1
                    | u8::from(l.info_request) << 2;
                self.items.push(Item {
                    platform: p.platform.as_str().into(),
                    post_id: p.post_id.as_str().into(),
                    account: p.account.as_deref().map(Into::into),
                    created_at: p.created_at,
                    url: p.url.as_deref().map(Into::into),
                    reason_bits,
                    info_request_due: l.info_request_due,
                });
            }
            Direction::Outbound => {
                let reply = p.reply_to_id.as_ref().filter(|t| **t != p.post_id);
                let thread = p
                    .conversation_id
                    .as_ref()
                    .filter(|t| **t != p.post_id && Some(*t) != reply);
                for target in [reply, thread].into_iter().flatten() {
                    self.responses
                        .entry(target_key(&p.platform, target))
                        .or_default()
                        .push(p.created_at);
                }
            }
            _ => {}
        }
    }

    pub fn merge(mut self, other: Acc) -> Acc {
        self.items.extend(other.items);
        for (k, v) in other.responses {
            self.responses.entry(k).or_default().extend(v);
        }
        self.latest = self.latest.max(other.latest);
        self
    }

    /// Each item with its first response time (microseconds), in a stable order.
    pub fn matched(&self) -> Vec<(&Item, Option<i64>)> {
        let mut out: Vec<(&Item, Option<i64>)> = self
            .items
            .iter()
            .map(|it| {
                let first = self
                    .responses
                    .get(&target_key(&it.platform, &it.post_id))
                    .and_then(|ts| ts.iter().copied().filter(|t| *t >= it.created_at).min());
                (it, first)
            })
            .collect();
        out.sort_by(|a, b| {
            (a.0.created_at, &a.0.platform, &a.0.post_id).cmp(&(
                b.0.created_at,
                &b.0.platform,
                &b.0.post_id,
            ))
        });
        out
    }

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
    pub date: NaiveDate,
    pub platform: String,
    pub account: Option<String>,
    pub needing_response: u64,
    pub responded: u64,
    pub unanswered: u64,
    pub response_rate: f64,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

pub fn rows(acc: &Acc, tz: Tz) -> Vec<Row> {
    let mut groups: BTreeMap<(NaiveDate, String, Option<String>), Vec<Option<f64>>> =
        BTreeMap::new();
    for (it, first) in acc.matched() {
        let minutes = first.map(|t| (t - it.created_at) as f64 / 60_000_000.0);
        groups
            .entry((
                local_date(it.created_at, tz),
                it.platform.to_string(),
                it.account.as_deref().map(str::to_string),
            ))
            .or_default()
            .push(minutes);
    }
    groups
        .into_iter()
        .map(|((date, platform, account), mins)| {
            let mut answered: Vec<f64> = mins.iter().flatten().copied().collect();
            answered.sort_by(f64::total_cmp);
            let n = mins.len() as u64;
            let responded = answered.len() as u64;
            Row {
                date,
                platform,
                account,
                needing_response: n,
                responded,
                unanswered: n - responded,
                response_rate: responded as f64 / n as f64,
                median_minutes: quantile(&answered, 0.5),
                p90_minutes: quantile(&answered, 0.9),
            }
        })
        .collect()
}

pub fn schema() -> SchemaRef {
    let i = |n: &str| Field::new(n, DataType::Int64, false);
    let mut fields = super::key_fields();
    fields.extend([
        i("needing_response"),
        i("responded"),
        i("unanswered"),
        Field::new("response_rate", DataType::Float64, false),
        Field::new("median_response_minutes", DataType::Float64, true),
        Field::new("p90_response_minutes", DataType::Float64, true),
    ]);
    Arc::new(Schema::new(fields))
}

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
                .map(|r| Some(r.needing_response as i64))
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
                .map(|r| Some(r.response_rate))
                .collect::<Float64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.median_minutes)
                .collect::<Float64Array>(),
        ),
        Arc::new(rows.iter().map(|r| r.p90_minutes).collect::<Float64Array>()),
    ]);
    RecordBatch::try_new(schema(), columns)
        .map_err(|e| format!("building responsiveness batch: {e}"))
}

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

pub fn unanswered_batch(acc: &Acc) -> Result<RecordBatch, String> {
    let open: Vec<&Item> = acc
        .matched()
        .into_iter()
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| i)
        .collect();
    let as_of = acc.reference_time();
    let reasons: Vec<Vec<&str>> = open.iter().map(|i| i.reasons()).collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            TimestampMicrosecondArray::from(open.iter().map(|i| i.created_at).collect::<Vec<_>>())
                .with_timezone("UTC"),
        ),
        Arc::new(
            open.iter()
                .map(|i| Some(&*i.platform))
                .collect::<StringArray>(),
        ),
        Arc::new(
            open.iter()
                .map(|i| i.account.as_deref())
                .collect::<StringArray>(),
        ),
        Arc::new(
            open.iter()
                .map(|i| Some(&*i.post_id))
                .collect::<StringArray>(),
        ),
        Arc::new(
            open.iter()
                .map(|i| i.url.as_deref())
                .collect::<StringArray>(),
        ),
        crate::sinks::parquet::string_list(reasons.iter().map(Vec::as_slice)),
        Arc::new(
            open.iter()
                .map(|i| i.info_request_due)
                .collect::<Date32Array>(),
        ),
        Arc::new(
            open.iter()
                .map(|i| Some((as_of - i.created_at) as f64 / 3_600_000_000.0))
                .collect::<Float64Array>(),
        ),
        Arc::new(TimestampMicrosecondArray::from(vec![as_of; open.len()]).with_timezone("UTC")),
    ];
    RecordBatch::try_new(unanswered_schema(), columns)
        .map_err(|e| format!("building unanswered batch: {e}"))
}
