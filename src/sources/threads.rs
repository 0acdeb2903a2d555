//! Meta Threads, "Download your information" JSON:
//! `your_instagram_activity/threads/threads_and_replies.json`, an object whose
//! `text_post_app_text_posts[]` each hold `media[]` of `{uri, creation_timestamp, title,
//! media_metadata, cross_post_source, text_app_post: {reply_control,
//! geo_gated_country_list, is_reply}}`. The text is the item's `title` when it has
//! several media, else the first medium's `title`; `is_reply` makes a reply (to a post
//! the export does not name). Every record was written by the exporting account
//! (outbound, attributed to the `threads` default account). Strings are Meta's
//! mojibake, repaired as for Facebook; records carry no id, so the id is a hash of
//! (kind, time, text) as for Instagram.

use super::json::array_at;
use super::meta::synthetic_id;
use super::{read_records, Ctx, DocFormat};
use crate::model::{Draft, Kind, Post, Reject};
use crate::text::{fix_mojibake, unix_seconds};
use serde_json::Value;

/// Format name `threads-posts`, as `inputs[].format` and rejects give it.
pub const POSTS: &str = "threads-posts";
const PLATFORM: &str = "threads";
const KEY: &str = "text_post_app_text_posts";

/// Threads: threads posts (one JSON document).
pub struct ThreadsPosts;

impl DocFormat for ThreadsPosts {
    fn name(&self) -> &'static str {
        POSTS
    }
    fn sniff(&self, doc: &Value) -> bool {
        doc.get(KEY).is_some_and(Value::is_array)
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        read_records(array_at(&doc, &[KEY]), ctx, POSTS, out, rejects, post);
    }
}

fn post(item: &Value) -> Result<Draft, String> {
    let (first, ts, title) = super::instagram::media_group_fields(item)?;
    let reply = first
        .get("text_app_post")
        .and_then(|t| t.get("is_reply"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let created_at = unix_seconds(ts as f64).ok_or_else(|| "unreadable time".to_string())?;
    let text = fix_mojibake(title);
    let kind = if reply { Kind::Reply } else { Kind::Original };
    let id = synthetic_id("th", if reply { "reply" } else { "post" }, ts, &text);
    let mut p = Post::new(PLATFORM, id, created_at, text);
    p.kind = kind;
    let mut d = Draft::new(p);
    d.by_owner = true;
    Ok(d)
}
