//! CrowdTangle's CSV exports (historical data and saved searches), Facebook and
//! Instagram. CrowdTangle closed in August 2024; archives of its exports remain common.
//!
//! Neither export has a post id column: the id is the last segment of the post's `URL`
//! (`https://www.facebook.com/<page>/posts/<id>`, `https://www.instagram.com/p/<code>/`).
//! `Post Created` is the dashboard's local time with a zone abbreviation
//! (`2026-11-03 08:15:42 NZDT`); the abbreviations below are turned into UTC, any other
//! makes the row a reject naming it.

use super::{base, col, Preset};
use crate::config::MappingConfig;
use chrono::NaiveDateTime;

pub const FACEBOOK: Preset = Preset {
    name: "crowdtangle-facebook",
    signature: &[
        "Facebook Id",
        "Likes at Posting",
        "Post Created",
        "Total Interactions",
        "Message",
        "URL",
    ],
    mapping: facebook,
    derive,
};

pub const INSTAGRAM: Preset = Preset {
    name: "crowdtangle-instagram",
    signature: &[
        "Account",
        "User Name",
        "Followers at Posting",
        "Post Created",
        "Description",
        "URL",
    ],
    mapping: instagram,
    derive,
};

fn facebook() -> MappingConfig {
    MappingConfig {
        platform: col("facebook"),
        author: col("Page Name"),
        author_id: col("Facebook Id"),
        url: col("URL"),
        likes: col("Likes"),
        replies: col("Comments"),
        reposts: col("Shares"),
        views: col("Post Views"),
        ..base(
            "crowdtangle-facebook",
            "@id",
            "Message",
            "@created",
            "rfc3339",
        )
    }
}

fn instagram() -> MappingConfig {
    MappingConfig {
        platform: col("instagram"),
        author: col("User Name"),
        url: col("URL"),
        likes: col("Likes"),
        replies: col("Comments"),
        views: col("Views"),
        ..base(
            "crowdtangle-instagram",
            "@id",
            "Description",
            "@created",
            "rfc3339",
        )
    }
}

fn derive(column: &str, row: &super::Row) -> Option<String> {
    match column {
        "@id" => row("URL").and_then(|u| last_segment(&u)),
        // Unconverted (an unknown zone) it stays as given, so the reject shows it.
        "@created" => row("Post Created").map(|t| utc(&t).unwrap_or(t)),
        _ => None,
    }
}

/// The last non-empty path segment of a URL, without query or fragment.
fn last_segment(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    let (_host, rest) = path.split_once('/')?;
    rest.split('/').rfind(|s| !s.is_empty()).map(str::to_string)
}

/// Zone abbreviations CrowdTangle writes after `Post Created`, with their UTC offsets
/// in minutes (the dashboard's zone; summer and winter names differ, so each is exact).
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("BST", 60),
    ("IST", 330),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("JST", 540),
    ("KST", 540),
    ("SGT", 480),
    ("AEST", 600),
    ("AEDT", 660),
    ("ACST", 570),
    ("ACDT", 630),
    ("AWST", 480),
    ("NZST", 720),
    ("NZDT", 780),
];

/// `2026-11-03 08:15:42 NZDT` as RFC 3339 UTC; `None` for another shape or zone.
fn utc(local: &str) -> Option<String> {
    let (time, zone) = local.trim().rsplit_once(' ')?;
    let offset = ZONES.iter().find(|(z, _)| *z == zone)?.1;
    let naive = NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S").ok()?;
    let utc = naive - chrono::Duration::minutes(i64::from(offset));
    Some(utc.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_times() {
        assert_eq!(
            last_segment("https://www.facebook.com/NorthlineTransit/posts/1029384756").as_deref(),
            Some("1029384756")
        );
        assert_eq!(
            last_segment("https://www.instagram.com/p/DBn0rthL1n3/?img_index=1").as_deref(),
            Some("DBn0rthL1n3")
        );
        assert_eq!(last_segment("https://www.facebook.com/"), None);
        // NZDT is UTC+13: 08:15 local is 19:15 the day before.
        assert_eq!(
            utc("2026-11-03 08:15:42 NZDT").as_deref(),
            Some("2026-11-02T19:15:42Z")
        );
        assert_eq!(
            utc("2026-11-03 08:15:42 EST").as_deref(),
            Some("2026-11-03T13:15:42Z")
        );
        assert_eq!(utc("2026-11-03 08:15:42 XYZ"), None);
    }
}
