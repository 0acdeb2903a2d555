//! Mastodon: the account archive's `outbox.json` (ActivityStreams `OrderedCollection`
//! of `Create`/`Announce`) and REST API status arrays (`/api/v1/accounts/:id/statuses`,
//! timelines, search), as a JSON array or one status per line.
//!
//! Ids: the REST API's local status id; for the outbox, the last path segment of the
//! object URI (`.../statuses/109...`), which is the same local id for the account's own
//! posts, so the two exports deduplicate against each other.

use super::json::{array_at, id_at, int_at, str_at, string_at, strings_at};
use super::{record_reject, Config, Ctx, DocFormat, LineFormat};
use crate::model::{Draft, Kind, Post, Reject};
use crate::text::{html_to_text, parse_iso8601};
use serde_json::Value;

/// Format name `mastodon-outbox`, as `inputs[].format` and rejects give it.
pub const OUTBOX: &str = "mastodon-outbox";
/// Format name `mastodon-api`, as `inputs[].format` and rejects give it.
pub const API: &str = "mastodon-api";

/// Mastodon: mastodon outbox (one JSON document).
pub struct MastodonOutbox;
/// Mastodon: mastodon status array (one JSON document).
pub struct MastodonStatusArray;
/// Mastodon: mastodon status lines (one JSON record per line).
pub struct MastodonStatusLines;

fn is_status(v: &Value) -> bool {
    v.get("id").is_some()
        && v.get("content").is_some()
        && v.get("account").is_some()
        && v.get("created_at").is_some()
}

impl DocFormat for MastodonOutbox {
    fn name(&self) -> &'static str {
        OUTBOX
    }
    fn sniff(&self, doc: &Value) -> bool {
        doc.get("orderedItems").is_some()
            || str_at(doc, &["type"]).is_some_and(|t| t == "OrderedCollection")
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        for (i, act) in array_at(&doc, &["orderedItems"]).iter().enumerate() {
            match activity(act) {
                Ok(Some(mut d)) => {
                    d.post.source_position = i as u64;
                    out.push(d);
                }
                Ok(None) => {}
                Err(reason) => rejects.push(record_reject(ctx, OUTBOX, i, reason, act)),
            }
        }
    }
}

/// The statuses of a REST array, or a single status object (`GET /api/v1/statuses/:id`).
fn statuses(doc: &Value) -> &[Value] {
    match doc {
        Value::Array(a) => a,
        Value::Object(_) => std::slice::from_ref(doc),
        _ => &[],
    }
}

impl DocFormat for MastodonStatusArray {
    fn name(&self) -> &'static str {
        API
    }
    fn sniff(&self, doc: &Value) -> bool {
        statuses(doc).first().is_some_and(is_status)
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        for (i, s) in statuses(&doc).iter().enumerate() {
            match status(s) {
                Ok(ds) => out.extend(ds.into_iter().map(|mut d| {
                    d.post.source_position = i as u64;
                    d
                })),
                Err(reason) => rejects.push(record_reject(ctx, API, i, reason, s)),
            }
        }
    }
}

impl LineFormat for MastodonStatusLines {
    fn name(&self) -> &'static str {
        API
    }
    fn sniff(&self, first: &Value, _cfg: &Config) -> Option<usize> {
        is_status(first).then_some(0)
    }
    fn parse(
        &self,
        value: Value,
        _variant: usize,
        _ctx: &Ctx,
        _partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        status(&value)
    }
}

/// `https://transit.social/users/northline/statuses/1091` -> `1091`.
fn local_id(uri: &str) -> String {
    let trimmed = uri.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/activity").unwrap_or(trimmed);
    match trimmed.rsplit('/').next() {
        Some(last) if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) => {
            last.to_string()
        }
        _ => uri.to_string(),
    }
}

/// `https://transit.social/users/northline` -> `northline`.
fn handle_from_actor(actor: &str) -> Option<String> {
    actor
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_start_matches('@').to_string())
}

/// `@rider@mastodon.social` -> `rider@mastodon.social`.
fn mention_handle(name: &str) -> String {
    name.trim_start_matches('@').to_string()
}

fn activity(act: &Value) -> Result<Option<Draft>, String> {
    let ty = str_at(act, &["type"]).unwrap_or("");
    let actor = str_at(act, &["actor"]).and_then(handle_from_actor);
    match ty {
        "Create" => {
            let obj = act.get("object").ok_or("Create without object")?;
            let uri = str_at(obj, &["id"]).ok_or("object without id")?;
            let published = str_at(obj, &["published"])
                .or_else(|| str_at(act, &["published"]))
                .ok_or("object without published")?;
            let created_at =
                parse_iso8601(published).ok_or_else(|| "unparseable published".to_string())?;
            let text = html_to_text(str_at(obj, &["content"]).unwrap_or(""));
            let mut p = Post::new("mastodon", local_id(uri), created_at, text);
            p.url = string_at(obj, &["url"]).or_else(|| Some(uri.to_string()));
            p.author_handle = actor.clone();
            p.author_id = actor;
            p.reply_to_id = str_at(obj, &["inReplyTo"]).map(local_id);
            p.conversation_id = string_at(obj, &["conversation"]);
            p.kind = if p.reply_to_id.is_some() {
                Kind::Reply
            } else {
                Kind::Original
            };
            p.lang = obj
                .get("contentMap")
                .and_then(|m| m.as_object())
                .and_then(|m| m.keys().next().cloned());
            for tag in array_at(obj, &["tag"]) {
                let name = str_at(tag, &["name"]).unwrap_or("");
                match str_at(tag, &["type"]) {
                    Some("Hashtag") => p.hashtags.push(name.trim_start_matches('#').to_string()),
                    Some("Mention") => p.mentions.push(mention_handle(name)),
                    _ => {}
                }
            }
            p.visibility = Some(addressed_visibility(act, obj).to_string());
            let mut d = Draft::new(p);
            d.by_owner = true;
            d.addressed_to = d.post.mentions.clone();
            Ok(Some(d))
        }
        "Announce" => {
            let id = str_at(act, &["id"]).ok_or("Announce without id")?;
            let published = str_at(act, &["published"]).ok_or("Announce without published")?;
            let created_at =
                parse_iso8601(published).ok_or_else(|| "unparseable published".to_string())?;
            let target = match act.get("object") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(o) => string_at(o, &["id"]),
                None => None,
            };
            let mut p = Post::new("mastodon", local_id(id), created_at, String::new());
            p.kind = Kind::Repost;
            p.url = target.clone();
            p.author_handle = actor.clone();
            p.author_id = actor;
            let mut d = Draft::new(p);
            d.by_owner = true;
            Ok(Some(d))
        }
        // Deletes, follows and other activities carry no post.
        _ => Ok(None),
    }
}

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Visibility of an outbox activity from its addressing, as Mastodon sets it: the Public
/// collection in `to` = `public`, in `cc` = `unlisted`; otherwise the followers
/// collection = `private`; otherwise (named people only) `direct`.
fn addressed_visibility(act: &Value, obj: &Value) -> &'static str {
    let list = |v: &Value, k: &str| -> Vec<String> {
        match v.get(k) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        }
    };
    let (to, cc) = (
        [list(obj, "to"), list(act, "to")].concat(),
        [list(obj, "cc"), list(act, "cc")].concat(),
    );
    let public = |l: &[String]| {
        l.iter()
            .any(|a| a == PUBLIC || a == "as:Public" || a == "Public")
    };
    if public(&to) {
        "public"
    } else if public(&cc) {
        "unlisted"
    } else if to.iter().chain(&cc).any(|a| a.ends_with("/followers")) {
        "private"
    } else {
        "direct"
    }
}

/// A REST API status; a boost yields the boost itself (kind repost).
fn status(s: &Value) -> Result<Vec<Draft>, String> {
    let id = id_at(s, &["id"]).ok_or("status without id")?;
    let created = str_at(s, &["created_at"]).ok_or("status without created_at")?;
    let created_at = parse_iso8601(created).ok_or_else(|| "unparseable created_at".to_string())?;
    let reblog = s.get("reblog").filter(|r| !r.is_null());
    let body = reblog.unwrap_or(s);
    let text = html_to_text(str_at(body, &["content"]).unwrap_or(""));
    let mut p = Post::new("mastodon", id, created_at, text);
    p.url = string_at(s, &["url"]).or_else(|| string_at(s, &["uri"]));
    p.author_id = id_at(s, &["account", "id"]);
    p.author_handle = string_at(s, &["account", "acct"]);
    p.reply_to_id = id_at(s, &["in_reply_to_id"]);
    p.lang = string_at(body, &["language"]);
    p.kind = if reblog.is_some() {
        Kind::Repost
    } else if p.reply_to_id.is_some() {
        Kind::Reply
    } else if s.get("quote").is_some_and(|q| !q.is_null()) {
        Kind::Quote
    } else {
        Kind::Original
    };
    p.visibility = string_at(s, &["visibility"]);
    p.counts.likes = int_at(body, &["favourites_count"]);
    p.counts.reposts = int_at(body, &["reblogs_count"]);
    p.counts.replies = int_at(body, &["replies_count"]);
    p.hashtags = strings_at(body, &["tags"], "name");
    p.mentions = strings_at(body, &["mentions"], "acct");
    let mut d = Draft::new(p);
    d.addressed_to = d.post.mentions.clone();
    Ok(vec![d])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_from_addressing() {
        let followers = "https://transit.social/users/northline/followers";
        let case = |to: Value, cc: Value| {
            let obj = serde_json::json!({"to": to, "cc": cc});
            addressed_visibility(&serde_json::json!({}), &obj)
        };
        assert_eq!(
            case(serde_json::json!([PUBLIC]), serde_json::json!([followers])),
            "public"
        );
        assert_eq!(
            case(serde_json::json!([followers]), serde_json::json!([PUBLIC])),
            "unlisted"
        );
        assert_eq!(
            case(serde_json::json!([followers]), serde_json::json!([])),
            "private"
        );
        assert_eq!(
            case(
                serde_json::json!(["https://mastodon.example/users/moana"]),
                serde_json::json!([])
            ),
            "direct"
        );
        // `as:Public` and a single string are the same addressing.
        assert_eq!(case(serde_json::json!("as:Public"), Value::Null), "public");
    }

    #[test]
    fn ids_and_handles() {
        assert_eq!(
            local_id("https://transit.social/users/northline/statuses/1091/activity"),
            "1091"
        );
        assert_eq!(
            local_id("https://x.example/notes/abc"),
            "https://x.example/notes/abc"
        );
        assert_eq!(
            handle_from_actor("https://transit.social/users/northline").as_deref(),
            Some("northline")
        );
    }
}
