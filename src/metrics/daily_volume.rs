//! `daily_volume` [day × platform × account × direction × kind]: posts, unique authors,
//! and new authors (authors whose first post in this run's data falls on that day).

use crate::model::Post;
use arrow::array::{ArrayRef, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use rustc_hash::{FxHashSet, FxHasher};
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

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
/// What one group of the table has folded so far.
pub struct Group {
    /// Posts in the group.
    pub posts: u64,
    /// 64-bit hashes of (platform, author_id): enough to count, never reversible to an id.
    /// Appended by `add`, sorted and deduplicated when merged: a run keeps one such list
    /// per group per day, and a sorted vector is a fraction of a hash set's size.
    authors: Vec<u64>,
    /// Whether `authors` is sorted and free of duplicates.
    tidy: bool,
}

impl Group {
    fn tidy(&mut self) {
        if !self.tidy {
            self.authors.sort_unstable();
            self.authors.dedup();
            self.authors.shrink_to_fit();
            self.tidy = true;
        }
    }

    /// Distinct author hashes, sorted.
    fn distinct(&self) -> std::borrow::Cow<'_, [u64]> {
        if self.tidy {
            std::borrow::Cow::Borrowed(&self.authors)
        } else {
            let mut g = self.clone();
            g.tidy();
            std::borrow::Cow::Owned(g.authors)
        }
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
/// The `daily_volume` table's accumulator: posts folded in with `add`, accumulators of other batches and days with `merge`.
pub struct Acc {
    #[serde(with = "stored_keys")]
    groups: BTreeMap<Key, Group>,
}

/// Stored accumulators (the nightly state) spell the key's direction and kind out;
/// reading maps them back to the static names.
mod stored_keys {
    use super::{Group, Key};
    use crate::model::{Direction, Kind};
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    type Stored = (NaiveDate, String, Option<String>, String, String);

    pub fn serialize<S: Serializer>(m: &BTreeMap<Key, Group>, s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<(Stored, &Group)> = m
            .iter()
            .map(|((d, p, a, dir, kind), g)| {
                (
                    (*d, p.clone(), a.clone(), dir.to_string(), kind.to_string()),
                    g,
                )
            })
            .collect();
        v.serialize(s)
    }

    fn known(name: &str, names: &[&'static str]) -> Option<&'static str> {
        names.iter().copied().find(|n| *n == name)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<Key, Group>, D::Error> {
        use serde::de::Error;
        let directions = [Direction::Inbound.as_str(), Direction::Outbound.as_str()];
        let kinds = [
            Kind::Original,
            Kind::Reply,
            Kind::Repost,
            Kind::Quote,
            Kind::Comment,
        ]
        .map(Kind::as_str);
        let v: Vec<(Stored, Group)> = Vec::deserialize(d)?;
        v.into_iter()
            .map(|((day, p, a, dir, kind), g)| {
                let dir = known(&dir, &directions)
                    .ok_or_else(|| D::Error::custom(format!("unknown direction {dir:?}")))?;
                let kind = known(&kind, &kinds)
                    .ok_or_else(|| D::Error::custom(format!("unknown kind {kind:?}")))?;
                Ok(((day, p, a, dir, kind), g))
            })
            .collect()
    }
}

/// The hash an author is counted by: the report's distinct authors of a period use it too.
pub(crate) fn author_hash(platform: &str, author: &str) -> u64 {
    let mut h = FxHasher::default();
    platform.hash(&mut h);
    author.hash(&mut h);
    h.finish()
}

impl Acc {
    /// Fold one post in.
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
            g.authors.push(author_hash(&p.platform, a));
            g.tidy = false;
        }
    }

    /// Merge the accumulator of another batch, day or partition.
    pub fn merge(mut self, other: Acc) -> Acc {
        for (k, mut g) in other.groups {
            match self.groups.entry(k) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    g.tidy();
                    v.insert(g);
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    let mine = o.get_mut();
                    mine.posts += g.posts;
                    mine.authors.extend(g.authors);
                    mine.tidy = false;
                    mine.tidy();
                }
            }
        }
        self
    }

    /// The groups' keys, in output order (what [`Acc::rows`] gives without counting
    /// authors).
    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.groups.keys()
    }

    /// Rows in key order: (date, platform, account, direction, kind, posts, unique, new).
    ///
    /// An author is new on the first day any group holds them. Groups are in date order,
    /// so one pass with the set of authors seen on earlier days counts them.
    pub fn rows(&self) -> Vec<(Key, u64, u64, u64)> {
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        let mut today: Vec<u64> = Vec::new();
        let mut day = None;
        let mut out = Vec::with_capacity(self.groups.len());
        for (k, g) in &self.groups {
            if day != Some(k.0) {
                seen.extend(today.drain(..));
                day = Some(k.0);
            }
            let authors = g.distinct();
            let new = authors.iter().filter(|a| !seen.contains(a)).count() as u64;
            today.extend_from_slice(&authors);
            out.push((k.clone(), g.posts, authors.len() as u64, new));
        }
        out
    }
}

/// The Arrow schema of the `daily_volume` table.
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

/// The `daily_volume` table as one Arrow batch, in output order.
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
