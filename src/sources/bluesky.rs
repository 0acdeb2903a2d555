//! Bluesky: `app.bsky.feed.getAuthorFeed` (`feed[].post`, reposts via `reason`),
//! `app.bsky.feed.searchPosts` (`posts[]`), `app.bsky.feed.getPostThread` (`thread` with
//! its `parent` chain and `replies`, recursively), and `com.atproto.repo.listRecords`
//! (`records[]` of `{uri, value}`) or one such record, as documents or one per line.
//! Keys are read as the API spells them (`createdAt`, `$type`) or as the Python SDK
//! dumps them (`created_at`, `py_type`). Post ids are AT URIs, replies link through
//! `record.reply.parent.uri`; a repository record has no author object, so its author is
//! the DID of its URI.

use super::json::as_int;
use super::{Config, Ctx, DocFormat, LineFormat};
use crate::model::{Draft, Kind, PositionKind, Post, Reject};
use crate::text::parse_iso8601;
use serde_json::Value;

/// Format name `bluesky`, as `inputs[].format` and rejects give it.
pub const NAME: &str = "bluesky";

/// `key` as the API spells it, else its snake_case form (Python SDK dumps); `$type` is
/// `py_type` there.
fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).or_else(|| {
        if key == "$type" {
            return v.get("py_type");
        }
        let mut snake = String::with_capacity(key.len() + 4);
        for c in key.chars() {
            if c.is_ascii_uppercase() {
                snake.push('_');
                snake.push(c.to_ascii_lowercase());
            } else {
                snake.push(c);
            }
        }
        v.get(snake.as_str())
    })
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| get(cur, k))
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path)?.as_str()
}

fn string_at(v: &Value, path: &[&str]) -> Option<String> {
    str_at(v, path)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn array_at<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn int_at(v: &Value, path: &[&str]) -> Option<i64> {
    at(v, path).and_then(as_int)
}

/// Bluesky: bluesky feed (one JSON document).
pub struct BlueskyFeed;
/// Bluesky: bluesky lines (one JSON record per line).
pub struct BlueskyLines;

fn is_bsky_post(p: &Value) -> bool {
    p.get("uri").is_some() && p.get("record").is_some()
}

/// A repository record of a post (`com.atproto.repo.getRecord` / `listRecords`).
fn is_record(r: &Value) -> bool {
    r.get("uri").is_some()
        && get(r, "value").is_some_and(|v| str_at(v, &["$type"]) == Some("app.bsky.feed.post"))
}

fn is_page(doc: &Value) -> bool {
    array_at(doc, &["feed"])
        .first()
        .and_then(|f| f.get("post"))
        .is_some_and(is_bsky_post)
        || array_at(doc, &["posts"]).first().is_some_and(is_bsky_post)
        || get(doc, "thread")
            .and_then(|t| get(t, "post"))
            .is_some_and(is_bsky_post)
        || array_at(doc, &["records"]).iter().any(is_record)
        || is_record(doc)
}

impl DocFormat for BlueskyFeed {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, doc: &Value) -> bool {
        is_page(doc)
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        let mut errors = Vec::new();
        page(&doc, out, &mut errors);
        rejects.extend(errors.into_iter().map(|(i, reason)| Reject {
            source_file: ctx.file.to_string(),
            position: i as u64,
            position_kind: PositionKind::Record,
            format: Some(NAME.into()),
            reason,
            raw_excerpt: String::new(),
        }));
    }
}

impl LineFormat for BlueskyLines {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, first: &Value, _cfg: &Config) -> Option<usize> {
        (is_page(first) || is_bsky_post(first)).then_some(0)
    }
    fn parse(
        &self,
        v: Value,
        _variant: usize,
        _ctx: &Ctx,
        partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        if is_bsky_post(&v) {
            return post(&v).map(|d| vec![d]);
        }
        if is_record(&v) {
            return record_post(&v).map(|d| vec![d]);
        }
        if !is_page(&v) {
            return Err("neither a Bluesky post (uri + record) nor a feed page".into());
        }
        let mut out = Vec::new();
        let mut errors = Vec::new();
        page(&v, &mut out, &mut errors);
        partial.extend(
            errors
                .into_iter()
                .map(|(i, e)| format!("item {i} of page: {e}")),
        );
        Ok(out)
    }
}

fn page(doc: &Value, out: &mut Vec<Draft>, errors: &mut Vec<(usize, String)>) {
    for (i, item) in array_at(doc, &["feed"]).iter().enumerate() {
        let Some(p) = item.get("post") else {
            errors.push((i, "feed item without post".into()));
            continue;
        };
        match post(p) {
            Ok(mut d) => {
                d.post.source_position = i as u64;
                if let Some(r) = repost(item, &d.post) {
                    out.push(r);
                }
                out.push(d);
            }
            Err(e) => errors.push((i, e)),
        }
    }
    for (i, p) in array_at(doc, &["posts"]).iter().enumerate() {
        match post(p) {
            Ok(mut d) => {
                d.post.source_position = i as u64;
                out.push(d);
            }
            Err(e) => errors.push((i, e)),
        }
    }
    if let Some(t) = get(doc, "thread") {
        let mut next = 0;
        thread(t, out, errors, &mut next, true, true);
    }
    let records: Vec<&Value> = if is_record(doc) {
        vec![doc]
    } else {
        array_at(doc, &["records"]).iter().collect()
    };
    for (i, r) in records.into_iter().enumerate() {
        // Likes, follows and other collections hold no posts.
        if !is_record(r) {
            continue;
        }
        match record_post(r) {
            Ok(mut d) => {
                d.post.source_position = i as u64;
                out.push(d);
            }
            Err(e) => errors.push((i, e)),
        }
    }
}

/// A `getPostThread` node: its `parent` chain (older posts) first, then the node, then
/// its `replies`, each numbered in that order. Nodes that are not found or blocked carry
/// no post and are passed over.
fn thread(
    node: &Value,
    out: &mut Vec<Draft>,
    errors: &mut Vec<(usize, String)>,
    next: &mut usize,
    up: bool,
    down: bool,
) {
    let Some(p) = get(node, "post") else {
        return;
    };
    if up {
        if let Some(parent) = get(node, "parent") {
            thread(parent, out, errors, next, true, false);
        }
    }
    let i = *next;
    *next += 1;
    match post(p) {
        Ok(mut d) => {
            d.post.source_position = i as u64;
            out.push(d);
        }
        Err(e) => errors.push((i, e)),
    }
    if down {
        for r in array_at(node, &["replies"]) {
            thread(r, out, errors, next, false, true);
        }
    }
}

/// A repository record as a post: `value` is the record, the author the URI's DID.
fn record_post(r: &Value) -> Result<Draft, String> {
    let uri = str_at(r, &["uri"]).ok_or("record without uri")?;
    let did = uri
        .strip_prefix("at://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    let view = serde_json::json!({
        "uri": uri,
        "record": get(r, "value").cloned().unwrap_or(Value::Null),
        "author": {"did": did},
    });
    post(&view)
}

/// `at://did:plc:x/app.bsky.feed.post/3kabc` -> `3kabc`.
fn rkey(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

fn post(p: &Value) -> Result<Draft, String> {
    let uri = string_at(p, &["uri"]).ok_or("post without uri")?;
    let created = str_at(p, &["record", "createdAt"])
        .or_else(|| str_at(p, &["indexedAt"]))
        .ok_or("post without createdAt")?;
    let created_at = parse_iso8601(created).ok_or_else(|| "unparseable createdAt".to_string())?;
    let text = str_at(p, &["record", "text"]).unwrap_or("").to_string();
    let mut post = Post::new("bluesky", uri.clone(), created_at, text);
    post.author_id = string_at(p, &["author", "did"]);
    post.author_handle = string_at(p, &["author", "handle"]);
    post.url = post
        .author_handle
        .as_ref()
        .map(|h| format!("https://bsky.app/profile/{h}/post/{}", rkey(&uri)));
    post.reply_to_id = string_at(p, &["record", "reply", "parent", "uri"]);
    post.conversation_id =
        string_at(p, &["record", "reply", "root", "uri"]).or_else(|| Some(uri.clone()));
    post.lang = array_at(p, &["record", "langs"])
        .first()
        .and_then(|l| l.as_str())
        .map(str::to_string);
    post.counts.likes = int_at(p, &["likeCount"]);
    post.counts.reposts = int_at(p, &["repostCount"]);
    post.counts.replies = int_at(p, &["replyCount"]);
    post.counts.quotes = int_at(p, &["quoteCount"]);
    let embed_type = str_at(p, &["record", "embed", "$type"]).unwrap_or("");
    post.kind = if post.reply_to_id.is_some() {
        Kind::Reply
    } else if embed_type.starts_with("app.bsky.embed.record") {
        Kind::Quote
    } else {
        Kind::Original
    };
    let mut addressed = Vec::new();
    for facet in array_at(p, &["record", "facets"]) {
        for f in array_at(facet, &["features"]) {
            match str_at(f, &["$type"]) {
                Some("app.bsky.richtext.facet#tag") => post.hashtags.extend(string_at(f, &["tag"])),
                Some("app.bsky.richtext.facet#link") => post.urls.extend(string_at(f, &["uri"])),
                Some("app.bsky.richtext.facet#mention") => addressed.extend(string_at(f, &["did"])),
                _ => {}
            }
        }
    }
    // Mentions in facets are DIDs; the readable @handle is in the text.
    post.mentions = crate::text::at_words(&post.text)
        .map(|w| {
            w.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
                .to_string()
        })
        .filter(|w| w.contains('.'))
        .collect();
    let mut d = Draft::new(post);
    d.addressed_to = d.post.mentions.clone();
    d.addressed_to.extend(addressed);
    Ok(d)
}

/// A feed item reposted by someone (`reason.$type = ...#reasonRepost`) becomes its own row.
fn repost(item: &Value, original: &Post) -> Option<Draft> {
    let reason = item.get("reason")?;
    if !str_at(reason, &["$type"]).is_some_and(|t| t.ends_with("#reasonRepost")) {
        return None;
    }
    let by_did = string_at(reason, &["by", "did"])?;
    let at = str_at(reason, &["indexedAt"])
        .and_then(parse_iso8601)
        .unwrap_or(original.created_at);
    let mut p = Post::new(
        "bluesky",
        format!("{}#repost:{by_did}", original.post_id),
        at,
        original.text.clone(),
    );
    p.kind = Kind::Repost;
    p.author_id = Some(by_did);
    p.author_handle = string_at(reason, &["by", "handle"]);
    p.url = original.url.clone();
    p.conversation_id = original.conversation_id.clone();
    p.source_position = original.source_position;
    Some(Draft::new(p))
}
