//! Reddit dumps (Pushshift / Arctic Shift): NDJSON submissions and comments, usually
//! `.zst` with a long window. Ids are fullnames (`t3_` submissions, `t1_` comments) so
//! `parent_id` and `link_id` link up directly. `score` (net votes) is the like count.

use super::json::{id_at, int_at, str_at, string_at};
use super::{Config, Ctx, LineFormat};
use crate::model::{Draft, Kind, Post};
use crate::text::{decode_entities, json_unix_seconds};
use serde_json::Value;

/// Format name `reddit`, as `inputs[].format` and rejects give it.
pub const NAME: &str = "reddit";

/// Reddit: reddit (one JSON record per line).
pub struct Reddit;

impl LineFormat for Reddit {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, first: &Value, _cfg: &Config) -> Option<usize> {
        (first.get("created_utc").is_some()
            && (first.get("subreddit").is_some() || first.get("link_id").is_some()))
        .then_some(0)
    }
    fn parse(
        &self,
        v: Value,
        _variant: usize,
        _ctx: &Ctx,
        _partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        let id = id_at(&v, &["id"]).ok_or("record without id")?;
        let created_at = v
            .get("created_utc")
            .and_then(json_unix_seconds)
            .ok_or("missing or unparseable created_utc")?;
        let is_comment = v.get("body").is_some() || v.get("parent_id").is_some();
        let (post_id, text, kind) = if is_comment {
            let body = decode_entities(str_at(&v, &["body"]).unwrap_or(""));
            (prefixed("t1_", &id), body, Kind::Comment)
        } else {
            let title = decode_entities(str_at(&v, &["title"]).unwrap_or(""));
            let self_text = decode_entities(str_at(&v, &["selftext"]).unwrap_or(""));
            let text = if self_text.is_empty() {
                title
            } else {
                format!("{title}\n\n{self_text}")
            };
            (prefixed("t3_", &id), text, Kind::Original)
        };
        let mut p = Post::new("reddit", post_id, created_at, text);
        p.kind = kind;
        p.author_handle =
            string_at(&v, &["author"]).filter(|a| a != "[deleted]" && a != "[removed]");
        p.author_id = id_at(&v, &["author_fullname"]).or_else(|| p.author_handle.clone());
        p.url = string_at(&v, &["permalink"]).map(|l| {
            if l.starts_with("http") {
                l
            } else {
                format!("https://www.reddit.com{l}")
            }
        });
        p.counts.likes = int_at(&v, &["score"]);
        if is_comment {
            p.reply_to_id = string_at(&v, &["parent_id"]);
            p.conversation_id = string_at(&v, &["link_id"]);
        } else {
            p.counts.replies = int_at(&v, &["num_comments"]);
            p.conversation_id = Some(p.post_id.clone());
            if let Some(u) = string_at(&v, &["url"]).filter(|u| !u.contains("reddit.com/r/")) {
                p.urls.push(u);
            }
        }
        let mut d = Draft::new(p);
        // u/handle mentions address an account; the subreddit is where it was said.
        for word in d
            .post
            .text
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '/'))
        {
            if let Some(h) = word.strip_prefix("u/").or_else(|| word.strip_prefix("/u/")) {
                if !h.is_empty() {
                    d.addressed_to.push(h.to_string());
                }
            }
        }
        Ok(vec![d])
    }
}

fn prefixed(prefix: &str, id: &str) -> String {
    if id.starts_with(prefix) {
        id.to_string()
    } else {
        format!("{prefix}{id}")
    }
}
