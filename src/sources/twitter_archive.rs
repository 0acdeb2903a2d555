//! X/Twitter account archive: `data/tweets.js`, `tweets-partN.js`
//! (`window.YTD.tweets.part0 = [{"tweet": {...}}]`). Every tweet in it was written
//! by the archive owner, whose handle comes from the sibling `account.js`.
//!
//! Posts over 280 characters ("notes") keep only a truncated text in `tweets.js`; their
//! full text is in the sibling `note-tweet.js` (`window.YTD.note_tweet.part0 =
//! [{"noteTweet": {"noteTweetId", "createdAt", "core": {"text", ...}}}]`), which carries no
//! tweet id. A note belongs to the tweet created in the same second whose text, without
//! its trailing `…` and its t.co links, starts the note's text (see [`note_for`]).

use super::json::{id_at, int_at, str_at, string_at};
use super::Ctx;
use crate::model::{Draft, Kind, PositionKind, Post, Reject};
use crate::text::{decode_entities, parse_twitter_date};
use serde_json::Value;

/// Format name `twitter-archive`, as `inputs[].format` and rejects give it.
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
    matches!(ytd_name, "tweets" | "tweet" | "community_tweet")
}

/// Why an archive part that holds no posts of its own is skipped.
pub fn skip_reason(ytd_name: &str) -> String {
    if ytd_name == "note_tweet" {
        "archive part 'note_tweet' holds the full text of long posts, merged into the posts of tweets.js".into()
    } else {
        format!("archive part '{ytd_name}' holds no posts")
    }
}

/// Full texts of the archive's long posts, by creation second (UTC, microseconds).
type Notes = std::collections::HashMap<i64, Vec<String>>;

/// The notes of `note-tweet.js` beside the tweets file, if there is one.
fn archive_notes(ctx: &Ctx) -> Notes {
    let mut notes = Notes::new();
    let Some(dir) = ctx.path.parent() else {
        return notes;
    };
    let Ok(bytes) = std::fs::read(dir.join("note-tweet.js")) else {
        return notes;
    };
    let Some((_, json)) = split_prefix(&bytes) else {
        return notes;
    };
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(json) else {
        return notes;
    };
    for item in &items {
        let n = item.get("noteTweet").unwrap_or(item);
        let (Some(created), Some(text)) = (
            str_at(n, &["createdAt"]).and_then(crate::text::parse_iso8601),
            str_at(n, &["core", "text"]),
        ) else {
            continue;
        };
        notes
            .entry(created - created.rem_euclid(1_000_000))
            .or_default()
            .push(decode_entities(text));
    }
    notes
}

/// The text a truncated long post shows: without the trailing t.co links and `…`.
fn shown_prefix(text: &str) -> &str {
    let mut t = text.trim_end();
    loop {
        let before = t;
        if let Some(i) = t.rfind("https://t.co/") {
            if !t[i..].contains(char::is_whitespace) {
                t = t[..i].trim_end();
            }
        }
        t = t.trim_end_matches('…').trim_end();
        if t == before {
            return t;
        }
    }
}

/// The note holding the full text of a tweet: created in the same second, and starting
/// with what the tweet shows (whitespace runs compared as one space, t.co links left
/// out: the tweet's and the note's differ). The longest such
/// prefix wins; no match keeps the tweet's own text.
pub fn note_for<'a>(notes: &'a Notes, created_at: i64, text: &str) -> Option<&'a str> {
    // t.co links are compared as absent: a note's links are shortened anew.
    let squash = |s: &str| {
        s.split_whitespace()
            .filter(|w| !w.starts_with("https://t.co/"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let shown = squash(shown_prefix(text));
    if shown.is_empty() {
        return None;
    }
    notes
        .get(&(created_at - created_at.rem_euclid(1_000_000)))?
        .iter()
        .filter(|n| n.chars().count() > shown.chars().count() && squash(n).starts_with(&shown))
        .max_by_key(|n| n.len())
        .map(String::as_str)
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

/// Parse one archive part (`tweets.js`, `direct-messages.js`, ...): every record a draft or a reject.
pub fn parse(doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
    let (owner, owner_id) = archive_owner(ctx);
    let notes = archive_notes(ctx);
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
    // Items are `{"tweet": {...}}`; a reject shows the tweet inside.
    let tweets: Vec<Value> = items
        .into_iter()
        .map(|item| match item {
            Value::Object(mut o) if o.contains_key("tweet") => {
                o.remove("tweet").unwrap_or(Value::Null)
            }
            other => other,
        })
        .collect();
    super::read_records(&tweets, ctx, NAME, out, rejects, |t| {
        tweet(t, owner.as_deref(), owner_id.as_deref(), &notes)
    });
}

fn tweet(
    t: &Value,
    owner: Option<&str>,
    owner_id: Option<&str>,
    notes: &Notes,
) -> Result<Draft, String> {
    let id = id_at(t, &["id_str"])
        .or_else(|| id_at(t, &["id"]))
        .ok_or("tweet without id_str")?;
    let created = str_at(t, &["created_at"]).ok_or("tweet without created_at")?;
    let created_at =
        parse_twitter_date(created).ok_or_else(|| "unparseable created_at".to_string())?;
    let raw_text = str_at(t, &["full_text"])
        .or_else(|| str_at(t, &["text"]))
        .unwrap_or("");
    let text = decode_entities(raw_text);
    let text = match note_for(notes, created_at, &text) {
        Some(full) => full.to_string(),
        None => text,
    };
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
    super::twitter_v1::entities_into(t.get("entities").unwrap_or(&Value::Null), &mut p);
    let mut d = Draft::new(p);
    d.by_owner = true;
    if let Some(h) = string_at(t, &["in_reply_to_screen_name"]) {
        d.addressed_to.push(h);
    }
    d.addressed_to.extend(d.post.mentions.iter().cloned());
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(entries: &[(i64, &str)]) -> Notes {
        let mut n = Notes::new();
        for (t, text) in entries {
            n.entry(*t).or_default().push(text.to_string());
        }
        n
    }

    #[test]
    fn a_note_matches_by_second_and_shown_prefix() {
        let n = notes(&[
            (
                5_000_000,
                "Buses run late tonight because of the  match, plan ahead and more",
            ),
            (
                5_000_000,
                "Another long post of the same second that starts differently",
            ),
        ]);
        // Same second (the tweet's microseconds differ), prefix shown with `…` and a link.
        let tweet = "Buses run late tonight because of the match, plan… https://t.co/abc";
        assert_eq!(
            note_for(&n, 5_250_000, tweet),
            Some("Buses run late tonight because of the  match, plan ahead and more")
        );
        // Another second, or a text the note does not start with: no note.
        assert_eq!(note_for(&n, 6_000_000, tweet), None);
        assert_eq!(
            note_for(&n, 5_000_000, "Trains run late… https://t.co/x"),
            None
        );
        // A tweet that is its whole text is not extended by a note that merely repeats it.
        assert_eq!(
            note_for(
                &n,
                5_000_000,
                "Another long post of the same second that starts differently"
            ),
            None
        );
        assert_eq!(note_for(&n, 5_000_000, "https://t.co/only"), None);
        // A link inside the shown text: the tweet's t.co link differs from the note's.
        let n = notes(&[(
            7_000_000,
            "Timetable https://t.co/NOTE111 for the 14 changes on Monday, with more trips at peak and fewer late at night",
        )]);
        assert_eq!(
            note_for(
                &n,
                7_000_000,
                "Timetable https://t.co/TWEET22 for the 14 changes on Monday, with more… https://t.co/more"
            ),
            Some("Timetable https://t.co/NOTE111 for the 14 changes on Monday, with more trips at peak and fewer late at night")
        );
    }
}
