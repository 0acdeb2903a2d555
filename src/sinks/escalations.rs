//! The `escalations` table: one row per escalated post, in the order a team should work
//! the queue: priority, then information-request due date, then oldest first.

use super::parquet::{string_list, string_list_type, timestamp_type};
use crate::model::Post;
use arrow::array::{
    ArrayRef, Date32Array, Float64Array, Int32Array, StringArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// The queue order (see module docs); ties by platform and post id.
/// The post reduced to what the escalations table shows, so a run can hold every
/// escalated post until the queue is sorted at the end.
pub fn queue_copy(p: &Post) -> Post {
    let mut q = Post::new(&p.platform, p.post_id.clone(), p.created_at, p.text.clone());
    q.account = p.account.clone();
    q.author_id = p.author_id.clone();
    q.url = p.url.clone();
    q.sentiment = p.sentiment;
    q.sentiment_label = p.sentiment_label.clone();
    q.listening.topics = p.listening.topics.clone();
    q.listening.escalate = true;
    q.listening.escalation_priority = p.listening.escalation_priority;
    q.listening.escalation_reasons = p.listening.escalation_reasons.clone();
    q.listening.info_request_due = p.listening.info_request_due;
    q
}

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

pub fn schema() -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    Arc::new(Schema::new(vec![
        Field::new("queue_position", DataType::Int32, false),
        Field::new("priority", DataType::Int32, false),
        Field::new("reasons", string_list_type(), false),
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

/// `posts` must already be in queue order; `drop_text` writes null text.
pub fn batch(posts: &[Post], drop_text: bool) -> Result<RecordBatch, String> {
    let strs = |f: fn(&Post) -> Option<&str>| -> ArrayRef {
        Arc::new(posts.iter().map(f).collect::<StringArray>())
    };
    let columns: Vec<ArrayRef> = vec![
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
        strs(|p| p.url.as_deref()),
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
                .map(|p| (!drop_text).then_some(p.text.as_str()))
                .collect::<StringArray>(),
        ),
    ];
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("building escalations batch: {e}"))
}
