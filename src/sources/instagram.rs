//! Instagram "Download Your Information" JSON (Meta's export, like Facebook's):
//! `your_instagram_activity/content/posts_1.json` (media groups: `media[]` with `uri`,
//! `creation_timestamp`, `title`; the caption is the group's `title`, or in the newer
//! single-media layout `media[0].title`), and the comments the account made:
//! `post_comments_1.json` (an array of `string_map_data` with `Comment`, `Media Owner`,
//! `Time`) or the older `comments.json` (`comments_media_comments` / `comments_reels_comments`).
//! Every record was written by the account owner. Strings are repaired with
//! [`fix_mojibake`] (Meta writes UTF-8 bytes as one `\u00XX` escape each); records carry
//! no id, so the id is a hash of (kind, time, text) as for Facebook.

use super::json::{array_at, int_at, str_at};
use super::meta::synthetic_id;
use super::{read_records, Ctx, DocFormat};
use crate::model::{Draft, Kind, Post, Reject};
use crate::text::{fix_mojibake, unix_seconds};
use serde_json::Value;

/// Format name `instagram-posts`, as `inputs[].format` and rejects give it.
pub const POSTS: &str = "instagram-posts";
/// Format name `instagram-comments`, as `inputs[].format` and rejects give it.
pub const COMMENTS: &str = "instagram-comments";
const PLATFORM: &str = "instagram";

/// Instagram: instagram posts (one JSON document).
pub struct InstagramPosts;
/// Instagram: instagram comments (one JSON document).
pub struct InstagramComments;

fn is_media_group(v: &Value) -> bool {
    array_at(v, &["media"])
        .first()
        .is_some_and(|m| m.get("creation_timestamp").is_some() && m.get("uri").is_some())
}

/// A comment record: `string_map_data` with `Comment` and `Time`.
fn is_comment(v: &Value) -> bool {
    v.get("string_map_data")
        .is_some_and(|m| m.get("Comment").is_some() && m.get("Time").is_some())
}

fn comments(doc: &Value) -> &[Value] {
    match doc {
        Value::Array(a) => a,
        _ => ["comments_media_comments", "comments_reels_comments"]
            .iter()
            .map(|k| array_at(doc, &[k]))
            .find(|a| !a.is_empty())
            .unwrap_or(&[]),
    }
}

impl DocFormat for InstagramPosts {
    fn name(&self) -> &'static str {
        POSTS
    }
    fn sniff(&self, doc: &Value) -> bool {
        doc.as_array()
            .and_then(|a| a.first())
            .is_some_and(is_media_group)
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        let groups = doc.as_array().map_or(&[][..], Vec::as_slice);
        read_records(groups, ctx, POSTS, out, rejects, media_group);
    }
}

impl DocFormat for InstagramComments {
    fn name(&self) -> &'static str {
        COMMENTS
    }
    fn sniff(&self, doc: &Value) -> bool {
        comments(doc).first().is_some_and(is_comment)
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        read_records(comments(&doc), ctx, COMMENTS, out, rejects, comment);
    }
}

/// A Meta media group (Instagram posts, Threads): its first medium, its time (the
/// group's, else the first medium's) and its text (the group's `title` when it has
/// several media, else the first medium's), as exported (mojibake not yet repaired).
pub(super) fn media_group_fields(g: &Value) -> Result<(&Value, i64, &str), String> {
    let first = array_at(g, &["media"])
        .first()
        .ok_or("post without media")?;
    let ts = int_at(g, &["creation_timestamp"])
        .or_else(|| int_at(first, &["creation_timestamp"]))
        .ok_or("post without creation_timestamp")?;
    let caption = str_at(g, &["title"])
        .filter(|t| !t.is_empty())
        .or_else(|| str_at(first, &["title"]))
        .unwrap_or("");
    Ok((first, ts, caption))
}

fn media_group(g: &Value) -> Result<Draft, String> {
    let (_, ts, caption) = media_group_fields(g)?;
    owners(Kind::Original, "post", ts, caption)
}

/// A record the account owner wrote at `ts` (Unix seconds): text repaired, id hashed from
/// (`tag`, time, text).
fn owners(kind: Kind, tag: &str, ts: i64, raw_text: &str) -> Result<Draft, String> {
    let created_at = unix_seconds(ts as f64).ok_or_else(|| "unreadable time".to_string())?;
    let text = fix_mojibake(raw_text);
    let id = synthetic_id("ig", tag, ts, &text);
    let mut p = Post::new(PLATFORM, id, created_at, text);
    p.kind = kind;
    let mut d = Draft::new(p);
    d.by_owner = true;
    Ok(d)
}

fn comment(c: &Value) -> Result<Draft, String> {
    let m = &c["string_map_data"];
    let ts = int_at(m, &["Time", "timestamp"]).ok_or("comment without Time")?;
    let mut d = owners(
        Kind::Comment,
        "comment",
        ts,
        str_at(m, &["Comment", "value"]).unwrap_or(""),
    )?;
    // Whose post the comment is on: the account it addresses.
    if let Some(owner) = str_at(m, &["Media Owner", "value"]).filter(|o| !o.is_empty()) {
        d.addressed_to.push(fix_mojibake(owner));
    }
    Ok(d)
}
