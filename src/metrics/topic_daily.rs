//! `topic_daily` [day × topic], inbound posts: volume, share of the day's inbound posts,
//! mean compound, net sentiment, and a spike score against the trailing baseline.
//!
//! Spike: over the previous `baseline_days` days present in the data (a day without the
//! topic counts as 0), with mean μ and population standard deviation σ of the daily
//! volume, `spike_score = (volume − μ) / max(σ, 1)`; `spike` when the score ≥ 3 and
//! volume ≥ `min_count`. The floor of 1 on σ keeps a quiet topic's first few posts from
//! looking infinite. With no history the score is null and there is no spike.

use super::date32;
use crate::model::{Direction, Post};
use arrow::array::{ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
/// What one group of the table has folded so far.
pub struct Group {
    /// Inbound posts with the topic.
    pub volume: u64,
    /// Posts with a VADER score.
    pub scored: u64,
    /// Sum of compound in units of 1e-4 (exact).
    pub compound_sum: i64,
    /// Scored posts labelled positive.
    pub positive: u64,
    /// Scored posts labelled negative.
    pub negative: u64,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
/// The `topic_daily` table's accumulator: posts folded in with `add`, accumulators of other batches and days with `merge`.
pub struct Acc {
    groups: BTreeMap<(NaiveDate, String), Group>,
    inbound: BTreeMap<NaiveDate, u64>,
}

impl Acc {
    /// Fold one post in.
    pub fn add(&mut self, p: &Post, day: NaiveDate) {
        if p.direction != Direction::Inbound {
            return;
        }
        *self.inbound.entry(day).or_insert(0) += 1;
        for t in &p.listening.topics {
            let g = self.groups.entry((day, t.clone())).or_default();
            g.volume += 1;
            if let Some(s) = &p.sentiment {
                g.scored += 1;
                g.compound_sum += (s.compound * 10_000.0).round() as i64;
                match p.sentiment_label.as_deref() {
                    Some("positive") => g.positive += 1,
                    Some("negative") => g.negative += 1,
                    _ => {}
                }
            }
        }
    }

    /// Merge the accumulator of another batch, day or partition.
    pub fn merge(mut self, other: Acc) -> Acc {
        for (k, o) in other.groups {
            let g = self.groups.entry(k).or_default();
            g.volume += o.volume;
            g.scored += o.scored;
            g.compound_sum += o.compound_sum;
            g.positive += o.positive;
            g.negative += o.negative;
        }
        for (d, n) in other.inbound {
            *self.inbound.entry(d).or_insert(0) += n;
        }
        self
    }

    /// The `topic_daily` rows, in output order.
    pub fn rows(&self, baseline_days: i64, min_count: u64) -> Vec<Row> {
        let days: Vec<NaiveDate> = self.inbound.keys().copied().collect();
        let mut out = Vec::new();
        for ((day, topic), g) in &self.groups {
            let history: Vec<f64> = days
                .iter()
                .filter(|d| **d < *day && (*day - **d).num_days() <= baseline_days)
                .map(|d| {
                    self.groups
                        .get(&(*d, topic.clone()))
                        .map_or(0.0, |h| h.volume as f64)
                })
                .collect();
            let score = (!history.is_empty()).then(|| {
                let n = history.len() as f64;
                let mean = history.iter().sum::<f64>() / n;
                let var = history.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                (g.volume as f64 - mean) / var.sqrt().max(1.0)
            });
            let inbound = self.inbound.get(day).copied().unwrap_or(0);
            let polar = g.positive + g.negative;
            out.push(Row {
                date: *day,
                topic: topic.clone(),
                volume: g.volume,
                share: if inbound > 0 {
                    g.volume as f64 / inbound as f64
                } else {
                    0.0
                },
                mean_compound: (g.scored > 0)
                    .then(|| g.compound_sum as f64 / 10_000.0 / g.scored as f64),
                net_sentiment: (polar > 0)
                    .then(|| (g.positive as f64 - g.negative as f64) / polar as f64),
                spike_score: score,
                spike: score.is_some_and(|s| s >= 3.0) && g.volume >= min_count,
            });
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq)]
/// One row of the `topic_daily` table.
pub struct Row {
    /// Calendar day in the reporting time zone.
    pub date: NaiveDate,
    /// Taxonomy topic.
    pub topic: String,
    /// Inbound posts with the topic.
    pub volume: u64,
    /// `share`: the topic's posts over the day's inbound posts.
    pub share: f64,
    /// Mean VADER compound of the scored ones.
    pub mean_compound: Option<f64>,
    /// (positive − negative) / (positive + negative); null when both are 0.
    pub net_sentiment: Option<f64>,
    /// (volume − μ) / max(σ, 1), where μ and σ (population) are the topic's daily volume over the baseline days of day d: the calendar days in [d − `metrics.spike_baseline_days`, d − 1] (reporting time zone) on which at least one inbound post was made. Days of that window without any inbound post are left out; a baseline day without the topic counts 0. Null when there is no baseline day.
    pub spike_score: Option<f64>,
    /// Spike_score ≥ 3 and volume ≥ `metrics.spike_min_count`.
    pub spike: bool,
}

/// The Arrow schema of the `topic_daily` table.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("date", DataType::Date32, false),
        Field::new("topic", DataType::Utf8, false),
        Field::new("volume", DataType::Int64, false),
        Field::new("share_of_inbound", DataType::Float64, false),
        Field::new("mean_compound", DataType::Float64, true),
        Field::new("net_sentiment", DataType::Float64, true),
        Field::new("spike_score", DataType::Float64, true),
        Field::new("spike", DataType::Boolean, false),
    ]))
}

/// The `topic_daily` table as one Arrow batch, in output order.
pub fn batch(acc: &Acc, baseline_days: i64, min_count: u64) -> Result<RecordBatch, String> {
    let rows = acc.rows(baseline_days, min_count);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            rows.iter()
                .map(|r| Some(date32(r.date)))
                .collect::<Date32Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.topic.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.volume as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(rows.iter().map(|r| Some(r.share)).collect::<Float64Array>()),
        Arc::new(
            rows.iter()
                .map(|r| r.mean_compound)
                .collect::<Float64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.net_sentiment)
                .collect::<Float64Array>(),
        ),
        Arc::new(rows.iter().map(|r| r.spike_score).collect::<Float64Array>()),
        Arc::new(rows.iter().map(|r| Some(r.spike)).collect::<BooleanArray>()),
    ];
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("building topic_daily batch: {e}"))
}
