//! `daily_volume` [day × platform × account × direction × kind]: posts, unique authors,
//! and new authors (authors whose first post in this run's data falls on that day).

use crate::model::Post;
use arrow::array::{ArrayRef, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

type Key = (
    NaiveDate,
    String,
    Option<String>,
    &'static str,
    &'static str,
);

#[derive(Clone, Debug, Default)]
pub struct Group {
    pub posts: u64,
    /// 64-bit hashes of (platform, author_id): enough to count, never reversible to an id.
    pub authors: FxHashSet<u64>,
}

#[derive(Clone, Debug, Default)]
pub struct Acc {
    groups: BTreeMap<Key, Group>,
    /// First day each author appears, over all groups.
    first_seen: FxHashMap<u64, NaiveDate>,
}

fn author_hash(platform: &str, author: &str) -> u64 {
    let mut h = FxHasher::default();
    platform.hash(&mut h);
    author.hash(&mut h);
    h.finish()
}

impl Acc {
    pub fn add(&mut self, p: &Post, day: NaiveDate) {
        let key = (
            day,
            p.platform.clone(),
            p.account.clone(),
            p.direction.as_str(),
            p.kind.as_str(),
        );
        let g = self.groups.entry(key).or_default();
        g.posts += 1;
        if let Some(a) = &p.author_id {
            let h = author_hash(&p.platform, a);
            g.authors.insert(h);
            let first = self.first_seen.entry(h).or_insert(day);
            if day < *first {
                *first = day;
            }
        }
    }

    pub fn merge(mut self, other: Acc) -> Acc {
        for (k, g) in other.groups {
            let mine = self.groups.entry(k).or_default();
            mine.posts += g.posts;
            mine.authors.extend(g.authors);
        }
        for (a, d) in other.first_seen {
            let first = self.first_seen.entry(a).or_insert(d);
            if d < *first {
                *first = d;
            }
        }
        self
    }

    /// Rows in key order: (date, platform, account, direction, kind, posts, unique, new).
    pub fn rows(&self) -> Vec<(Key, u64, u64, u64)> {
        self.groups
            .iter()
            .map(|(k, g)| {
                let new = g
                    .authors
                    .iter()
                    .filter(|a| self.first_seen.get(a) == Some(&k.0))
                    .count() as u64;
                (k.clone(), g.posts, g.authors.len() as u64, new)
            })
            .collect()
    }
}

pub fn schema() -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    let i = |n: &str| Field::new(n, DataType::Int64, false);
    let mut fields = super::key_fields();
    fields.extend([
        s("direction", false),
        s("kind", false),
        i("posts"),
        i("unique_authors"),
        i("new_authors"),
    ]);
    Arc::new(Schema::new(fields))
}

pub fn batch(acc: &Acc) -> Result<RecordBatch, String> {
    let rows = acc.rows();
    let keys: Vec<_> = rows
        .iter()
        .map(|r| (r.0 .0, r.0 .1.as_str(), r.0 .2.as_deref()))
        .collect();
    let mut columns = super::key_columns(&keys);
    columns.extend::<Vec<ArrayRef>>(vec![
        Arc::new(rows.iter().map(|r| Some(r.0 .3)).collect::<StringArray>()),
        Arc::new(rows.iter().map(|r| Some(r.0 .4)).collect::<StringArray>()),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.1 as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.2 as i64))
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.3 as i64))
                .collect::<Int64Array>(),
        ),
    ]);
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("building daily_volume batch: {e}"))
}
