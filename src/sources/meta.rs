//! Meta (Facebook) "Download Your Information" JSON: `your_posts_*.json` (an array of
//! posts) and `comments.json` (`comments_v2`). Meta writes UTF-8 bytes as one
//! `\u00XX` escape per byte, so every string is repaired with [`fix_mojibake`].
//! Posts carry no id: the id is a hash of (timestamp, text), stable across exports.

use super::json::{array_at, int_at, str_at};
use super::{read_records, Ctx, DocFormat};
use crate::model::{Draft, Kind, Post, Reject};
use crate::text::{decode_entities, fix_mojibake, unix_seconds};
use serde_json::Value;

/// Format name `meta-posts`, as `inputs[].format` and rejects give it.
pub const POSTS: &str = "meta-posts";
/// Format name `meta-comments`, as `inputs[].format` and rejects give it.
pub const COMMENTS: &str = "meta-comments";

/// Meta (Facebook): meta posts (one JSON document).
pub struct MetaPosts;
/// Meta (Facebook): meta comments (one JSON document).
pub struct MetaComments;

fn looks_like_post(v: &Value) -> bool {
    v.get("timestamp").is_some()
        && (v.get("data").is_some() || v.get("attachments").is_some() || v.get("title").is_some())
}

/// An id for a record the export gives none: `<prefix>_` + a hash of (kind, time, text),
/// the same in every export of the same record. Meta's Instagram download uses it too.
pub(super) fn synthetic_id(prefix: &str, kind: &str, ts: i64, text: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(kind.as_bytes());
    h.update(&ts.to_le_bytes());
    h.update(text.as_bytes());
    format!("{prefix}_{}", &h.finalize().to_hex()[..20])
}

/// "Northline Transit updated their status." -> "Northline Transit";
/// "Jane Doe commented on Northline Transit's post." -> ("Jane Doe", Some("Northline Transit")).
fn title_parties(title: &str) -> (Option<String>, Option<String>) {
    for verb in [
        " replied to ",
        " commented on ",
        " shared ",
        " posted in ",
        " wrote on ",
    ] {
        if let Some((who, rest)) = title.split_once(verb) {
            let target = rest
                .split_once("'s ")
                .map(|(t, _)| t.trim().to_string())
                .filter(|t| !t.is_empty() && t != "their" && t != "his" && t != "her");
            return (Some(who.trim().to_string()), target);
        }
    }
    for verb in [" updated ", " added ", " posted "] {
        if let Some((who, _)) = title.split_once(verb) {
            return (Some(who.trim().to_string()), None);
        }
    }
    (None, None)
}

impl DocFormat for MetaPosts {
    fn name(&self) -> &'static str {
        POSTS
    }
    fn sniff(&self, doc: &Value) -> bool {
        doc.as_array()
            .and_then(|a| a.first())
            .is_some_and(looks_like_post)
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        let items = doc.as_array().map_or(&[][..], Vec::as_slice);
        read_records(items, ctx, POSTS, out, rejects, post);
    }
}

fn post(item: &Value) -> Result<Draft, String> {
    let ts = int_at(item, &["timestamp"]).ok_or("post without timestamp")?;
    let created_at = unix_seconds(ts as f64).ok_or_else(|| "timestamp out of range".to_string())?;
    let text: String = array_at(item, &["data"])
        .iter()
        .filter_map(|d| str_at(d, &["post"]))
        .map(|s| decode_entities(fix_mojibake(s)))
        .collect::<Vec<_>>()
        .join("\n");
    let title = str_at(item, &["title"])
        .map(fix_mojibake)
        .unwrap_or_default();
    let urls: Vec<String> = array_at(item, &["attachments"])
        .iter()
        .flat_map(|a| array_at(a, &["data"]).iter())
        .filter_map(|d| str_at(d, &["external_context", "url"]).map(str::to_string))
        .collect();
    // Photo-only posts keep their row (empty text): they are real outbound posts.
    let mut p = Post::new(
        "facebook",
        synthetic_id("fb", "post", ts, &text),
        created_at,
        text,
    );
    p.urls = urls;
    let (author, target) = title_parties(&title);
    p.author_handle = author.clone();
    p.author_id = author;
    p.kind = if title.contains(" shared ") {
        Kind::Repost
    } else {
        Kind::Original
    };
    let mut d = Draft::new(p);
    // "Your posts" are the exporting account's own posts, whatever the title says.
    d.by_owner = true;
    d.addressed_to.extend(target);
    Ok(d)
}

impl DocFormat for MetaComments {
    fn name(&self) -> &'static str {
        COMMENTS
    }
    fn sniff(&self, doc: &Value) -> bool {
        doc.get("comments_v2").is_some() || doc.get("comments").is_some_and(|c| c.is_array())
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        let items = doc
            .get("comments_v2")
            .or_else(|| doc.get("comments"))
            .and_then(|c| c.as_array());
        let items = items.map_or(&[][..], Vec::as_slice);
        read_records(items, ctx, COMMENTS, out, rejects, comment);
    }
}

fn comment(item: &Value) -> Result<Draft, String> {
    let c = array_at(item, &["data"])
        .iter()
        .find_map(|d| d.get("comment"))
        .ok_or("comment entry without data[].comment")?;
    let ts = int_at(c, &["timestamp"])
        .or_else(|| int_at(item, &["timestamp"]))
        .ok_or("comment without timestamp")?;
    let created_at = unix_seconds(ts as f64).ok_or_else(|| "timestamp out of range".to_string())?;
    let text = decode_entities(fix_mojibake(str_at(c, &["comment"]).unwrap_or("")));
    let title = str_at(item, &["title"])
        .map(fix_mojibake)
        .unwrap_or_default();
    let (title_author, target) = title_parties(&title);
    let author = str_at(c, &["author"]).map(fix_mojibake).or(title_author);
    let mut p = Post::new(
        "facebook",
        synthetic_id("fb", "comment", ts, &text),
        created_at,
        text,
    );
    p.kind = Kind::Comment;
    p.author_handle = author.clone();
    p.author_id = author;
    let mut d = Draft::new(p);
    d.addressed_to.extend(target);
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(
            title_parties("Jane Doe commented on Northline Transit's post."),
            (Some("Jane Doe".into()), Some("Northline Transit".into()))
        );
        assert_eq!(
            title_parties("Northline Transit updated their status."),
            (Some("Northline Transit".into()), None)
        );
    }
}
