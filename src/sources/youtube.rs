//! YouTube Data API v3 comment responses: `commentThreads.list`
//! (`youtube#commentThreadListResponse`: top-level comments and `replies.comments[]`) and
//! `comments.list` (`youtube#commentListResponse`), one response per file or per line.
//!
//! Text is `snippet.textOriginal` (the HTML `textDisplay` only when it is missing); the
//! author is `authorChannelId.value` and `authorDisplayName`; a reply's parent is
//! `parentId`; the video (`videoId`) is the conversation. Comments address the channel
//! that owns the video (`snippet.channelId` of the thread), so a channel listed in
//! `[[accounts]]` (platform `youtube`, `id` = channel id) receives them, and its own
//! replies are outbound.

use super::json::{array_at, id_at, int_at, str_at, string_at};
use super::{Config, Ctx, DocFormat, LineFormat};
use crate::model::{excerpt, Draft, Kind, PositionKind, Post, Reject};
use crate::text::{html_to_text, parse_iso8601};
use serde_json::Value;

/// Format name `youtube`, as `inputs[].format` and rejects give it.
pub const NAME: &str = "youtube";

/// YouTube Data API: youtube lines (one JSON record per line).
pub struct YoutubeLines;
/// YouTube Data API: youtube response (one JSON document).
pub struct YoutubeResponse;

fn is_response(v: &Value) -> bool {
    matches!(
        str_at(v, &["kind"]),
        Some("youtube#commentThreadListResponse" | "youtube#commentListResponse")
    )
}

impl LineFormat for YoutubeLines {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, first: &Value, _cfg: &Config) -> Option<usize> {
        is_response(first).then_some(0)
    }
    fn parse(
        &self,
        value: Value,
        _variant: usize,
        _ctx: &Ctx,
        partial: &mut Vec<String>,
    ) -> Result<Vec<Draft>, String> {
        let mut out = Vec::new();
        for (i, reason, _) in response(&value, &mut out) {
            partial.push(format!("item {i} of the response: {reason}"));
        }
        Ok(out)
    }
}

impl DocFormat for YoutubeResponse {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, doc: &Value) -> bool {
        is_response(doc)
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        for (i, reason, raw) in response(&doc, out) {
            rejects.push(Reject {
                source_file: ctx.file.to_string(),
                position: i as u64,
                position_kind: PositionKind::Record,
                format: Some(NAME.into()),
                reason,
                raw_excerpt: raw,
            });
        }
    }
}

/// Every comment of one response into `out` (each stamped with its item's index);
/// returns the items that could not be read: (index, reason, excerpt).
fn response(v: &Value, out: &mut Vec<Draft>) -> Vec<(usize, String, String)> {
    let mut errors = Vec::new();
    for (i, item) in array_at(v, &["items"]).iter().enumerate() {
        let mut push = |r: Result<Draft, String>, raw: &Value| match r {
            Ok(mut d) => {
                d.post.source_position = i as u64;
                out.push(d);
            }
            Err(e) => errors.push((i, e, excerpt(raw.to_string().as_bytes()))),
        };
        match str_at(item, &["kind"]) {
            Some("youtube#commentThread") => {
                let owner = str_at(item, &["snippet", "channelId"]);
                let top = &item["snippet"]["topLevelComment"];
                let replies = int_at(item, &["snippet", "totalReplyCount"]);
                push(
                    comment(top, owner, None).map(|mut d| {
                        d.post.counts.replies = replies;
                        d
                    }),
                    top,
                );
                let parent = id_at(top, &["id"]).or_else(|| id_at(item, &["id"]));
                for r in array_at(item, &["replies", "comments"]) {
                    push(comment(r, owner, parent.as_deref()), r);
                }
            }
            _ => push(comment(item, None, None), item),
        }
    }
    errors
}

/// One `youtube#comment`. `owner` is the channel whose video it is under; `parent` the
/// thread's top-level comment for replies that do not carry `parentId`.
fn comment(c: &Value, owner: Option<&str>, parent: Option<&str>) -> Result<Draft, String> {
    let s = &c["snippet"];
    let id = id_at(c, &["id"]).ok_or("comment without id")?;
    let published = str_at(s, &["publishedAt"]).ok_or("comment without publishedAt")?;
    let created_at =
        parse_iso8601(published).ok_or_else(|| "unparseable publishedAt".to_string())?;
    let text = match str_at(s, &["textOriginal"]) {
        Some(t) => t.to_string(),
        None => html_to_text(str_at(s, &["textDisplay"]).unwrap_or("")),
    };
    let mut p = Post::new(NAME, id.clone(), created_at, text);
    p.author_id = string_at(s, &["authorChannelId", "value"]);
    p.author_handle =
        string_at(s, &["authorDisplayName"]).map(|h| h.trim_start_matches('@').to_string());
    let video = string_at(s, &["videoId"]);
    p.url = video
        .as_ref()
        .map(|v| format!("https://www.youtube.com/watch?v={v}&lc={id}"));
    p.conversation_id = video;
    p.reply_to_id = string_at(s, &["parentId"]).or_else(|| parent.map(str::to_string));
    p.kind = if p.reply_to_id.is_some() {
        Kind::Reply
    } else {
        Kind::Comment
    };
    p.counts.likes = int_at(s, &["likeCount"]);
    let mut d = Draft::new(p);
    if let Some(ch) = owner.or_else(|| str_at(s, &["channelId"])) {
        d.addressed_to.push(ch.to_string());
    }
    Ok(d)
}
