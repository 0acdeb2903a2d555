//! X/Twitter account archive: `data/tweets.js`, `tweets-partN.js`
//! (`window.YTD.tweets.part0 = [{"tweet": {...}}]`). Every tweet in it was written
//! by the archive owner, whose handle comes from the sibling `account.js`.

use super::json::{array_at, id_at, int_at, str_at, string_at};
use super::Ctx;
use crate::model::{Draft, Kind, PositionKind, Post, Reject};
use crate::text::{decode_entities, parse_twitter_date};
use serde_json::Value;

pub const NAME: &str = "twitter-archive";

/// Split `window.YTD.tweets.part0 = [...]` into (`tweets`, the JSON bytes).
pub fn split_prefix(all: &[u8]) -> Option<(String, &[u8])> {
    let eq = all.iter().position(|b| *b == b'=')?;
    let prefix = std::str::from_utf8(&all[..eq]).ok()?.trim();
    let rest = prefix.strip_prefix("window.YTD.")?;
    let name = rest.split('.').next()?.to_string();
    Some((name, &all[eq + 1..]))
}

/// Archive parts that hold the owner's posts (others: likes, followers, DMs...).
pub fn holds_posts(ytd_name: &str) -> bool {
    matches!(
        ytd_name,
        "tweets" | "tweet" | "community_tweet" | "note_tweet"
    )
}

/// Owner (username, account id) from `account.js` beside the tweets file.
fn archive_owner(ctx: &Ctx) -> (Option<String>, Option<String>) {
    let Some(dir) = ctx.path.parent() else {
        return (None, None);
    };
    let Ok(bytes) = std::fs::read(dir.join("account.js")) else {
        return (None, None);
    };
    let Some((_, json)) = split_prefix(&bytes) else {
        return (None, None);
    };
    let Ok(v) = serde_json::from_slice::<Value>(json) else {
        return (None, None);
    };
    let acc = v.get(0).and_then(|a| a.get("account"));
    (
        acc.and_then(|a| string_at(a, &["username"])),
        acc.and_then(|a| id_at(a, &["accountId"])),
    )
}

pub fn parse(doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
    let (owner, owner_id) = archive_owner(ctx);
    let Value::Array(items) = doc else {
        rejects.push(Reject {
            source_file: ctx.file.to_string(),
            position: 0,
            position_kind: PositionKind::File,
            format: Some(NAME.into()),
            reason: "X archive part is not a JSON array".into(),
            raw_excerpt: String::new(),
        });
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let t = item.get("tweet").unwrap_or(item);
        match tweet(t, owner.as_deref(), owner_id.as_deref()) {
            Ok(mut d) => {
                d.post.source_position = i as u64;
                out.push(d);
            }
            Err(reason) => rejects.push(Reject {
                source_file: ctx.file.to_string(),
                position: i as u64,
                position_kind: PositionKind::Record,
                format: Some(NAME.into()),
                reason,
                raw_excerpt: crate::model::excerpt(t.to_string().as_bytes()),
            }),
        }
    }
}

fn tweet(t: &Value, owner: Option<&str>, owner_id: Option<&str>) -> Result<Draft, String> {
    let id = id_at(t, &["id_str"])
        .or_else(|| id_at(t, &["id"]))
        .ok_or("tweet without id_str")?;
    let created = str_at(t, &["created_at"]).ok_or("tweet without created_at")?;
    let created_at =
        parse_twitter_date(created).ok_or_else(|| format!("unparseable created_at {created:?}"))?;
    let raw_text = str_at(t, &["full_text"])
        .or_else(|| str_at(t, &["text"]))
        .unwrap_or("");
    let text = decode_entities(raw_text);
    let mut p = Post::new("twitter", id.clone(), created_at, text);
    p.author_handle = owner.map(str::to_string);
    p.author_id = owner_id.map(str::to_string).or(p.author_handle.clone());
    p.url = Some(match owner {
        Some(h) => format!("https://x.com/{h}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    });
    p.reply_to_id = id_at(t, &["in_reply_to_status_id_str"]);
    p.lang = string_at(t, &["lang"]).filter(|l| l != "und");
    p.counts.likes = int_at(t, &["favorite_count"]);
    p.counts.reposts = int_at(t, &["retweet_count"]);
    p.kind = if raw_text.starts_with("RT @") {
        Kind::Repost
    } else if p.reply_to_id.is_some() {
        Kind::Reply
    } else if id_at(t, &["quoted_status_id_str"]).is_some() {
        Kind::Quote
    } else {
        Kind::Original
    };
    p.hashtags = array_at(t, &["entities", "hashtags"])
        .iter()
        .filter_map(|h| string_at(h, &["text"]))
        .collect();
    p.mentions = array_at(t, &["entities", "user_mentions"])
        .iter()
        .filter_map(|m| string_at(m, &["screen_name"]))
        .collect();
    p.urls = array_at(t, &["entities", "urls"])
        .iter()
        .filter_map(|u| string_at(u, &["expanded_url"]))
        .collect();
    let mut d = Draft::new(p);
    d.by_owner = true;
    if let Some(h) = string_at(t, &["in_reply_to_screen_name"]) {
        d.addressed_to.push(h);
    }
    d.addressed_to.extend(d.post.mentions.iter().cloned());
    Ok(d)
}
