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
            b("addressed"),
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
            f("question_score"),
            b("is_complaint"),
            f("complaint_score"),
            b("info_request"),
            Field::new("info_request_due", DataType::Date32, true),
            b("escalate"),
            Field::new("escalation_reasons", string_list_type(), true),
            f("harm_score"),
            b("has_pii"),
            Field::new("pii_types", string_list_type(), true),
            Field::new("labels", string_list_type(), true),
            b("needs_response"),
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
        bools(|p| p.addressed),
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
        floats(|p| p.listening.question_score),
        bools(|p| p.listening.is_complaint),
        floats(|p| p.listening.complaint_score),
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
        floats(|p| p.listening.harm_score),
        bools(|p| p.listening.has_pii),
        string_list(posts.iter().map(|p| p.listening.pii_types.as_slice())),
        string_list(posts.iter().map(|p| p.listening.labels.as_slice())),
        bools(|p| p.listening.needs_response),
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

/// Posts back from a `posts` batch (the published table, or the Python package's
/// normalised posts): the inverse of [`batch`]. Columns are found by name; analysis
/// columns that are absent leave the posts unanalysed. `link` (the source's working
/// link) and `withheld` are read when present; otherwise `withheld` is decided by
/// `withhold_private` as when the post was read. Escalation priorities are not
/// stored: `priority` gives a reason's.
pub fn posts_from_batch(
    b: &super::read::Batch,
    withhold_private: bool,
    priority: &dyn Fn(&str) -> Option<u8>,
) -> Result<Vec<Post>, String> {
    use crate::model::{Counts, Direction, Kind, Listening, Sentiment};
    let n = b.rows();
    let opt_str = |name: &str| -> Result<Vec<Option<&str>>, String> {
        if b.has(name) {
            b.str(name)
        } else {
            Ok(vec![None; n])
        }
    };
    let opt_i64 = |name: &str| -> Result<Vec<Option<i64>>, String> {
        if b.has(name) {
            b.i64(name)
        } else {
            Ok(vec![None; n])
        }
    };
    let opt_list = |name: &str| -> Result<Vec<Vec<String>>, String> {
        if b.has(name) {
            b.str_list(name)
        } else {
            Ok(vec![Vec::new(); n])
        }
    };
    let opt_f64 = |name: &str| -> Result<Vec<Option<f64>>, String> {
        if b.has(name) {
            b.f64(name)
        } else {
            Ok(vec![None; n])
        }
    };
    let opt_bool = |name: &str| -> Result<Vec<Option<bool>>, String> {
        if b.has(name) {
            b.bool(name)
        } else {
            Ok(vec![None; n])
        }
    };
    let (platform, post_id, url, created) = (
        b.str("platform")?,
        b.str("post_id")?,
        opt_str("url")?,
        b.micros("created_at")?,
    );
    let (account, author_id, handle) = (
        opt_str("account")?,
        opt_str("author_id")?,
        opt_str("author_handle")?,
    );
    let (direction, kind, visibility) =
        (b.str("direction")?, b.str("kind")?, opt_str("visibility")?);
    let (reply_to, conversation, text) = (
        opt_str("reply_to_id")?,
        opt_str("conversation_id")?,
        opt_str("text")?,
    );
    let (lang, lang_detected) = (opt_str("lang")?, opt_str("lang_detected")?);
    let counts = [
        opt_i64("like_count")?,
        opt_i64("repost_count")?,
        opt_i64("reply_count")?,
        opt_i64("quote_count")?,
        opt_i64("view_count")?,
    ];
    let (hashtags, mentions, urls) = (
        opt_list("hashtags")?,
        opt_list("mentions")?,
        opt_list("urls")?,
    );
    let senti = [
        opt_f64("sentiment_neg")?,
        opt_f64("sentiment_neu")?,
        opt_f64("sentiment_pos")?,
        opt_f64("sentiment_compound")?,
    ];
    let (label, skipped) = (opt_str("sentiment_label")?, opt_str("sentiment_skipped")?);
    let (topics, domains, emoji) = (
        opt_list("topics")?,
        opt_list("url_domains")?,
        opt_list("emoji")?,
    );
    let flags = [
        opt_bool("is_question")?,
        opt_bool("is_complaint")?,
        opt_bool("info_request")?,
        opt_bool("escalate")?,
        opt_bool("has_pii")?,
        opt_bool("addressed")?,
        opt_bool("needs_response")?,
    ];
    let scores = [
        opt_f64("question_score")?,
        opt_f64("complaint_score")?,
        opt_f64("harm_score")?,
    ];
    let due = if b.has("info_request_due") {
        b.date("info_request_due")?
    } else {
        vec![None; n]
    };
    let (reasons, pii_types, labels) = (
        opt_list("escalation_reasons")?,
        opt_list("pii_types")?,
        opt_list("labels")?,
    );
    let (source_file, source_position) = (opt_str("source_file")?, opt_i64("source_position")?);
    let (link, withheld) = (opt_str("link")?, opt_bool("withheld")?);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row = || format!("row {i}");
        let direction = match direction[i] {
            Some("outbound") => Direction::Outbound,
            Some("inbound") => Direction::Inbound,
            other => return Err(format!("{}: direction {other:?}", row())),
        };
        let kind = match kind[i] {
            Some("original") => Kind::Original,
            Some("reply") => Kind::Reply,
            Some("repost") => Kind::Repost,
            Some("quote") => Kind::Quote,
            Some("comment") => Kind::Comment,
            other => return Err(format!("{}: kind {other:?}", row())),
        };
        let (Some(pf), Some(id), Some(at)) = (platform[i], post_id[i], created[i]) else {
            return Err(format!(
                "{}: platform, post_id and created_at are required",
                row()
            ));
        };
        let mut p = Post::new(
            pf,
            id.to_string(),
            at,
            text[i].unwrap_or_default().to_string(),
        );
        p.url = url[i].map(str::to_string);
        p.link = link[i].map(str::to_string);
        p.account = account[i].map(str::to_string);
        p.author_id = author_id[i].map(str::to_string);
        p.author_handle = handle[i].map(str::to_string);
        p.direction = direction;
        p.kind = kind;
        p.visibility = visibility[i].map(str::to_string);
        p.reply_to_id = reply_to[i].map(str::to_string);
        p.conversation_id = conversation[i].map(str::to_string);
        p.lang = lang[i].map(str::to_string);
        p.lang_detected = lang_detected[i].map(|s| std::borrow::Cow::Owned(s.to_string()));
        p.counts = Counts {
            likes: counts[0][i],
            reposts: counts[1][i],
            replies: counts[2][i],
            quotes: counts[3][i],
            views: counts[4][i],
        };
        p.hashtags = hashtags[i].clone();
        p.mentions = mentions[i].clone();
        p.urls = urls[i].clone();
        p.source_file = source_file[i].unwrap_or_default().to_string();
        p.source_position = source_position[i].unwrap_or(0).max(0) as u64;
        if let (Some(neg), Some(neu), Some(pos), Some(compound)) =
            (senti[0][i], senti[1][i], senti[2][i], senti[3][i])
        {
            p.sentiment = Some(Sentiment {
                neg,
                neu,
                pos,
                compound,
            });
        }
        // The three labels are the analyser's fixed words.
        p.sentiment_label = label[i].map(|l| match l {
            "positive" => std::borrow::Cow::Borrowed("positive"),
            "negative" => std::borrow::Cow::Borrowed("negative"),
            "neutral" => std::borrow::Cow::Borrowed("neutral"),
            other => std::borrow::Cow::Owned(other.to_string()),
        });
        p.sentiment_skipped = skipped[i].map(str::to_string);
        let reasons = reasons[i].clone();
        p.listening = Listening {
            topics: topics[i].clone(),
            url_domains: domains[i].clone(),
            emoji: emoji[i].clone(),
            is_question: flags[0][i].unwrap_or(false),
            is_complaint: flags[1][i].unwrap_or(false),
            info_request: flags[2][i].unwrap_or(false),
            info_request_due: due[i],
            escalate: flags[3][i].unwrap_or(false),
            escalation_priority: reasons.first().and_then(|r| priority(r)),
            escalation_reasons: reasons,
            has_pii: flags[4][i].unwrap_or(false),
            pii_types: pii_types[i].clone(),
            question_score: scores[0][i],
            complaint_score: scores[1][i],
            harm_score: scores[2][i],
            labels: labels[i].clone(),
            needs_response: flags[6][i].unwrap_or(false),
        };
        p.addressed = flags[5][i].unwrap_or(false);
        let private = matches!(p.visibility.as_deref(), Some("private" | "direct"));
        p.withheld = withheld[i].unwrap_or(withhold_private && private);
        out.push(p);
    }
    Ok(out)
}

/// The normalised posts the Python package's `read` returns: the `posts` columns before
/// analysis, plus `link` (the source's working link, for the operational tables) and
/// `withheld`. The text of withheld posts is kept here (it is the caller's own export,
/// in memory); `analyse` writes it as the published table does.
pub fn normalised_batch(posts: &[Post]) -> Result<RecordBatch, String> {
    let full = batch(posts, TextPolicy::default())?;
    let keep: Vec<usize> = (0..full.num_columns())
        .filter(|&i| {
            let name = full.schema().field(i).name().clone();
            !is_analysis_column(&name)
        })
        .collect();
    let mut fields: Vec<Field> = keep
        .iter()
        .map(|&i| full.schema().field(i).clone())
        .collect();
    let mut columns: Vec<ArrayRef> = keep.iter().map(|&i| full.column(i).clone()).collect();
    let text_at = fields
        .iter()
        .position(|f| f.name() == "text")
        .ok_or("posts schema without text")?;
    columns[text_at] = Arc::new(
        posts
            .iter()
            .map(|p| Some(p.text.as_str()))
            .collect::<StringArray>(),
    );
    fields.push(Field::new("link", DataType::Utf8, true));
    columns.push(Arc::new(
        posts
            .iter()
            .map(|p| p.link.as_deref())
            .collect::<StringArray>(),
    ));
    fields.push(Field::new("withheld", DataType::Boolean, false));
    columns.push(Arc::new(
        posts
            .iter()
            .map(|p| Some(p.withheld))
            .collect::<BooleanArray>(),
    ));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| format!("building normalised posts batch: {e}"))
}

/// Columns the analysis steps fill.
pub fn is_analysis_column(name: &str) -> bool {
    name.starts_with("sentiment_")
        || matches!(
            name,
            "topics"
                | "url_domains"
                | "emoji"
                | "is_question"
                | "is_complaint"
                | "info_request"
                | "info_request_due"
                | "escalate"
                | "escalation_reasons"
                | "has_pii"
                | "pii_types"
                | "question_score"
                | "complaint_score"
                | "harm_score"
                | "labels"
                | "needs_response"
        )
}
