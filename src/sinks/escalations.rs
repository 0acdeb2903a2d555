//! The `escalations` table: one row per escalated post, in the order a team should work
//! the queue: priority, then information-request due date, then oldest first.

use super::parquet::{string_list, string_list_type, timestamp_type};
use crate::model::Post;
use arrow::array::Array;
use arrow::array::{
    ArrayRef, Date32Array, Float64Array, Int32Array, StringArray, TimestampMicrosecondArray,
};
use arrow::compute::{
    concat, interleave_record_batch, lexsort_to_indices, SortColumn, SortOptions,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// The queue order (see module docs); ties by platform and post id.
pub fn sort(posts: &mut [Post]) {
    posts.sort_by(|a, b| {
        let key = |p: &Post| {
            (
                p.listening.escalation_priority.unwrap_or(u8::MAX),
                p.listening.info_request_due.unwrap_or(i32::MAX),
                p.created_at,
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| (&a.platform, &a.post_id).cmp(&(&b.platform, &b.post_id)))
    });
}

/// What the nightly state keeps of an escalated post: exactly the fields [`batch`]
/// reads (a withheld post's text not even that). The day summaries hold one per
/// escalation, so the rest of the post (its lists, counts and source) stays out.
pub fn kept(p: &Post) -> Post {
    let text = if p.withheld {
        String::new()
    } else {
        p.text.clone()
    };
    let mut k = Post::new(&p.platform, p.post_id.clone(), p.created_at, text);
    k.url = p.url.clone();
    k.link = p.link.clone();
    k.account = p.account.clone();
    k.author_id = p.author_id.clone();
    k.direction = p.direction;
    k.kind = p.kind;
    k.sentiment = p.sentiment;
    k.sentiment_label = p.sentiment_label.clone();
    k.withheld = p.withheld;
    let l = &p.listening;
    k.listening = crate::model::Listening {
        topics: l.topics.clone(),
        info_request_due: l.info_request_due,
        escalate: l.escalate,
        escalation_reasons: l.escalation_reasons.clone(),
        escalation_priority: l.escalation_priority,
        harm_score: l.harm_score,
        ..Default::default()
    };
    k
}

pub fn schema() -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    Arc::new(Schema::new(vec![
        Field::new("queue_position", DataType::Int32, false),
        Field::new("priority", DataType::Int32, false),
        Field::new("reasons", string_list_type(), false),
        Field::new("harm_score", DataType::Float64, true),
        Field::new("info_request_due", DataType::Date32, true),
        Field::new("created_at", timestamp_type(), false),
        s("platform", false),
        s("account", true),
        s("post_id", false),
        s("url", true),
        s("author_id", true),
        Field::new("topics", string_list_type(), false),
        Field::new("sentiment_compound", DataType::Float64, true),
        s("sentiment_label", true),
        s("text", true),
    ]))
}

/// Rows of escalated posts in the given order, numbered from 1; `drop_text` writes
/// null text. A streaming run builds one batch per day and orders them with [`queue`].
pub fn batch(posts: &[&Post], drop_text: bool) -> Result<RecordBatch, String> {
    let strs = |f: fn(&Post) -> Option<&str>| -> ArrayRef {
        Arc::new(posts.iter().map(|p| f(p)).collect::<StringArray>())
    };
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new((1..=posts.len() as i32).collect::<Int32Array>()),
        Arc::new(
            posts
                .iter()
                .map(|p| i32::from(p.listening.escalation_priority.unwrap_or(u8::MAX)))
                .collect::<Int32Array>(),
        ),
        string_list(
            posts
                .iter()
                .map(|p| p.listening.escalation_reasons.as_slice()),
        ),
        Arc::new(
            posts
                .iter()
                .map(|p| p.listening.harm_score)
                .collect::<Float64Array>(),
        ),
        Arc::new(
            posts
                .iter()
                .map(|p| p.listening.info_request_due)
                .collect::<Date32Array>(),
        ),
        Arc::new(
            TimestampMicrosecondArray::from(posts.iter().map(|p| p.created_at).collect::<Vec<_>>())
                .with_timezone("UTC"),
        ),
        strs(|p| Some(p.platform.as_str())),
        strs(|p| p.account.as_deref()),
        strs(|p| Some(p.post_id.as_str())),
        strs(|p| p.working_link()),
        strs(|p| p.author_id.as_deref()),
        string_list(posts.iter().map(|p| p.listening.topics.as_slice())),
        Arc::new(
            posts
                .iter()
                .map(|p| p.sentiment.map(|s| s.compound))
                .collect::<Float64Array>(),
        ),
        strs(|p| p.sentiment_label.as_deref()),
        Arc::new(
            posts
                .iter()
                .map(|p| (!drop_text && !p.withheld).then_some(p.text.as_str()))
                .collect::<StringArray>(),
        ),
    ];
    // Builders grow by doubling; a run keeps every day's batch until the end.
    for c in &mut columns {
        if let Some(c) = Arc::get_mut(c) {
            c.shrink_to_fit();
        }
    }
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("building escalations batch: {e}"))
}

/// The queue from batches built by [`batch`] (per day, in any order): all rows in the
/// order [`sort`] defines, renumbered, handed to `sink` in chunks of at most `chunk_rows`.
/// Only the sort keys are concatenated and each row is gathered once, so a large run's
/// queue stays in compact columnar buffers (a few hundred bytes a row), and only one
/// chunk of the sorted copy exists at a time. Returns the number of rows.
pub fn queue_chunks(
    batches: &[RecordBatch],
    chunk_rows: usize,
    mut sink: impl FnMut(RecordBatch) -> Result<(), String>,
) -> Result<usize, String> {
    let err = |e: arrow::error::ArrowError| format!("ordering the escalations queue: {e}");
    if batches.iter().all(|b| b.num_rows() == 0) {
        return Ok(0);
    }
    let mut keys = Vec::new();
    for name in [
        "priority",
        "info_request_due",
        "created_at",
        "platform",
        "post_id",
    ] {
        let parts = batches
            .iter()
            .map(|b| {
                b.column_by_name(name)
                    .map(|c| c.as_ref())
                    .ok_or_else(|| format!("escalations batch has no column {name}"))
            })
            .collect::<Result<Vec<&dyn Array>, String>>()?;
        keys.push(SortColumn {
            values: concat(&parts).map_err(err)?,
            // No due date sorts after every date, as in `sort`.
            options: Some(SortOptions {
                descending: false,
                nulls_first: false,
            }),
        });
    }
    let order = lexsort_to_indices(&keys, None).map_err(err)?;
    drop(keys);
    // Position in the concatenation -> (batch, row).
    let mut at = Vec::with_capacity(order.len());
    for (b, batch) in batches.iter().enumerate() {
        at.extend((0..batch.num_rows()).map(|r| (b, r)));
    }
    let rows: Vec<(usize, usize)> = order.values().iter().map(|&i| at[i as usize]).collect();
    drop(at);
    let parts: Vec<&RecordBatch> = batches.iter().collect();
    for (n, chunk) in rows.chunks(chunk_rows.max(1)).enumerate() {
        let sorted = interleave_record_batch(&parts, chunk).map_err(err)?;
        let first = (n * chunk_rows.max(1)) as i32 + 1;
        let mut columns = sorted.columns().to_vec();
        columns[0] = Arc::new((first..first + chunk.len() as i32).collect::<Int32Array>());
        sink(
            RecordBatch::try_new(schema(), columns)
                .map_err(|e| format!("building escalations batch: {e}"))?,
        )?;
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;

    fn post(i: usize) -> Post {
        // Few distinct values per key so every tie-break is exercised.
        let platform = ["twitter", "mastodon"][i % 2];
        let mut p = Post::new(platform, format!("p{}", i % 7), (i % 3) as i64, "t".into());
        p.listening.escalate = true;
        p.listening.escalation_priority = Some((i % 4) as u8 + 1);
        p.listening.info_request_due = [None, Some(20_000), Some(19_990)][(i / 2) % 3];
        p
    }

    /// The rows of what the state keeps are the rows of the post.
    #[test]
    fn kept_posts_give_the_same_rows() {
        let mut posts: Vec<Post> = (0..12).map(post).collect();
        for (i, p) in posts.iter_mut().enumerate() {
            p.text = format!("text {i}");
            p.url = (i % 3 != 0).then(|| format!("https://x.example/{i}"));
            p.link = (i % 4 == 0).then(|| format!("sealed:{i:02x}"));
            p.account = (i % 2 == 0).then(|| "Northline".to_string());
            p.author_id = Some(format!("a{i}"));
            p.withheld = i % 5 == 0;
            p.sentiment_label = Some(["positive", "negative"][i % 2].into());
            p.sentiment = Some(crate::model::Sentiment {
                compound: 0.1 * i as f64,
                ..Default::default()
            });
            p.hashtags = vec!["tag".into()];
            p.listening.topics = vec!["delays".into(), format!("t{i}")];
            p.listening.escalation_reasons = vec!["safety".into()];
            p.listening.harm_score = (i % 2 == 0).then_some(0.5);
            p.listening.pii_types = vec!["phone".into()];
        }
        let refs: Vec<&Post> = posts.iter().collect();
        let kept: Vec<Post> = posts.iter().map(kept).collect();
        let kept_refs: Vec<&Post> = kept.iter().collect();
        for drop_text in [false, true] {
            let want = batch(&refs, drop_text).unwrap_or_else(|e| panic!("{e}"));
            let got = batch(&kept_refs, drop_text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, want, "drop_text {drop_text}");
        }
        assert!(kept
            .iter()
            .all(|k| k.hashtags.is_empty() && k.listening.pii_types.is_empty()));
        assert!(kept
            .iter()
            .filter(|k| k.withheld)
            .all(|k| k.text.is_empty()));
    }

    #[test]
    fn queue_of_day_batches_matches_sort() {
        let posts: Vec<Post> = (0..60).map(post).collect();
        let mut want = posts.clone();
        sort(&mut want);
        // Uneven "days", handed over out of order.
        let refs: Vec<&Post> = posts.iter().collect();
        let mut batches: Vec<RecordBatch> = refs
            .chunks(13)
            .map(|c| batch(c, false).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        batches.reverse();
        batches.push(batch(&[], false).unwrap_or_else(|e| panic!("{e}")));
        let mut chunks = Vec::new();
        let n = queue_chunks(&batches, 7, |b| {
            chunks.push(b);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((n, chunks.len()), (60, 9));
        let q =
            arrow::compute::concat_batches(&schema(), &chunks).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(String, String)> = (0..q.num_rows())
            .map(|r| {
                let s = |n: &str| q[n].as_string::<i32>().value(r).to_string();
                (s("platform"), s("post_id"))
            })
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|p| (p.platform.clone(), p.post_id.clone()))
            .collect();
        assert_eq!(got, want);
        let positions: Vec<i32> = q["queue_position"]
            .as_primitive::<arrow::datatypes::Int32Type>()
            .values()
            .to_vec();
        assert_eq!(positions, (1..=60).collect::<Vec<i32>>());
        assert_eq!(
            queue_chunks(&[], 7, |_| Err("no rows expected".into())),
            Ok(0)
        );
    }
}
