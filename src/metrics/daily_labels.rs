//! `daily_labels` [day × platform × direction × label]: how many posts carry each label
//! of the organisation's own classifiers (`[[classifiers]]`, `posts.labels`), and
//! their share of that day's posts on that platform in that direction. Empty when no
//! label classifier is configured.

use super::date32;
use crate::model::Post;
use arrow::array::{ArrayRef, Date32Array, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

/// (day, platform, direction, label).
type Key = (NaiveDate, String, String, String);

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
/// The `daily_labels` table's accumulator: posts folded in with `add`, accumulators of other batches and days with `merge`.
pub struct Acc {
    /// (day, platform, direction, label) -> posts.
    labelled: BTreeMap<Key, u64>,
    /// day -> platform -> [inbound, outbound] posts: the share's denominator, nested so
    /// that counting a post looks its group up without allocating.
    posts: BTreeMap<NaiveDate, BTreeMap<String, [u64; 2]>>,
}

fn slot(direction: &str) -> usize {
    usize::from(direction != "inbound")
}

impl Acc {
    /// Fold one post in.
    pub fn add(&mut self, p: &Post, day: NaiveDate) {
        let dir = p.direction.as_str();
        let platforms = self.posts.entry(day).or_default();
        match platforms.get_mut(p.platform.as_str()) {
            Some(n) => n[slot(dir)] += 1,
            None => {
                let mut n = [0; 2];
                n[slot(dir)] = 1;
                platforms.insert(p.platform.clone(), n);
            }
        }
        for l in &p.listening.labels {
            *self
                .labelled
                .entry((day, p.platform.clone(), dir.to_string(), l.clone()))
                .or_insert(0) += 1;
        }
    }

    /// Merge the accumulator of another batch, day or partition.
    pub fn merge(mut self, other: Acc) -> Acc {
        for (k, n) in other.labelled {
            *self.labelled.entry(k).or_insert(0) += n;
        }
        for (day, platforms) in other.posts {
            let mine = self.posts.entry(day).or_default();
            for (platform, n) in platforms {
                let m = mine.entry(platform).or_default();
                m[0] += n[0];
                m[1] += n[1];
            }
        }
        self
    }
}

/// The Arrow schema of the `daily_labels` table.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("date", DataType::Date32, false),
        Field::new("platform", DataType::Utf8, false),
        Field::new("direction", DataType::Utf8, false),
        Field::new("label", DataType::Utf8, false),
        Field::new("posts", DataType::Int64, false),
        Field::new("share", DataType::Float64, false),
    ]))
}

/// The `daily_labels` table as one Arrow batch, in output order.
pub fn batch(acc: &Acc) -> Result<RecordBatch, String> {
    let rows: Vec<(&Key, u64, f64)> = acc
        .labelled
        .iter()
        .map(|(k, n)| {
            let all = acc
                .posts
                .get(&k.0)
                .and_then(|d| d.get(&k.1))
                .map_or(*n, |c| c[slot(&k.2)])
                .max(1);
            (k, *n, *n as f64 / all as f64)
        })
        .collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            rows.iter()
                .map(|r| Some(date32(r.0 .0)))
                .collect::<Date32Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.0 .1.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.0 .2.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.0 .3.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.1 as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(rows.iter().map(|r| Some(r.2)).collect::<Float64Array>()),
    ];
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("daily_labels: {e}"))
}
