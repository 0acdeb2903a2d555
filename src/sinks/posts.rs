//! The `posts` table: one row per deduplicated post, partitioned by UTC date.

use super::parquet::{string_list, string_list_type, timestamp_type};
use crate::model::Post;
use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use std::sync::{Arc, OnceLock};

pub fn schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
        let i = |n: &str| Field::new(n, DataType::Int64, true);
        let f = |n: &str| Field::new(n, DataType::Float64, true);
        let b = |n: &str| Field::new(n, DataType::Boolean, false);
        Arc::new(Schema::new(vec![
            s("platform", false),
            s("post_id", false),
            s("url", true),
            Field::new("created_at", timestamp_type(), false),
            s("account", true),
            s("author_id", true),
            s("author_handle", true),
            s("direction", false),
            s("kind", false),
            s("visibility", true),
            s("reply_to_id", true),
            s("conversation_id", true),
            s("text", true),
            s("lang", true),
            s("lang_detected", true),
            i("like_count"),
            i("repost_count"),
            i("reply_count"),
            i("quote_count"),
            i("view_count"),
            Field::new("hashtags", string_list_type(), true),
            Field::new("mentions", string_list_type(), true),
            Field::new("urls", string_list_type(), true),
            f("sentiment_neg"),
            f("sentiment_neu"),
            f("sentiment_pos"),
            f("sentiment_compound"),
            s("sentiment_label", true),
            s("sentiment_skipped", true),
            Field::new("topics", string_list_type(), true),
            Field::new("url_domains", string_list_type(), true),
            Field::new("emoji", string_list_type(), true),
            b("is_question"),
            b("is_complaint"),
            b("info_request"),
            Field::new("info_request_due", DataType::Date32, true),
            b("escalate"),
            Field::new("escalation_reasons", string_list_type(), true),
            b("has_pii"),
            Field::new("pii_types", string_list_type(), true),
            s("source_file", false),
            Field::new("source_position", DataType::Int64, false),
        ]))
    })
    .clone()
}

/// Options that change what the `text` column holds.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextPolicy {
    /// Write null instead of the text (retention-limited deployments).
    pub drop_text: bool,
}

pub fn batch(posts: &[Post], policy: TextPolicy) -> Result<RecordBatch, String> {
    fn strs<'a>(it: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
        Arc::new(it.collect::<StringArray>())
    }
    let ints = |f: fn(&Post) -> Option<i64>| -> ArrayRef {
        Arc::new(posts.iter().map(f).collect::<Int64Array>())
    };
    let bools = |f: fn(&Post) -> bool| -> ArrayRef {
        Arc::new(posts.iter().map(|p| Some(f(p))).collect::<BooleanArray>())
    };
    let floats = |f: fn(&Post) -> Option<f64>| -> ArrayRef {
        Arc::new(posts.iter().map(f).collect::<Float64Array>())
    };
    let columns: Vec<ArrayRef> = vec![
        strs(posts.iter().map(|p| Some(p.platform.as_str()))),
        strs(posts.iter().map(|p| Some(p.post_id.as_str()))),
        strs(posts.iter().map(|p| p.url.as_deref())),
        Arc::new(
            TimestampMicrosecondArray::from(posts.iter().map(|p| p.created_at).collect::<Vec<_>>())
                .with_timezone("UTC"),
        ),
        strs(posts.iter().map(|p| p.account.as_deref())),
        strs(posts.iter().map(|p| p.author_id.as_deref())),
        strs(posts.iter().map(|p| p.author_handle.as_deref())),
        strs(posts.iter().map(|p| Some(p.direction.as_str()))),
        strs(posts.iter().map(|p| Some(p.kind.as_str()))),
        strs(posts.iter().map(|p| p.visibility.as_deref())),
        strs(posts.iter().map(|p| p.reply_to_id.as_deref())),
        strs(posts.iter().map(|p| p.conversation_id.as_deref())),
        strs(
            posts
                .iter()
                .map(|p| (!policy.drop_text && !p.withheld).then_some(p.text.as_str())),
        ),
        strs(posts.iter().map(|p| p.lang.as_deref())),
        strs(posts.iter().map(|p| p.lang_detected.as_deref())),
        ints(|p| p.counts.likes),
        ints(|p| p.counts.reposts),
        ints(|p| p.counts.replies),
        ints(|p| p.counts.quotes),
        ints(|p| p.counts.views),
        string_list(posts.iter().map(|p| p.hashtags.as_slice())),
        string_list(posts.iter().map(|p| p.mentions.as_slice())),
        string_list(posts.iter().map(|p| p.urls.as_slice())),
        floats(|p| p.sentiment.map(|s| s.neg)),
        floats(|p| p.sentiment.map(|s| s.neu)),
        floats(|p| p.sentiment.map(|s| s.pos)),
        floats(|p| p.sentiment.map(|s| s.compound)),
        strs(posts.iter().map(|p| p.sentiment_label.as_deref())),
        strs(posts.iter().map(|p| p.sentiment_skipped.as_deref())),
        string_list(posts.iter().map(|p| p.listening.topics.as_slice())),
        string_list(posts.iter().map(|p| p.listening.url_domains.as_slice())),
        string_list(posts.iter().map(|p| p.listening.emoji.as_slice())),
        bools(|p| p.listening.is_question),
        bools(|p| p.listening.is_complaint),
        bools(|p| p.listening.info_request),
        Arc::new(
            posts
                .iter()
                .map(|p| p.listening.info_request_due)
                .collect::<Date32Array>(),
        ),
        bools(|p| p.listening.escalate),
        string_list(
            posts
                .iter()
                .map(|p| p.listening.escalation_reasons.as_slice()),
        ),
        bools(|p| p.listening.has_pii),
        string_list(posts.iter().map(|p| p.listening.pii_types.as_slice())),
        strs(posts.iter().map(|p| Some(p.source_file.as_str()))),
        Arc::new(
            posts
                .iter()
                .map(|p| Some(p.source_position as i64))
                .collect::<Int64Array>(),
        ),
    ];
    RecordBatch::try_new(schema(), columns).map_err(|e| format!("building posts batch: {e}"))
}
