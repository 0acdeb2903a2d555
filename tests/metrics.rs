//! Metric tables on hand-made posts, with every expected value worked out by hand in
//! the comments (not taken from the program's output).

mod common;
use chrono::NaiveDate;
use chrono_tz::Tz;
use common::*;
use socialpulse::metrics::daily_sentiment::Row;
use socialpulse::metrics::Accumulators;
use socialpulse::model::{Direction, Kind, Post, Sentiment};

fn p(
    platform: &str,
    account: &str,
    dir: Direction,
    kind: Kind,
    author: &str,
    at: &str,
    compound: Option<f64>,
) -> Post {
    let mut post = Post::new(platform, format!("{author}-{at}"), ts(at), "x".into());
    post.account = Some(account.into());
    post.direction = dir;
    post.kind = kind;
    post.author_id = Some(author.into());
    match compound {
        Some(c) => {
            post.sentiment = Some(Sentiment {
                neg: 0.0,
                neu: 0.0,
                pos: 0.0,
                compound: c,
            });
            post.sentiment_label = Some(
                if c >= 0.05 {
                    "positive"
                } else if c <= -0.05 {
                    "negative"
                } else {
                    "neutral"
                }
                .into(),
            );
        }
        None => post.sentiment_skipped = Some("lang:es".into()),
    }
    post
}

fn posts() -> Vec<Post> {
    use Direction::*;
    use Kind::*;
    vec![
        // 1: 10:30Z on 3 Nov = 23:30 on 3 Nov in Auckland (NZDT, UTC+13).
        p(
            "twitter",
            "NorthlineTransit",
            Inbound,
            Original,
            "A",
            "2026-11-03T10:30:00Z",
            Some(-0.5),
        ),
        // 2: 11:30Z on 3 Nov = 00:30 on 4 Nov in Auckland: across the time-zone boundary.
        p(
            "twitter",
            "NorthlineTransit",
            Inbound,
            Original,
            "B",
            "2026-11-03T11:30:00Z",
            Some(0.6),
        ),
        // 3: author A again, a reply, 4 Nov in both zones.
        p(
            "twitter",
            "NorthlineTransit",
            Inbound,
            Reply,
            "A",
            "2026-11-04T01:00:00Z",
            Some(0.0),
        ),
        // 4: our reply.
        p(
            "twitter",
            "NorthlineTransit",
            Outbound,
            Reply,
            "NorthlineTransit",
            "2026-11-04T02:00:00Z",
            Some(0.4),
        ),
        // 5: Spanish, skipped.
        p(
            "twitter",
            "NorthlineTransit",
            Inbound,
            Original,
            "C",
            "2026-11-04T03:00:00Z",
            None,
        ),
        // 6: another platform and account.
        p(
            "mastodon",
            "northline",
            Inbound,
            Original,
            "D",
            "2026-11-04T04:00:00Z",
            Some(-0.2),
        ),
    ]
}

fn acc(posts: &[Post], tz: Tz) -> Accumulators {
    let mut a = Accumulators::default();
    for x in posts {
        a.add(x, tz);
    }
    a
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn daily_volume_in_the_reporting_time_zone() {
    let a = acc(&posts(), Tz::Pacific__Auckland);
    let rows: Vec<(String, String, &str, &str, u64, u64, u64)> = a
        .volume
        .rows()
        .into_iter()
        .map(|(k, posts, unique, new)| (k.0.to_string(), k.1, k.3, k.4, posts, unique, new))
        .collect();
    let r =
        |date: &str, pl: &str, dir: &'static str, kind: &'static str, n: u64, u: u64, new: u64| {
            (date.to_string(), pl.to_string(), dir, kind, n, u, new)
        };
    assert_eq!(
        rows,
        vec![
            // 3 Nov: only post 1 (A, first appearance).
            r("2026-11-03", "twitter", "inbound", "original", 1, 1, 1),
            // 4 Nov: mastodon post 6 (D, new).
            r("2026-11-04", "mastodon", "inbound", "original", 1, 1, 1),
            // 4 Nov twitter inbound originals: posts 2 (B) and 5 (C), both new.
            r("2026-11-04", "twitter", "inbound", "original", 2, 2, 2),
            // Post 3: A's second day, so not new.
            r("2026-11-04", "twitter", "inbound", "reply", 1, 1, 0),
            r("2026-11-04", "twitter", "outbound", "reply", 1, 1, 1),
        ]
    );
    // In UTC, post 2 belongs to 3 Nov: two originals that day, none on 4 Nov besides post 5.
    let utc = acc(&posts(), Tz::UTC);
    let first = &utc.volume.rows()[0];
    assert_eq!(
        (first.0 .0, first.1, first.2, first.3),
        (d("2026-11-03"), 2, 2, 2)
    );
}

#[test]
fn daily_sentiment_worked_by_hand() {
    let a = acc(&posts(), Tz::Pacific__Auckland);
    let rows = a.sentiment.rows();
    let find = |date: &str, platform: &str, dir: &str| -> Row {
        rows.iter()
            .find(|r| r.key.0 == d(date) && r.key.1 == platform && r.key.3 == dir)
            .cloned()
            .unwrap_or_else(|| panic!("no row {date} {platform} {dir}"))
    };
    // 3 Nov inbound twitter: post 1 only (-0.5, negative): net = (0 - 1) / 1 = -1.
    let r = find("2026-11-03", "twitter", "inbound");
    assert_eq!((r.posts, r.scored, r.skipped), (1, 1, 0));
    assert_eq!(
        (r.mean, r.median, r.net),
        (Some(-0.5), Some(-0.5), Some(-1.0))
    );
    assert_eq!(
        (r.positive_share, r.neutral_share, r.negative_share),
        (Some(0.0), Some(0.0), Some(1.0))
    );
    // 4 Nov inbound twitter: posts 2 (0.6), 3 (0.0), 5 (skipped).
    // mean = (0.6 + 0.0) / 2 = 0.3; median of {0.0, 0.6} = 0.3; shares 1/2 positive,
    // 1/2 neutral; net = (1 - 0) / (1 + 0) = 1.
    let r = find("2026-11-04", "twitter", "inbound");
    assert_eq!((r.posts, r.scored, r.skipped), (3, 2, 1));
    assert_eq!((r.mean, r.median, r.net), (Some(0.3), Some(0.3), Some(1.0)));
    assert_eq!(
        (r.positive_share, r.neutral_share, r.negative_share),
        (Some(0.5), Some(0.5), Some(0.0))
    );
    // 4 Nov outbound: post 4 (0.4).
    let r = find("2026-11-04", "twitter", "outbound");
    assert_eq!((r.mean, r.net), (Some(0.4), Some(1.0)));
    // A group with only neutral or skipped posts has no net sentiment (null, not 0).
    let only_skipped = acc(&posts()[4..5], Tz::UTC).sentiment.rows();
    assert_eq!(
        (
            only_skipped[0].scored,
            only_skipped[0].mean,
            only_skipped[0].net
        ),
        (0, None, None)
    );
}

#[test]
fn accumulators_merge_like_a_single_pass() {
    let all = posts();
    let whole = acc(&all, Tz::Pacific__Auckland);
    // Any split, merged in any order, gives the same tables.
    let merged = acc(&all[3..], Tz::Pacific__Auckland).merge(acc(&all[..3], Tz::Pacific__Auckland));
    assert_eq!(whole.volume.rows(), merged.volume.rows());
    assert_eq!(whole.sentiment.rows(), merged.sentiment.rows());
}
