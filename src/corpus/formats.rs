//! Dressing generated records in each archive format the sources read.

use super::{text::user_handle, Compression, Item, Record, Spec, ACCOUNTS, PLATFORMS};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Generic NDJSON of a listening tool (read through the generated `[[mappings]]`).
    Ndjson,
    /// Generic CSV of a social-media management tool (same mapping).
    Csv,
    TwitterV2,
    TwitterArchive,
    Mastodon,
    Reddit,
    Bluesky,
    Meta,
}

pub const FORMATS: &[(&str, Format)] = &[
    ("ndjson", Format::Ndjson),
    ("csv", Format::Csv),
    ("twitter-v2", Format::TwitterV2),
    ("twitter-archive", Format::TwitterArchive),
    ("mastodon", Format::Mastodon),
    ("reddit", Format::Reddit),
    ("bluesky", Format::Bluesky),
    ("meta", Format::Meta),
];

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        FORMATS
            .iter()
            .find(|(n, _)| *n == s)
            .map(|f| f.1)
            .ok_or_else(|| {
                let names: Vec<&str> = FORMATS.iter().map(|f| f.0).collect();
                format!("unknown format {s:?} (one of {})", names.join(", "))
            })
    }
}

impl Format {
    pub fn name(self) -> &'static str {
        FORMATS.iter().find(|f| f.1 == self).map_or("?", |f| f.0)
    }

    /// Platforms the format carries.
    pub fn platforms(self) -> &'static [&'static str] {
        match self {
            Format::Ndjson | Format::Csv => PLATFORMS,
            Format::TwitterV2 | Format::TwitterArchive => &["twitter"],
            Format::Mastodon => &["mastodon"],
            Format::Reddit => &["reddit"],
            Format::Bluesky => &["bluesky"],
            Format::Meta => &["facebook"],
        }
    }

    /// Exports of one account only (an X archive, a Facebook page download).
    pub fn single_account(self) -> bool {
        matches!(self, Format::TwitterArchive | Format::Meta)
    }

    fn line_oriented(self) -> bool {
        !matches!(self, Format::TwitterArchive | Format::Meta)
    }
}

/// The own account's handle as the platform spells it.
pub fn own_handle(platform: &str, handle: &str) -> String {
    match platform {
        "bluesky" => format!("{}.bsky.social", handle.to_lowercase()),
        "facebook" => ACCOUNTS
            .iter()
            .find(|a| a.0 == handle)
            .map_or(handle.to_string(), |a| a.1.to_string()),
        _ => handle.to_string(),
    }
}

/// How a post addresses an account in its text.
pub fn mention(platform: &str, handle: &str) -> String {
    match platform {
        "reddit" => format!("u/{handle}"),
        "facebook" => String::new(),
        _ => format!("@{}", own_handle(platform, handle)),
    }
}

pub fn did(handle: &str) -> String {
    format!("did:plc:{}", handle.to_lowercase())
}

/// The mapping of the generated NDJSON and CSV (appended to `pipeline.toml`).
pub const MAPPING: &str = r#"# The generated listening-tool export (NDJSON and CSV share the columns).
[[mappings]]
name = "synthetic"
platform_column = "platform"
id = "id"
text = "text"
timestamp = "created_at"
timestamp_format = "rfc3339"
author = "author"
url = "url"
lang = "lang"
reply_to = "reply_to"
conversation = "conversation_id"
likes = "likes"
reposts = "reposts"
replies = "replies"
views = "views"
"#;

fn rfc3339(micros: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(micros)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn author(r: &Record) -> String {
    if r.inbound {
        user_handle(r.platform, r.user)
    } else {
        own_handle(r.platform, ACCOUNTS[r.account].0)
    }
}

fn twitter_date(micros: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(micros)
        .map(|d| d.format("%a %b %d %H:%M:%S +0000 %Y").to_string())
        .unwrap_or_default()
}

/// The listening-tool row (NDJSON object; CSV uses the same fields in order).
fn flat(r: &Record) -> Value {
    let (reply_to, conv) = match r.reply_to {
        Some((p, root)) => (Value::from(p.to_string()), Value::from(root.to_string())),
        None => (Value::Null, Value::from(r.n.to_string())),
    };
    json!({
        "id": r.n.to_string(),
        "platform": r.platform,
        "created_at": rfc3339(r.created_at),
        "author": author(r),
        "account": own_handle(r.platform, ACCOUNTS[r.account].0),
        "text": r.text,
        "lang": r.lang,
        "reply_to": reply_to,
        "conversation_id": conv,
        "likes": r.likes,
        "reposts": r.reposts,
        "replies": r.replies,
        "views": r.views,
        "url": format!("https://{}.example/p/{}", r.platform, r.n),
    })
}

fn twitter_v2(r: &Record) -> Value {
    let author_id = if r.inbound {
        format!("{}", 3_000_000_000 + r.user)
    } else {
        format!("{}", 1_400_000_000 + r.account as u64)
    };
    let mut t = json!({
        "id": r.n.to_string(),
        "author_id": author_id,
        "created_at": rfc3339(r.created_at),
        "text": r.text,
        "lang": r.lang,
        "conversation_id": r.reply_to.map_or(r.n, |x| x.1).to_string(),
        "public_metrics": {"retweet_count": r.reposts, "reply_count": r.replies,
            "like_count": r.likes, "quote_count": 0, "impression_count": r.views},
        "author": {"id": author_id, "username": author(r)},
        "entities": {"mentions": mentions(r).iter().map(|m| json!({"username": m})).collect::<Vec<_>>()},
    });
    if let Some((p, _)) = r.reply_to {
        t["referenced_tweets"] = json!([{"type": "replied_to", "id": p.to_string()}]);
    }
    t
}

/// Handles mentioned in the text (without the sigil).
fn mentions(r: &Record) -> Vec<String> {
    r.text
        .split_whitespace()
        .filter_map(|w| w.strip_prefix('@'))
        .map(|w| w.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')))
        .map(|w| w.trim_end_matches('.').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

fn archive_tweet(r: &Record) -> Value {
    let mut t = json!({"tweet": {
        "id_str": r.n.to_string(), "id": r.n.to_string(),
        "created_at": twitter_date(r.created_at),
        "full_text": r.text,
        "favorite_count": r.likes.to_string(), "retweet_count": r.reposts.to_string(),
        "lang": r.lang, "retweeted": false, "truncated": false,
        "entities": {"hashtags": r.hashtags.iter().map(|h| json!({"text": h})).collect::<Vec<_>>(),
            "user_mentions": [], "urls": r.urls.iter().map(|u| json!({"url": u, "expanded_url": u})).collect::<Vec<_>>()},
    }});
    if let Some((p, _)) = r.reply_to {
        t["tweet"]["in_reply_to_status_id_str"] = Value::from(p.to_string());
        t["tweet"]["in_reply_to_screen_name"] = Value::from(user_handle("twitter", r.user));
    }
    t
}

fn mastodon(r: &Record) -> Value {
    let acct = author(r);
    let id = (113_000_000_000_000_000 + r.n).to_string();
    json!({
        "id": id,
        "created_at": rfc3339(r.created_at),
        "in_reply_to_id": r.reply_to.map(|x| (113_000_000_000_000_000 + x.0).to_string()),
        "sensitive": false, "spoiler_text": "", "visibility": "public",
        "language": r.lang,
        "uri": format!("https://transit.social/users/{acct}/statuses/{id}"),
        "url": format!("https://transit.social/@{acct}/{id}"),
        "replies_count": r.replies, "reblogs_count": r.reposts, "favourites_count": r.likes,
        "content": format!("<p>{}</p>", html_escape::encode_text(&r.text)),
        "reblog": null,
        "account": {"id": format!("{}", 109_000_000_000_000_000 + if r.inbound { 1_000 + r.user } else { r.account as u64 }),
            "username": acct, "acct": acct},
        "mentions": mentions(r).iter().map(|m| json!({"username": m, "acct": m})).collect::<Vec<_>>(),
        "tags": r.hashtags.iter().map(|h| json!({"name": h})).collect::<Vec<_>>(),
        "emojis": [],
    })
}

fn reddit(r: &Record) -> Value {
    let id = format!("c{:x}", r.n);
    let thread = format!("t3_s{:x}", r.reply_to.map_or(r.n, |x| x.1));
    let parent = r
        .reply_to
        .map_or(thread.clone(), |(p, _)| format!("t1_c{p:x}"));
    json!({
        "id": id, "author": author(r), "created_utc": r.created_at / 1_000_000,
        "body": r.text, "link_id": thread, "parent_id": parent, "score": r.likes,
        "subreddit": "northline",
        "permalink": format!("/r/northline/comments/s{:x}/_/{id}/", r.reply_to.map_or(r.n, |x| x.1)),
    })
}

fn bluesky(r: &Record) -> Value {
    let handle = author(r);
    let author_did = if r.inbound {
        format!("did:plc:rider{}", r.user)
    } else {
        did(ACCOUNTS[r.account].0)
    };
    let uri = |did: &str, n: u64| format!("at://{did}/app.bsky.feed.post/3k{n:x}");
    let mut record = json!({
        "$type": "app.bsky.feed.post",
        "createdAt": rfc3339(r.created_at),
        "langs": [r.lang],
        "text": r.text,
    });
    if r.inbound {
        record["facets"] = json!([{"index": {"byteStart": 0, "byteEnd": 1},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did(ACCOUNTS[r.account].0)}]}]);
    }
    if let Some((p, root)) = r.reply_to {
        let parent_did = format!("did:plc:rider{}", r.user);
        record["reply"] = json!({"root": {"uri": uri(&parent_did, root), "cid": "x"},
            "parent": {"uri": uri(&parent_did, p), "cid": "x"}});
    }
    json!({
        "uri": uri(&author_did, r.n), "cid": format!("bafy{:x}", r.n),
        "author": {"did": author_did, "handle": handle},
        "record": record,
        "replyCount": r.replies, "repostCount": r.reposts, "likeCount": r.likes, "quoteCount": 0,
        "indexedAt": rfc3339(r.created_at),
    })
}

/// A Facebook page's own post (`your_posts_N.json`) or a comment (`comments_N.json`).
fn meta(r: &Record) -> (bool, Value) {
    let ts = r.created_at / 1_000_000;
    if !r.inbound && r.reply_to.is_none() {
        return (
            true,
            json!({"timestamp": ts, "data": [{"post": r.text}], "title": "Northline Transit updated their status."}),
        );
    }
    let who = author(r);
    (
        false,
        json!({"timestamp": ts, "data": [{"comment": {"timestamp": ts, "comment": r.text, "author": who}}],
            "title": format!("{who} commented on Northline Transit's post.")}),
    )
}

/// Break a record the way real exports break: truncated line, missing id, bad time.
fn break_record(mut v: Value, how: u8) -> Result<String, String> {
    let obj = v.as_object_mut();
    match (how, obj) {
        (1, Some(o)) => {
            for k in ["id", "id_str", "uri"] {
                o.remove(k);
            }
            if let Some(t) = o.get_mut("tweet").and_then(Value::as_object_mut) {
                t.remove("id");
                t.remove("id_str");
            }
        }
        (2, Some(o)) => {
            for k in ["created_at", "created_utc", "timestamp", "indexedAt"] {
                if o.contains_key(k) {
                    o.insert(k.into(), Value::from("yesterday"));
                }
            }
            if let Some(t) = o.get_mut("tweet").and_then(Value::as_object_mut) {
                t.insert("created_at".into(), Value::from("yesterday"));
            }
            if let Some(rec) = o.get_mut("record").and_then(Value::as_object_mut) {
                rec.insert("createdAt".into(), Value::from("yesterday"));
            }
        }
        _ => {
            let s = serde_json::to_string(&v).map_err(|e| e.to_string())?;
            return Ok(s[..s.len() / 2].to_string());
        }
    }
    serde_json::to_string(&v).map_err(|e| e.to_string())
}

fn open(path: &Path, compression: Compression) -> Result<Box<dyn Write>, String> {
    let f =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let f = std::io::BufWriter::with_capacity(1 << 20, f);
    Ok(match compression {
        Compression::None => Box::new(f),
        Compression::Gzip => Box::new(flate2::write::GzEncoder::new(
            f,
            flate2::Compression::fast(),
        )),
        Compression::Zstd => Box::new(
            zstd::Encoder::new(f, 3)
                .map_err(|e| format!("zstd: {e}"))?
                .auto_finish(),
        ),
    })
}

fn suffix(c: Compression) -> &'static str {
    match c {
        Compression::None => "",
        Compression::Gzip => ".gz",
        Compression::Zstd => ".zst",
    }
}

/// Write one chunk of the stream as one file (two for Meta). Returns the paths.
pub fn write_chunk(
    spec: &Spec,
    dir: &Path,
    no: u32,
    items: &[Item],
) -> Result<Vec<PathBuf>, String> {
    let fmt = spec.format;
    let io = |p: &Path, e: std::io::Error| format!("cannot write {}: {e}", p.display());
    if fmt == Format::Csv {
        let path = dir.join(format!("posts-{no:05}.csv{}", suffix(spec.compression)));
        let mut w = csv::Writer::from_writer(open(&path, spec.compression)?);
        let cols = [
            "id",
            "platform",
            "created_at",
            "author",
            "account",
            "text",
            "lang",
            "reply_to",
            "conversation_id",
            "likes",
            "reposts",
            "replies",
            "views",
            "url",
        ];
        w.write_record(cols).map_err(|e| e.to_string())?;
        for item in items {
            let (r, how) = match item {
                Item::Post(r) => (r, None),
                Item::Malformed(r, how) => (r, Some(*how)),
            };
            let v = flat(r);
            let mut row: Vec<String> = cols
                .iter()
                .map(|c| match &v[*c] {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    x => x.to_string(),
                })
                .collect();
            match how {
                Some(0) => row[9] = "lots".into(),
                Some(1) => row[0].clear(),
                Some(_) => row[2] = "yesterday".into(),
                None => {}
            }
            w.write_record(&row).map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| io(&path, e))?;
        return Ok(vec![path]);
    }
    if fmt.line_oriented() {
        let (stem, ext) = match fmt {
            Format::Reddit => ("RC_northline", "ndjson"),
            Format::TwitterV2 => ("tweets", "jsonl"),
            _ => ("posts", "ndjson"),
        };
        let path = dir.join(format!("{stem}-{no:05}.{ext}{}", suffix(spec.compression)));
        let mut w = open(&path, spec.compression)?;
        let dress = |r: &Record| match fmt {
            Format::TwitterV2 => twitter_v2(r),
            Format::Mastodon => mastodon(r),
            Format::Reddit => reddit(r),
            Format::Bluesky => bluesky(r),
            _ => flat(r),
        };
        for item in items {
            let line = match item {
                Item::Post(r) => serde_json::to_string(&dress(r)).map_err(|e| e.to_string())?,
                Item::Malformed(r, how) => break_record(dress(r), *how)?,
            };
            w.write_all(line.as_bytes()).map_err(|e| io(&path, e))?;
            w.write_all(b"\n").map_err(|e| io(&path, e))?;
        }
        w.flush().map_err(|e| io(&path, e))?;
        return Ok(vec![path]);
    }
    // Document formats: one JSON document per chunk. Malformed records lose their id
    // or time (a truncated document would reject the whole file, which real archives
    // rarely do).
    let record = |item: &Item, dress: &dyn Fn(&Record) -> Value| -> Result<Value, String> {
        match item {
            Item::Post(r) => Ok(dress(r)),
            Item::Malformed(r, how) => {
                let broken = break_record(dress(r), 1 + how % 2)?;
                serde_json::from_str(&broken).map_err(|e| e.to_string())
            }
        }
    };
    match fmt {
        Format::TwitterArchive => {
            let (name, part) = if no == 1 {
                ("tweets.js".to_string(), 0)
            } else {
                (format!("tweets-part{}.js", no - 1), no - 1)
            };
            let path = dir.join(name);
            let tweets: Result<Vec<Value>, String> =
                items.iter().map(|i| record(i, &archive_tweet)).collect();
            let body = serde_json::to_string_pretty(&tweets?).map_err(|e| e.to_string())?;
            std::fs::write(&path, format!("window.YTD.tweets.part{part} = {body}"))
                .map_err(|e| io(&path, e))?;
            Ok(vec![path])
        }
        _ => {
            let mut posts = Vec::new();
            let mut comments = Vec::new();
            for item in items {
                let r = match item {
                    Item::Post(r) | Item::Malformed(r, _) => r,
                };
                let (is_post, mut v) = meta(r);
                if matches!(item, Item::Malformed(..)) {
                    // Meta records carry no id; a record without any time is unreadable.
                    strip_key(&mut v, "timestamp");
                }
                if is_post {
                    posts.push(v);
                } else {
                    comments.push(v);
                }
            }
            let p1 = dir.join(format!("your_posts_{no}.json"));
            let p2 = dir.join(format!("comments_{no}.json"));
            let s1 = serde_json::to_string_pretty(&posts).map_err(|e| e.to_string())?;
            let s2 = serde_json::to_string_pretty(&json!({ "comments_v2": comments }))
                .map_err(|e| e.to_string())?;
            std::fs::write(&p1, s1).map_err(|e| io(&p1, e))?;
            std::fs::write(&p2, s2).map_err(|e| io(&p2, e))?;
            Ok(vec![p1, p2])
        }
    }
}

fn strip_key(v: &mut Value, key: &str) {
    match v {
        Value::Object(o) => {
            o.remove(key);
            o.values_mut().for_each(|x| strip_key(x, key));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| strip_key(x, key)),
        _ => {}
    }
}

/// Files a format needs besides the posts (the X archive's `account.js`).
pub fn write_extras(spec: &Spec, dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    if spec.format == Format::TwitterArchive {
        let path = dir.join("account.js");
        let (handle, name) = ACCOUNTS[0];
        let body = json!([{"account": {"username": handle, "accountId": "1400000000",
            "accountDisplayName": name, "createdVia": "web"}}]);
        std::fs::write(&path, format!("window.YTD.account.part0 = {body:#}"))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        files.push(path);
    }
    Ok(())
}
