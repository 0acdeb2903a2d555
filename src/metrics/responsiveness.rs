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
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::Arc;

/// An inbound post that needed a response.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub platform: String,
    pub post_id: String,
    pub account: Option<String>,
    pub created_at: i64,
    pub url: Option<String>,
    pub reasons: Vec<&'static str>,
    pub info_request_due: Option<i32>,
}

#[derive(Clone, Debug, Default)]
pub struct Acc {
    items: Vec<Item>,
    /// (platform, replied-to or thread id) -> times of outbound posts answering it.
    responses: FxHashMap<(String, String), Vec<i64>>,
    latest: i64,
}

impl Acc {
    pub fn add(&mut self, p: &Post) {
        self.latest = self.latest.max(p.created_at);
        let l = &p.listening;
        match p.direction {
            Direction::Inbound if l.is_question || l.is_complaint || l.info_request => {
                let mut reasons = Vec::new();
                if l.is_question {
                    reasons.push("question");
                }
                if l.is_complaint {
                    reasons.push("complaint");
                }
                if l.info_request {
                    reasons.push("info_request");
                }
                self.items.push(Item {
                    platform: p.platform.clone(),
                    post_id: p.post_id.clone(),
                    account: p.account.clone(),
                    created_at: p.created_at,
                    url: p.url.clone(),
                    reasons,
                    info_request_due: l.info_request_due,
                });
            }
            Direction::Outbound => {
                for target in [&p.reply_to_id, &p.conversation_id].into_iter().flatten() {
                    if *target != p.post_id {
                        self.responses
                            .entry((p.platform.clone(), target.clone()))
                            .or_default()
                            .push(p.created_at);
                    }
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
                    .get(&(it.platform.clone(), it.post_id.clone()))
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
                it.platform.clone(),
                it.account.clone(),
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
    let reasons: Vec<Vec<&str>> = open.iter().map(|i| i.reasons.clone()).collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            TimestampMicrosecondArray::from(open.iter().map(|i| i.created_at).collect::<Vec<_>>())
                .with_timezone("UTC"),
        ),
        Arc::new(
            open.iter()
                .map(|i| Some(i.platform.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            open.iter()
                .map(|i| i.account.as_deref())
                .collect::<StringArray>(),
        ),
        Arc::new(
            open.iter()
                .map(|i| Some(i.post_id.as_str()))
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
