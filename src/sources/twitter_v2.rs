//! Twitter API v2 JSON as saved by common collectors (twarc2, academic scripts):
//! JSONL of response pages (`data`, `includes.users`, `meta`) or one tweet per line
//! (optionally with an embedded `author`), and a single saved page as a document.

use super::json::{array_at, id_at, int_at, str_at, string_at, strings_at};
use super::{Config, Ctx, DocFormat, LineFormat};
use crate::model::{excerpt, Draft, Kind, PositionKind, Post, Reject};
use crate::text::{decode_entities, parse_iso8601};
use serde_json::Value;
use std::collections::HashMap;

/// Format name `twitter-v2`, as `inputs[].format` and rejects give it.
pub const NAME: &str = "twitter-v2";
const PAGE: usize = 0;
const TWEET: usize = 1;

/// X API v2: twitter v2 lines (one JSON record per line).
pub struct TwitterV2Lines;
/// X API v2: twitter v2 page (one JSON document).
pub struct TwitterV2Page;

/// `conversation_id` alone is not enough: listening-tool exports use it too.
fn is_tweet(v: &Value) -> bool {
    v.get("id").is_some()
        && v.get("text").is_some()
        && (v.get("edit_history_tweet_ids").is_some()
            || v.get("public_metrics").is_some()
            || v.get("author_id").is_some())
}

fn is_page(v: &Value) -> bool {
    v.get("data").is_some_and(|d| d.is_array() || d.is_object())
        && (v.get("includes").is_some() || v.get("meta").is_some())
}

impl LineFormat for TwitterV2Lines {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, first: &Value, _cfg: &Config) -> Option<usize> {
        if is_page(first) {
            Some(PAGE)
        } else if is_tweet(first) {
            Some(TWEET)
        } else {
            None
        }
    }
    fn parse(
        &self,
        value: Value,
        variant: usize,
        _ctx: &Ctx,
        partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        if variant == PAGE || is_page(&value) {
            let mut out = Vec::new();
            let mut errors = Vec::new();
            page(&value, &mut out, &mut errors);
            // The line is the position; the reason names the tweet within the page.
            partial.extend(errors.into_iter().map(|e| e.reason));
            Ok(out)
        } else {
            let users = HashMap::new();
            tweet(&value, &users).map(|d| vec![d])
        }
    }
}

impl DocFormat for TwitterV2Page {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, doc: &Value) -> bool {
        is_page(doc)
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        let mut errors = Vec::new();
        page(&doc, out, &mut errors);
        for e in errors {
            rejects.push(Reject {
                source_file: ctx.file.to_string(),
                position: e.index as u64,
                position_kind: PositionKind::Record,
                format: Some(NAME.into()),
                reason: e.reason,
                raw_excerpt: e.excerpt,
            });
        }
    }
}

/// A tweet of a page that could not be read: its index in `data`, why, and its JSON.
struct TweetError {
    index: usize,
    reason: String,
    excerpt: String,
}

/// All tweets of one response page, resolving authors through `includes.users`.
/// Errors of individual tweets are collected; a page never fails as a whole.
fn page(v: &Value, out: &mut Vec<Draft>, errors: &mut Vec<TweetError>) {
    let users: HashMap<&str, &str> = array_at(v, &["includes", "users"])
        .iter()
        .filter_map(|u| Some((str_at(u, &["id"])?, str_at(u, &["username"])?)))
        .collect();
    let data = match v.get("data") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(obj @ Value::Object(_)) => vec![obj],
        _ => Vec::new(),
    };
    for (i, t) in data.into_iter().enumerate() {
        match tweet(t, &users) {
            Ok(mut d) => {
                d.post.source_position = i as u64;
                out.push(d);
            }
            Err(e) => errors.push(TweetError {
                index: i,
                reason: format!("tweet {i} of page: {e}"),
                excerpt: excerpt(t.to_string().as_bytes()),
            }),
        }
    }
}

fn tweet(t: &Value, users: &HashMap<&str, &str>) -> Result<Draft, String> {
    let id = id_at(t, &["id"]).ok_or("tweet without id")?;
    let created = str_at(t, &["created_at"]).ok_or("tweet without created_at")?;
    let created_at = parse_iso8601(created).ok_or_else(|| "unparseable created_at".to_string())?;
    let text = decode_entities(
        str_at(t, &["note_tweet", "text"])
            .or_else(|| str_at(t, &["text"]))
            .unwrap_or(""),
    );
    let mut p = Post::new("twitter", id.clone(), created_at, text);
    p.author_id = id_at(t, &["author_id"]).or_else(|| id_at(t, &["author", "id"]));
    p.author_handle = string_at(t, &["author", "username"]).or_else(|| {
        p.author_id
            .as_deref()
            .and_then(|a| users.get(a))
            .map(|s| s.to_string())
    });
    p.url = Some(match &p.author_handle {
        Some(h) => format!("https://x.com/{h}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    });
    p.conversation_id = id_at(t, &["conversation_id"]);
    p.lang = string_at(t, &["lang"]).filter(|l| l != "und" && l != "zxx");
    let m = &["public_metrics"];
    let metric = |k: &str| int_at(t, &[m[0], k]);
    p.counts.likes = metric("like_count");
    p.counts.reposts = metric("retweet_count");
    p.counts.replies = metric("reply_count");
    p.counts.quotes = metric("quote_count");
    p.counts.views = metric("impression_count");
    let mut kind = Kind::Original;
    for r in array_at(t, &["referenced_tweets"]) {
        let rid = id_at(r, &["id"]);
        match str_at(r, &["type"]) {
            Some("replied_to") => {
                p.reply_to_id = rid;
                kind = Kind::Reply;
            }
            Some("retweeted") => kind = Kind::Repost,
            Some("quoted") if kind == Kind::Original => kind = Kind::Quote,
            _ => {}
        }
    }
    p.kind = kind;
    p.hashtags = strings_at(t, &["entities", "hashtags"], "tag");
    p.mentions = strings_at(t, &["entities", "mentions"], "username");
    p.urls = array_at(t, &["entities", "urls"])
        .iter()
        .filter_map(|u| string_at(u, &["expanded_url"]).or_else(|| string_at(u, &["url"])))
        .collect();
    let mut d = Draft::new(p);
    if let Some(to) = id_at(t, &["in_reply_to_user_id"])
        .and_then(|u| users.get(u.as_str()).map(|s| s.to_string()))
    {
        d.addressed_to.push(to);
    }
    d.addressed_to.extend(d.post.mentions.iter().cloned());
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_tweets_of_a_page_keep_their_index_and_json() {
        let doc: Value = serde_json::from_str(
            r#"{"data":[
                {"id":"1","text":"ok","created_at":"2026-11-03T08:00:00.000Z","author_id":"9"},
                {"id":"2","text":"no date"},
                {"id":"3","text":"ok","created_at":"2026-11-03T09:00:00.000Z","author_id":"9"},
                {"text":"no id","created_at":"2026-11-03T09:00:00.000Z"}
            ],"includes":{"users":[{"id":"9","username":"rider"}]}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        page(&doc, &mut out, &mut errors);
        let ids: Vec<&str> = out.iter().map(|d| d.post.post_id.as_str()).collect();
        assert_eq!(ids, vec!["1", "3"]);
        let at: Vec<usize> = errors.iter().map(|e| e.index).collect();
        assert_eq!(at, vec![1, 3]);
        assert_eq!(
            errors[0].reason,
            "tweet 1 of page: tweet without created_at"
        );
        assert!(
            errors[0].excerpt.contains("no date"),
            "{}",
            errors[0].excerpt
        );
        assert!(
            errors[1].reason.starts_with("tweet 3 of page: "),
            "{}",
            errors[1].reason
        );
    }
}
