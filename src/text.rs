//! Text clean-up shared by the readers: HTML to plain text, entity decoding,
//! mojibake repair, and timestamp parsing to UTC microseconds.

use crate::model::Micros;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// Decode HTML entities (`&amp;`, `&#8217;`, `&eacute;` ...). Cheap when there is no `&`:
/// an owned input is then returned as it is, a borrowed one copied once.
pub fn decode_entities<'a>(s: impl Into<std::borrow::Cow<'a, str>>) -> String {
    let s = s.into();
    if !s.contains('&') {
        return s.into_owned();
    }
    html_escape::decode_html_entities(&s).into_owned()
}

/// Convert an HTML fragment (Mastodon `content`) to plain text: tags removed,
/// `<br>` becomes a newline, paragraphs are separated by a blank line, entities decoded.
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') {
        return decode_entities(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('>') else {
            // An unclosed '<' is text, not a tag.
            out.push_str(after);
            rest = "";
            break;
        };
        let tag = after[1..end].trim().to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match name.as_str() {
            "br" => out.push('\n'),
            "p" | "div" | "li" | "blockquote" if tag.starts_with('/') => out.push_str("\n\n"),
            _ => {}
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    decoded.trim_end_matches('\n').trim_start().to_string()
}

/// Repair Meta's mojibake: UTF-8 bytes written as one `\u00XX` escape per byte
/// (so "’" arrives as "\u00e2\u0080\u0099"). Strings that are not of that shape
/// are returned unchanged.
pub fn fix_mojibake(s: &str) -> String {
    if s.is_ascii() || s.chars().any(|c| c as u32 > 0xFF) {
        return s.to_string();
    }
    let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
    match String::from_utf8(bytes) {
        Ok(fixed) => fixed,
        Err(_) => s.to_string(),
    }
}

/// Parse RFC 3339 / ISO 8601 (`2024-03-05T08:15:00.000Z`, `...+13:00`; no offset means UTC).
pub fn parse_iso8601(s: &str) -> Option<Micros> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc).timestamp_micros());
    }
    // Common relaxed forms: space instead of 'T', no offset (taken as UTC).
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&n).timestamp_micros());
        }
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.with_timezone(&Utc).timestamp_micros());
        }
    }
    None
}

/// Parse the classic Twitter format `Wed Oct 10 20:19:24 +0000 2018`.
pub fn parse_twitter_date(s: &str) -> Option<Micros> {
    DateTime::parse_from_str(s.trim(), "%a %b %d %H:%M:%S %z %Y")
        .ok()
        .map(|dt| dt.with_timezone(&Utc).timestamp_micros())
}

/// Unix seconds (integer or fractional) to microseconds; rejects values outside years 1970..2200.
pub fn unix_seconds(secs: f64) -> Option<Micros> {
    if !(0.0..7_258_118_400.0).contains(&secs) {
        return None;
    }
    Some((secs * 1_000_000.0).round() as Micros)
}

/// A JSON value holding unix seconds as a number or a numeric string (Reddit dumps have both).
pub fn json_unix_seconds(v: &serde_json::Value) -> Option<Micros> {
    match v {
        serde_json::Value::Number(n) => n.as_f64().and_then(unix_seconds),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok().and_then(unix_seconds),
        _ => None,
    }
}

/// Parse a timestamp with a configured format: `rfc3339`/`iso8601`, `unix`, `unix_ms`,
/// `twitter`, or a chrono strftime pattern (taken as UTC unless it contains an offset).
pub fn parse_with_format(s: &str, format: &str) -> Option<Micros> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match format {
        "rfc3339" | "iso8601" | "auto" => parse_iso8601(s),
        "unix" => s.parse::<f64>().ok().and_then(unix_seconds),
        "unix_ms" => s
            .parse::<f64>()
            .ok()
            .and_then(|ms| unix_seconds(ms / 1000.0)),
        "twitter" => parse_twitter_date(s),
        pattern => {
            if pattern.contains("%z") || pattern.contains("%:z") || pattern.contains("%#z") {
                DateTime::parse_from_str(s, pattern)
                    .ok()
                    .map(|dt| dt.with_timezone(&Utc).timestamp_micros())
            } else {
                NaiveDateTime::parse_from_str(s, pattern)
                    .ok()
                    .map(|n| Utc.from_utc_datetime(&n).timestamp_micros())
            }
        }
    }
}

/// `YYYY-MM-DD` of a UTC timestamp (the partition value of `posts`).
pub fn utc_date(micros: Micros) -> String {
    match DateTime::<Utc>::from_timestamp_micros(micros) {
        Some(dt) => dt.format("%Y-%m-%d").to_string(),
        None => "invalid".to_string(),
    }
}

/// The calendar day of a timestamp in zone `tz`; `None` when the time, or its local
/// time, is outside the calendar chrono can represent (it would panic there).
pub fn local_day_in(micros: Micros, tz: chrono_tz::Tz) -> Option<chrono::NaiveDate> {
    use chrono::{Offset, TimeZone};
    let utc = DateTime::<Utc>::from_timestamp_micros(micros)?.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    utc.checked_add_offset(offset).map(|t| t.date())
}

/// Day number since the epoch (UTC) of a timestamp.
pub fn utc_day(micros: Micros) -> i64 {
    micros.div_euclid(86_400_000_000)
}

/// `s` lower-cased, borrowed when it has nothing to lower (ASCII without capitals, the
/// usual handle or id), so a lookup allocates only when it must.
pub fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

/// The whitespace-separated words of `text` that start with `@`, without it: what
/// `text.split_whitespace().filter_map(|w| w.strip_prefix('@'))` yields, found from
/// each `@` instead of walking every character (most posts have none or one).
pub fn at_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    memchr::memchr_iter(b'@', text.as_bytes()).filter_map(move |i| {
        // `@` is ASCII, so `i` and `i + 1` are character boundaries.
        if text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace())
        {
            return None;
        }
        let rest = &text[i + 1..];
        Some(&rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_words_are_the_whitespace_words_after_their_at() {
        let texts = [
            "",
            "@",
            "@@a @b",
            "a@b c @d\t@e\n@f",
            "@NorthlineTransit bus 12? cc @x_y.",
            "\u{3000}@ideo\u{a0}@nbsp x@\u{2003}@em",
            "caf\u{e9}@no \u{e9}@no  @\u{e9}t\u{e9} end@",
            " @ @ trailing @",
        ];
        for t in texts {
            let reference: Vec<&str> = t
                .split_whitespace()
                .filter_map(|w| w.strip_prefix('@'))
                .collect();
            assert_eq!(at_words(t).collect::<Vec<_>>(), reference, "{t:?}");
        }
        assert_eq!(at_words("hi @a and @b!").collect::<Vec<_>>(), ["a", "b!"]);
    }

    #[test]
    fn html_paragraphs_and_entities() {
        let html = "<p>Bus 12 late again &amp; no notice <a href=\"https://x\" class=\"mention\">@<span>northline</span></a></p><p>second<br>line</p>";
        assert_eq!(
            html_to_text(html),
            "Bus 12 late again & no notice @northline\n\nsecond\nline"
        );
    }

    #[test]
    fn mojibake_is_repaired_only_when_it_is_mojibake() {
        assert_eq!(
            fix_mojibake("We\u{e2}\u{80}\u{99}re sorry"),
            "We\u{2019}re sorry"
        );
        assert_eq!(fix_mojibake("caf\u{e9}"), "caf\u{e9}"); // lone Latin-1 é is not valid UTF-8 bytes
        assert_eq!(fix_mojibake("plain"), "plain");
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            parse_twitter_date("Wed Oct 10 20:19:24 +0000 2018"),
            Some(1_539_202_764_000_000)
        );
        assert_eq!(
            parse_iso8601("2018-10-10T20:19:24.123Z"),
            Some(1_539_202_764_123_000)
        );
        assert_eq!(
            parse_iso8601("2018-10-11T09:19:24+13:00"),
            Some(1_539_202_764_000_000)
        );
        assert_eq!(
            parse_with_format("10/10/2018 20:19", "%d/%m/%Y %H:%M"),
            Some(1_539_202_740_000_000)
        );
        assert_eq!(utc_date(1_539_202_764_000_000), "2018-10-10");
    }
}
