//! `engagement` [day × platform × account], outbound posts only: counter sums, engagement
//! per post, engagement rate by views (over posts whose views are known), amplification
//! (reposts per post) and conversation (replies per post) rates. A sum is null when no
//! post in the group reports that counter; a rate is null when its denominator is.

use crate::model::{Direction, Post};
use arrow::array::{ArrayRef, Float64Array, Int64Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

type Key = (NaiveDate, String, Option<String>);

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
/// What one group of the table has folded so far.
pub struct Group {
    /// Outbound posts.
    pub posts: u64,
    /// Sums over posts reporting the counter; null when no post reports it.
    pub likes: Option<i64>,
    /// Sums over posts reporting the counter; null when no post reports it.
    pub reposts: Option<i64>,
    /// Sums over posts reporting the counter; null when no post reports it.
    pub replies: Option<i64>,
    /// Sums over posts reporting the counter; null when no post reports it.
    pub quotes: Option<i64>,
    /// Sums over posts reporting the counter; null when no post reports it.
    pub views: Option<i64>,
    /// Engagement (likes + reposts + replies + quotes) of posts whose views are known.
    pub engagement_with_views: i64,
}

fn add_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (None, None) => None,
        (x, y) => Some(x.unwrap_or(0) + y.unwrap_or(0)),
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
/// The `engagement` table's accumulator: posts folded in with `add`, accumulators of other batches and days with `merge`.
pub struct Acc {
    groups: BTreeMap<Key, Group>,
}

impl Acc {
    /// Fold one post in.
    pub fn add(&mut self, p: &Post, day: NaiveDate) {
        if p.direction != Direction::Outbound {
            return;
        }
        let g = self
            .groups
            .entry((day, p.platform.clone(), p.account.clone()))
            .or_default();
        let c = &p.counts;
        g.posts += 1;
        g.likes = add_opt(g.likes, c.likes);
        g.reposts = add_opt(g.reposts, c.reposts);
        g.replies = add_opt(g.replies, c.replies);
        g.quotes = add_opt(g.quotes, c.quotes);
        g.views = add_opt(g.views, c.views);
        if c.views.is_some() {
            g.engagement_with_views += [c.likes, c.reposts, c.replies, c.quotes]
                .iter()
                .flatten()
                .sum::<i64>();
        }
    }

    /// Merge the accumulator of another batch, day or partition.
    pub fn merge(mut self, other: Acc) -> Acc {
        for (k, o) in other.groups {
            let g = self.groups.entry(k).or_default();
            g.posts += o.posts;
            g.likes = add_opt(g.likes, o.likes);
            g.reposts = add_opt(g.reposts, o.reposts);
            g.replies = add_opt(g.replies, o.replies);
            g.quotes = add_opt(g.quotes, o.quotes);
            g.views = add_opt(g.views, o.views);
            g.engagement_with_views += o.engagement_with_views;
        }
        self
    }

    /// The groups folded so far, in output order.
    pub fn groups(&self) -> &BTreeMap<Key, Group> {
        &self.groups
    }
}

/// likes + reposts + replies + quotes over the known counters; null when none is known.
pub fn engagement(g: &Group) -> Option<i64> {
    [g.likes, g.reposts, g.replies, g.quotes]
        .into_iter()
        .fold(None, add_opt)
}

/// Followers of (platform, account) on `day`: the latest configured count on or before it.
pub fn followers_on(
    followers: &[crate::config::FollowerCount],
    platform: &str,
    account: Option<&str>,
    day: NaiveDate,
) -> Option<u64> {
    let account = account?;
    followers
        .iter()
        .filter(|f| {
            f.platform.eq_ignore_ascii_case(platform) && f.account.eq_ignore_ascii_case(account)
        })
        .filter_map(|f| {
            NaiveDate::parse_from_str(&f.date, "%Y-%m-%d")
                .ok()
                .map(|d| (d, f.count))
        })
        .filter(|(d, _)| *d <= day)
        .max_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The Arrow schema of the `engagement` table.
pub fn schema() -> SchemaRef {
    let i = |n: &str| Field::new(n, DataType::Int64, true);
    let f = |n: &str| Field::new(n, DataType::Float64, true);
    let mut fields = super::key_fields();
    fields.extend([
        Field::new("posts", DataType::Int64, false),
        i("likes"),
        i("reposts"),
        i("replies"),
        i("quotes"),
        i("views"),
        i("engagement"),
        f("engagement_per_post"),
        f("engagement_rate_views"),
        i("followers"),
        f("engagement_rate_followers"),
        f("amplification_rate"),
        f("conversation_rate"),
    ]);
    Arc::new(Schema::new(fields))
}

/// The `engagement` table as one Arrow batch, in output order.
pub fn batch(acc: &Acc, followers: &[crate::config::FollowerCount]) -> Result<RecordBatch, String> {
    let rows: Vec<(&Key, &Group)> = acc.groups.iter().collect();
    let fol: Vec<Option<u64>> = rows
        .iter()
        .map(|(k, _)| followers_on(followers, &k.1, k.2.as_deref(), k.0))
        .collect();
    let ints = |f: fn(&Group) -> Option<i64>| -> ArrayRef {
        Arc::new(rows.iter().map(|(_, g)| f(g)).collect::<Int64Array>())
    };
    let per_post = |f: fn(&Group) -> Option<i64>| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|(_, g)| f(g).map(|v| v as f64 / g.posts as f64))
                .collect::<Float64Array>(),
        )
    };
    let keys: Vec<_> = rows
        .iter()
        .map(|(k, _)| (k.0, k.1.as_str(), k.2.as_deref()))
        .collect();
    let mut columns = super::key_columns(&keys);
    columns.extend::<Vec<ArrayRef>>(vec![
        Arc::new(
            rows.iter()
                .map(|(_, g)| Some(g.posts as i64))
                .collect::<Int64Array>(),
        ),
        ints(|g| g.likes),
        ints(|g| g.reposts),
        ints(|g| g.replies),
        ints(|g| g.quotes),
        ints(|g| g.views),
        ints(engagement),
        per_post(engagement),
        Arc::new(
            rows.iter()
                .map(|(_, g)| {
                    g.views
                        .filter(|v| *v > 0)
                        .map(|v| g.engagement_with_views as f64 / v as f64)
                })
                .collect::<Float64Array>(),
        ),
        Arc::new(
            fol.iter()
                .map(|f| f.map(|v| v as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .zip(&fol)
                .map(|((_, g), f)| match (engagement(g), f) {
                    (Some(e), Some(f)) if *f > 0 => Some(e as f64 / *f as f64),
                    _ => None,
                })
                .collect::<Float64Array>(),
        ),
        per_post(|g| g.reposts),
        per_post(|g| g.replies),
    ]);
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("building engagement batch: {e}"))
}
