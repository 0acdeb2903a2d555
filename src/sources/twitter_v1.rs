//! Twitter API v1.1 status objects, the format of most research datasets and pre-2023
//! collections: REST arrays (`statuses/user_timeline`, `mentions_timeline`), the
//! `search/tweets` response (`statuses` + `search_metadata`), and streaming JSONL (one
//! status per line, mixed with stream control messages).
//!
//! Text: `extended_tweet.full_text` (streaming, over 140 characters), else `full_text`
//! (REST with `tweet_mode=extended`), else `text`; cut to `display_text_range` (code
//! points), which leaves out the leading @-replies and trailing media link the app does
//! not show. A retweet's text is `RT @author: ` + the retweeted status's full text (the
//! top-level `text` is truncated at 140 characters). Ids come from `id_str`; a numeric
//! `id` is read as an integer, never through a float.

use super::json::{array_at, id_at, int_at, str_at, string_at, strings_at};
use super::{read_records, Config, Ctx, DocFormat, LineFormat};
use crate::model::{Draft, Kind, Post, Reject};
use crate::text::{decode_entities, parse_twitter_date};
use serde_json::Value;

/// Format name `twitter-v1`, as `inputs[].format` and rejects give it.
pub const NAME: &str = "twitter-v1";

/// X API v1.1: twitter v1 lines (one JSON record per line).
pub struct TwitterV1Lines;
/// X API v1.1: twitter v1 array (one JSON document).
pub struct TwitterV1Array;

/// Keys of the streaming API's control messages: they carry no post.
const CONTROL: &[&str] = &[
    "delete",
    "limit",
    "warning",
    "status_withheld",
    "user_withheld",
    "scrub_geo",
    "disconnect",
];

/// A v1.1 status: `id_str`, a `created_at` like `Sun Dec 13 21:14:54 +0000 2015`, and a
/// `user` object.
pub fn is_status(v: &Value) -> bool {
    v.get("id_str").is_some()
        && v.get("user").is_some_and(Value::is_object)
        && str_at(v, &["created_at"]).is_some_and(|c| parse_twitter_date(c).is_some())
        && (v.get("text").is_some() || v.get("full_text").is_some())
}

/// A stream control message (`{"delete": ...}`, `{"limit": ...}`, ...).
pub fn is_control(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.len() == 1 && o.keys().all(|k| CONTROL.contains(&k.as_str())))
}

impl LineFormat for TwitterV1Lines {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, first: &Value, _cfg: &Config) -> Option<usize> {
        (is_status(first) || is_control(first)).then_some(0)
    }
    fn parse(
        &self,
        value: Value,
        _variant: usize,
        _ctx: &Ctx,
        _partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        if is_control(&value) {
            return Ok(Vec::new());
        }
        status(&value).map(|d| vec![d])
    }
}

impl DocFormat for TwitterV1Array {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, doc: &Value) -> bool {
        statuses(doc).is_some_and(|s| s.first().is_some_and(is_status))
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        read_records(
            statuses(&doc).unwrap_or_default(),
            ctx,
            NAME,
            out,
            rejects,
            status,
        );
    }
}

/// The statuses of a REST array, a `search/tweets` response, or a single status.
fn statuses(doc: &Value) -> Option<&[Value]> {
    match doc {
        Value::Array(a) => Some(a),
        Value::Object(_) if doc.get("search_metadata").is_some() => doc
            .get("statuses")
            .and_then(Value::as_array)
            .map(Vec::as_slice),
        // A single status (`statuses/show`).
        Value::Object(_) => Some(std::slice::from_ref(doc)),
        _ => None,
    }
}

/// The full text of a status: extended, then full, then compatibility text.
fn full_text(s: &Value) -> &str {
    str_at(s, &["extended_tweet", "full_text"])
        .or_else(|| str_at(s, &["full_text"]))
        .or_else(|| str_at(s, &["text"]))
        .unwrap_or("")
}

/// The entities that go with [`full_text`].
fn entities(s: &Value) -> &Value {
    s.get("extended_tweet")
        .and_then(|e| e.get("entities"))
        .or_else(|| s.get("entities"))
        .unwrap_or(&Value::Null)
}

/// Hashtags, mentioned handles and expanded links of a v1.1 `entities` object (X archives
/// use the same shape).
pub(super) fn entities_into(ent: &Value, p: &mut Post) {
    p.hashtags = strings_at(ent, &["hashtags"], "text");
    p.mentions = strings_at(ent, &["user_mentions"], "screen_name");
    p.urls = array_at(ent, &["urls"])
        .iter()
        .filter_map(|u| string_at(u, &["expanded_url"]).or_else(|| string_at(u, &["url"])))
        .collect();
}

/// `text` cut to `range` (`[start, end]` in code points), when the range fits.
fn displayed<'a>(text: &'a str, range: &[Value]) -> &'a str {
    let (Some(start), Some(end)) = (
        range.first().and_then(Value::as_u64),
        range.get(1).and_then(Value::as_u64),
    ) else {
        return text;
    };
    let (start, end) = (start as usize, end as usize);
    let mut idx = text.char_indices().map(|(i, _)| i).chain([text.len()]);
    let (Some(a), Some(b)) = (idx.clone().nth(start), idx.nth(end)) else {
        return text;
    };
    if a <= b {
        text[a..b].trim()
    } else {
        text
    }
}

fn status(s: &Value) -> Result<Draft, String> {
    let id = id_at(s, &["id_str"])
        .or_else(|| id_at(s, &["id"]))
        .ok_or("status without id_str")?;
    let created = str_at(s, &["created_at"]).ok_or("status without created_at")?;
    let created_at =
        parse_twitter_date(created).ok_or_else(|| "unparseable created_at".to_string())?;
    let retweeted = s.get("retweeted_status").filter(|r| r.is_object());
    let text = match retweeted {
        Some(rt) => format!(
            "RT @{}: {}",
            str_at(rt, &["user", "screen_name"]).unwrap_or(""),
            full_text(rt)
        ),
        None => {
            let range = s
                .get("extended_tweet")
                .and_then(|e| e.get("display_text_range"))
                .or_else(|| s.get("display_text_range"))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            displayed(full_text(s), range).to_string()
        }
    };
    let mut p = Post::new("twitter", id.clone(), created_at, decode_entities(text));
    p.author_id = id_at(s, &["user", "id_str"]).or_else(|| id_at(s, &["user", "id"]));
    p.author_handle = string_at(s, &["user", "screen_name"]);
    p.url = Some(match &p.author_handle {
        Some(h) => format!("https://x.com/{h}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    });
    p.reply_to_id =
        id_at(s, &["in_reply_to_status_id_str"]).or_else(|| id_at(s, &["in_reply_to_status_id"]));
    p.lang = string_at(s, &["lang"]).filter(|l| l != "und" && l != "zxx");
    p.counts.likes = int_at(s, &["favorite_count"]);
    p.counts.reposts = int_at(s, &["retweet_count"]);
    p.counts.replies = int_at(s, &["reply_count"]);
    p.counts.quotes = int_at(s, &["quote_count"]);
    let quoted = s.get("quoted_status").is_some()
        || s.get("is_quote_status").and_then(Value::as_bool) == Some(true);
    p.kind = if retweeted.is_some() {
        Kind::Repost
    } else if p.reply_to_id.is_some() {
        Kind::Reply
    } else if quoted {
        Kind::Quote
    } else {
        Kind::Original
    };
    // A retweet's entities are the retweeted status's.
    entities_into(entities(retweeted.unwrap_or(s)), &mut p);
    let mut d = Draft::new(p);
    if let Some(h) = string_at(s, &["in_reply_to_screen_name"]) {
        d.addressed_to.push(h);
    }
    d.addressed_to.extend(d.post.mentions.iter().cloned());
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_range_counts_code_points() {
        let t = "@a @b Thé bus 🚌 is late https://t.co/x";
        let r: Vec<Value> = serde_json::from_str("[6, 23]").expect("json");
        assert_eq!(displayed(t, &r), "Thé bus 🚌 is late");
        let bad: Vec<Value> = serde_json::from_str("[6, 999]").expect("json");
        assert_eq!(displayed(t, &bad), t);
    }

    #[test]
    fn control_messages_are_recognised() {
        for m in [
            r#"{"delete":{"status":{"id":1,"id_str":"1","user_id":2,"user_id_str":"2"},"timestamp_ms":"1"}}"#,
            r#"{"limit":{"track":12,"timestamp_ms":"1"}}"#,
            r#"{"warning":{"code":"FALLING_BEHIND","message":"x","percent_full":60}}"#,
            r#"{"status_withheld":{"id":1,"user_id":2,"withheld_in_countries":["DE"]}}"#,
        ] {
            assert!(is_control(&serde_json::from_str(m).expect("json")), "{m}");
        }
        assert!(!is_control(&serde_json::json!({"delete": 1, "id": 2})));
    }

    #[test]
    fn big_numeric_ids_stay_exact() {
        let v: Value = serde_json::from_str(
            r#"{"id": 1853100000000000123, "created_at": "Sun Dec 13 21:14:54 +0000 2015", "text": "x", "user": {"id": 9007199254740993, "screen_name": "a"}}"#,
        )
        .expect("json");
        let d = status(&v).expect("status");
        assert_eq!(d.post.post_id, "1853100000000000123");
        assert_eq!(d.post.author_id.as_deref(), Some("9007199254740993"));
    }
}
