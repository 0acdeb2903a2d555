//! Talkwalker's document export (CSV or XLSX; 93 columns, the Search API's fields
//! flattened with dots): `url, indexed, published, …, title, content, root_url,
//! domain_url, host_url, parent_url, lang, …, sentiment, source_type, post_type, …,
//! extra_author_attributes.id, .name, .short_name, …, engagement, reach, …`.
//!
//! - No id column: a post's id is its X status number where the `url` is an X status,
//!   else the `url` itself; `parent_url` (the post replied to) the same way.
//! - `source_type` lists channels, `SOCIALMEDIA,SOCIALMEDIA_TWITTER`: the platform is
//!   the `SOCIALMEDIA_` one lower-cased (`twitter`), else the first (`onlinenews`).
//! - `published` is `22/09/17 11:00:24` (day first, two-digit year, UTC) in the
//!   interface's export, epoch milliseconds in the API's.
//! - The author is `extra_author_attributes.short_name` (the handle), else `.name`.
//! - `parent_url` is the post's own `url` on an original post and the original's on a
//!   repost: a `RT @` text is a repost, another parent a reply (see `kind`).

use super::{base, col, Preset, Row};
use crate::config::MappingConfig;

pub const DOCUMENTS: Preset = Preset {
    name: "talkwalker",
    signature: &["url", "indexed", "published", "content", "source_type"],
    mapping,
    derive,
};

fn mapping() -> MappingConfig {
    MappingConfig {
        platform_column: col("@platform"),
        author: col("@author"),
        author_id: col("extra_author_attributes.id"),
        url: col("url"),
        lang: col("lang"),
        reply_to: col("@reply_to"),
        kind: col("@kind"),
        ..base("talkwalker", "@id", "@text", "@created", "rfc3339")
    }
}

fn derive(column: &str, row: &Row) -> Option<String> {
    let present = |c: &str| row(c).filter(|v| !v.trim().is_empty());
    match column {
        "@id" => present("url").map(|u| post_id(&u)),
        "@reply_to" => match kind(row) {
            "reply" => present("parent_url").map(|u| post_id(&u)),
            _ => None,
        },
        "@kind" => Some(kind(row).to_string()),
        "@platform" => present("source_type").map(|s| platform(&s)),
        "@created" => present("published").map(|t| utc(&t).unwrap_or(t)),
        "@author" => present("extra_author_attributes.short_name")
            .or_else(|| present("extra_author_attributes.name")),
        "@text" => present("content").or_else(|| present("title")),
        _ => None,
    }
}

/// What a document is. `parent_url` is the post's own `url` on an original and the
/// original's on a repost, so it alone does not make a reply: a text that starts
/// `RT @` is a repost, a parent other than the post itself a reply, anything else an
/// original post.
fn kind(row: &Row) -> &'static str {
    let present = |c: &str| row(c).filter(|v| !v.trim().is_empty());
    let text = present("content").or_else(|| present("title"));
    if text.is_some_and(|t| t.trim_start().starts_with("RT @")) {
        return "repost";
    }
    let own = present("url").map(|u| post_id(&u));
    match present("parent_url").map(|u| post_id(&u)) {
        Some(parent) if Some(&parent) != own.as_ref() => "reply",
        _ => "original",
    }
}

/// An X status URL's number, else the URL as it is.
fn post_id(url: &str) -> String {
    let u = url.trim();
    let is_x = ["twitter.com/", "x.com/"].iter().any(|h| u.contains(h));
    if let Some((_, rest)) = u.split_once("/status/").filter(|_| is_x) {
        let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !id.is_empty() {
            return id;
        }
    }
    u.to_string()
}

fn platform(source_type: &str) -> String {
    let parts: Vec<&str> = source_type.split(',').map(str::trim).collect();
    parts
        .iter()
        .find_map(|p| p.strip_prefix("SOCIALMEDIA_"))
        .or_else(|| parts.first().copied())
        .unwrap_or_default()
        .to_lowercase()
}

/// `22/09/17 11:00:24` (UTC) or epoch milliseconds as RFC 3339; `None` otherwise.
fn utc(published: &str) -> Option<String> {
    let t = published.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let ms: i64 = t.parse().ok()?;
        let at = chrono::DateTime::from_timestamp_millis(ms)?;
        return Some(at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
    }
    // (a workbook's date cell arrives as RFC 3339)
    if chrono::DateTime::parse_from_rfc3339(t).is_ok() {
        return Some(t.to_string());
    }
    let at = chrono::NaiveDateTime::parse_from_str(t, "%d/%m/%y %H:%M:%S").ok()?;
    Some(at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_platforms_and_times() {
        assert_eq!(
            post_id("https://twitter.com/northline/status/1853200000000000002?s=20"),
            "1853200000000000002"
        );
        assert_eq!(
            post_id("https://www.instagram.com/p/DBn0rthL1n3/"),
            "https://www.instagram.com/p/DBn0rthL1n3/"
        );
        assert_eq!(platform("SOCIALMEDIA,SOCIALMEDIA_TWITTER"), "twitter");
        assert_eq!(platform("ONLINENEWS"), "onlinenews");
        assert_eq!(
            utc("22/09/17 11:00:24").as_deref(),
            Some("2017-09-22T11:00:24Z")
        );
        assert_eq!(
            utc("1506078024000").as_deref(),
            Some("2017-09-22T11:00:24.000Z")
        );
        assert_eq!(utc("2017-09-22"), None);
    }
}
