//! CrowdTangle's CSV exports (historical data and saved searches), Facebook and
//! Instagram. CrowdTangle closed in August 2024; archives of its exports remain common.
//!
//! Neither export has a post id column: the id is the last segment of the post's `URL`
//! (`https://www.facebook.com/<page>/posts/<id>`, `https://www.instagram.com/p/<code>/`).
//! `Post Created` is the dashboard's local time with a zone abbreviation
//! (`2026-11-03 08:15:42 NZDT`); the abbreviations in [`ZONES`] are turned into UTC; an
//! ambiguous one ([`AMBIGUOUS`]) needs `input.timezone`; any other makes the row a
//! reject. Counts follow the dashboard's locale (`407.137`, `1,4`): see `count`.

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
        "@created" => {
            row("Post Created").map(|t| utc(&t, row(super::TIMEZONE).as_deref()).unwrap_or(t))
        }
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

/// Zone abbreviations CrowdTangle writes after `Post Created` (the dashboard's zone),
/// with their UTC offsets in minutes. Summer and winter names differ, so each is exact.
/// Documented in docs/formats.md.
pub const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("WET", 0),
    ("WEST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("TRT", 180),
    ("WAT", 60),
    ("CAT", 120),
    ("EAT", 180),
    ("SAST", 120),
    ("GST", 240),
    ("PKT", 300),
    ("NPT", 345),
    ("ICT", 420),
    ("WIB", 420),
    ("HKT", 480),
    ("PHT", 480),
    ("SGT", 480),
    ("MYT", 480),
    ("AWST", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("ACDT", 630),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("BRT", -180),
    ("ART", -180),
    ("CLT", -240),
    ("CLST", -180),
    ("COT", -300),
    ("PET", -300),
    ("EST", -300),
    ("EDT", -240),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
];

/// Abbreviations that name more than one zone: a row with one is a reject unless
/// `input.timezone` names the dashboard's zone.
pub const AMBIGUOUS: &[(&str, &str)] = &[
    ("CST", "US Central, China or Cuba"),
    ("IST", "India, Ireland or Israel"),
    ("BST", "British Summer Time or Bangladesh"),
    ("AST", "Atlantic or Arabia"),
];

/// `2026-11-03 08:15:42 NZDT` as RFC 3339 UTC; `None` for another shape or zone, or an
/// ambiguous zone that `timezone` (an IANA name, `input.timezone`) does not settle.
fn utc(local: &str, timezone: Option<&str>) -> Option<String> {
    let (time, zone) = local.trim().rsplit_once(' ')?;
    let naive = NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S").ok()?;
    let utc = match ZONES.iter().find(|(z, _)| *z == zone) {
        Some((_, offset)) => naive - chrono::Duration::minutes(i64::from(*offset)),
        None if AMBIGUOUS.iter().any(|(z, _)| *z == zone) => {
            let tz: chrono_tz::Tz = timezone?.parse().ok()?;
            naive.and_local_timezone(tz).earliest()?.naive_utc()
        }
        None => return None,
    };
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
            utc("2026-11-03 08:15:42 NZDT", None).as_deref(),
            Some("2026-11-02T19:15:42Z")
        );
        assert_eq!(
            utc("2026-11-03 08:15:42 EST", None).as_deref(),
            Some("2026-11-03T13:15:42Z")
        );
        assert_eq!(utc("2026-11-03 08:15:42 XYZ", None), None);
        // Brasília time, as CrowdTangle's search export writes it.
        assert_eq!(
            utc("2021-07-05 18:02:45 BRT", None).as_deref(),
            Some("2021-07-05T21:02:45Z")
        );
        // CST is three zones: settled only by input.timezone.
        assert_eq!(utc("2021-07-05 18:02:45 CST", None), None);
        assert_eq!(
            utc("2021-01-05 18:02:45 CST", Some("America/Chicago")).as_deref(),
            Some("2021-01-06T00:02:45Z")
        );
        assert_eq!(
            utc("2021-01-05 18:02:45 CST", Some("Asia/Shanghai")).as_deref(),
            Some("2021-01-05T10:02:45Z")
        );
    }
}

#[cfg(test)]
mod docs {
    /// docs/formats.md lists every zone abbreviation with the offset the code uses.
    #[test]
    fn the_zone_table_is_documented() {
        let doc = include_str!("../../../docs/formats.md");
        for (zone, minutes) in super::ZONES {
            let sign = if *minutes >= 0 { '+' } else { '−' };
            let m = minutes.abs();
            let entry = format!("`{zone}` {sign}{:02}:{:02}", m / 60, m % 60);
            assert!(doc.contains(&entry), "docs/formats.md lacks {entry}");
        }
        for (zone, meaning) in super::AMBIGUOUS {
            assert!(doc.contains(&format!("{zone} ({meaning})")), "{zone}");
        }
    }
}
