//! Metrics: mergeable accumulators over analysed posts. Each table folds posts per
//! batch (`add`), reduces across batches and days (`merge`), then emits rows. A new
//! table is a file here, its field in [`Accumulators`] (with a line in `add` and
//! `merge`) and a line in `pipeline::publish::METRIC_TABLES` (docs/design.md, "What a
//! change takes", which `tests/design.rs` keeps true).

#![warn(missing_docs)]

pub mod cost_benefit;
pub mod daily_labels;
pub mod daily_sentiment;
pub mod daily_volume;
pub mod engagement;
pub mod responsiveness;
pub mod topic_daily;

use crate::model::Post;
use chrono::NaiveDate;
use chrono_tz::Tz;

/// Calendar day of a timestamp in the reporting time zone.
pub fn local_date(micros: i64, tz: Tz) -> NaiveDate {
    crate::text::local_day_in(micros, tz).unwrap_or_default()
}

/// Days since the Unix epoch (Parquet `date32`).
pub fn date32(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

/// The accumulators of every metric table.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Accumulators {
    /// `daily_volume`.
    pub volume: daily_volume::Acc,
    /// `daily_sentiment`.
    pub sentiment: daily_sentiment::Acc,
    /// `engagement`.
    pub engagement: engagement::Acc,
    /// `responsiveness` and `unanswered`.
    pub responsiveness: responsiveness::Acc,
    /// `topic_daily`.
    pub topics: topic_daily::Acc,
    /// `daily_labels`.
    pub labels: daily_labels::Acc,
}

impl Accumulators {
    /// Fold one post in.
    pub fn add(&mut self, p: &Post, tz: Tz) {
        // A withheld (followers-only or direct) message still answers or asks.
        self.responsiveness.add(p);
        if p.withheld {
            return;
        }
        let day = local_date(p.created_at, tz);
        self.volume.add(p, day);
        self.sentiment.add(p, day);
        self.engagement.add(p, day);
        self.topics.add(p, day);
        self.labels.add(p, day);
    }

    /// Once every post is in: compacts state kept for the tables (call before them).
    pub fn finish(&mut self) {
        self.responsiveness.finish();
    }

    /// Merge the accumulator of another batch, day or partition.
    pub fn merge(mut self, other: Accumulators) -> Accumulators {
        self.volume = self.volume.merge(other.volume);
        self.sentiment = self.sentiment.merge(other.sentiment);
        self.engagement = self.engagement.merge(other.engagement);
        self.responsiveness = self.responsiveness.merge(other.responsiveness);
        self.topics = self.topics.merge(other.topics);
        self.labels = self.labels.merge(other.labels);
        self
    }
}

/// The leading `date, platform, account` fields of the per-account tables.
pub fn key_fields() -> Vec<arrow::datatypes::Field> {
    use arrow::datatypes::{DataType, Field};
    vec![
        Field::new("date", DataType::Date32, false),
        Field::new("platform", DataType::Utf8, false),
        Field::new("account", DataType::Utf8, true),
    ]
}

/// The columns of [`key_fields`], one (date, platform, account) per row.
pub fn key_columns(keys: &[(NaiveDate, &str, Option<&str>)]) -> Vec<arrow::array::ArrayRef> {
    use arrow::array::{Date32Array, StringArray};
    use std::sync::Arc;
    vec![
        Arc::new(
            keys.iter()
                .map(|k| Some(date32(k.0)))
                .collect::<Date32Array>(),
        ),
        Arc::new(keys.iter().map(|k| Some(k.1)).collect::<StringArray>()),
        Arc::new(keys.iter().map(|k| k.2).collect::<StringArray>()),
    ]
}

/// Group key shared by the per-account tables; `None` account sorts first.
pub type AccountKey = (NaiveDate, String, Option<String>, String);
