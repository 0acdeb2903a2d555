//! `daily_sentiment` [day × platform × account × direction]: over posts with a VADER
//! score, mean and median compound, positive/neutral/negative shares and net sentiment
//! ((positive − negative) / (positive + negative)); plus the count of skipped posts.

use super::AccountKey;
use crate::model::Post;
use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
/// What one group of the table has folded so far.
pub struct Group {
    /// Posts in the group.
    pub posts: u64,
    /// Posts without one (`sentiment_skipped`, e.g. non-English).
    pub skipped: u64,
    /// Scored posts labelled positive.
    pub positive: u64,
    /// Scored posts labelled neutral.
    pub neutral: u64,
    /// Scored posts labelled negative.
    pub negative: u64,
    /// Compound scores in units of 1e-4 (they are rounded to 4 decimals): exact sums
    /// and an exact median without keeping floats.
    pub compounds: Vec<i32>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
/// The `daily_sentiment` table's accumulator: posts folded in with `add`, accumulators of other batches and days with `merge`.
pub struct Acc {
    groups: BTreeMap<AccountKey, Group>,
}

impl Acc {
    /// Fold one post in.
    pub fn add(&mut self, p: &Post, day: NaiveDate) {
        let key = (
            day,
            p.platform.clone(),
            p.account.clone(),
            p.direction.as_str().to_string(),
        );
        let g = self.groups.entry(key).or_default();
        g.posts += 1;
        match (&p.sentiment, p.sentiment_label.as_deref()) {
            (Some(s), Some(label)) => {
                g.compounds.push((s.compound * 10_000.0).round() as i32);
                match label {
                    "positive" => g.positive += 1,
                    "negative" => g.negative += 1,
                    _ => g.neutral += 1,
                }
            }
            _ => g.skipped += 1,
        }
    }

    /// Merge the accumulator of another batch, day or partition.
    pub fn merge(mut self, other: Acc) -> Acc {
        for (k, g) in other.groups {
            let m = self.groups.entry(k).or_default();
            m.posts += g.posts;
            m.skipped += g.skipped;
            m.positive += g.positive;
            m.neutral += g.neutral;
            m.negative += g.negative;
            m.compounds.extend(g.compounds);
        }
        self
    }

    /// The `daily_sentiment` rows, in output order.
    pub fn rows(&self) -> Vec<Row> {
        self.groups
            .iter()
            .map(|(k, g)| {
                let scored = g.compounds.len() as u64;
                let mut c = g.compounds.clone();
                c.sort_unstable();
                let n = c.len();
                let median = match n {
                    0 => None,
                    _ if n % 2 == 1 => Some(f64::from(c[n / 2]) / 10_000.0),
                    _ => Some(f64::from(c[n / 2 - 1] + c[n / 2]) / 20_000.0),
                };
                let sum: i64 = c.iter().map(|v| i64::from(*v)).sum();
                let share = |x: u64| (scored > 0).then(|| x as f64 / scored as f64);
                let polar = g.positive + g.negative;
                Row {
                    key: k.clone(),
                    posts: g.posts,
                    scored,
                    skipped: g.skipped,
                    mean: (scored > 0).then(|| sum as f64 / 10_000.0 / scored as f64),
                    median,
                    positive_share: share(g.positive),
                    neutral_share: share(g.neutral),
                    negative_share: share(g.negative),
                    net: (polar > 0)
                        .then(|| (g.positive as f64 - g.negative as f64) / polar as f64),
                }
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
/// One row of the `daily_sentiment` table.
pub struct Row {
    /// The group: date, platform, account, direction.
    pub key: AccountKey,
    /// Posts in the group.
    pub posts: u64,
    /// Posts with a VADER score.
    pub scored: u64,
    /// Posts without one (`sentiment_skipped`, e.g. non-English).
    pub skipped: u64,
    /// `mean_compound`.
    pub mean: Option<f64>,
    /// `median_compound`.
    pub median: Option<f64>,
    /// Label counts / scored.
    pub positive_share: Option<f64>,
    /// Label counts / scored.
    pub neutral_share: Option<f64>,
    /// Label counts / scored.
    pub negative_share: Option<f64>,
    /// `net_sentiment`.
    pub net: Option<f64>,
}

/// The Arrow schema of the `daily_sentiment` table.
pub fn schema() -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    let i = |n: &str| Field::new(n, DataType::Int64, false);
    let f = |n: &str| Field::new(n, DataType::Float64, true);
    let mut fields = super::key_fields();
    fields.extend([
        s("direction", false),
        i("posts"),
        i("scored"),
        i("skipped"),
        f("mean_compound"),
        f("median_compound"),
        f("positive_share"),
        f("neutral_share"),
        f("negative_share"),
        f("net_sentiment"),
    ]);
    Arc::new(Schema::new(fields))
}

/// The `daily_sentiment` table as one Arrow batch, in output order.
pub fn batch(acc: &Acc) -> Result<RecordBatch, String> {
    let rows = acc.rows();
    let f = |g: fn(&Row) -> Option<f64>| -> ArrayRef {
        Arc::new(rows.iter().map(g).collect::<Float64Array>())
    };
    let i = |g: fn(&Row) -> u64| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|r| Some(g(r) as i64))
                .collect::<Int64Array>(),
        )
    };
    let keys: Vec<_> = rows
        .iter()
        .map(|r| (r.key.0, r.key.1.as_str(), r.key.2.as_deref()))
        .collect();
    let mut columns = super::key_columns(&keys);
    columns.extend::<Vec<ArrayRef>>(vec![
        Arc::new(
            rows.iter()
                .map(|r| Some(r.key.3.as_str()))
                .collect::<StringArray>(),
        ),
        i(|r| r.posts),
        i(|r| r.scored),
        i(|r| r.skipped),
        f(|r| r.mean),
        f(|r| r.median),
        f(|r| r.positive_share),
        f(|r| r.neutral_share),
        f(|r| r.negative_share),
        f(|r| r.net),
    ]);
    RecordBatch::try_new(schema(), columns)
        .map_err(|e| format!("building daily_sentiment batch: {e}"))
}
